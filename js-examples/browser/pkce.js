// Authorization code with PKCE from a page, then API calls with the user's
// token, then a webhook signature checked in the browser. Progress goes to
// the page; the outcome to `window.__result` (read by browser.test.mjs).
import { ZoomPhone, ZoomWebhookError, createAuthorization, exchangeCode, verifyWebhook } from "/pkg/web.js";

const log = (line) => (document.getElementById("log").textContent += `${line}\n`);
const params = new URLSearchParams(location.search);

async function run() {
  const mock = params.get("mock") ?? sessionStorage.getItem("zoom-phone-mock");
  const app = { clientId: "mock-public-client-id", redirectUri: location.origin + location.pathname, oauthBase: mock };
  if (!params.has("code") && !params.has("error")) {
    // Step 1: keep state and verifier for the way back, then go to Zoom.
    sessionStorage.setItem("zoom-phone-mock", mock);
    const auth = createAuthorization(app);
    sessionStorage.setItem("zoom-phone-pkce", JSON.stringify({ state: auth.state, codeVerifier: auth.codeVerifier }));
    log("redirecting to the authorize page");
    location.assign(auth.url);
    return null;
  }
  // Step 2: back with ?code&state: check state, exchange with the verifier.
  const { state, codeVerifier } = JSON.parse(sessionStorage.getItem("zoom-phone-pkce"));
  sessionStorage.removeItem("zoom-phone-pkce");
  const tokens = await exchangeCode(app, { callbackUrl: location.href, state, codeVerifier });
  history.replaceState(null, "", location.pathname); // the code stays out of the history
  log("signed in");
  const zp = new ZoomPhone({ accessToken: tokens.access_token }, { baseUrl: `${mock}/v2` });
  const sites = await zp.sites.listPhoneSites({ page_size: 5 });
  log(`${sites.total_records} sites`);
  let walked = 0;
  for await (const _ of zp.users.listPhoneUsers.iter({ page_size: 100 }, { limit: 250 })) walked++;
  log(`${walked} users walked`);
  return { refresh: typeof tokens.refresh_token, sites: sites.sites.length, walked, webhook: await webhookCheck() };
}

// Zoom signs `v0:{timestamp}:{body}` with HMAC-SHA256; sign one here with
// Web Crypto and let the core verify it (and refuse a tampered body).
async function webhookCheck() {
  const secret = "browser-secret";
  const body = JSON.stringify({ event: "phone.callee_ringing", event_ts: Date.now(), payload: {} });
  const ts = String(Math.floor(Date.now() / 1000));
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`v0:${ts}:${body}`)));
  const headers = { "x-zm-request-timestamp": ts, "x-zm-signature": `v0=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}` };
  verifyWebhook(headers, body, secret);
  try {
    verifyWebhook(headers, body.replace("ringing", "answered"), secret);
    return "tampered body accepted";
  } catch (e) {
    return e instanceof ZoomWebhookError ? `verified; tampered body refused (${e.code})` : String(e);
  }
}

run().then(
  (result) => {
    if (result) {
      log(JSON.stringify(result));
      window.__result = result;
    }
  },
  (error) => {
    log(`${error.name}: ${error.message}`);
    window.__result = { error: `${error.name}: ${error.message}` };
  },
);
