// The browser/bundler entry: it fetches the wasm relative to its own URL.
// Node's fetch cannot read file: URLs, so this stands in a fetch that serves
// the file the way a web server would (application/wasm).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const fetched = [];
globalThis.fetch = async (url) => {
  fetched.push(String(url));
  const bytes = await readFile(new URL(url));
  return new Response(bytes, { headers: { "content-type": "application/wasm" } });
};

const { buildRequest, catalog } = await import("zoom-phone/web");

test("the web entry loads the wasm beside it and is ready after import", () => {
  assert.equal(fetched.length, 1);
  assert.match(fetched[0], /zoom_phone_wasm_bg\.wasm$/);
  assert.ok(Array.isArray(catalog().operations));
  assert.throws(() => buildRequest("noSuchOperation"), { name: "ZoomBuildError", class: "build", code: "unknown_operation" });
});
