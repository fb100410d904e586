// `nerves-hub-dev certs <dir>`: a dev CA, a server certificate and device certificates.
import {
  createCa,
  createDeviceCert,
  createServerCert,
  type PkiPaths,
  writePkiFiles,
} from "@nerves-hub-ts/dev-pki";

export interface CertsOptions {
  dir: string;
  devices: string[];
  /** Server certificate SANs. */
  hosts: string[];
}

export async function writeDevCerts(options: CertsOptions): Promise<PkiPaths> {
  const ca = await createCa({ commonName: "nerves-hub-dev signer CA" });
  const server = await createServerCert(ca, {
    commonName: options.hosts[0] ?? "localhost",
    altNames: options.hosts,
  });
  const devices = Object.fromEntries(
    await Promise.all(
      options.devices.map(
        async (identifier) => [identifier, await createDeviceCert(ca, { identifier })] as const,
      ),
    ),
  );
  return writePkiFiles(options.dir, { ca, server, devices });
}
