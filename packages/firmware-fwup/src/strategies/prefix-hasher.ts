// The whole-file SHA-256 of a file written in parts: a worker thread reads back and hashes each
// prefix as it becomes final, on the other core while the download goes on, so the check is
// nearly done when the last part arrives and costs the main thread nothing. The worker's code is
// inline (run with `eval`) so that an agent bundled into one file carries it.

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const hash = createHash("sha256");
const buffer = Buffer.allocUnsafe(1024 * 1024);
let fd;
let at = 0;
let failed = false;
parentPort.on("message", ({ upTo, digest }) => {
  if (failed) return;
  try {
    if (fd === undefined) fd = openSync(workerData.path, "r");
    while (at < upTo) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, upTo - at), at);
      if (n === 0) throw new Error(workerData.path + " ends at byte " + at + ", not " + upTo);
      hash.update(buffer.subarray(0, n));
      at += n;
    }
    if (digest) {
      closeSync(fd);
      parentPort.postMessage({ digest: hash.digest("hex") });
    }
  } catch (e) {
    failed = true;
    parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
`;

export interface PrefixHasher {
  /** The file's first `end` bytes are final: hash them (in the background). */
  hashTo(end: number): void;
  /** Lower-case hex SHA-256 of the first `size` bytes; rejects when stopped or the file cannot be read. */
  digest(size: number, signal: AbortSignal): Promise<string>;
  /** Ends the worker. */
  close(): Promise<void>;
}

export async function prefixHasher(path: string): Promise<PrefixHasher> {
  // Loaded on first use: node:worker_threads costs an idle agent about 2 MB of memory.
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
  let sent = 0;
  let closed = false;
  const answer = new Promise<string>((resolve, reject) => {
    worker.on("message", (m: { digest?: string; error?: string }) => {
      if (m.digest !== undefined) resolve(m.digest);
      else reject(new Error(`cannot hash ${path}: ${m.error}`));
    });
    worker.on("error", reject);
    worker.on("exit", () => reject(new Error(`hashing ${path} stopped`)));
  });
  answer.catch(() => undefined); // read only by digest()
  const close = async () => {
    if (closed) return;
    closed = true;
    await worker.terminate();
  };
  return {
    hashTo(end) {
      if (end <= sent || closed) return;
      sent = end;
      worker.postMessage({ upTo: end });
    },
    digest(size, signal) {
      signal.throwIfAborted();
      worker.postMessage({ upTo: size, digest: true });
      // A stop ends the wait even while the worker is stuck in a read.
      return new Promise<string>((resolve, reject) => {
        const stop = () => {
          reject(signal.reason);
          void close();
        };
        signal.addEventListener("abort", stop, { once: true });
        answer.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
      });
    },
    close,
  };
}
