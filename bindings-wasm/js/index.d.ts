// Every entry point (node.js, web.js, workerd.js) instantiates the wasm on
// import and exports the same API: the client and its helpers over the
// core's own exports.
export {
  DeviceFlow,
  Pager,
  Session,
  ShardJob,
  Syncer,
  buildRequest,
  catalog,
  decodeError,
  parseResponse,
  type BuiltRequest,
  type CoreErrorJson,
  type DriverStep,
  type OAuthApp,
  type Params,
  type ParsedResponse,
  type RateLimit,
  type RequestConfig,
  type ResumePoint,
  type RetryOptions,
  type SharedOpJson,
  type StoredTokens,
  type SyncCheckpoint,
  type SyncPhase,
  type WebhookResult,
} from "./zoom_phone_wasm.js";
export * from "./client.js";
export * from "./errors.js";
export * from "./token-stores.js";
export * from "./webhooks.js";
export * from "./oauth.js";
export type * from "./platform.js";
export type * from "./generated/operations.js";
export type * from "./generated/events.js";
