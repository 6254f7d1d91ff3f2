// Starts the mock Zoom Phone server (tools/mock-server) for a test file or an
// example: the binary from $ZOOM_PHONE_MOCK_BIN, else zoom-phone-mock in
// $CARGO_TARGET_DIR/debug or target/debug (built by `make test-js`). Resolves once it printed its address.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

export const CREDENTIALS = { accountId: "mock-account", clientId: "mock-client-id", clientSecret: "mock-client-secret" };

export async function startMock(args = []) {
  const targetDir = process.env.CARGO_TARGET_DIR || `${root}target`;
  const bin = process.env.ZOOM_PHONE_MOCK_BIN ?? `${targetDir}/debug/zoom-phone-mock`;
  const child = spawn(bin, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const failed = new Promise((_, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the mock server exited (${code}) before listening`)));
  });
  const lines = createInterface({ input: child.stdout });
  const first = new Promise((resolve) => lines.once("line", resolve));
  const line = await Promise.race([first, failed]);
  const match = /^listening on (http:\/\/\S+)$/.exec(line);
  if (!match) throw new Error(`unexpected first line from the mock: ${line}`);
  child.removeAllListeners("exit");
  const url = match[1];
  return { url, api: `${url}/v2`, admin: adminClient(url), stop: () => child.kill() };
}

function adminClient(url) {
  const call = async (method, path, body) => {
    const r = await fetch(`${url}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`admin ${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    requests: (prefix = "") => call("GET", `/requests${prefix ? `?path_prefix=${encodeURIComponent(prefix)}` : ""}`),
    clearRequests: () => call("DELETE", "/requests"),
    fault: (spec) => call("POST", "/faults", spec),
    expireTokens: () => call("POST", "/tokens/expire"),
    config: (patch) => call("PATCH", "/config", patch),
    reset: () => call("POST", "/reset"),
    sendWebhook: (spec) => call("POST", "/webhooks/send", spec),
    events: () => call("GET", "/webhooks/events"),
    approveDevice: (userCode, deny = false) => call("POST", "/device/approve", { user_code: userCode, deny }),
  };
}
