// A Worker using the package: `workerd test` calls test(); a throw fails it.
import { buildRequest, parseResponse } from "zoom-phone/workerd.js";

function check(condition, what) {
  if (!condition) throw new Error(`workerd: ${what}`);
}

export default {
  async test() {
    const req = buildRequest("listCallQueues", { page_size: 10 });
    check(req.url === "https://api.zoom.us/v2/phone/call_queues?page_size=10", `url ${req.url}`);
    const out = parseResponse("listCallQueues", 200, { "content-type": "application/json" },
      new TextEncoder().encode('{"call_queues":[],"next_page_token":""}'));
    check(out.kind === "json" && Array.isArray(out.body.call_queues), "parsed body");
    let thrown;
    try {
      buildRequest("noSuchOperation", {});
    } catch (err) {
      thrown = err;
    }
    check(thrown?.name === "BuildError" && thrown.code === "unknown_operation", "BuildError");
    console.log("workerd: package loaded, request built, response parsed, error thrown");
  },
};
