// Compiled with `tsc --noEmit` in the browser and Workers configurations
// (tsconfig.browser.json, tsconfig.workers.json), where the platform has its
// own fetch, AbortSignal, Request and Response: the package's declarations
// take those, so a project passes them in and gets them back unconverted.
import { ZoomPhone, handleWebhookRequest } from "zoom-phone";

export async function onRequest(request: Request, secret: string): Promise<Response> {
  const { response, payload } = await handleWebhookRequest(request, secret);
  if (payload?.event === "phone.callee_ringing") console.log(payload.payload.account_id);
  return response;
}

export async function withPlatformFetch(signal: AbortSignal): Promise<number | undefined> {
  const zp = new ZoomPhone({ accessToken: "t" }, { fetch: globalThis.fetch });
  const own = new ZoomPhone({ accessToken: "t" }, { fetch: (url, init) => fetch(url, init) });
  const queues = await zp.callQueues.listCallQueues({ page_size: 10 }, { signal });
  await own.callQueues.listCallQueues({}, { signal: AbortSignal.timeout(1000) });
  return queues.total_records;
}
