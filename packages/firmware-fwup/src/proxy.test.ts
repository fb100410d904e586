// The proxy table shared with the websocket transport's tests: a download is routed as a websocket to
// the same host would be.
import { readFileSync } from "node:fs";
import { UpdateError } from "@nerves-hub-ts/update";
import { describe, expect, it } from "vitest";
import { proxyFor } from "./proxy.js";

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

describe("proxyFor a download, from the environment", () => {
  it.each(table.cases)("$name", ({ env, url, proxy, error }) => {
    const target = new URL(url);
    if (error) {
      const thrown = (() => {
        try {
          proxyFor(target, undefined, env);
        } catch (e) {
          return e;
        }
      })();
      expect(thrown).toBeInstanceOf(UpdateError);
      expect((thrown as UpdateError).failure).toEqual({
        kind: "download",
        term: ["unsupported_proxy_scheme", error],
      });
    } else expect(proxyFor(target, undefined, env)?.href ?? null).toBe(proxy && new URL(proxy).href);
  });

  it.each([
    ["explicit", "https://dev:pw@proxy.test:443", {}],
    ["from HTTPS_PROXY", undefined, { HTTPS_PROXY: "https://dev:pw@proxy.test:443" }],
  ])("refuses an https: proxy (%s), which it would speak to in plain text", (_, explicit, env) => {
    expect(() => proxyFor(new URL("https://hub.test/fw"), explicit, env)).toThrow(
      expect.objectContaining({
        failure: { kind: "download", term: ["unsupported_proxy_scheme", "https:"] },
      }),
    );
  });

  it("an explicit proxy wins over the environment, and null means none", () => {
    const env = { HTTPS_PROXY: "http://env-proxy.test:3128", NO_PROXY: "*" };
    const target = new URL("https://hub.test/fw");
    expect(proxyFor(target, "http://given.test:8080", env)?.href).toBe("http://given.test:8080/");
    expect(proxyFor(target, null, { HTTPS_PROXY: "http://env-proxy.test:3128" })).toBeNull();
  });
});
