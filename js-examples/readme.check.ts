// The example of the npm page (bindings-wasm/js/README.md), type-checked by
// tsc with the other checks (make test-js); scripts/check-packaging.sh fails
// if the README's block is not the one between the markers.
declare const accountId: string, clientId: string, clientSecret: string, fileId: string;

// README begin
import { ZoomPhone, ZoomNotFoundError } from "zoom-phone";

const zp = new ZoomPhone({ accountId, clientId, clientSecret }); // server-to-server OAuth
const { call_queues } = await zp.callQueues.listCallQueues({ page_size: 50 });
for await (const record of zp.callLogs.accountCallHistory.iter({ page_size: 300 })) { /* every page */ }
const mp3 = await zp.recordings.phoneDownloadRecordingFile({ fileId }); // Uint8Array
try {
  await zp.users.phoneUser({ userId: "nobody" });
} catch (e) {
  if (e instanceof ZoomNotFoundError) console.log(e.status, e.zoomCode, e.trackingId);
}
// README end
