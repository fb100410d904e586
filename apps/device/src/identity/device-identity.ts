// Builds the link's Identity from the configuration: a shared-secret identity signing the
// identifier (read from a literal, a file or a command: generic Linux has no standard serial
// number source), or a certificate identity loaded and checked from PEM files or text.
import { readFile } from "node:fs/promises";
import type { PemSource } from "@nerves-hub-ts/auth-cert";
import { CommandError, runShell } from "@nerves-hub-ts/platform-node";
import type { Clock, Identity, IdentityError } from "@nerves-hub-ts/ports";
import type { AgentConfig, IdentifierSource } from "../config/agent-config.js";
import { AgentConfigError } from "../config/config-error.js";

/** The identifier's text, trimmed; a missing file, failing command or empty result names its setting. */
export async function readIdentifier(source: IdentifierSource): Promise<string> {
  let text: string;
  switch (source.kind) {
    case "literal":
      text = source.value;
      break;
    case "file":
      try {
        text = await readFile(source.path, "utf8");
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? String(e);
        throw new AgentConfigError("identifier_file", `cannot read ${source.path} (${code})`);
      }
      break;
    case "command":
      try {
        text = await runShell(source.command, { timeoutMs: 10_000 });
      } catch (e) {
        throw new AgentConfigError("identifier_command", e instanceof CommandError ? e.message : String(e));
      }
      break;
  }
  const id = text.trim();
  const key = source.kind === "literal" ? "identifier" : `identifier_${source.kind}`;
  if (id === "") throw new AgentConfigError(key, "gave an empty identifier");
  if ([...id].some((c) => c <= " " || c === "\u007f"))
    throw new AgentConfigError(key, "gave an identifier with whitespace or control characters");
  return id;
}

/**
 * The Identity for the configured auth mode. Each adapter is loaded only when used: the X.509 stack
 * behind certificate auth costs several MB of memory a shared-secret device never needs.
 */
export async function deviceIdentity(config: AgentConfig, clock: Pick<Clock, "now">): Promise<Identity> {
  if (config.auth === "shared_secret") {
    const { sharedSecretIdentity } = await import("@nerves-hub-ts/auth-shared-secret");
    if (!config.identifier) throw new AgentConfigError("identifier", "is required for shared-secret auth");
    const s = config.sharedSecret;
    return sharedSecretIdentity({
      ...(s.key !== undefined ? { key: s.key } : {}),
      ...(s.secret !== undefined ? { secret: s.secret } : {}),
      ...(s.productKey !== undefined ? { productKey: s.productKey } : {}),
      ...(s.productSecret !== undefined ? { productSecret: s.productSecret } : {}),
      identifier: await readIdentifier(config.identifier),
      keyDigest: s.keyDigest,
      keyIterations: s.keyIterations,
      keyLength: s.keyLength,
      clock,
    });
  }
  const { loadCertificateIdentity } = await import("@nerves-hub-ts/auth-cert");
  const identity = await loadCertificateIdentity({
    cert: pemSource(config.certificate.cert),
    key: pemSource(config.certificate.key),
    clock,
  });
  return identity;
}

const pemSource = (input: AgentConfig["certificate"]["cert"]): PemSource =>
  "pem" in input ? { pem: input.pem } : { path: input.path };

/** Identity errors say what is wrong but not which setting; this names it. */
export function identitySettingHint(e: IdentityError, auth: AgentConfig["auth"]): string {
  if (auth === "certificate")
    return `${e.message} (settings ssl.certfile / ssl.keyfile, or ssl.cert / ssl.key)`;
  return `${e.message} (settings shared_secret.*)`;
}
