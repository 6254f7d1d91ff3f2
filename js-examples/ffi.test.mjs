// No crash across the FFI: every export of the wasm module and every
// prototype method of its classes, found by enumerating the module (so a new
// export is abused too), called with wrong types and values. Each call must
// throw an ordinary Error (a TypeError, or the core's error with a `code`)
// or return; never a WebAssembly.RuntimeError (a trap: a panic or an
// out-of-bounds access). Afterwards the instance is the same one
// (`instanceId`) and normal calls work.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as pkg from "zoom-phone";
// The module instance the package entry instantiated (npm links the package).
import * as wasm from "../bindings-wasm/dist/zoom_phone_wasm.js";

// Loading machinery (`start` is the #[wasm_bindgen(start)] hook: calling it
// again gives the running instance a new id), and the panic trigger the
// panic-recovery test uses. None is reachable from the package's entry
// points (checked below).
const NOT_ABUSED = new Set(["default", "initSync", "start", "__panicForTests"]);

const deviceBody = new TextEncoder().encode(
  JSON.stringify({
    device_code: "dc",
    user_code: "UC",
    verification_uri: "https://zoom.us/oauth_device",
    verification_uri_complete: "https://zoom.us/oauth_device?user_code=UC",
    expires_in: 600,
    interval: 5,
  }),
);
const makers = {
  Session: () => new wasm.Session({ accessToken: "t", seed: 1 }),
  Pager: () => new wasm.Pager("listPhoneUsers", {}),
  DeviceFlow: () => new wasm.DeviceFlow({ clientId: "c" }, 200, {}, deviceBody, Date.now()),
  Syncer: () => new wasm.Syncer("syncUserCallLogs", { userId: "u1", count: 5 }),
  ShardJob: () =>
    new wasm.Session({ accessToken: "t", seed: 1, fleet: { account: "a" } }).shardJob("job", "w1", "2026-01-01", "2026-03-31", { months: 1 }),
};

/** What a bad value's own code throws (toJSON): passed through unchanged. */
class OwnError extends Error {}

function badValues() {
  const cyclic = {};
  cyclic.self = cyclic;
  let nested = [];
  for (let i = 0; i < 10_000; i++) nested = [nested];
  const freed = makers.Pager();
  freed.free();
  return [
    undefined, null, 0, -1, NaN, Infinity, -Infinity, 2 ** 64, 1e308, -0, true, "", "x".repeat(1_000_000),
    "\ud800", "\udc00abc", "\u0000", "é🙂", {}, [], cyclic, { toJSON() { throw new OwnError("toJSON") } },
    { body: nested }, nested, Symbol("s"), 10n, () => 0, new Uint8Array([0xff, 0xfe]), new ArrayBuffer(2),
    makers.Session(), makers.Pager(), makers.DeviceFlow(), makers.Syncer(), makers.ShardJob(), freed,
  ];
}

function isClass(v) {
  return typeof v === "function" && /^class\b/.test(Function.prototype.toString.call(v));
}

test("the package's entry points expose neither the panic trigger nor the loading hooks, nor the raw module they live in", async () => {
  for (const entry of [pkg, await import("zoom-phone/node")]) {
    for (const name of NOT_ABUSED) assert.equal(entry[name], undefined, name);
  }
  await assert.rejects(import("zoom-phone/zoom_phone_wasm.js"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
});

test("every wasm export and class method survives wrong types and values", () => {
  const before = wasm.instanceId();
  const bad = badValues();
  const counts = { exports: 0, calls: 0, threw: 0, returned: 0 };
  const check = (name, fn) => {
    counts.calls += 1;
    try {
      fn();
      counts.returned += 1;
    } catch (e) {
      counts.threw += 1;
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `${name}: a trap: ${e?.stack}`);
      assert.ok(e instanceof Error, `${name}: threw a non-Error ${String(e)}`);
      // Reading a 10,000-deep array (JSON.stringify, String()) overflows JS's
      // stack, not wasm's: the RangeError is raised by JS code (handed back to
      // the core as an error, or before the core is entered). A wasm stack
      // overflow would have a wasm frame on top.
      if (e instanceof RangeError) {
        assert.doesNotMatch(e.stack.split("\n")[1], /wasm-function/, `${name}: ${e.stack}`);
        return;
      }
      assert.ok(
        e instanceof TypeError || e instanceof OwnError || typeof e.details?.code === "string" || /null pointer passed to rust|expected instance of/.test(e.message),
        `${name}: ${e.name}: ${e.message}`,
      );
    }
    assert.equal(wasm.instanceId(), before, `${name}: the wasm instance was replaced`);
  };
  for (const [name, value] of Object.entries(wasm).sort()) {
    if (NOT_ABUSED.has(name) || typeof value !== "function") continue;
    counts.exports += 1;
    if (isClass(value)) {
      assert.ok(makers[name], `new exported class ${name}: give the FFI test a way to make one`);
      for (const v of bad) {
        check(`new ${name}(bad)`, () => new value(v, v, v, v, v));
        check(`new ${name}(bad…)`, () => new value(v));
      }
      const shared = makers[name]();
      const methods = Object.getOwnPropertyNames(value.prototype).filter((m) => m !== "constructor");
      for (const m of methods) {
        const desc = Object.getOwnPropertyDescriptor(value.prototype, m);
        counts.exports += 1;
        if (desc.get) {
          // A getter on a freed object, and on a live one.
          check(`${name}.${m} (freed)`, () => bad.at(-1)[m]);
          continue;
        }
        if (typeof desc.value !== "function") continue;
        const target = m === "free" || m === Symbol.dispose ? makers[name] : () => shared;
        for (const v of bad) {
          for (let i = 0; i < Math.max(desc.value.length, 1); i++) {
            const args = Array.from({ length: desc.value.length }, (_, j) => (j === i ? v : 1));
            check(`${name}.${m}(${i}: bad)`, () => target()[m](...args));
          }
          check(`${name}.${m}(all bad)`, () => target()[m](v, v, v, v, v, v, v));
          check(`${name}.${m}.call(bad)`, () => desc.value.call(v, 1, 1, 1));
        }
      }
    } else {
      for (const v of bad) {
        for (let i = 0; i < Math.max(value.length, 1); i++) {
          const args = Array.from({ length: value.length }, (_, j) => (j === i ? v : j === 0 ? "listPhoneUsers" : 1));
          check(`${name}(${i}: bad)`, () => value(...args));
        }
        check(`${name}(all bad)`, () => value(v, v, v, v, v, v, v));
      }
    }
  }
  // The same instance, and it still works, the abused objects included.
  assert.equal(wasm.instanceId(), before);
  assert.equal(wasm.catalog().operations.length, 391);
  assert.equal(wasm.buildRequest("listPhoneSites", {}).method, "GET");
  const s = makers.Session();
  const now = Date.now();
  const send = JSON.parse(s.start("listPhoneSites", {}, {}, now));
  assert.equal(send.type, "send");
  const done = JSON.parse(s.respond(send.id, 200, "content-type\napplication/json\n", new TextEncoder().encode('{"sites":[]}'), now));
  assert.equal(done.type, "done");
  assert.equal(done.kind, "json");
  assert.ok(counts.exports >= 20, JSON.stringify(counts));
  assert.ok(counts.threw > counts.returned, JSON.stringify(counts));
  console.log(
    `ffi abuse (wasm): ${counts.exports} exports and methods, ${counts.calls} calls, ${counts.threw} threw, ${counts.returned} returned; instance ${before} unchanged`,
  );
});
