// What every entry point (node.js, web.js, workerd.js) exports once the wasm
// is instantiated: the client and its helpers, and the core's own exports
// underneath them.
export { DeviceFlow, Pager, Session, buildRequest, catalog, parseResponse } from "./zoom_phone_wasm.js";
export { ZoomPhone } from "./client.js";
export {
  ZoomApiError,
  ZoomAuthError,
  ZoomNotFoundError,
  ZoomPhoneError,
  ZoomRateLimitError,
  ZoomResponseTooLargeError,
  ZoomTransportError,
  ZoomValidationError,
  ZoomWebhookError,
  isZoomApiError,
  isZoomAuthError,
  isZoomNotFoundError,
  isZoomPhoneError,
  isZoomRateLimitError,
  isZoomValidationError,
  isZoomWebhookError,
  toZoomError,
} from "./errors.js";
export { MemoryTokenStore } from "./token-stores.js";
export { handleNodeWebhook, handleWebhook, handleWebhookRequest, verifyWebhook } from "./webhooks.js";
export * from "./oauth.js";
