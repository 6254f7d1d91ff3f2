// A Worker using the package: `workerd test` calls test(); a throw fails it.
import { ZoomPhone, ZoomNotFoundError, buildRequest, handleWebhookRequest, parseResponse } from "zoom-phone/workerd.js";

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
    check(thrown?.name === "ZoomBuildError" && thrown.code === "unknown_operation", "ZoomBuildError");
    await clientWithInjectedFetch();
    await webhookFromRequest();
    console.log("workerd: package loaded, request built, response parsed, error thrown, client and webhook ran");
  },
};

// The client runs its driver loop on the worker's event loop with an
// injected fetch: a token request, then the call; a 404 is a typed error.
async function clientWithInjectedFetch() {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push(`${init.method} ${new URL(url).pathname}`);
    check(init.redirect === "manual", "fetch with redirect: manual");
    if (url.includes("/oauth/token")) {
      return Response.json({ access_token: "tok", token_type: "bearer", expires_in: 3600, scope: "" });
    }
    if (url.endsWith("/phone/sites/nope")) return Response.json({ code: 404, message: "Not Found." }, { status: 404 });
    return Response.json({ sites: [{ id: "s1" }], next_page_token: "", total_records: 1 });
  };
  const zp = new ZoomPhone({ accountId: "a", clientId: "c", clientSecret: "s" }, { fetch, baseUrl: "https://api.example/v2", oauthBase: "https://oauth.example" });
  const sites = await zp.sites.listPhoneSites();
  check(sites.sites[0].id === "s1", "sites listed");
  let error;
  try {
    await zp.sites.getASite({ siteId: "nope" });
  } catch (e) {
    error = e;
  }
  check(error instanceof ZoomNotFoundError && error.status === 404, "ZoomNotFoundError");
  check(seen.join(",") === "POST /oauth/token,GET /v2/phone/sites,GET /v2/phone/sites/nope", seen.join(","));
}

// A webhook as a worker receives it: a Request, signed with Web Crypto here.
async function webhookFromRequest() {
  const secret = "worker-secret";
  const body = JSON.stringify({ event: "phone.callee_ringing", event_ts: Date.now(), payload: {} });
  const ts = String(Math.floor(Date.now() / 1000));
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`v0:${ts}:${body}`)));
  const hex = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
  const request = (signature) =>
    new Request("https://worker.example/hook", {
      method: "POST",
      headers: { "x-zm-request-timestamp": ts, "x-zm-signature": signature, "content-type": "application/json" },
      body,
    });
  const ok = await handleWebhookRequest(request(`v0=${hex}`), secret);
  check(ok.response.status === 204 && ok.event === "phone.callee_ringing", `webhook accepted (${ok.response.status})`);
  const forged = await handleWebhookRequest(request(`v0=${"0".repeat(64)}`), secret);
  check(forged.response.status === 401 && forged.error?.code === "bad_signature", "forgery refused");
}
