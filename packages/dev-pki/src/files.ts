import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DevPkiError } from "./errors.js";
import type { PemCredential } from "./issue.js";

export interface PkiSet {
  ca: PemCredential;
  server?: PemCredential;
  /** Device credentials by identifier. */
  devices?: Record<string, PemCredential>;
}

export interface CertKeyPaths {
  certPath: string;
  keyPath: string;
}

export interface PkiPaths {
  ca: CertKeyPaths;
  server?: CertKeyPaths;
  /** Each device directory holds `cert.pem` and `key.pem`, the LocalCertKey layout, so it can be a data path. */
  devices: Record<string, CertKeyPaths & { dir: string }>;
}

/**
 * Writes `ca.pem`/`ca-key.pem`, `server.pem`/`server-key.pem` and `devices/<identifier>/{cert,key}.pem`
 * under `dir`. Keys are mode 0600, certificates 0644, existing files are overwritten.
 */
export async function writePkiFiles(dir: string, set: PkiSet): Promise<PkiPaths> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths: PkiPaths = { ca: await writePair(dir, "ca.pem", "ca-key.pem", set.ca), devices: {} };
  if (set.server) paths.server = await writePair(dir, "server.pem", "server-key.pem", set.server);
  for (const [identifier, credential] of Object.entries(set.devices ?? {})) {
    if (!/^[A-Za-z0-9._-]+$/.test(identifier) || identifier.startsWith(".")) {
      throw new DevPkiError(
        `device identifier ${JSON.stringify(identifier)} cannot be used as a directory name`,
      );
    }
    const deviceDir = join(dir, "devices", identifier);
    await mkdir(deviceDir, { recursive: true, mode: 0o700 });
    paths.devices[identifier] = {
      dir: deviceDir,
      ...(await writePair(deviceDir, "cert.pem", "key.pem", credential)),
    };
  }
  return paths;
}

async function writePair(dir: string, certName: string, keyName: string, pair: PemCredential) {
  const certPath = join(dir, certName);
  const keyPath = join(dir, keyName);
  await writeFileWithMode(certPath, pair.certPem, 0o644);
  await writeFileWithMode(keyPath, pair.keyPem, 0o600);
  return { certPath, keyPath };
}

// writeFile's mode applies only when it creates the file, so an overwritten key needs the chmod too.
async function writeFileWithMode(path: string, contents: string, mode: number): Promise<void> {
  await writeFile(path, contents, { mode });
  await chmod(path, mode);
}
