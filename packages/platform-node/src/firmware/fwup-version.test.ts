import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fwupVersionProbe } from "./fwup-version.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nh-fwup-version-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("fwupVersionProbe", () => {
  it("answers the trimmed `--version` output, asking the command only once", async () => {
    const fake = join(dir, "fwup");
    const calls = join(dir, "calls");
    await writeFile(fake, `#!/bin/sh\necho "$1" >> ${calls}\necho " 1.16.0 "\n`);
    await chmod(fake, 0o755);
    const version = fwupVersionProbe(fake);
    expect(await version()).toBe("1.16.0");
    expect(await version()).toBe("1.16.0");
    expect(await readFile(calls, "utf8")).toBe("--version\n");
  });

  it("answers undefined when the command is missing, fails or prints nothing", async () => {
    const silent = join(dir, "silent");
    await writeFile(silent, "#!/bin/sh\nexit 0\n");
    await chmod(silent, 0o755);
    expect(await fwupVersionProbe(join(dir, "no-such-fwup"))()).toBeUndefined();
    expect(await fwupVersionProbe("false")()).toBeUndefined();
    expect(await fwupVersionProbe(silent)()).toBeUndefined();
  });
});
