// The device-socket upgrade: vsn negotiation, authentication, then the websocket (hub-server.md §1.4–§2).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { redactSharedSecretHeaders } from "@nerves-hub-ts/nh1-token";
import { type Serializer, serializerForVsn } from "@nerves-hub-ts/protocol";
import type { WebSocket, WebSocketServer } from "ws";
import { authenticateCertificate } from "../auth/certificate-auth.js";
import type { HubCore } from "../core.js";
import type { DeviceRecord } from "../devices/device-record.js";
import { declineUnmeetableDeflateOffer } from "../socket/compression.js";
import { CloseCode, DeviceConnection } from "../socket/device-connection.js";
import { DeviceHooks } from "../socket/device-hooks.js";
import { type Rejection, rejections, writeRejection } from "./upgrade-rejection.js";

/** Paths that reach the device socket; both exist upstream for compatibility. */
export const DEVICE_SOCKET_PATHS = ["/socket/websocket", "/device-socket/websocket"];

type AuthOutcome =
  | { ok: true; device: DeviceRecord; auth: "certificate" | "shared_secret" }
  | { ok: false; rejection: Rejection; reason: string; identifier?: string };

function peerCertificate(socket: Duplex): Buffer | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate !== "function") return undefined;
  const cert = tls.getPeerCertificate();
  return cert && Buffer.isBuffer(cert.raw) && cert.raw.length > 0 ? cert.raw : undefined;
}

async function authenticate(core: HubCore, req: IncomingMessage, socket: Duplex): Promise<AuthOutcome> {
  const now = core.now();
  const der = peerCertificate(socket);
  if (der) {
    const r = authenticateCertificate(der, core.devices, core.cas, now);
    if (r.ok) {
      if (r.jitpCreated)
        core.emit({ type: "device_registered", at: now, identifier: r.device.identifier, via: "jitp" });
      return { ok: true, device: r.device, auth: "certificate" };
    }
    return {
      ok: false,
      rejection: rejections.invalidAuth,
      reason: r.reason,
      ...(r.identifier ? { identifier: r.identifier } : {}),
    };
  }
  const xHeaders = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith("x-")));
  if (Object.keys(xHeaders).length === 0)
    return { ok: false, rejection: rejections.noAuth, reason: "no_auth" };
  if (!core.settings.sharedSecrets) {
    return { ok: false, rejection: rejections.invalidAuth, reason: "shared_secrets_disabled" };
  }
  const r = await core.keys.authenticate(
    xHeaders,
    core.devices,
    now,
    core.settings.sharedSecretMaxAgeSeconds,
    req.socket.remoteAddress ?? "",
  );
  if (!r.ok) {
    const rejection = r.status === 503 ? rejections.platformUnavailable : rejections.invalidAuth;
    return { ok: false, rejection, reason: r.reason, ...(r.identifier ? { identifier: r.identifier } : {}) };
  }
  if (r.created)
    core.emit({ type: "device_registered", at: now, identifier: r.device.identifier, via: "product_key" });
  return { ok: true, device: r.device, auth: "shared_secret" };
}

export async function handleDeviceUpgrade(
  core: HubCore,
  wss: WebSocketServer,
  req: IncomingMessage,
  url: URL,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const reject = (rejection: Rejection, reason: string, identifier?: string) => {
    // Refusals come by the thousand under attack: the redacted headers are built only when logged.
    if (core.log.isLevelEnabled("info")) {
      core.log.info(
        { status: rejection.status, reason, identifier, headers: redactSharedSecretHeaders(req.headers) },
        "device upgrade refused",
      );
    }
    core.emit({
      type: "rejected",
      at: core.now(),
      status: rejection.status,
      reason,
      ...(identifier ? { identifier } : {}),
    });
    writeRejection(socket, rejection, core.now());
  };
  if (req.method !== "GET") {
    reject(rejections.notGet, "not_get");
    return;
  }
  const vsn = url.searchParams.get("vsn");
  const serializer = serializerForVsn(vsn ?? "1.0.0", "device");
  if (!serializer) {
    reject(rejections.badVsn, `unsupported vsn ${JSON.stringify(vsn)}`);
    return;
  }

  let outcome: AuthOutcome;
  try {
    outcome = await authenticate(core, req, socket);
  } catch (error) {
    core.log.error({ err: error instanceof Error ? error.message : String(error) }, "authentication raised");
    outcome = { ok: false, rejection: rejections.platformUnavailable, reason: "exception" };
  }
  // The client may have gone while its key was derived.
  if (socket.destroyed) return;
  if (!outcome.ok) {
    reject(outcome.rejection, outcome.reason, outcome.identifier);
    return;
  }
  declineUnmeetableDeflateOffer(req);
  const { device, auth } = outcome;
  wss.handleUpgrade(req, socket, head, (ws) => attachDevice(core, ws, device, auth, serializer));
}

/**
 * Wires an upgraded socket to its device. Kept apart from the upgrade handler so that nothing the
 * connection holds keeps the upgrade request (headers, signature) alive for the socket's lifetime.
 */
function attachDevice(
  core: HubCore,
  ws: WebSocket,
  device: DeviceRecord,
  auth: "certificate" | "shared_secret",
  serializer: Serializer,
): void {
  const now = core.now();
  const previous = core.live.get(device.identifier);
  // Newest connection wins; the old socket goes away with 1001.
  previous?.connection.close(CloseCode.goingAway, "duplicate connection");
  const log = core.log.child({ device: device.identifier });
  const allowedExtensions = new Set(
    [...core.extensionsEnabled].filter((name) => !device.extensionsDisabled.includes(name)),
  );
  const hooks = new DeviceHooks(core, device, allowedExtensions);
  const connection = new DeviceConnection(
    device.identifier,
    serializer,
    ws,
    hooks,
    log,
    core.settings.idleTimeoutMs,
  );
  hooks.connection = connection;
  core.live.set(device.identifier, { connection, allowedExtensions });
  Object.assign(device, {
    connected: true,
    connectedAt: now,
    lastSeenAt: now,
    auth,
    vsn: serializer.vsn,
    joinedTopics: [],
  });
  log.info({ auth, vsn: serializer.vsn }, "device connected");
  core.emit({ type: "connected", at: now, identifier: device.identifier, auth, vsn: serializer.vsn });
}
