// The `nh-device` command: dispatch, usage text and exit codes. Problems a user can fix (a bad
// setting, an unreadable certificate, a missing metadata file) print one plain line naming the cause.
import { FirmwareSourceError, StorageError } from "@nerves-hub-ts/platform-node";
import { IdentityError } from "@nerves-hub-ts/ports";
import { AgentConfigError } from "../config/config-error.js";
import { ControlClientError } from "../control/control-client.js";
import { ControlSocketError } from "../control/unix-control-server.js";
import { AGENT_VERSION } from "../version.js";
import { parseArgv, UsageError } from "./argv.js";
import type { CliIo } from "./io.js";

/** Exit statuses (sysexits.h): the systemd unit does not restart on a configuration error. */
export const EXIT = { ok: 0, failure: 1, usage: 64, config: 78 } as const;

export const USAGE = `Usage: nh-device <command> [options]

Commands:
  run [--config FILE] [--print-config] [--<setting> VALUE ...]
                          connect to NervesHub and serve until SIGTERM/SIGINT
  ctl status              print the running agent's status (JSON)
  ctl watch               print the agent's events as JSON lines until interrupted
  ctl mark-valid          mark the running firmware valid
  ctl reboot              reboot now with reboot_command
  dev-identity certificate --ca-cert FILE --ca-key FILE --identifier ID --out DIR [--days N]
                          make a device key and certificate signed by a CA
  dev-identity shared-secret --out DIR [--identifier ID]
                          (--product-key K --product-secret S | --key K --secret S)
                          write shared-secret settings to DIR/config.json (mode 0600)
  version                 print the version
  help                    print this text

Settings come from the config file (--config, NH_CONFIG, or /etc/nh-device/config.json),
then NH_* environment variables, then flags; each --<setting> flag is the setting's name
with dashes (shared_secret.product_key -> --shared-secret-product-key). ctl finds the socket
with --control-socket, NH_CONTROL_SOCKET or the config file. See the README for every setting.
`;

export async function mainCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // Commands load on demand: a running agent never pays for the PKI code of dev-identity.
      case "run": {
        const { RUN_OPTIONS, runCommand } = await import("./run-command.js");
        return await runCommand(parseArgv(rest, RUN_OPTIONS, true), io);
      }
      case "ctl": {
        const { CTL_OPTIONS, ctlCommand } = await import("./ctl-command.js");
        return await ctlCommand(parseArgv(rest, CTL_OPTIONS, true), io);
      }
      case "dev-identity": {
        const { DEV_IDENTITY_OPTIONS, devIdentityCommand } = await import("./dev-identity-command.js");
        return await devIdentityCommand(parseArgv(rest, DEV_IDENTITY_OPTIONS, false), io);
      }
      case "version":
      case "--version":
        io.stdout.write(`nh-device ${AGENT_VERSION}\n`);
        return EXIT.ok;
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(USAGE);
        return EXIT.ok;
      default:
        throw new UsageError(command === undefined ? "no command given" : `unknown command ${command}`);
    }
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: CliIo): number {
  const line = (text: string) => io.stderr.write(`nh-device: ${text}\n`);
  if (e instanceof UsageError) {
    line(`${e.message} (see nh-device help)`);
    return EXIT.usage;
  }
  if (
    e instanceof AgentConfigError ||
    e instanceof IdentityError ||
    e instanceof FirmwareSourceError ||
    e instanceof ControlSocketError ||
    e instanceof StorageError
  ) {
    line(e.message);
    return EXIT.config;
  }
  if (e instanceof ControlClientError) {
    line(e.message);
    return EXIT.failure;
  }
  line(`unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return EXIT.failure;
}
