// The NetworkProbe contract: what `NetworkProbe` in @nerves-hub-ts/ports promises, as tests.
import type { NetworkProbe, ProbeTarget } from "@nerves-hub-ts/ports";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

export interface NetworkProbeFixture {
  probe: NetworkProbe;
  /** A host and port that accept TCP connections. */
  reachable: ProbeTarget;
  /** A host and port nothing listens on. */
  unreachable: ProbeTarget;
  /** A local address and the interface that owns it (`127.0.0.1` and `lo`, say). */
  local: { address: string; interfaceName: string };
  /** An address no local interface owns. */
  foreignAddress: string;
  teardown?(): Promise<void>;
}

/** Registers the NetworkProbe contract for the probe `setup` builds (once per test). */
export function networkProbeContract(name: string, setup: () => Promise<NetworkProbeFixture>): void {
  describe(`${name} (NetworkProbe contract)`, () => {
    let fixture: NetworkProbeFixture;
    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await fixture.teardown?.();
    });

    it("a target that accepts connections is reachable, one that does not is not", async () => {
      const { probe } = fixture;
      expect(await probe.reachable(fixture.reachable, 2000)).toBe(true);
      expect(await probe.reachable(fixture.unreachable, 2000)).toBe(false);
      // The answer depends on the target, not on the order of the questions.
      expect(await probe.reachable(fixture.reachable, 2000)).toBe(true);
    });

    it("names the interface owning a local address, and none for a foreign one", async () => {
      const { probe, local } = fixture;
      expect(await probe.interfaceFor(local.address)).toBe(local.interfaceName);
      expect(await probe.interfaceFor(fixture.foreignAddress)).toBeUndefined();
    });
  });
}
