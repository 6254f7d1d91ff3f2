// The package as Node users get it: `import ... from "zoom-phone"` resolves
// through package.json `exports` to the "node" entry.
import { test } from "node:test";
import assert from "node:assert/strict";

import { buildRequest, catalog } from "zoom-phone";

test("catalog() hands over the generated catalog as an object", () => {
  const c = catalog();
  assert.equal(typeof c.spec_version, "string");
  assert.ok(Array.isArray(c.operations));
});

test("an unknown operation throws a BuildError with a code", () => {
  assert.throws(
    () => buildRequest("noSuchOperation", {}),
    (err) => {
      assert.ok(err instanceof Error);
      assert.equal(err.name, "BuildError");
      assert.equal(err.code, "unknown_operation");
      assert.equal(err.status, undefined);
      assert.match(err.message, /noSuchOperation/);
      return true;
    },
  );
});

test("arguments of the wrong shape throw TypeError, and the module keeps working", () => {
  assert.throws(() => buildRequest("listCallQueues", 42), TypeError);
  assert.throws(() => buildRequest("listCallQueues", ["page_size", 10]), TypeError);
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => buildRequest("listCallQueues", cyclic), TypeError);
  assert.throws(() => buildRequest("listCallQueues", { n: 10n }), TypeError);
  assert.throws(() => buildRequest("listCallQueues", {}, { baseUrl: 7 }), TypeError);
  // A trap would have poisoned the instance; a thrown error does not.
  assert.throws(() => buildRequest("noSuchOperation", {}), { name: "BuildError" });
});
