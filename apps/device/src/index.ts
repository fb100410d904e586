export { type Agent, type AgentOptions, type AgentStatus, createAgent } from "./agent/agent.js";
export type { AgentConfig, RebootPolicy, UpdatePolicy } from "./config/agent-config.js";
export { AgentConfigError } from "./config/config-error.js";
export { type ConfigInput, type LoadedConfig, loadConfig } from "./config/load-config.js";
export { printableConfig } from "./config/print-config.js";
export { envName, flagName, SETTINGS, type Setting } from "./config/settings.js";
export { ControlClient, ControlClientError } from "./control/control-client.js";
export type {
  AgentMessage,
  ClientMessage,
  Command,
  QuestionKind,
  RebootAnswer,
  Role,
  UpdateAnswer,
} from "./control/protocol.js";
export { AGENT_VERSION } from "./version.js";
