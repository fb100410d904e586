// Feeds firmware into an install session while hashing it. When a whole-file checksum is known,
// the last bytes are held back until the SHA-256 matched, so fwup cannot finish an archive that
// turns out to be corrupt (fwup stops reading at the zip central directory, so it would not
// notice damage after it: observed-tokens-and-fwup.md).
import type { InstallSession } from "@nerves-hub-ts/ports";
import { Failure, type Sha256Factory, UpdateError, type UpdateOutcome } from "@nerves-hub-ts/update";

/** Held back until verified: far more than an fwup archive's central directory and end record. */
export const HOLD_BACK_BYTES = 1024 * 1024;

export interface VerifiedInstallInput {
  chunks: AsyncIterable<Uint8Array>;
  session: InstallSession;
  /** Expected size; more or fewer bytes fail the update. */
  size?: number;
  /** Expected lower-case hex SHA-256 of everything fed; null: not checked. */
  checksum: string | null;
  hash: Sha256Factory;
}

/** Turns whatever a download or install threw into the outcome the hub is told about. */
export function outcomeOf(e: unknown, signal?: AbortSignal): UpdateOutcome {
  if (signal?.aborted) return { ok: false, failure: Failure.unexpected("update stopped") };
  if (e instanceof UpdateError) return { ok: false, failure: e.failure };
  return { ok: false, failure: Failure.unexpected(e instanceof Error ? e.message : String(e)) };
}

export async function installVerified(
  input: VerifiedInstallInput,
  signal?: AbortSignal,
): Promise<UpdateOutcome> {
  const { session, size, checksum } = input;
  // Only a checksum needs hashing (a cached file was verified on its way to disk).
  const hash = checksum === null ? undefined : input.hash();
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let total = 0;
  // fwup may answer OK before the end (it stops at the central directory): keep hashing the rest.
  let installerDone = false;

  const write = async (chunk: Uint8Array): Promise<UpdateOutcome | undefined> => {
    if (installerDone) return undefined;
    try {
      await session.write(chunk);
      return undefined;
    } catch {
      installerDone = true;
      const r = await session.result;
      return r.ok ? undefined : r;
    }
  };

  // Stopping the agent stops the installer too, whatever it is waiting for.
  const stop = () => session.cancel("update stopped");
  signal?.addEventListener("abort", stop, { once: true });
  // Stopped while the installer was being started (no input may follow to notice it): stop it now.
  if (signal?.aborted) stop();
  try {
    for await (const chunk of input.chunks) {
      signal?.throwIfAborted();
      hash?.update(chunk);
      total += chunk.length;
      if (size !== undefined && total > size) throw new UpdateError(Failure.download("unexpected_data"));
      let refused: UpdateOutcome | undefined;
      if (checksum === null) refused = await write(chunk);
      else {
        held.push(chunk);
        heldBytes += chunk.length;
        while (!refused && held.length > 1 && heldBytes - (held[0] as Uint8Array).length >= HOLD_BACK_BYTES) {
          const first = held.shift() as Uint8Array;
          heldBytes -= first.length;
          refused = await write(first);
        }
      }
      if (refused) return refused;
    }
    if (size !== undefined && total !== size) throw new UpdateError(Failure.download("incomplete_download"));
    if (hash && hash.hexDigest() !== checksum) {
      session.cancel("checksum mismatch");
      return { ok: false, failure: Failure.update("checksum_mismatch") };
    }
    for (const chunk of held) {
      const refused = await write(chunk);
      if (refused) return refused;
    }
    session.end();
    return await session.result;
  } catch (e) {
    // Never leave fwup waiting for input that will not come.
    session.cancel(e instanceof Error ? e.message : "download failed");
    return outcomeOf(e, signal);
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}
