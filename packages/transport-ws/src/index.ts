export { nodeClock, nodeRandom, tcpNetworkProbe } from "./node-ports.js";
export { type WsTransportOptions, wsTransport } from "./ws-transport.js";
