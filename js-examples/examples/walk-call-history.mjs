// Every record of the account's call history, page by page (the core keeps
// the page token and says when the listing ends).
import { connect } from "./env.mjs";

const zp = connect();
let count = 0;
const results = new Map();
for await (const record of zp.callLogs.accountCallHistory.iter({ page_size: 300 })) {
  count++;
  results.set(record.call_result, (results.get(record.call_result) ?? 0) + 1);
}
console.log(`${count} call-history records`);
for (const [result, n] of [...results].sort((a, b) => b[1] - a[1])) console.log(`  ${result}: ${n}`);
