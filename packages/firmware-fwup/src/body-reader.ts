// Reads an HTTP response body as chunks, in flowing mode with our own bounded queue. Node's
// async iterator reads in paused mode, which merges buffered chunks (an extra copy) and pauses
// the socket at a 16 KiB high-water mark; on loopback that costs a third of the throughput.

/** Bytes queued before the socket is paused: the most a slow consumer lets pile up. */
export const BODY_QUEUE_BYTES = 1024 * 1024;

interface BodySource {
  on(event: "data", fn: (chunk: Buffer) => void): unknown;
  on(event: "end" | "close", fn: () => void): unknown;
  on(event: "error", fn: (e: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly complete?: boolean;
}

/**
 * Yields the body's chunks in order. `onWait(true)` is called while the reader waits for data and
 * `onWait(false)` when it has some, so an idle timer can tell a stalled server from a slow consumer.
 */
export async function* readBody(res: BodySource, onWait: (waiting: boolean) => void): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let head = 0;
  let queued = 0;
  let paused = false;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  res.on("data", (chunk) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= BODY_QUEUE_BYTES && !paused) {
      paused = true;
      res.pause();
    }
    poke();
  });
  res.on("end", () => {
    ended = true;
    poke();
  });
  res.on("error", (e) => {
    failure ??= e;
    poke();
  });
  res.on("close", () => {
    if (!ended) failure ??= new Error("connection closed before the body ended");
    poke();
  });
  for (;;) {
    if (head < queue.length) {
      const chunk = queue[head] as Buffer;
      queue[head++] = undefined as unknown as Buffer;
      if (head > 1024) {
        queue.splice(0, head);
        head = 0;
      }
      queued -= chunk.length;
      if (paused && queued < BODY_QUEUE_BYTES / 2) {
        paused = false;
        res.resume();
      }
      yield chunk;
      continue;
    }
    if (failure) throw failure;
    if (ended) return;
    onWait(true);
    await new Promise<void>((r) => {
      wake = r;
    });
    onWait(false);
  }
}
