// Users in Redis, the plain way: one JSON string per user, a hash from
// lowercased userName to id (userName is unique and case-insensitive), and a
// sorted set of ids by creation sequence for paging.
//
//   user:<id>         JSON of the SCIM user (id and meta included)
//   users:by-userName HASH lowercased userName -> id
//   users:by-created  ZSET id scored by users:seq at creation
//   users:seq         counter
import {createClient} from "redis";

const userKey = (id) => `user:${id}`;
const byName = "users:by-userName";
const byCreated = "users:by-created";
const sequence = "users:seq";

export class Conflict extends Error {}

export async function connect(options) {
    const client = createClient(options);
    client.on("error", (error) => console.error("redis:", error.message));
    await client.connect();
    return new UserStore(client);
}

export class UserStore {
    constructor(client) {
        this.client = client;
    }

    async get(id) {
        const json = await this.client.get(userKey(id));
        return json === null ? undefined : JSON.parse(json);
    }

    async findByUserName(userName) {
        const id = await this.client.hGet(byName, userName.toLowerCase());
        return id === null ? undefined : this.get(id);
    }

    // A page of users in creation order; startIndex is 1-based as in SCIM.
    async page(startIndex, count) {
        const [total, ids] = await Promise.all([
            this.client.zCard(byCreated),
            count > 0 ? this.client.zRange(byCreated, startIndex - 1, startIndex + count - 2) : [],
        ]);
        if (ids.length === 0) return {users: [], total};
        const docs = await this.client.mGet(ids.map(userKey));
        return {users: docs.filter((json) => json !== null).map((json) => JSON.parse(json)), total};
    }

    // Every user, for filters the indexes cannot answer.
    async all() {
        const ids = await this.client.zRange(byCreated, 0, -1);
        if (ids.length === 0) return [];
        const docs = await this.client.mGet(ids.map(userKey));
        return docs.filter((json) => json !== null).map((json) => JSON.parse(json));
    }

    // Claims the userName, then writes the user and its creation order.
    async create(user, seq) {
        if (!await this.client.hSetNX(byName, user.userName.toLowerCase(), user.id))
            throw new Conflict(`userName ${user.userName} is already taken`);
        seq ??= await this.client.incr(sequence);
        await this.client.multi()
            .set(userKey(user.id), JSON.stringify(user))
            .zAdd(byCreated, {score: seq, value: user.id})
            .exec();
    }

    // Replaces a user; moves its userName claim when the name changed.
    async replace(previous, user) {
        const oldName = previous.userName.toLowerCase();
        const newName = user.userName.toLowerCase();
        if (oldName !== newName && !await this.client.hSetNX(byName, newName, user.id))
            throw new Conflict(`userName ${user.userName} is already taken`);
        const transaction = this.client.multi().set(userKey(user.id), JSON.stringify(user));
        if (oldName !== newName) transaction.hDel(byName, oldName);
        await transaction.exec();
    }

    async remove(id) {
        const user = await this.get(id);
        if (!user) return false;
        await this.client.multi()
            .del(userKey(id))
            .hDel(byName, user.userName.toLowerCase())
            .zRem(byCreated, id)
            .exec();
        return true;
    }
}
