// `nh-device ctl status|watch|mark-valid|reboot`: talk to the running agent over its control socket.
import { readFile } from "node:fs/promises";
import { CONFIG_ENV, DEFAULT_CONFIG_PATH } from "../config/load-config.js";
import { envName, SETTINGS_BY_KEY } from "../config/settings.js";
import { ControlClient } from "../control/control-client.js";
import type { AgentMessage, Command } from "../control/protocol.js";
import { type ParsedArgs, UsageError } from "./argv.js";
import type { CliIo } from "./io.js";

export const CTL_OPTIONS = { config: "value" } as const;

const REQUESTS: Record<string, Command> = { status: "status", "mark-valid": "mark_valid", reboot: "reboot" };

export async function ctlCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const sub = args.positionals[0];
  if (sub === undefined || (sub !== "watch" && !(sub in REQUESTS))) {
    throw new UsageError("ctl needs one of: status, watch, mark-valid, reboot");
  }
  for (const key of args.settings.keys()) {
    if (key !== "control_socket")
      throw new UsageError(`ctl takes only --control-socket and --config, not --${key}`);
  }
  const path = await controlSocketPath(args, io.env);
  const client = await ControlClient.connect(path);
  try {
    if (sub === "watch") return await watch(client, io);
    client.send({ type: "request", id: 1, command: REQUESTS[sub] as Command });
    const reply = await client.waitFor((m) => m.type === "reply" || m.type === "error");
    return printReply(reply, io);
  } finally {
    client.close();
  }
}

function printReply(reply: AgentMessage | undefined, io: CliIo): number {
  if (reply?.type === "reply" && reply.ok) {
    io.stdout.write(`${JSON.stringify(reply.result, null, 2)}\n`);
    return 0;
  }
  const why =
    reply === undefined
      ? "the agent closed the connection"
      : reply.type === "reply" && !reply.ok
        ? reply.error.message
        : reply.type === "error"
          ? reply.message
          : "unexpected answer";
  io.stderr.write(`nh-device ctl: ${why}\n`);
  return 1;
}

/** Prints every message (the welcome with the status, then events) as JSON lines until stopped. */
async function watch(client: ControlClient, io: CliIo): Promise<number> {
  client.send({ type: "hello", role: "observer" });
  let stopped = false;
  void io.stopSignal().then(() => {
    stopped = true;
    client.close();
  });
  for (let m = await client.next(); m; m = await client.next()) io.stdout.write(`${JSON.stringify(m)}\n`);
  if (!stopped) io.stderr.write("nh-device ctl: the agent closed the connection\n");
  return 0;
}

/**
 * The socket path: --control-socket, NH_CONTROL_SOCKET, the config file's control_socket, the default.
 * The rest of the config is not loaded: ctl may run as a user who cannot read the secrets in it.
 */
async function controlSocketPath(args: ParsedArgs, env: Record<string, string | undefined>): Promise<string> {
  const flag = args.settings.get("control_socket")?.text;
  if (flag) return flag;
  const fromEnv = env[envName("control_socket")];
  if (fromEnv) return fromEnv;
  const configOption = args.options.get("config");
  const file = typeof configOption === "string" ? configOption : env[CONFIG_ENV] || DEFAULT_CONFIG_PATH;
  try {
    const json = JSON.parse(await readFile(file, "utf8")) as { control_socket?: unknown };
    if (typeof json.control_socket === "string" && json.control_socket !== "") return json.control_socket;
  } catch {
    // Unreadable or absent: fall through to the default.
  }
  return SETTINGS_BY_KEY.get("control_socket")?.default as string;
}
