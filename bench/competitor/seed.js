// Seeds users FROM..TO through store.js, with the ids, userNames and
// attributes bench/seed-users gives the module's store, so that the same wrk
// scripts address the same users on both servers.
//
//   REDIS_SOCKET=/path/redis.sock node seed.js 1 5000
import {connect} from "./store.js";

const [from, to] = process.argv.slice(2).map(Number);
if (!Number.isInteger(from) || !Number.isInteger(to)) {
    console.error("usage: seed.js FROM TO");
    process.exit(2);
}
const users = await connect(process.env.REDIS_SOCKET
    ? {socket: {path: process.env.REDIS_SOCKET}}
    : {url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379"});

function benchUser(n) {
    const userName = `bench-user-${n}@example.com`;
    const now = "2026-01-01T00:00:00.000Z";
    return {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        id: `b0000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
        meta: {created: now, lastModified: now, version: 'W/"1"'},
        userName,
        name: {familyName: `User ${n}`, givenName: "Bench"},
        title: `title-${n % 100}`,
        active: true,
        emails: [{value: userName, type: "work", primary: true}],
    };
}

const batch = 500;
for (let n = from; n <= to; n += batch) {
    const creates = [];
    for (let i = n; i <= Math.min(n + batch - 1, to); i++) creates.push(users.create(benchUser(i), i));
    await Promise.all(creates);
}
await users.client.set("users:seq", String(to));
await users.client.quit();
