// The operator HTTP API: JSON under /api, bearer token, plus server-sent events at /api/events.
import type { IncomingMessage, ServerResponse } from "node:http";
import { EXTENSION_NAMES, type ExtensionName, isRecord } from "@nerves-hub-ts/protocol";
import { HubDeviceError, HubScriptError } from "../core.js";
import { checkFault } from "../firmware/faults.js";
import type { FirmwareRecord } from "../firmware/store.js";
import { HubFirmwareError } from "../firmware/store.js";
import { decodeSegment } from "../http/request-target.js";
import { operatorAuthorized } from "./operator-auth.js";
import type { OperatorDeps } from "./operator-hub.js";

const MAX_JSON_BODY = 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, "body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, MAX_JSON_BODY)).toString("utf8");
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "body is not JSON");
  }
  if (!isRecord(value)) throw new ApiError(400, "body must be an object");
  return value;
}

function text(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== "string") throw new ApiError(400, `"${key}" must be a string`);
  return v;
}

/** Firmware without its bytes. */
function firmwareView(record: FirmwareRecord) {
  const { source, ...rest } = record;
  return { ...rest, source: source.kind };
}

/** Unsent event bytes an event-stream client may leave behind before the hub drops the stream. */
export const MAX_EVENT_STREAM_BACKLOG = 8 * 1024 * 1024;

function serveEvents(deps: OperatorDeps, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.write(": nerves-hub-dev events\n\n");
  const off = deps.core.events.on((event) => {
    // A client that stopped reading would otherwise make the hub hold every event of the fleet.
    if (res.writableLength > MAX_EVENT_STREAM_BACKLOG) {
      deps.core.log.warn({ backlogBytes: res.writableLength }, "event stream client is not reading; dropped");
      off();
      res.destroy();
      return;
    }
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  req.on("close", off);
}

type Route = (
  deps: OperatorDeps,
  m: RegExpExecArray,
  req: IncomingMessage,
  url: URL,
) => Promise<unknown> | unknown;

const routes: [string, RegExp, Route][] = [
  ["GET", /^\/api\/devices$/, ({ hub }) => hub.devices()],
  [
    "GET",
    /^\/api\/devices\/([^/]+)$/,
    ({ hub }, m) => hub.device(id(m)) ?? Promise.reject(new ApiError(404, "unknown device")),
  ],
  ["POST", /^\/api\/devices\/([^/]+)\/reboot$/, ({ hub }, m) => ({ sent: hub.reboot(id(m)) })],
  ["POST", /^\/api\/devices\/([^/]+)\/identify$/, ({ hub }, m) => ({ sent: hub.identify(id(m)) })],
  ["POST", /^\/api\/devices\/([^/]+)\/kick$/, ({ hub }, m) => ({ kicked: hub.kick(id(m)) })],
  [
    "POST",
    /^\/api\/devices\/([^/]+)\/scripts$/,
    async ({ hub }, m, req) => ({ output: await hub.runScript(id(m), text(await readJson(req), "text")) }),
  ],
  [
    "POST",
    /^\/api\/devices\/([^/]+)\/console$/,
    async ({ hub }, m, req) => ({ sent: hub.sendConsole(id(m), text(await readJson(req), "data")) }),
  ],
  [
    "POST",
    /^\/api\/devices\/([^/]+)\/push$/,
    async ({ hub }, m, req) => {
      const body = await readJson(req);
      const sent = hub.push(id(m), text(body, "topic"), text(body, "event"), body.payload ?? {}, {
        fastlane: body.fastlane === true,
      });
      return { sent };
    },
  ],
  [
    "POST",
    /^\/api\/devices\/([^/]+)\/archive$/,
    async ({ hub }, m, req) => ({
      sent: hub.sendArchive(id(m), { firmwareUuid: text(await readJson(req), "firmwareUuid") }),
    }),
  ],
  [
    "POST",
    /^\/api\/devices\/([^/]+)\/extensions\/([^/]+)$/,
    async ({ hub }, m, req) => {
      const name = m[2] as ExtensionName;
      if (!(EXTENSION_NAMES as readonly string[]).includes(name))
        throw new ApiError(404, "unknown extension");
      hub.setExtensionEnabled(name, (await readJson(req)).enabled === true, { identifier: id(m) });
      return { ok: true };
    },
  ],
  ["GET", /^\/api\/firmware$/, ({ core }) => core.firmware.all().map(firmwareView)],
  [
    "POST",
    /^\/api\/firmware$/,
    async ({ hub }, _m, req, url) => {
      // Raw bytes in the body; metadata in the query string (?version=1.2.0&product=…).
      const bytes = await readBody(req, 512 * 1024 * 1024);
      const meta = Object.fromEntries(url.searchParams.entries());
      delete meta.token;
      return firmwareView(await hub.addFirmware(new Uint8Array(bytes), meta));
    },
  ],
  [
    "POST",
    /^\/api\/deployments$/,
    async ({ hub }, _m, req) => {
      const body = await readJson(req);
      const to = body.to;
      const valid =
        to === "all" ||
        typeof to === "string" ||
        (Array.isArray(to) && to.every((t) => typeof t === "string"));
      if (!valid) throw new ApiError(400, '"to" must be an identifier, a list of identifiers or "all"');
      const deploymentId = body.deploymentId;
      return hub.deploy(text(body, "firmwareUuid"), {
        to: to as string | string[],
        ...(typeof deploymentId === "number" || deploymentId === null ? { deploymentId } : {}),
      });
    },
  ],
  [
    "POST",
    /^\/api\/faults$/,
    async ({ hub }, _m, req) => {
      const body = await readJson(req);
      const t = (body.target ?? {}) as Record<string, unknown>;
      const target = {
        ...(typeof t.identifier === "string" ? { identifier: t.identifier } : {}),
        ...(typeof t.firmwareUuid === "string" ? { firmwareUuid: t.firmwareUuid } : {}),
      };
      hub.injectFault(target, checkFault(body.fault));
      return { ok: true };
    },
  ],
  [
    "DELETE",
    /^\/api\/faults$/,
    ({ hub }) => {
      hub.clearFaults();
      return { ok: true };
    },
  ],
  ["POST", /^\/api\/drop-all$/, ({ hub }) => ({ dropped: hub.dropAll() })],
];

/** The route's device identifier, percent-decoded. */
function id(m: RegExpExecArray): string {
  const identifier = decodeSegment(m[1] ?? "");
  if (identifier === undefined)
    throw new ApiError(400, "the device identifier is not valid percent-encoding");
  return identifier;
}

export async function serveOperatorApi(
  deps: OperatorDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (!operatorAuthorized(req, url, deps.operatorToken)) {
    json(res, 401, { error: "missing or wrong bearer token" });
    return;
  }
  if (req.method === "GET" && url.pathname === "/api/events") {
    serveEvents(deps, req, res);
    return;
  }
  for (const [method, pattern, handler] of routes) {
    const m = pattern.exec(url.pathname);
    if (!m || method !== req.method) continue;
    try {
      json(res, 200, await handler(deps, m, req, url));
    } catch (error) {
      if (error instanceof ApiError) json(res, error.status, { error: error.message });
      else if (error instanceof HubDeviceError) json(res, 404, { error: error.message });
      else if (error instanceof HubFirmwareError) json(res, 400, { error: error.message });
      else if (error instanceof HubScriptError)
        json(res, error.reason === "timeout" ? 504 : 409, { error: error.message });
      else throw error;
    }
    return;
  }
  json(res, 404, { error: "no such operator route" });
}
