// Types of webhooks.js: verifying Zoom's webhook requests.
import type { WebhookResult } from "./zoom_phone_wasm.js";
import type { ZoomPhoneEvent } from "./generated/events.js";
import type { ZoomWebhookError } from "./errors.js";
import type { HeadersLike, RequestLike, ResponseLike } from "./platform.js";

/** Headers as fetch's `Headers`, Node's `IncomingHttpHeaders` or a plain object. */
export type AnyHeaders = HeadersLike | Record<string, string | string[] | undefined>;
export type RawBody = Uint8Array | ArrayBuffer | string;

/** A verified webhook request: answer with `status`/`body` now, process `payload` after. */
export type VerifiedWebhook = Omit<WebhookResult, "payload"> & {
  /** The verified event (narrow it on `event`); `null` for `endpoint.url_validation`. */
  payload: ZoomPhoneEvent | null;
};

export declare function verifyWebhook(headers: AnyHeaders, rawBody: RawBody, secrets: string | string[], nowMs?: number): void;
export declare function handleWebhook(headers: AnyHeaders, rawBody: RawBody, secrets: string | string[], nowMs?: number): VerifiedWebhook;
export declare function handleWebhookRequest(
  request: RequestLike,
  secrets: string | string[],
  nowMs?: number,
): Promise<{ response: ResponseLike; event: string | null; payload: ZoomPhoneEvent | null; error?: ZoomWebhookError }>;
export declare function handleNodeWebhook(
  req: AsyncIterable<Uint8Array> & { headers: Record<string, string | string[] | undefined> },
  res: { writeHead(status: number, headers?: Record<string, string>): unknown; end(body?: Uint8Array): unknown },
  secrets: string | string[],
  nowMs?: number,
): Promise<{ event: string; payload: ZoomPhoneEvent | null } | null>;
