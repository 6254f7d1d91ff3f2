// A webhook endpoint on node:http: verifies Zoom's signature (and answers the
// URL validation challenge) before trusting a byte of the event.
//   ZOOM_WEBHOOK_SECRET=... PORT=8080 node js-examples/examples/webhook-receiver.mjs
import { createServer } from "node:http";
import { handleNodeWebhook } from "zoom-phone";

const secret = process.env.ZOOM_WEBHOOK_SECRET;
if (!secret) throw new Error("set ZOOM_WEBHOOK_SECRET to the app's secret token");

const server = createServer(async (req, res) => {
  const received = await handleNodeWebhook(req, res, secret);
  if (received === null) console.log("refused a request that was not signed by Zoom");
  else if (received.payload === null) console.log(`answered ${received.event}`);
  else console.log(`verified ${received.event}`);
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  console.log(`listening on http://127.0.0.1:${port}/`);
});
