// Compiled with `tsc --noEmit` only: the generated operation types must
// accept right calls and reject wrong parameter names and types.
import {
  ZoomPhone,
  ZoomPhoneError,
  handleWebhook,
  isZoomRateLimitError,
  type EventOf,
  type AccountCallHistoryItem,
  type ListCallQueuesResult,
} from "zoom-phone";

const zp = new ZoomPhone({ accountId: "a", clientId: "c", clientSecret: "s" }, { baseUrl: "http://127.0.0.1:1/v2" });

export async function rightCalls(): Promise<void> {
  const queues: ListCallQueuesResult = await zp.callQueues.listCallQueues({ page_size: 10, site_id: "s1" });
  const n: number | undefined = queues.total_records;
  const q = await zp.callQueues.getACallQueue({ callQueueId: "q1" });
  const name: string | undefined = q.name;
  await zp.blockedList.addAnumberToBlockedList({ body: { phone_number: "+1555", match_type: "prefix" } });
  for await (const record of zp.callLogs.accountCallHistory.iter({ page_size: 300 })) {
    const item: AccountCallHistoryItem = record;
    const uuid: string | undefined = item.call_history_uuid;
    void uuid;
  }
  const bytes: Uint8Array = await zp.recordings.phoneDownloadRecordingFile({ fileId: "f" });
  const nothing: void = await zp.blockedList.deleteABlockedList({ blockedListId: "b" });
  const viaCall = await zp.call("listCallQueues", { page_size: 5 });
  const viaCallQueues = viaCall.call_queues;
  void [n, name, bytes, nothing, viaCallQueues];
}

// `request` and `paginate` are typed from the operation id as `call` is.
export async function typedByOperationId(): Promise<void> {
  const answer = await zp.request("listCallQueues", { page_size: 5 });
  const status: number = answer.status;
  const total: number | undefined = answer.body.total_records;
  const file = await zp.request("phoneDownloadRecordingFile", { fileId: "f" });
  const fileBytes: Uint8Array = file.body;
  const deleted = await zp.request("deleteABlockedList", { blockedListId: "b" });
  const noBody: null = deleted.body;
  for await (const record of zp.paginate("accountCallHistory", { page_size: 300 })) {
    const item: AccountCallHistoryItem = record;
    const uuid: string | undefined = record.call_history_uuid;
    void [item, uuid];
  }
  for await (const queue of zp.paginate("listCallQueues")) {
    const id: string | undefined = queue.id;
    void id;
  }
  void [status, total, fileBytes, noBody];
}

export async function wrongTypedByOperationId(): Promise<void> {
  // @ts-expect-error: the answer's body has no such field.
  (await zp.request("listCallQueues")).body.queues;
  for await (const queue of zp.paginate("listCallQueues")) {
    // @ts-expect-error: a call queue has no such field.
    void queue.queue_name;
  }
  // @ts-expect-error: the operation is not a listing.
  zp.paginate("getACallQueue", { callQueueId: "q1" });
}

export async function wrongCalls(): Promise<void> {
  // @ts-expect-error: misspelt parameter name.
  await zp.callQueues.listCallQueues({ page_sise: 10 });
  // @ts-expect-error: page_size is a number.
  await zp.callQueues.listCallQueues({ page_size: "10" });
  // @ts-expect-error: the path parameter is required.
  await zp.callQueues.getACallQueue({});
  // @ts-expect-error: match_type is an enum.
  await zp.blockedList.addAnumberToBlockedList({ body: { match_type: "suffix" } });
  // @ts-expect-error: misspelt body field.
  await zp.blockedList.addAnumberToBlockedList({ body: { phone_numbr: "+1" } });
  // @ts-expect-error: no such operation.
  await zp.call("listCallQueuez", {});
  // @ts-expect-error: no such group.
  await zp.callQueus.listCallQueues();
  // @ts-expect-error: the response has no such field.
  (await zp.callQueues.listCallQueues()).queues;
}

export function errors(e: unknown): string {
  if (isZoomRateLimitError(e)) return `${e.status} ${e.retryAfterMs ?? "-"} ${e.retryAt?.toISOString() ?? "-"} ${e.rateLimit?.type ?? "-"}`;
  if (e instanceof ZoomPhoneError) return `${e.class} ${e.code} ${e.trackingId ?? ""} ${e.errors.length} ${e.zoomMessage ?? ""}`;
  return "";
}

export function onWebhook(headers: Record<string, string>, raw: Uint8Array): string {
  const { payload } = handleWebhook(headers, raw, ["secret"]);
  if (payload?.event === "phone.callee_ringing") {
    const account: string = payload.payload.account_id;
    const ringing: EventOf<"phone.callee_ringing"> = payload;
    return `${account} ${ringing.event_ts}`;
  }
  // @ts-expect-error: there is no such event.
  if (payload?.event === "phone.no_such_event") return "";
  return payload?.event ?? "url validation";
}
