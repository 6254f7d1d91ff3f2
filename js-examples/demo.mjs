// The Node part of `make demo`: the npm package against the mock Zoom Phone
// server at $ZOOM_PHONE_MOCK_URL (http://127.0.0.1:PORT). Prints a transcript.
import { createServer } from "node:http";
import { ZoomNotFoundError, ZoomPhone, handleNodeWebhook } from "zoom-phone";

const base = process.env.ZOOM_PHONE_MOCK_URL;
if (!base) throw new Error("set ZOOM_PHONE_MOCK_URL to the mock server (http://127.0.0.1:PORT)");
/** @param {string} line */
const say = (line) => console.log(`  ${line}`);
/** @param {string} title */
const step = (title) => console.log(`\n[js] ${title}`);
/** @param {string} prefix */
const requests = async (prefix) => {
  const list = /** @type {unknown[]} */ (await (await fetch(`${base}/_admin/requests?path_prefix=${prefix}`)).json());
  return list.length;
};

step("server-to-server OAuth");
const zp = new ZoomPhone(
  { accountId: "mock-account", clientId: "mock-client-id", clientSecret: "mock-client-secret" },
  { baseUrl: `${base}/v2`, oauthBase: base },
);
const tokensBefore = await requests("/oauth/token");
const users = await zp.users.listPhoneUsers({ page_size: 3 });
say(`token fetched (${(await requests("/oauth/token")) - tokensBefore} token request), ${users.total_records} phone users`);
for (const u of users.users ?? []) say(`  user ${u.id} ${u.email ?? ""}`);

step("paged walk: zp.callLogs.accountCallHistory.iter({ page_size: 300 })");
let records = 0;
const started = Date.now();
for await (const _ of zp.callLogs.accountCallHistory.iter({ page_size: 300 })) records++;
say(`${records} call-history records in ${Date.now() - started} ms`);

step("write, read back, delete: the blocked list");
const { id = "" } = await zp.blockedList.addAnumberToBlockedList({
  body: { phone_number: "+15550123", match_type: "phoneNumber", block_type: "inbound", comment: "demo", status: "active" },
});
say(`created ${id}`);
await zp.blockedList.updateBlockedList({ blockedListId: id, body: { comment: "demo, updated" } });
const back = await zp.blockedList.getABlockedList({ blockedListId: id });
say(`read back: ${back.phone_number} "${back.comment}"`);
await zp.blockedList.deleteABlockedList({ blockedListId: id });
try {
  await zp.blockedList.getABlockedList({ blockedListId: id });
} catch (e) {
  if (!(e instanceof ZoomNotFoundError)) throw e;
  say(`after delete: ${e.name} status ${e.status} (tracking id ${e.trackingId})`);
}

step("download a recording");
const bytes = await zp.recordings.phoneDownloadRecordingFile({ fileId: "demo-recording" });
say(`${bytes.length} bytes, starting ${[...bytes.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`);

step("webhooks: the mock signs and sends, node:http verifies");
const secret = "demo-webhook-secret";
const server = createServer(async (req, res) => {
  const r = await handleNodeWebhook(req, res, secret);
  say(r === null ? "receiver: refused (bad signature)" : `receiver: verified ${r.event}`);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(null)));
const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
const hook = `http://127.0.0.1:${port}/hook`;
/** @type {Array<{ event: string; wrong_secret?: boolean }>} */
const sends = [
  { event: "phone.callee_ringing" },
  { event: "endpoint.url_validation" },
  { event: "phone.callee_ringing", wrong_secret: true },
];
for (const spec of sends) {
  const r = await fetch(`${base}/_admin/webhooks/send`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: hook, secret, ...spec }),
  });
  const sent = /** @type {{status: number, validation?: {ok: boolean}}} */ (await r.json());
  say(`sent ${spec.event}${spec.wrong_secret ? " (wrong secret)" : ""}: answered ${sent.status}${sent.validation ? `, validation ok: ${sent.validation.ok}` : ""}`);
}
server.close();
console.log("\n[js] done");
