// `nh-device run`: load the configuration, build the agent, serve until SIGTERM/SIGINT, stop cleanly.
import { pinoLogger } from "@nerves-hub-ts/platform-node";
import { createAgent } from "../agent/agent.js";
import { loadConfig } from "../config/load-config.js";
import { printableConfig } from "../config/print-config.js";
import type { ParsedArgs } from "./argv.js";
import type { CliIo } from "./io.js";

export const RUN_OPTIONS = { config: "value", "print-config": "bool" } as const;

export async function runCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const configPath = args.options.get("config");
  const loaded = await loadConfig({
    flags: args.settings,
    env: io.env,
    ...(typeof configPath === "string" ? { configPath } : {}),
  });
  if (args.options.has("print-config")) {
    for (const warning of loaded.warnings) io.stderr.write(`nh-device: warning: ${warning}\n`);
    io.stdout.write(
      `${JSON.stringify({ file: loaded.file ?? null, ...printableConfig(loaded.values) }, null, 2)}\n`,
    );
    return 0;
  }
  // Listen for signals before anything starts, so a SIGTERM during startup still stops cleanly.
  const stopSignal = io.stopSignal();
  const logger = pinoLogger(loaded.config.logLevel);
  for (const warning of loaded.warnings) logger.warn(warning, { file: loaded.file });
  const agent = await createAgent(loaded.config, { logger, env: io.env });
  await agent.start();
  const signal = await stopSignal;
  logger.info("stop requested", { signal });
  await agent.stop();
  logger.flush();
  return 0;
}
