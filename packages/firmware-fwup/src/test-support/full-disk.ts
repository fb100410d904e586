// A disk with room for a given number of bytes: real files, written through the real file port,
// until the room is used up; then the write stores what still fits and fails with ENOSPC, as a
// full file system does. Every file opened through one instance shares the room.
import { fileError, type OpenWritableFile, openNodeFile } from "../writable-file.js";

export function diskWithRoom(bytes: number): OpenWritableFile & { used(): number } {
  let room = bytes;
  const open: OpenWritableFile = async (path, flags) => {
    const file = await openNodeFile(path, flags);
    let at: number | undefined;
    return {
      async write(chunk, position) {
        if (position !== undefined) at = position;
        const fits = Math.min(room, chunk.length);
        room -= fits;
        if (fits > 0) await file.write(chunk.subarray(0, fits), at);
        if (at !== undefined) at += fits;
        if (fits < chunk.length) {
          const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), {
            code: "ENOSPC",
            errno: -28,
            syscall: "write",
          });
          throw fileError(path, enospc);
        }
      },
      close: () => file.close(),
    };
  };
  return Object.assign(open, { used: () => bytes - room });
}
