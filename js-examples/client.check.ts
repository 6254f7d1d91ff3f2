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
  type AbortSignalLike,
  type ResumePoint,
  type SyncCheckpoint,
  type SyncPhase,
} from "zoom-phone";

const zp = new ZoomPhone({ accountId: "a", clientId: "c", clientSecret: "s" }, { baseUrl: "http://127.0.0.1:1/v2" });

export async function rightCalls(): Promise<void> {
  const queues: ListCallQueuesResult = await zp.callQueues.listCallQueues({ page_size: 10, site_id: "s1" });
  const n: number | undefined = queues.total_records;
  const q = await zp.callQueues.getACallQueue({ callQueueId: "q1" });
  const name: string | undefined = q.name;
  // A comma-separated list parameter takes the items or the joined string.
  await zp.call("deleteUnassignedPhoneNumbers", { phone_numbers: ["n1", "n2"] });
  await zp.call("deleteUnassignedPhoneNumbers", { phone_numbers: "n1,n2" });
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
  // @ts-expect-error: only the spec's comma-separated lists take a joined string.
  await zp.call("DelRoleMembers", { roleId: "r", user_ids: "u1,u2" });
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

// Raw responses, per-call options, resuming and syncing, typed (issue 16).
export async function rawResponses(): Promise<void> {
  const { data, response } = await zp.callQueues.listCallQueues({ page_size: 5 }).withResponse();
  const total: number | undefined = data.total_records;
  const status: number = response.status;
  const tracking: string | null = response.trackingId;
  const remaining: number | null = response.rateLimit.remaining;
  const header: string | null = response.headers.get("x-zm-trackingid");
  const location: string | null = response.location;
  const raw = await zp.sites.listPhoneSites().asResponse();
  const code: number = raw.status;
  const bytes: Uint8Array = (await zp.recordings.phoneDownloadRecordingFile({ fileId: "f" }).withResponse()).data;
  const nothing: void = (await zp.blockedList.deleteABlockedList({ blockedListId: "b" }).withResponse()).data;
  // @ts-expect-error: the result has no such field.
  (await zp.callQueues.listCallQueues().withResponse()).data.queues;
  void [total, status, tracking, remaining, header, location, code, bytes, nothing];
}

export async function callOptions(signal: AbortSignalLike): Promise<void> {
  const copy: ZoomPhone = zp.withOptions({ timeoutMs: 1000, headers: { "x-team": "a" }, signal });
  await copy.users.phoneUser({ userId: "u" }, { maxAttempts: 2, retryNonIdempotent: false, headers: { "x-b": "c" } });
  // @ts-expect-error: a client option is not a call option.
  zp.withOptions({ baseUrl: "http://elsewhere" });
  // @ts-expect-error: misspelt call option.
  await zp.users.phoneUser({ userId: "u" }, { timeout: 5 });
}

export async function resuming(saved: string): Promise<void> {
  const walk = zp.callLogs.accountCallHistory.iter({ page_size: 300 });
  for await (const record of walk) {
    const item: AccountCallHistoryItem = record;
    void item;
    break;
  }
  const point: ResumePoint | null = walk.resumePoint;
  const again = zp.callLogs.accountCallHistory.iter({ page_size: 300 }, { resume: point ?? (JSON.parse(saved) as ResumePoint) });
  for await (const page of again.pages()) {
    const items: AccountCallHistoryItem[] = page.items;
    const next: string | undefined = page.data.next_page_token;
    const status: number = page.response.status;
    void [items, next, status];
  }
  const byId: ResumePoint | null = zp.paginate("listCallQueues").resumePoint;
  void byId;
}

export async function syncing(): Promise<void> {
  let saved: SyncCheckpoint | null = null;
  for await (const batch of zp.callLogs.syncUserCallLogs.sync({ userId: "u", count: 50 }, { checkpoint: saved })) {
    const phase: SyncPhase = batch.phase;
    const logs = batch.page.call_logs ?? [];
    const n: number = batch.records;
    saved = batch.checkpoint;
    void [phase, logs, n];
  }
  for await (const batch of zp.sync("smsSessionSync", { sessionId: "s", count: 10 })) {
    const histories = batch.page.sms_histories;
    void histories;
  }
  // @ts-expect-error: the syncer sets sync_type itself.
  zp.callLogs.syncUserCallLogs.sync({ userId: "u", sync_type: "FSync" });
  // @ts-expect-error: a listing is not a sync operation.
  zp.sync("listCallQueues", {});
  // @ts-expect-error: a listing has no sync().
  zp.callQueues.listCallQueues.sync;
}
