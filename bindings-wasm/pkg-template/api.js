// What every entry point (node.js, web.js, workerd.js) exports once the wasm
// is instantiated: the client and helpers (client.js, oauth.js) and the
// core's own exports underneath them.
export { DeviceFlow, Pager, Session, buildRequest, catalog, parseResponse } from "./zoom_phone_wasm.js";
export * from "./client.js";
export * from "./oauth.js";
