// Bundles a TypeScript entry into one plain ESM file for Node 20, as a release would ship it, so a
// benchmark measures compiled JS on plain node rather than the tsx loader (which alone adds ~35 MB
// RSS). esbuild comes with tsx.
import { createRequire } from "node:module";

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** Writes `entry` and everything it imports (workspace packages from source) to `outfile`. */
export async function bundleForNode(
  entry: string,
  outfile: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const esbuild = createRequire(import.meta.resolve("tsx"))("esbuild") as Esbuild;
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["source"],
    logLevel: "warning",
    ...extra,
  });
  return outfile;
}
