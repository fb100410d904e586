/** A host and port to probe. */
export interface ProbeTarget {
  host: string;
  port: number;
}

/** Port: is the network up, and which interface carries the hub connection? */
export interface NetworkProbe {
  /** True when a plain TCP connection to `target` opens within `timeoutMs`. */
  reachable(target: ProbeTarget, timeoutMs: number): Promise<boolean>;
  /** The interface name (e.g. `eth0`) owning a local IP address, when it can be found. */
  interfaceFor(localAddress: string): Promise<string | undefined>;
}

/** A scriptable NetworkProbe; also a test double. */
export class MemoryNetworkProbe implements NetworkProbe {
  readonly probes: ProbeTarget[] = [];
  constructor(
    /** Answers for successive `reachable` calls; the last one repeats. */
    public reachability: boolean[] = [true],
    public interfaces: Record<string, string> = {},
  ) {}
  async reachable(target: ProbeTarget): Promise<boolean> {
    this.probes.push(target);
    const answer = this.reachability.length > 1 ? this.reachability.shift() : this.reachability[0];
    return answer ?? true;
  }
  async interfaceFor(localAddress: string): Promise<string | undefined> {
    return this.interfaces[localAddress];
  }
}
