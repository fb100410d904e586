// The block-device refusal is tested against a real block device in /dev; a container or a CI runner
// may have none, and then those tests are skipped, saying so.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { TestContext } from "vitest";

export const NO_BLOCK_DEVICE =
  "no block device in /dev on this machine (a container?), so the fwup_devpath block-device refusal is not tested here";

export async function firstBlockDevice(): Promise<string | undefined> {
  for (const name of await readdir("/dev")) {
    if ((await stat(join("/dev", name)).catch(() => undefined))?.isBlockDevice()) return join("/dev", name);
  }
  return undefined;
}

/** A block device to test with; without one the test is skipped with the reason, also on stderr. */
export async function blockDeviceOrSkip(ctx: TestContext): Promise<string> {
  const device = await firstBlockDevice();
  if (device) return device;
  console.warn(`[device] skipped "${ctx.task.name}": ${NO_BLOCK_DEVICE}`);
  return ctx.skip(NO_BLOCK_DEVICE);
}
