// Compiled with `tsc --noEmit` only: the package's .d.ts (through the
// `types` condition of its exports map) must describe the API this way.
import { buildRequest, catalog, type BuiltRequest, type ZoomPhoneError } from "zoom-phone";

const request: BuiltRequest = buildRequest("listCallQueues", { page_size: 10 }, { userAgent: "me/1" });
const method: string = request.method;
const url: string = request.url;
const headers: Record<string, string> = request.headers;
const body: Uint8Array | null = request.body;

const ops: Array<Record<string, unknown>> = catalog().operations;

function describe(err: ZoomPhoneError): string {
  return `${err.name} ${err.code} ${err.status ?? "-"}`;
}

// @ts-expect-error: a RequestConfig field has to be a string.
buildRequest("listCallQueues", {}, { baseUrl: 1 });

export { method, url, headers, body, ops, describe };
