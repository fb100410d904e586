export { type WsTransportOptions, wsTransport } from "./ws-transport.js";
