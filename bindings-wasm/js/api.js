// What every entry point (node.js, web.js, workerd.js) exports once the wasm
// is instantiated: the client and its helpers, and the core's own exports
// underneath them.
export { DeviceFlow, Pager, Session, Syncer, catalog, decodeError } from "./zoom_phone_wasm.js";
export { ZoomPhone, ZoomPromise } from "./client.js";
export {
  ZoomApiError,
  ZoomAuthError,
  ZoomAuthenticationError,
  ZoomBuildError,
  ZoomCancelledError,
  ZoomConflictError,
  ZoomDailyLimitError,
  ZoomDecodeError,
  ZoomInternalError,
  ZoomNotFoundError,
  ZoomPageTokenExpiredError,
  ZoomPermissionDeniedError,
  ZoomPhoneError,
  ZoomRateLimitError,
  ZoomResponseTooLargeError,
  ZoomServerError,
  ZoomTimeoutError,
  ZoomTokenStoreError,
  ZoomTransportError,
  ZoomValidationError,
  ZoomWebhookError,
  errorFromCore,
  isZoomApiError,
  isZoomAuthError,
  isZoomNotFoundError,
  isZoomPhoneError,
  isZoomRateLimitError,
  isZoomValidationError,
  isZoomWebhookError,
  toZoomError,
} from "./errors.js";
export { buildRequest, parseResponse } from "./requests.js";
export { MemoryTokenStore } from "./token-stores.js";
export { handleNodeWebhook, handleWebhook, handleWebhookRequest, verifyWebhook } from "./webhooks.js";
export * from "./oauth.js";
