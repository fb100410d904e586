import { describe, expect, it } from "vitest";
import { parseCli, SimulatorUsageError } from "./cli-args.js";

const files: Record<string, string> = {
  "/pki/ca.pem": "CA PEM",
  "/pki/signer.pem": "SIGNER PEM",
  "/pki/signer-key.pem": "SIGNER KEY",
};
const readText = (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error("nope"), { code: "ENOENT" });
  return text;
};
const parse = (...argv: string[]) => parseCli(argv, readText);
const settings = (...argv: string[]) => {
  const c = parse(...argv);
  if (c.help) throw new Error("help");
  return c;
};

describe("parseCli", () => {
  it("gives the demo a few devices and the caching strategy, the others 100 streaming devices", () => {
    const demo = settings("demo");
    expect(demo.scenario).toBe("demo");
    expect(demo.simulation).toMatchObject({ devices: 3, strategy: "caching", auth: "shared-secret" });
    expect(demo.simulation.hub).toBeUndefined();
    for (const name of ["rollout", "storm", "soak"]) {
      expect(settings(name).simulation).toMatchObject({ devices: 100, strategy: "streaming" });
    }
  });

  it("reads fleet and scenario flags", () => {
    const s = settings(
      "soak",
      ...[
        "--devices",
        "250",
        "--ramp",
        "50",
        "--concurrency",
        "20",
        "--auth",
        "cert",
        "--serializer",
        "msgpack",
      ],
      ...[
        "--heartbeat",
        "5",
        "--duration",
        "90",
        "--firmware-size",
        "512KiB",
        "--timeout",
        "2.5",
        "--no-tty",
      ],
      ...["--public-key", "a", "--public-key", "b", "--operator-token", "tok"],
    );
    expect(s.simulation).toMatchObject({
      devices: 250,
      rampPerSecond: 50,
      concurrency: 20,
      auth: "cert",
      serializer: "msgpack",
      heartbeatIntervalMs: 5_000,
      publicKeys: ["a", "b"],
      operatorToken: "tok",
    });
    expect(s).toMatchObject({ durationMs: 90_000, firmwareSize: 512 * 1024, timeoutMs: 2_500, tty: false });
    expect(settings("rollout", "--firmware-size", "1MiB").firmwareSize).toBe(1_048_576);
    expect(settings("rollout", "--firmware-size", "4096").firmwareSize).toBe(4096);
  });

  it("describes another hub with its credentials and operator API", () => {
    const s = settings(
      "rollout",
      ...["--hub", "hub.example.com:4001", "--hub-ca", "/pki/ca.pem"],
      ...["--product-key", "nhp_x", "--product-secret", "s3cret"],
      ...["--operator-url", "https://hub.example.com:4001/api", "--operator-token", "tok"],
    );
    expect(s.simulation.hub).toEqual({
      url: "wss://hub.example.com:4001",
      caPems: ["CA PEM"],
      productKey: { key: "nhp_x", secret: "s3cret" },
      operator: { url: "https://hub.example.com:4001/api", token: "tok" },
    });
    expect(s.simulation.operatorToken).toBeUndefined();
    const cert = settings(
      "storm",
      ...["--auth", "cert", "--hub", "ws://10.0.0.2:4000"],
      ...["--signer-cert", "/pki/signer.pem", "--signer-key", "/pki/signer-key.pem"],
    );
    expect(cert.simulation.hub).toEqual({
      url: "ws://10.0.0.2:4000",
      signer: { certPem: "SIGNER PEM", keyPem: "SIGNER KEY" },
    });
  });

  it("answers --help", () => {
    expect(parse("--help")).toEqual({ help: true });
  });

  it.each([
    [[], /name a scenario/],
    [["launch"], /unknown scenario "launch"/],
    [["demo", "extra"], /unexpected argument "extra"/],
    [["demo", "--devices", "0"], /--devices must be an integer >= 1 \(got "0"\)/],
    [["demo", "--devices", "1.5"], /--devices must be an integer/],
    [["demo", "--ramp=-3"], /--ramp must be a positive number/],
    [["demo", "--ramp", "0"], /--ramp must be a positive number/],
    [["demo", "--auth", "token"], /--auth must be shared-secret or cert/],
    [["demo", "--serializer", "xml"], /--serializer must be json or msgpack/],
    [["demo", "--strategy", "parts"], /--strategy must be streaming or caching/],
    [["demo", "--firmware-size", "1 GiB"], /--firmware-size must be a size like/],
    [["demo", "--firmware-size", "0"], /--firmware-size must be a size like/],
    [["demo", "--bogus"], /Unknown option '--bogus'/],
    [["demo", "--product-key", "nhp_x"], /--product-key only applies with --hub/],
    [["demo", "--hub", "http://hub:4000"], /--hub must be a ws:\/\/ or wss:\/\/ URL/],
    [
      ["demo", "--hub", "wss://hub:4000"],
      /--hub with shared-secret auth needs --product-key and --product-secret/,
    ],
    [["demo", "--hub", "wss://hub:4000", "--product-key", "nhp_x"], /go together/],
    [["demo", "--hub", "wss://hub:4000", "--auth", "cert"], /needs --signer-cert and --signer-key/],
    [
      [
        "demo",
        "--hub",
        "wss://hub",
        "--product-key",
        "k",
        "--product-secret",
        "s",
        "--hub-ca",
        "/missing.pem",
      ],
      /--hub-ca: cannot read \/missing.pem \(ENOENT\)/,
    ],
    [
      [
        "demo",
        "--hub",
        "wss://hub",
        "--product-key",
        "k",
        "--product-secret",
        "s",
        "--operator-url",
        "https://x",
      ],
      /--operator-url and --operator-token go together/,
    ],
  ])("refuses %j", (argv, message) => {
    expect(() => parse(...argv)).toThrow(SimulatorUsageError);
    expect(() => parse(...argv)).toThrow(message);
  });

  it("never echoes a product secret in an error", () => {
    try {
      parse("demo", "--hub", "wss://hub", "--product-secret", "very-secret-value");
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain("very-secret-value");
    }
  });
});
