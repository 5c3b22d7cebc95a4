// A typical Node SCIM 2.0 server: SCIMMY for the protocol, scimmy-routers
// to mount it in Express, node-redis for the store (store.js), and node's
// cluster module for WORKERS processes sharing one port.
//
//   PORT=8080 SCIM_TOKEN=secret REDIS_SOCKET=/path/redis.sock node server.js
//   (or REDIS_URL=redis://127.0.0.1:6379 instead of REDIS_SOCKET)
import cluster from "node:cluster";
import {createHash, randomUUID, timingSafeEqual} from "node:crypto";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";
import {connect, Conflict} from "./store.js";

const port = Number(process.env.PORT ?? 8080);
const workers = Number(process.env.WORKERS ?? 2);
const host = process.env.HOST ?? "127.0.0.1";
const token = process.env.SCIM_TOKEN;
const redisOptions = process.env.REDIS_SOCKET
    ? {socket: {path: process.env.REDIS_SOCKET}}
    : {url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379"};

if (!token) {
    console.error("SCIM_TOKEN is required");
    process.exit(1);
}

if (cluster.isPrimary) {
    for (let i = 0; i < workers; i++) cluster.fork();
    cluster.on("exit", (worker, code, signal) => {
        console.error(`worker ${worker.process.pid} exited (${signal ?? code})`);
    });
    for (const signal of ["SIGTERM", "SIGINT"]) {
        process.on(signal, () => {
            for (const worker of Object.values(cluster.workers)) worker.kill();
            process.exit(0);
        });
    }
} else {
    await startWorker();
}

async function startWorker() {
    const users = await connect(redisOptions);
    declareUsers(users);

    const app = express();
    app.disable("x-powered-by");
    app.get("/ready", (req, res) => res.sendStatus(204));
    app.use("/scim/v2", new SCIMMYRouters({
        type: "bearer",
        handler: authenticate,
    }));
    app.listen(port, host, () => console.log(`worker ${process.pid} listening on ${host}:${port}`));
}

// Compares digests so that the comparison takes the same time whatever the token.
const expectedDigest = createHash("sha256").update(token).digest();

function authenticate(request) {
    const header = request.header("Authorization") ?? "";
    if (!header.startsWith("Bearer "))
        throw new Error("Authorization header with a bearer token is required");
    const digest = createHash("sha256").update(header.slice(7)).digest();
    if (!timingSafeEqual(digest, expectedDigest))
        throw new Error("Invalid bearer token");
    return "scim-client";
}

function declareUsers(users) {
    SCIMMY.Resources.declare(SCIMMY.Resources.User)
        .egress((resource) => readUsers(users, resource))
        .ingress((resource, instance) => writeUser(users, resource, instance))
        .degress(async (resource) => {
            if (!await users.remove(resource.id)) throw notFound(resource.id);
        });
}

const notFound = (id) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);

// The value of a filter that is exactly `userName eq "..."`, else undefined.
function userNameEquals(filter) {
    if (!filter || filter.length !== 1) return undefined;
    const expression = filter[0];
    const keys = Object.keys(expression);
    if (keys.length !== 1 || keys[0].toLowerCase() !== "username") return undefined;
    const [operator, value] = expression[keys[0]];
    return operator === "eq" && typeof value === "string" ? value : undefined;
}

async function readUsers(users, resource) {
    if (resource.id) {
        const user = await users.get(resource.id);
        if (!user) throw notFound(resource.id);
        return user;
    }
    const userName = userNameEquals(resource.filter);
    if (userName !== undefined) {
        const user = await users.findByUserName(userName);
        return user ? [user] : [];
    }
    if (resource.filter) {
        // No index for this filter: test every user; SCIMMY pages the matches.
        return resource.filter.match(await users.all());
    }
    // SCIMMY's ListResponse takes totalResults from the constraints when the
    // handler returns one page of a longer list (but slices that page again
    // when startIndex <= its length: README.md).
    const {startIndex = 1, count = 20} = resource.constraints ?? {};
    const page = await users.page(startIndex, Math.min(count, 1000));
    resource.constraints = {...resource.constraints, totalResults: page.total};
    return page.users;
}

async function writeUser(users, resource, instance) {
    const now = new Date().toISOString();
    try {
        if (!resource.id) {
            const user = {...instance, id: randomUUID(), meta: {created: now, lastModified: now, version: 'W/"1"'}};
            await users.create(user);
            return user;
        }
        const previous = await users.get(resource.id);
        if (!previous) throw notFound(resource.id);
        const version = Number(previous.meta.version.match(/\d+/)[0]) + 1;
        const user = {...instance, id: previous.id, meta: {...previous.meta, lastModified: now, version: `W/"${version}"`}};
        await users.replace(previous, user);
        return user;
    } catch (error) {
        if (error instanceof Conflict) throw new SCIMMY.Types.Error(409, "uniqueness", error.message);
        throw error;
    }
}
