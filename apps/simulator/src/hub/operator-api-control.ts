// HubControl over the hub package's operator HTTP API (`/api`, bearer token), for a hub running
// elsewhere, e.g. `nerves-hub-dev serve` or the benchmark's hub process.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { deviceView, type HubControl, HubControlError, type HubDeviceRecord } from "./hub-control.js";

export interface OperatorApiOptions {
  /** `https://host:port/api` as the hub prints it. */
  url: string;
  token: string;
  /** PEM CAs for an https API with a private CA. */
  ca?: string[];
}

export function operatorApiControl(options: OperatorApiOptions): HubControl {
  const base = options.url.replace(/\/+$/, "");
  const call = async <T>(method: string, path: string, body?: Uint8Array | object): Promise<T> => {
    const url = new URL(`${base}${path}`);
    const payload =
      body === undefined ? undefined : body instanceof Uint8Array ? body : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
    if (payload) {
      headers["content-type"] = body instanceof Uint8Array ? "application/octet-stream" : "application/json";
      headers["content-length"] = String(payload.length);
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method, headers, ...(options.ca ? { ca: options.ca } : {}) }, resolve);
      req.on("error", (e) => reject(new HubControlError(`${method} ${url.pathname}: ${e.message}`)));
      req.end(payload);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if ((res.statusCode ?? 0) >= 300) {
      throw new HubControlError(`${method} ${url.pathname}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    }
    return JSON.parse(text) as T;
  };

  return {
    async addFirmware(bytes, meta) {
      const query = new URLSearchParams({ ...meta }).toString();
      const record = await call<{ uuid: string; size: number; meta: { version: string | null } }>(
        "POST",
        `/firmware?${query}`,
        bytes,
      );
      return { uuid: record.uuid, version: record.meta.version ?? meta.version, size: record.size };
    },
    async deployToAll(uuid) {
      const result = await call<{ sentTo: string[] }>("POST", "/deployments", {
        firmwareUuid: uuid,
        to: "all",
      });
      return result.sentTo.length;
    },
    async dropAll() {
      return (await call<{ dropped: number }>("POST", "/drop-all", {})).dropped;
    },
    async throttleDownloads(uuid, bytesPerSecond) {
      await call("POST", "/faults", { target: { firmwareUuid: uuid }, fault: { bytesPerSecond } });
    },
    async devices() {
      return (await call<HubDeviceRecord[]>("GET", "/devices")).map(deviceView);
    },
  };
}
