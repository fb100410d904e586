import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { pinoLogger } from "./pino-logger.js";

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
});
