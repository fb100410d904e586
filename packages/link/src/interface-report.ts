// After each device join, tell the hub which network interface carries the connection
// (`report_network_interface`, device-client.md §3.3), retrying every 60 s while it is unknown.

import type { Clock, Connection, NetworkProbe, TimerHandle } from "@nerves-hub-ts/ports";
import { deviceTopic, type Outgoing } from "@nerves-hub-ts/protocol";

/** Retry naming the network interface this often while it cannot be determined. */
const RETRY_MS = 60_000;

/** Names the connection's interface to the hub once per join. */
export class InterfaceReport {
  private timer?: TimerHandle;

  constructor(
    private readonly probe: NetworkProbe | undefined,
    private readonly clock: Clock,
    private readonly push: (message: Outgoing) => boolean,
  ) {}

  /** Reports the interface of `conn` while `live()` holds (same connection, device still joined). */
  async report(conn: Connection, live: () => boolean): Promise<void> {
    const address = conn.localAddress;
    if (!this.probe || !address) return;
    const iface = await this.probe.interfaceFor(address).catch(() => undefined);
    if (!live()) return;
    this.timer?.cancel();
    if (iface) {
      this.push(deviceTopic.reportNetworkInterface(iface));
      return;
    }
    this.timer = this.clock.setTimeout(() => void this.report(conn, live), RETRY_MS);
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
