// STOPGAP until transport-ws reports heartbeat round trips itself: the link's Transport port does
// not expose phoenix's heartbeat, so this wraps `sendHeartbeat` on phoenix's Socket prototype (the
// same module instance transport-ws uses) and times each heartbeat's reply. Measurement only: the
// heartbeat itself is untouched.
import { Socket } from "phoenix";

const SENT = Symbol("heartbeatSent");
const HOOKED = Symbol("heartbeatHooked");

interface MeteredSocket {
  pendingHeartbeatRef: string | null;
  onMessage(callback: (message: { topic: string; ref: string | null }) => void): string;
  [SENT]?: { ref: string; at: number };
  [HOOKED]?: boolean;
}

type Proto = { sendHeartbeat(this: MeteredSocket): void };

let sink: ((rttMs: number) => void) | undefined;
let original: Proto["sendHeartbeat"] | undefined;

/**
 * Calls `record` with the round trip (ms) of every phoenix heartbeat answered from now on, in this
 * process. Returns the function that stops metering.
 */
export function meterHeartbeats(record: (rttMs: number) => void): () => void {
  const proto = Socket.prototype as unknown as Proto;
  sink = record;
  if (!original) {
    const send = proto.sendHeartbeat;
    original = send;
    proto.sendHeartbeat = function (this: MeteredSocket) {
      send.call(this);
      const ref = this.pendingHeartbeatRef;
      if (!sink || ref === null) return;
      this[SENT] = { ref, at: performance.now() };
      if (this[HOOKED]) return;
      this[HOOKED] = true;
      this.onMessage((message) => {
        const sent = this[SENT];
        if (!sent || message.topic !== "phoenix" || message.ref !== sent.ref) return;
        this[SENT] = undefined;
        sink?.(performance.now() - sent.at);
      });
    };
  }
  return () => {
    if (sink === record) sink = undefined;
  };
}
