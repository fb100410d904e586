// The FirmwareInstaller contract: what `FirmwareInstaller` and `InstallSession` in
// @nerves-hub-ts/ports promise, as tests. Every rule an installer keeps (a short input fails, cancel
// refuses later writes, the result never rejects) is written here once.
import type {
  FirmwareInstaller,
  FwupMessage,
  InstallRequest,
  InstallResult,
  InstallSession,
} from "@nerves-hub-ts/ports";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sameBytes } from "./bytes.js";

export interface InstallerFixture {
  installer: FirmwareInstaller;
  /** An image this installer accepts (a signed .fw for fwup; any bytes for a sandbox). */
  firmware: Uint8Array;
  /** What installing `firmware` needs besides size and checksum, e.g. its `publicKeys`. */
  request?: Partial<Omit<InstallRequest, "onMessage">>;
  /** Whether the installer checks `checksum` itself (fwup leaves that to the update strategy). */
  checksChecksum: boolean;
  /** What the last successful install put in place, read back, with what it should hold. */
  installed?(): Promise<{ actual: Uint8Array; expected: Uint8Array }>;
  teardown?(): Promise<void>;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Registers the FirmwareInstaller contract for the installer `setup` builds (once per test). */
export function installerContract(name: string, setup: () => Promise<InstallerFixture>): void {
  describe(`${name} (FirmwareInstaller contract)`, () => {
    let fixture: InstallerFixture;
    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await fixture.teardown?.();
    });

    const begin = (request: Partial<InstallRequest> = {}) => {
      const messages: FwupMessage[] = [];
      const session = fixture.installer.begin({
        publicKeys: [],
        ...fixture.request,
        ...request,
        onMessage: (m) => messages.push(m),
      });
      return { session, messages };
    };
    /** Writes `bytes` in seven pieces or so; a write the installer refuses stops the feed. */
    const feed = async (session: InstallSession, bytes: Uint8Array) => {
      const piece = Math.max(1, Math.ceil(bytes.length / 7));
      for (let at = 0; at < bytes.length; at += piece) await session.write(bytes.subarray(at, at + piece));
    };
    /** The verdict; a rejected result fails the test here rather than as an unhandled rejection. */
    const verdict = async (session: InstallSession): Promise<InstallResult> => {
      let rejected: unknown;
      const result = await session.result.catch((e: unknown) => {
        rejected = e;
        return undefined;
      });
      expect(rejected, "InstallSession.result must never reject").toBeUndefined();
      return result as InstallResult;
    };
    const install = async (request: Partial<InstallRequest> = {}) => {
      const { session, messages } = begin({ size: fixture.firmware.length, ...request });
      await feed(session, fixture.firmware);
      session.end();
      return { session, messages, result: await verdict(session) };
    };

    it("installs the firmware streamed in pieces: progress never goes back, then OK", async () => {
      const { result, messages } = await install();
      expect(result).toEqual({ ok: true });
      const percents = messages.flatMap((m) => (m.type === "progress" ? [m.percent] : []));
      for (const [i, p] of percents.entries()) {
        expect(p).toBeGreaterThanOrEqual(i === 0 ? 0 : (percents[i - 1] as number));
        expect(p).toBeLessThanOrEqual(100);
      }
      expect(messages.at(-1)).toMatchObject({ type: "ok" });
      expect(messages.filter((m) => m.type === "error")).toEqual([]);
    });

    it("puts exactly the firmware in place", async (ctx) => {
      if (!fixture.installed) return ctx.skip();
      expect((await install()).result).toEqual({ ok: true });
      const { actual, expected } = await fixture.installed();
      expect(actual.length).toBe(expected.length);
      expect(sameBytes(actual, expected)).toBe(true);
    });

    it("installs without a size or checksum given", async () => {
      expect((await install({ size: undefined, checksum: undefined })).result).toEqual({ ok: true });
    });

    it("an input cut short fails with an fwup error, reported last", async () => {
      const { session, messages } = begin({ size: fixture.firmware.length });
      await feed(session, fixture.firmware.subarray(0, Math.floor(fixture.firmware.length / 2))).catch(
        () => undefined,
      );
      session.end();
      const result = await verdict(session);
      expect(result).toMatchObject({ ok: false, failure: { kind: "fwup" } });
      // The last message is fwup's ER, saying what the result says.
      const reason = !result.ok && result.failure.kind === "fwup" ? result.failure.message : undefined;
      expect(messages.at(-1)).toMatchObject({ type: "error", text: reason });
    });

    it("no input at all fails, and the result does not reject", async () => {
      const { session } = begin({ size: fixture.firmware.length });
      session.end();
      expect(await verdict(session)).toMatchObject({ ok: false });
    });

    it("a checksum in upper or lower case that matches is accepted", async (ctx) => {
      if (!fixture.checksChecksum) return ctx.skip();
      const sha = await sha256Hex(fixture.firmware);
      expect((await install({ checksum: sha.toUpperCase() })).result).toEqual({ ok: true });
      expect((await install({ checksum: sha })).result).toEqual({ ok: true });
    });

    it("a checksum that does not match fails with an fwup error", async (ctx) => {
      if (!fixture.checksChecksum) return ctx.skip();
      const { result, messages } = await install({ checksum: "0".repeat(64) });
      expect(result).toMatchObject({ ok: false, failure: { kind: "fwup" } });
      expect(messages.at(-1)).toMatchObject({ type: "error" });
    });

    it("cancel settles the result as not ok with the reason, and refuses later writes", async () => {
      const { session } = begin({ size: fixture.firmware.length });
      await session.write(fixture.firmware.subarray(0, Math.ceil(fixture.firmware.length / 4)));
      session.cancel("contract: download failed");
      const result = await verdict(session);
      expect(result).toMatchObject({
        ok: false,
        failure: { kind: "unexpected", message: expect.stringContaining("contract: download failed") },
      });
      await expect(session.write(fixture.firmware.subarray(0, 16))).rejects.toThrow();
    });

    it("once the verdict is in, writes are refused and end or cancel change nothing", async () => {
      const { session, result } = await install();
      expect(result).toEqual({ ok: true });
      await expect(session.write(fixture.firmware.subarray(0, 16))).rejects.toThrow();
      session.end();
      session.cancel("too late");
      expect(await verdict(session)).toEqual({ ok: true });
    });

    it("installs one after another from the same installer", async () => {
      expect((await install()).result).toEqual({ ok: true });
      expect((await install()).result).toEqual({ ok: true });
    });
  });
}
