export { classifyConnectFailure, httpRefusal, ProxyTunnelError } from "./connect-error.js";
export { proxyFor, TunnelAgent } from "./proxy-tunnel.js";
export { type WsTransportOptions, wsTransport } from "./ws-transport.js";
