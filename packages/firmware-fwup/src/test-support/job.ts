// Runs an UpdateStrategy the way the UpdateController does and records what it reported.
import type { ConnectionInfo, FwupMessage, UpdateOffer, UpdateStrategy } from "@nerves-hub-ts/ports";
import type { UpdateOutcome } from "@nerves-hub-ts/update";

export interface JobRecord {
  outcome: UpdateOutcome;
  connections: ConnectionInfo[];
  progress: [string, number][];
  messages: FwupMessage[];
}

export function startJob(
  strategy: UpdateStrategy,
  offer: UpdateOffer,
  options: { publicKeys?: string[]; onProgress?: (stage: string, percent: number) => void } = {},
) {
  const abort = new AbortController();
  const connections: ConnectionInfo[] = [];
  const progress: [string, number][] = [];
  const messages: FwupMessage[] = [];
  const done = strategy
    .run({
      offer,
      publicKeys: options.publicKeys ?? [],
      signal: abort.signal,
      onConnection: (c) => connections.push(c),
      onProgress: (stage, percent) => {
        progress.push([stage, percent]);
        options.onProgress?.(stage, percent);
      },
      onFwupMessage: (m) => messages.push(m),
    })
    .then((outcome): JobRecord => ({ outcome, connections, progress, messages }));
  return { done, abort: () => abort.abort(new Error("agent stopping")), connections, progress };
}

export const runJob = (strategy: UpdateStrategy, offer: UpdateOffer, publicKeys?: string[]) =>
  startJob(strategy, offer, publicKeys ? { publicKeys } : {}).done;
