// Server-to-server OAuth, then the first page of the account's phone users.
//   ZOOM_PHONE_MOCK_URL=http://127.0.0.1:PORT node js-examples/examples/list-users.mjs
import { connect } from "./env.mjs";

const zp = connect();
const page = await zp.users.listPhoneUsers({ page_size: 5 });
const users = page.users ?? [];
console.log(`${page.total_records} phone users; the first ${users.length}:`);
for (const user of users) console.log(`  ${user.id}  ${user.name ?? ""}  ${user.email ?? ""}`);
