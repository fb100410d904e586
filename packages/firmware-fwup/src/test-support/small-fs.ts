// A real, small file system for disk-full tests: a tmpfs of a few MiB, mounted for one test.
// Mounting needs root; where the machine does not allow it, `smallFsUnavailable` says why.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SmallFs {
  dir: string;
  unmount(): void;
}

/** Mounts a tmpfs of `mib` MiB on a new temporary directory. */
export function mountSmallFs(mib: number): SmallFs {
  const dir = mkdtempSync(join(tmpdir(), "small-fs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${mib}m`, "tmpfs", dir], { stdio: "pipe" });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    unmount: () => {
      // Lazily when a test left a file open (a hang it caught), so the mount never outlives the run.
      execFileSync("umount", ["--lazy", dir], { stdio: "pipe" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why small file systems cannot be mounted here, or undefined when they can. */
export const smallFsUnavailable: string | undefined = probe();

function probe(): string | undefined {
  if (process.platform !== "linux") return `tmpfs mounts need Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return "tmpfs mounts need root, and the tests do not run as root";
  try {
    mountSmallFs(1).unmount();
    return undefined;
  } catch (e) {
    return `mount -t tmpfs failed: ${(e as Error).message.split("\n")[0]}`;
  }
}
