import type { NetworkProbe, ProbeTarget } from "@nerves-hub-ts/ports";

/** A scriptable NetworkProbe; also a test double. */
export class MemoryNetworkProbe implements NetworkProbe {
  readonly probes: ProbeTarget[] = [];
  constructor(
    /** Which targets answer: per target, or answers for successive calls (the last one repeats). */
    public reachability: boolean[] | ((target: ProbeTarget) => boolean) = [true],
    /** Interface names by local address. */
    public interfaces: Record<string, string> = {},
  ) {}
  async reachable(target: ProbeTarget): Promise<boolean> {
    this.probes.push(target);
    if (typeof this.reachability === "function") return this.reachability(target);
    const answer = this.reachability.length > 1 ? this.reachability.shift() : this.reachability[0];
    return answer ?? true;
  }
  async interfaceFor(localAddress: string): Promise<string | undefined> {
    return this.interfaces[localAddress];
  }
}
