// Whatever arrives on the listener, the hub answers it (400 for what cannot be parsed) and keeps serving.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rawExchange, UPGRADE_HEADERS } from "../test-support/raw-request.js";
import { useTestHub } from "../test-support/test-hub.js";

const env = useTestHub();

async function alive(): Promise<void> {
  const r = await rawExchange(
    env.hub.port,
    "GET /status/alive HTTP/1.1\r\nhost: hub\r\nconnection: close\r\n\r\n",
  );
  expect(r.status).toBe(200);
}

describe("malformed requests", () => {
  it.each([
    ["an unparsable target", "GET //[ HTTP/1.1\r\nhost: hub\r\n\r\n"],
    ["an unparsable target on an upgrade", `GET //[ HTTP/1.1\r\nhost: hub\r\n${UPGRADE_HEADERS}\r\n`],
    [
      "a bad percent-encoding on the device socket upgrade",
      `GET /socket/websocket?vsn=2.0.0%ZZ&%E0%A4%A HTTP/1.1\r\nhost: hub\r\n${UPGRADE_HEADERS}\r\n`,
    ],
    ["an absolute-form target that is no URL", "GET http://[::1 HTTP/1.1\r\nhost: hub\r\n\r\n"],
  ])("answers %s with 400 and keeps serving", async (_label, request) => {
    const r = await rawExchange(env.hub.port, request);
    expect(r.status).toBe(400);
    await alive();
  });

  it.each(["/api/devices/%E0%A4%A", "/api/devices/%ZZ", "/api/devices/%E0%A4", "/api/devices/%E0%A4/reboot"])(
    "answers the operator route %s with 400",
    async (path) => {
      const method = path.endsWith("reboot") ? "POST" : "GET";
      const r = await rawExchange(
        env.hub.port,
        `${method} ${path} HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer ${env.hub.operatorToken}\r\nconnection: close\r\n\r\n`,
      );
      expect(r.status).toBe(400);
      await alive();
    },
  );

  it("answers a console upgrade for an undecodable identifier with 400", async () => {
    const r = await rawExchange(
      env.hub.port,
      `GET /api/console/%E0%A4/websocket?token=${env.hub.operatorToken} HTTP/1.1\r\nhost: hub\r\n${UPGRADE_HEADERS}\r\n`,
    );
    expect(r.status).toBe(400);
    await alive();
  });

  it("answers a firmware URL with broken encodings without failing", async () => {
    const r = await rawExchange(
      env.hub.port,
      "GET /firmware/f%E0%A4.fw?expires=%E0%A4&signature=%C3%28 HTTP/1.1\r\nhost: hub\r\nconnection: close\r\n\r\n",
    );
    expect(r.status).toBe(404);
    await alive();
  });
});

const PREFIXES = [
  "",
  "/",
  "//",
  "*",
  "http://",
  "/status/alive",
  "/api",
  "/api/devices/",
  "/api/devices/x/scripts",
  "/api/console/",
  "/firmware/",
  "/socket/websocket",
  "/device-socket/websocket?vsn=2.0.0",
];
const TARGET_PIECES = [
  "%",
  "%E0%A4%A",
  "%ZZ",
  "%00",
  "[",
  "]",
  "/",
  "?",
  "#",
  "@",
  ":",
  "..",
  "é",
  " ",
  "\t",
];
const HEADER_NAMES = [
  "host",
  "authorization",
  "connection",
  "upgrade",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "x-nh-alg",
  "x-nh-key",
  "x-nh-time",
  "x-nh-signature",
  "range",
  "expect",
];

const text = (pieces: string[]) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...pieces),
        fc.string({ maxLength: 6 }),
        fc.string({ unit: "binary", maxLength: 4 }),
      ),
      {
        maxLength: 6,
      },
    )
    .map((parts) => parts.join(""));

const requestArbitrary = (token: string) =>
  fc
    .record({
      method: fc.oneof(
        fc.constantFrom("GET", "POST", "HEAD", "DELETE", "OPTIONS"),
        fc.string({ maxLength: 8 }),
      ),
      target: fc.tuple(fc.constantFrom(...PREFIXES), text(TARGET_PIECES)).map(([p, rest]) => p + rest),
      version: fc.constantFrom("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", ""),
      headers: fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...HEADER_NAMES), text([":", " ", "x-", "\r", "\n"])),
          fc.oneof(
            text(["Bearer ", token, "Upgrade", "websocket", "13", "NH1-HMAC-sha256-1000-32", "\r", "\n"]),
            fc.constant(token),
          ),
        ),
        { maxLength: 6 },
      ),
      upgrade: fc.boolean(),
      authorized: fc.boolean(),
      eol: fc.constantFrom("\r\n", "\n"),
    })
    .map(({ method, target, version, headers, upgrade, authorized, eol }) => {
      const lines = [`${method} ${target} ${version}`, "host: hub"];
      if (authorized) lines.push(`authorization: Bearer ${token}`);
      if (upgrade) lines.push(...UPGRADE_HEADERS.trimEnd().split("\r\n"));
      for (const [name, value] of headers) lines.push(`${name}: ${value}`);
      return `${lines.join(eol)}${eol}${eol}`;
    });

describe("arbitrary request lines and headers", () => {
  it("never make the hub fail or stop answering /status/alive", async () => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(env.hub.operatorToken), async (request) => {
        const r = await rawExchange(env.hub.port, request, { timeoutMs: 500 });
        expect(r.status).not.toBe(500);
        await alive();
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
