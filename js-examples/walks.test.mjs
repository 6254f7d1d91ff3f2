// What a walk keeps: once a page's items are handed out, the page is the
// caller's to keep or drop, so while the next page is sent, read and parsed
// the walk holds no reference to the last one (held, two pages of a listing
// are alive at once, and the first is old enough by then to be promoted out
// of the young generation).
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { ZoomPhone } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

/**
 * A client whose fetch answers, for every page request after the first,
 * whether `watched` (a WeakRef the test sets) was collected by a full GC
 * taken just before the request went out.
 */
function watchingClient() {
  const seen = { watched: undefined, aliveAtNextPage: [] };
  const fetch = (url, init) => {
    if (seen.watched && String(url).includes("/phone/call_history")) {
      gc();
      seen.aliveAtNextPage.push(seen.watched.deref() !== undefined);
    }
    return globalThis.fetch(url, init);
  };
  const client = new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url, fetch });
  return { client, seen };
}

// Each helper takes what it needs of a page and keeps only a WeakRef to it,
// so no stack slot of the test holds the page; it then lets a task pass,
// since a WeakRef keeps its target alive until the current job ends.
async function firstPageByItem(walk, seen) {
  let first;
  for (let i = 0; i < 300; i++) {
    const { value } = await walk.next();
    first ??= value;
  }
  seen.watched = new WeakRef(first);
  await new Promise((resolve) => setImmediate(resolve));
}

async function firstPageWhole(pages, seen) {
  const { value } = await pages.next();
  assert.equal(value.items.length, 300);
  seen.watched = new WeakRef(value.items);
  await new Promise((resolve) => setImmediate(resolve));
}

test("walking by item, the handed-out page is not held while the next one is fetched", async () => {
  const { client, seen } = watchingClient();
  const walk = client.callLogs.accountCallHistory.iter({ page_size: 300 })[Symbol.asyncIterator]();
  await firstPageByItem(walk, seen);
  const { value } = await walk.next();
  assert.ok(value.call_history_uuid, "the 301st item is the second page's first");
  assert.deepEqual(seen.aliveAtNextPage, [false]);
});

test("walking by page, the page handed out is not held while the next one is fetched", async () => {
  const { client, seen } = watchingClient();
  const pages = client.callLogs.accountCallHistory.iter({ page_size: 300 }).pages()[Symbol.asyncIterator]();
  await firstPageWhole(pages, seen);
  const { value } = await pages.next();
  assert.equal(value.items.length, 300);
  assert.deepEqual(seen.aliveAtNextPage, [false]);
});
