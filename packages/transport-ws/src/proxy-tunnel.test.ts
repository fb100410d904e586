// The proxy table shared with the firmware downloader's tests: a websocket to a host is routed as a
// download from that host would be (http: cases run as ws:, https: as wss:).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { proxyFor } from "./proxy-tunnel.js";

interface ProxyCase {
  name: string;
  env: Record<string, string>;
  url: string;
  proxy?: string | null;
  error?: string;
}

const table = JSON.parse(
  readFileSync(new URL("../../protocol/test-fixtures/proxy-env.json", import.meta.url), "utf8"),
) as { cases: ProxyCase[] };

const websocketUrl = (url: string) => new URL(url.replace(/^http/, "ws"));

describe("proxyFor a websocket, from the environment", () => {
  it.each(table.cases)("$name", ({ env, url, proxy, error }) => {
    const target = websocketUrl(url);
    if (error) expect(() => proxyFor(target, undefined, env)).toThrow(error);
    else expect(proxyFor(target, undefined, env)?.href ?? null).toBe(proxy && new URL(proxy).href);
  });

  it("an explicit proxy wins over the environment", () => {
    const env = { HTTPS_PROXY: "http://env-proxy.test:3128", NO_PROXY: "*" };
    expect(proxyFor(websocketUrl("https://hub.test/"), "http://given.test:8080", env)?.href).toBe(
      "http://given.test:8080/",
    );
  });

  it("leaves process.env as it was", () => {
    const before = process.env;
    proxyFor(websocketUrl("https://hub.test/"), undefined, { HTTPS_PROXY: "http://p.test:1" });
    expect(process.env).toBe(before);
  });
});
