// The Node host of the conformance run: the built npm package (as js-examples
// installs it) calls every operation against Prism through `ZoomPhone`, the
// public client, with a fixed token, retries off and both base URLs at Prism.
// The client's `fetch` option is wrapped to read each answer's status and
// Prism's `sl-violations` header, which the client does not surface.
//
//   node tools/conformance/run-node.mjs EXAMPLES BASE_URL OUT
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [examplesPath, baseUrl, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: node run-node.mjs EXAMPLES BASE_URL OUT");
  process.exit(2);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const fromExamples = createRequire(resolve(root, "js-examples/package.json"));
const { ZoomPhone } = await import(pathToFileURL(fromExamples.resolve("zoom-phone")).href);

/** Must match the Rust runner's: Prism only checks that a token is present. */
const TOKEN = "conformance-token";

/** `location: message` of each Error violation, else the problem body's title. */
export function shortViolations(header, body) {
  let list = [];
  try {
    list = JSON.parse(header ?? "[]");
  } catch {}
  const errors = list
    .filter((v) => v.severity === "Error")
    .map((v) => `${(v.location ?? []).join(".")}: ${v.message ?? ""}`);
  if (errors.length) return errors;
  try {
    const title = JSON.parse(body).title;
    return typeof title === "string" ? [title] : [];
  } catch {
    return [];
  }
}

let last = null;
async function recordingFetch(url, init) {
  const response = await fetch(url, init);
  const body = await response.clone().text();
  last = { status: response.status, violations: shortViolations(response.headers.get("sl-violations"), body) };
  return response;
}

const zp = new ZoomPhone(
  { accessToken: TOKEN },
  { baseUrl, fileBaseUrl: baseUrl, retry: { maxAttempts: 1 }, fetch: recordingFetch },
);
const examples = JSON.parse(readFileSync(examplesPath, "utf8"));
const operations = {};
for (const [id, params] of Object.entries(examples)) {
  last = null;
  let parsed = true;
  let clientError;
  let clientStatus;
  try {
    clientStatus = (await zp.request(id, params)).status;
  } catch (e) {
    parsed = false;
    clientError = `${e.name}: ${e.message}`;
    clientStatus = e.status;
  }
  if (last === null) throw new Error(`${id}: nothing was sent (${clientError})`);
  if (clientStatus !== undefined && clientStatus !== last.status) {
    throw new Error(`${id}: the client saw ${clientStatus}, fetch ${last.status}`);
  }
  const accepted = last.status < 400;
  const verdict = {
    accepted,
    status: last.status,
    violations: accepted ? [] : last.violations,
    response_parsed: accepted ? parsed : null,
  };
  if (clientError !== undefined) verdict.client_error = clientError;
  operations[id] = verdict;
}
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, JSON.stringify({ host: "node", operations }, null, 2) + "\n");
