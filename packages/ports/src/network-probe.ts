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
