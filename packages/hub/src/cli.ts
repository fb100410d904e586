#!/usr/bin/env node
// nerves-hub-dev: run a development NervesHub or write development certificates.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeDevCerts } from "./cli/certs.js";
import { cliLogger } from "./cli/logger.js";
import { serve } from "./cli/serve.js";
import type { Hub } from "./hub.js";

export const USAGE = `usage:
  nerves-hub-dev serve [--host 127.0.0.1] [--port 4001] [--tls | --plain] [--cert-dir DIR]
                       [--firmware-dir DIR] [--config FILE.json] [--token TOKEN] [--log-level info]
                       [--backlog 8192]
  nerves-hub-dev certs DIR [--device ID]... [--host NAME]...`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs one command. `serve` resolves with the running hub; the caller owns its lifetime. */
export async function runCli(argv: string[], io: CliIo): Promise<{ code: number; hub?: Hub }> {
  const [command, ...rest] = argv;
  try {
    if (command === "serve") {
      const { values } = parseArgs({
        args: rest,
        options: {
          host: { type: "string", default: "127.0.0.1" },
          port: { type: "string", default: "4001" },
          tls: { type: "boolean", default: false },
          plain: { type: "boolean", default: false },
          "cert-dir": { type: "string" },
          "firmware-dir": { type: "string" },
          config: { type: "string" },
          token: { type: "string" },
          "log-level": { type: "string", default: "info" },
          backlog: { type: "string" },
        },
      });
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port must be 0..65535, got ${values.port}`);
      if (values.tls && values.plain) throw new Error("--tls and --plain exclude each other");
      const backlog = values.backlog === undefined ? undefined : Number(values.backlog);
      if (backlog !== undefined && !(Number.isSafeInteger(backlog) && backlog > 0))
        throw new Error(`--backlog must be a positive integer, got ${values.backlog}`);
      const { hub, lines } = await serve({
        host: values.host,
        port,
        // TLS is the default when a cert dir is given; --plain forces ws/http.
        tls: values.tls || (values["cert-dir"] !== undefined && !values.plain),
        ...(values["cert-dir"] ? { certDir: values["cert-dir"] } : {}),
        ...(values["firmware-dir"] ? { firmwareDir: values["firmware-dir"] } : {}),
        ...(values.config ? { configPath: values.config } : {}),
        ...(values.token ? { operatorToken: values.token } : {}),
        ...(backlog !== undefined ? { backlog } : {}),
        logger: cliLogger(values["log-level"]),
      });
      for (const line of lines) io.out(line);
      return { code: 0, hub };
    }
    if (command === "certs") {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { device: { type: "string", multiple: true }, host: { type: "string", multiple: true } },
      });
      const dir = positionals[0];
      if (!dir) throw new Error("certs needs a directory");
      const paths = await writeDevCerts({
        dir,
        devices: values.device ?? ["dev-device-1"],
        hosts: values.host ?? ["localhost", "127.0.0.1", "::1"],
      });
      io.out(`CA:     ${paths.ca.certPath}`);
      if (paths.server) io.out(`server: ${paths.server.certPath}`);
      for (const [id, p] of Object.entries(paths.devices)) io.out(`device ${id}: ${p.certPath}`);
      return { code: 0 };
    }
    io.err(USAGE);
    return { code: command === undefined || command === "help" || command === "--help" ? 0 : 2 };
  } catch (error) {
    io.err(`nerves-hub-dev: ${error instanceof Error ? error.message : String(error)}`);
    return { code: 1 };
  }
}

function isEntryPoint(): boolean {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CliIo = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  };
  const { code, hub } = await runCli(process.argv.slice(2), io);
  if (hub) {
    const stop = () => void hub.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } else {
    process.exitCode = code;
  }
}
