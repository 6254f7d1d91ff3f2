// The package as Node users get it: `import ... from "zoom-phone"` resolves
// through package.json `exports` to the "node" entry.
import { test } from "node:test";
import assert from "node:assert/strict";

import { ZoomApiError, ZoomBuildError, ZoomNotFoundError, buildRequest, catalog, parseResponse } from "zoom-phone";

const json = (value) => new TextEncoder().encode(JSON.stringify(value));

test("catalog() hands over every operation as data", () => {
  const c = catalog();
  assert.equal(typeof c.spec_version, "string");
  assert.equal(c.operations.length, 391);
  const op = c.operations.find((o) => o.id === "listCallQueues");
  assert.equal(op.method, "GET");
  assert.equal(op.path, "/phone/call_queues");
});

test("buildRequest builds a GET with its query and no body", () => {
  const req = buildRequest("listCallQueues", { page_size: 10, site_id: "s1" });
  assert.equal(req.method, "GET");
  assert.equal(req.url, "https://api.zoom.us/v2/phone/call_queues?page_size=10&site_id=s1");
  assert.equal(req.body, null);
  assert.match(req.headers["user-agent"], /^zoom-phone-js\//);
  assert.equal(req.headers.authorization, undefined);
});

test("buildRequest takes the snake_case name, encodes path segments and honours the config", () => {
  const req = buildRequest("get_a_call_queue", { callQueueId: "a/b c" }, { baseUrl: "http://127.0.0.1:4010/v2" });
  assert.equal(req.url, "http://127.0.0.1:4010/v2/phone/call_queues/a%2Fb%20c");
});

test("buildRequest puts the JSON body in a Uint8Array", () => {
  const req = buildRequest("updateCallQueue", { callQueueId: "q1", body: { cost_center: "CC-9" } });
  assert.equal(req.method, "PATCH");
  assert.match(req.headers["content-type"], /^application\/json/);
  assert.ok(req.body instanceof Uint8Array);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(req.body)), { cost_center: "CC-9" });
});

test("build errors are ZoomBuildErrors with the core's class and code", () => {
  const cases = [
    ["noSuchOperation", {}, "unknown_operation"],
    ["getACallQueue", {}, "missing_parameter"],
    ["listCallQueues", { page_sise: 10 }, "unknown_parameter"],
  ];
  for (const [op, params, code] of cases) {
    assert.throws(
      () => buildRequest(op, params),
      (err) => err instanceof ZoomBuildError && err.class === "build" && err.code === code && err.status === undefined,
      `${op} ${JSON.stringify(params)}`,
    );
  }
});

test("arguments of the wrong shape throw TypeError, and the module keeps working", () => {
  assert.throws(() => buildRequest("listCallQueues", 42), TypeError);
  assert.throws(() => buildRequest("listCallQueues", ["page_size", 10]), TypeError);
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => buildRequest("listCallQueues", cyclic), TypeError);
  assert.throws(() => buildRequest("listCallQueues", { n: 10n }), TypeError);
  assert.throws(() => buildRequest("listCallQueues", {}, { baseUrl: 7 }), TypeError);
  assert.throws(() => parseResponse("listCallQueues", 70000, {}, json({})), TypeError);
  assert.throws(() => parseResponse("listCallQueues", "200", {}, json({})), TypeError);
  assert.throws(() => parseResponse("listCallQueues", 200, { "x-a": 1 }, json({})), TypeError);
  assert.throws(() => parseResponse("listCallQueues", 200, { "bad header": "v" }, json({})), TypeError);
  assert.throws(() => parseResponse("listCallQueues", 200, {}, "{}"), TypeError);
  // A trap would have poisoned the instance; thrown errors do not.
  assert.equal(buildRequest("listCallQueues", { page_size: 1 }).method, "GET");
});

test("parseResponse returns the JSON body with Zoom's tracking id", () => {
  const page = { next_page_token: "", page_size: 1, total_records: 1, call_queues: [{ id: "q1", name: "Sales" }] };
  const out = parseResponse(
    "listCallQueues",
    200,
    { "content-type": "application/json", "x-zm-trackingid": "v=2.0;rid=1" },
    json(page),
  );
  assert.equal(out.status, 200);
  assert.equal(out.kind, "json");
  assert.deepEqual(out.body, page);
  assert.equal(out.trackingId, "v=2.0;rid=1");
  assert.equal(typeof out.rateLimit, "object");
});

test("parseResponse of a 204 is empty", () => {
  const out = parseResponse("updateCallQueue", 204, {}, new Uint8Array());
  assert.equal(out.kind, "empty");
  assert.equal(out.body, null);
});

test("Zoom's error becomes a thrown ZoomNotFoundError with status, zoomCode, zoomMessage and trackingId", () => {
  assert.throws(
    () =>
      parseResponse(
        "getACallQueue",
        404,
        { "content-type": "application/json", "x-zm-trackingid": "t-404" },
        json({ code: 1001, message: "Call queue does not exist" }),
      ),
    (err) => {
      assert.ok(err instanceof ZoomNotFoundError && err instanceof ZoomApiError);
      assert.equal(err.class, "not_found");
      assert.equal(err.code, "not_found");
      assert.equal(err.zoomMessage, "Call queue does not exist");
      assert.equal(err.status, 404);
      assert.equal(err.zoomCode, 1001);
      assert.equal(err.trackingId, "t-404");
      assert.match(err.message, /Call queue does not exist/);
      return true;
    },
  );
});

test("a success body that is not JSON is a ZoomDecodeError", () => {
  const html = new TextEncoder().encode("<html>proxy error</html>");
  assert.throws(() => parseResponse("listCallQueues", 200, { "content-type": "text/html" }, html), {
    name: "ZoomDecodeError",
    class: "decode",
    code: "decode_error",
    status: 200,
  });
});
