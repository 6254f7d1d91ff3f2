// Building a request and reading its answer without the client, for callers
// with their own HTTP: the core builds and classifies; a JSON body is parsed
// once, here, with JSON.parse.
import {
  buildRequest as coreBuildRequest,
  classifyResponse,
  decodeError,
  headersRead,
  parseResponse as coreParseResponse,
} from "./zoom_phone_wasm.js";
import { headerRecord } from "./body.js";
import { core, errorFromCore } from "./errors.js";

// The wasm is instantiated after this module is evaluated: asked on first use.
let headersReadList;
const HEADERS_READ = () => (headersReadList ??= headersRead());
const decoder = new TextDecoder();

/** The HTTP request of an operation: `{method, url, headers, body}`, no `Authorization`. */
export function buildRequest(operationId, params, config) {
  return core(() => coreBuildRequest(operationId, params, config));
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers as a plain object of strings, from a plain object or a `Headers`. */
function plainHeaders(headers) {
  if (headers != null && typeof headers.forEach === "function" && typeof headers.get === "function") return headerRecord(headers);
  if (headers == null) return {};
  if (typeof headers !== "object") throw new TypeError("headers must be an object of strings");
  return headers;
}

/** `name\nvalue\n...` of the headers the core reads. */
function headersText(plain) {
  let text = "";
  for (const [name, value] of Object.entries(plain)) {
    if (typeof value !== "string") throw new TypeError(`header \`${name}\` must be a string`);
    if (!TOKEN.test(name)) throw new TypeError(`\`${name}\` is not a valid header name`);
    const lower = name.toLowerCase();
    if (HEADERS_READ().includes(lower)) text += `${lower}\n${value}\n`;
  }
  return text;
}

function bytesOf(body) {
  if (body == null) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError("body must be a Uint8Array or an ArrayBuffer");
}

/**
 * Reads an answer of an operation: `{status, trackingId, rateLimit, kind,
 * body, contentType?, location?}`, or throws the error it is (Zoom's error,
 * a body that is not JSON).
 */
export function parseResponse(operationId, status, headers, body) {
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 999) {
    throw new TypeError("status must be an integer HTTP status (100-999)");
  }
  const bytes = bytesOf(body);
  const plain = plainHeaders(headers);
  // A download's redirect, for a caller that did not follow it.
  if (status >= 300 && status < 400) return core(() => coreParseResponse(operationId, status, plain, bytes));
  const reply = JSON.parse(core(() => classifyResponse(operationId, status, headersText(plain), bytes)));
  let value = null;
  if (reply.kind === "json") {
    try {
      value = JSON.parse(decoder.decode(bytes));
    } catch (e) {
      throw errorFromCore(core(() => decodeError(operationId, status, reply.trackingId ?? undefined, bytes)), e);
    }
  } else if (reply.kind === "binary") value = bytes;
  else if (reply.kind === "text") value = reply.text;
  const { type, text, ...out } = reply;
  return { ...out, body: value };
}
