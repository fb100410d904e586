// `nh-device dev-identity certificate|shared-secret`: makes a development device identity and the
// config fragment that uses it. Certificates are signed by a CA you give (e.g. the one registered
// with your NervesHub product); shared-secret settings take the key and secret from NervesHub's UI.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { sharedSecretIdentity } from "@nerves-hub-ts/auth-shared-secret";
import { createDeviceCert } from "@nerves-hub-ts/dev-pki";
import { MASK } from "../config/print-config.js";
import { type ParsedArgs, UsageError } from "./argv.js";
import type { CliIo } from "./io.js";

export const DEV_IDENTITY_OPTIONS = {
  "ca-cert": "value",
  "ca-key": "value",
  identifier: "value",
  out: "value",
  key: "value",
  secret: "value",
  "product-key": "value",
  "product-secret": "value",
  days: "value",
} as const;

export async function devIdentityCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const kind = args.positionals[0];
  const opt = (name: string) => {
    const v = args.options.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const required = (name: string) => {
    const v = opt(name);
    if (v === undefined) throw new UsageError(`dev-identity ${kind} needs --${name}`);
    return v;
  };
  if (kind === "certificate") return certificate(required, opt, io);
  if (kind === "shared-secret") return sharedSecret(required, opt, io);
  throw new UsageError("dev-identity needs `certificate` or `shared-secret`");
}

async function certificate(
  required: (name: string) => string,
  opt: (name: string) => string | undefined,
  io: CliIo,
): Promise<number> {
  const identifier = required("identifier");
  const out = resolve(required("out"));
  const ca = {
    certPem: await readPem(required("ca-cert"), "--ca-cert"),
    keyPem: await readPem(required("ca-key"), "--ca-key"),
  };
  const days = opt("days");
  if (days !== undefined && !/^[1-9]\d*$/.test(days))
    throw new UsageError("--days must be a positive integer");
  const device = await createDeviceCert(ca, {
    identifier,
    ...(days !== undefined ? { validDays: Number(days) } : {}),
  });
  await mkdir(out, { recursive: true, mode: 0o700 });
  const certfile = join(out, "cert.pem");
  const keyfile = join(out, "key.pem");
  await writeWithMode(certfile, device.certPem, 0o644);
  await writeWithMode(keyfile, device.keyPem, 0o600);
  const fragment = { auth: "certificate", ssl: { certfile, keyfile } };
  io.stdout.write(`${JSON.stringify(fragment, null, 2)}\n`);
  io.stderr.write(
    `wrote ${certfile} and ${keyfile} (CN=${identifier}); merge the settings above into your config\n`,
  );
  return 0;
}

async function sharedSecret(
  required: (name: string) => string,
  opt: (name: string) => string | undefined,
  io: CliIo,
): Promise<number> {
  const out = resolve(required("out"));
  const identifier = opt("identifier") ?? `nh-${randomBytes(6).toString("hex")}`;
  const productKey = opt("product-key");
  const key = opt("key");
  if ((productKey === undefined) === (key === undefined)) {
    throw new UsageError(
      "dev-identity shared-secret needs either --product-key/--product-secret or --key/--secret",
    );
  }
  const settings =
    key !== undefined
      ? { key, secret: required("secret") }
      : { product_key: productKey, product_secret: required("product-secret") };
  // Fails here, not at the first connect, when the settings cannot sign.
  sharedSecretIdentity({
    ...(key !== undefined
      ? { key, secret: settings.secret }
      : { productKey, productSecret: settings.product_secret }),
    identifier,
    clock: Date,
  });
  const config = { auth: "shared_secret", identifier, shared_secret: settings };
  await mkdir(out, { recursive: true, mode: 0o700 });
  const path = join(out, "config.json");
  await writeWithMode(path, `${JSON.stringify(config, null, 2)}\n`, 0o600);
  const shown = {
    ...config,
    shared_secret:
      "secret" in settings ? { ...settings, secret: MASK } : { ...settings, product_secret: MASK },
  };
  io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  io.stderr.write(`wrote ${path} (mode 0600, identifier ${identifier}); run with --config ${path}\n`);
  return 0;
}

async function readPem(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
}

// writeFile's mode only applies to a new file; an overwritten key must not keep looser permissions.
async function writeWithMode(path: string, text: string, mode: number): Promise<void> {
  await writeFile(path, text, { mode });
  await chmod(path, mode);
}
