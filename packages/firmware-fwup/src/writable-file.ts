// The one way firmware bytes reach a file (cache, parts, sandbox): each write is awaited and fails
// with the file's path and the system's reason (a full disk included), so a caller can never wait
// for a stream that already failed. Tests swap it for one that runs out of space at a chosen byte.
import { open } from "node:fs/promises";

export interface WritableFile {
  /** Writes all of `bytes`, at `position` when given, else after the previous write. */
  write(bytes: Uint8Array, position?: number): Promise<void>;
  close(): Promise<void>;
}

/** "w" creates or truncates, "a" appends, "r+" writes into an existing file. */
export type OpenWritableFile = (path: string, flags: "w" | "a" | "r+") => Promise<WritableFile>;

/** An error about `path` that keeps the system's code (ENOSPC, EACCES, …) for callers that branch on it. */
export function fileError(path: string, e: unknown): Error {
  const cause = e as NodeJS.ErrnoException;
  return Object.assign(new Error(`cannot write ${path}: ${cause?.message ?? String(e)}`, { cause: e }), {
    code: cause?.code,
  });
}

export const openNodeFile: OpenWritableFile = async (path, flags) => {
  const handle = await open(path, flags).catch((e: unknown) => {
    throw fileError(path, e);
  });
  let at: number | null = null;
  return {
    async write(bytes, position) {
      if (position !== undefined) at = position;
      let done = 0;
      try {
        // A write can be short (the disk filled up mid-way); the next one then says why.
        while (done < bytes.length) {
          const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, at);
          done += bytesWritten;
          if (at !== null) at += bytesWritten;
        }
      } catch (e) {
        throw fileError(path, e);
      }
    },
    close: () =>
      handle.close().catch((e: unknown) => {
        throw fileError(path, e);
      }),
  };
};
