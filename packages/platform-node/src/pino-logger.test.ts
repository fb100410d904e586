import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { pinoLogger, REDACT_PATHS } from "./pino-logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe("pinoLogger", () => {
  it("writes JSON lines with the message and fields, honouring the level", () => {
    const { lines, stream } = capture();
    const log = pinoLogger("info", stream);
    log.debug("hidden");
    log.info("joined the device topic", { attempts: 0 });
    log.child("control").warn("refused", { role: "controller" });
    expect(lines).toMatchObject([
      { level: 30, msg: "joined the device topic", attempts: 0 },
      { level: 40, msg: "refused", role: "controller", component: "control" },
    ]);
  });

  it("censors secret-bearing fields wherever a caller puts them", () => {
    const { lines, stream } = capture();
    const log = pinoLogger("info", stream);
    log.info("oops", {
      secret: "s1",
      config: { productSecret: "s2", product_secret: "s3", keyPem: "-----BEGIN" },
      headers: { "x-nh-signature": "SFMyNTY.x" },
      firmware_url: "https://x/fw?sig=abc",
    });
    const text = JSON.stringify(lines);
    for (const secret of ["s1", "s2", "s3", "BEGIN", "SFMyNTY", "sig=abc"])
      expect(text).not.toContain(secret);
  });

  // Every redacted path with a field placed on it, written out rather than derived from REDACT_PATHS,
  // so that a path dropped or misspelt there fails here.
  const SECRET = "tH1s-must-not-be-logged";
  const PLACES: Array<[path: string, fields: Record<string, unknown>]> = [
    ["secret", { secret: SECRET }],
    ["*.secret", { shared_secret: { secret: SECRET } }],
    ["product_secret", { product_secret: SECRET }],
    ["*.product_secret", { shared_secret: { product_secret: SECRET } }],
    ["productSecret", { productSecret: SECRET }],
    ["*.productSecret", { identity: { productSecret: SECRET } }],
    ["key_pem", { key_pem: `-----BEGIN PRIVATE KEY-----${SECRET}` }],
    ["*.key_pem", { ssl: { key_pem: `-----BEGIN PRIVATE KEY-----${SECRET}` } }],
    ["keyPem", { keyPem: `-----BEGIN PRIVATE KEY-----${SECRET}` }],
    ["*.keyPem", { tls: { keyPem: `-----BEGIN PRIVATE KEY-----${SECRET}` } }],
    ["headers", { headers: { "x-nh-signature": SECRET } }],
    ["*.headers", { request: { headers: { "x-nh-signature": SECRET } } }],
    ["firmware_url", { firmware_url: `https://cdn.example/fw?X-Amz-Signature=${SECRET}` }],
    ["*.firmware_url", { update: { firmware_url: `https://cdn.example/fw?X-Amz-Signature=${SECRET}` } }],
    ["query", { query: `X-Amz-Signature=${SECRET}` }],
  ];

  it("tests every redacted path below, and nothing else", () => {
    expect(PLACES.map(([path]) => path).sort()).toEqual([...REDACT_PATHS].sort());
  });

  it.each(PLACES)("censors %s", (_path, fields) => {
    const { lines, stream } = capture();
    pinoLogger("info", stream).info("with a secret", { ...fields, attempts: 1 });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('"[redacted]"');
    expect(lines[0]).toMatchObject({ msg: "with a secret", attempts: 1 });
  });
});
