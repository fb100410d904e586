// permessage-deflate on device sockets: negotiated whenever the device offers it, as upstream does,
// with a small compressor so that thousands of compressing devices fit in the hub's memory.
import type { IncomingMessage } from "node:http";
import type { PerMessageDeflateOptions } from "ws";

/**
 * The hub's compressor window: 1 KiB, announced as `server_max_window_bits=10`. With zlib's default
 * 32 KiB window (and memLevel 8) each compressing device held about 240 KiB in the hub; with this
 * about 110 KiB. Device frames are small, so the window costs little compression.
 */
export const SERVER_WINDOW_BITS = 10;

export const DEVICE_DEFLATE: PerMessageDeflateOptions = {
  serverMaxWindowBits: SERVER_WINDOW_BITS,
  zlibDeflateOptions: { memLevel: 4 },
};

/**
 * ws answers 400 to an offer that insists on a smaller server window than the hub's; such a device
 * is connected without compression instead (RFC 7692 lets a server decline the extension).
 */
export function declineUnmeetableDeflateOffer(req: IncomingMessage): void {
  const offer = req.headers["sec-websocket-extensions"];
  if (offer === undefined) return;
  for (const [, bits] of offer.matchAll(/server_max_window_bits\s*=\s*"?(\d+)/gi)) {
    if (Number(bits) < SERVER_WINDOW_BITS) {
      delete req.headers["sec-websocket-extensions"];
      return;
    }
  }
}
