#!/usr/bin/python3
"""Mirror a tenant's SCIM users, groups and roles from Redis into SQLite.

A sample consumer of the change stream of ngx_http_scim_module
(docs/events.md, docs/redis-layout.md), built on Debian's python3-redis and
Python's sqlite3:

- a consumer group gives at-least-once delivery: entries are acknowledged
  (XACK) only after they have been applied;
- an event only says *what* changed; the consumer reads the resource's
  current state from Redis and writes that, so applying an event twice, or
  late, is harmless;
- every applied entry id is recorded in the same SQLite transaction as the
  change, so an entry delivered again after a crash is recognised and
  skipped;
- on start it first takes over entries that a dead consumer left pending
  (XAUTOCLAIM) and finishes its own pending entries (XREADGROUP … 0), then
  reads new ones (XREADGROUP … >).

Run one consumer per SQLite file; several apps (or stores) each use their
own consumer group.
"""

import argparse
import json
import logging
import os
import socket
import sqlite3
import sys
import time

import redis

CRASH_EXIT = 75  # exit status of --crash-after

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id            TEXT PRIMARY KEY,
    user_name     TEXT,              -- NULL for a user deleted before we saw it
    active        INTEGER,           -- 1, 0, or NULL when the IdP never set it
    doc           TEXT,              -- the user as canonical JSON (Redis `doc`)
    version       INTEGER NOT NULL,
    managed_by    TEXT,              -- token name that created the user
    created       TEXT,
    last_modified TEXT,
    role          TEXT,              -- effective role, when the module computes one
    deleted       INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS groups (
    id            TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    doc           TEXT NOT NULL,
    version       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    group_id      TEXT NOT NULL,
    member_id     TEXT NOT NULL,
    type          TEXT NOT NULL,     -- User or Group
    display       TEXT,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX IF NOT EXISTS members_by_member ON members (member_id);
-- Where each stream has been applied up to.
CREATE TABLE IF NOT EXISTS stream_cursor (
    stream        TEXT PRIMARY KEY,
    last_id       TEXT NOT NULL
);
-- Every applied entry, once: the de-duplication key and an audit log.
CREATE TABLE IF NOT EXISTS applied (
    stream        TEXT NOT NULL,
    entry_id      TEXT NOT NULL,
    type          TEXT,
    resource_type TEXT,
    resource_id   TEXT,
    version       INTEGER,
    time          TEXT,
    token         TEXT,
    PRIMARY KEY (stream, entry_id)
);
"""

log = logging.getLogger("scim-consumer")


def entry_key(entry_id):
    """'1700000000000-3' -> (1700000000000, 3), for ordering."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def json_ids(text):
    try:
        ids = json.loads(text) if text else []
    except ValueError:
        return []
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def connect(address):
    if address.startswith("unix:"):
        return redis.Redis(unix_socket_path=address[5:], decode_responses=True)
    host, _, port = address.rpartition(":")
    return redis.Redis(host=host or "127.0.0.1", port=int(port), decode_responses=True)


def open_store(path):
    db = sqlite3.connect(path, isolation_level=None)  # transactions are explicit
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    return db


class Mirror:
    """Applies one event to the SQLite store, reading current state from Redis."""

    def __init__(self, r, db, prefix, tenant):
        self.r = r
        self.db = db
        self.base = f"{prefix}{{{tenant}}}:"

    # --- users ---------------------------------------------------------------

    def user(self, uid, event):
        h = self.r.hgetall(self.base + "user:" + uid)
        row = self.db.execute("SELECT version, deleted FROM users WHERE id = ?", (uid,)).fetchone()
        ev_version = int(event.get("version") or 0)
        gone = not h  # a soft delete moves the hash to deleted-user:<id>
        if event.get("type") == "user.deleted" and (gone or int(h["version"]) <= ev_version):
            self.delete_user(uid, ev_version, row)
        elif gone:
            # Deleted since this event was written: its own user.deleted
            # entry comes later in the stream and does the clean-up.
            return
        else:
            self.upsert_user(uid, h, row)

    def upsert_user(self, uid, h, row):
        version = int(h["version"])
        # Never go back: a tombstone or a newer copy wins over an older read.
        if row and (version < row[0] or (version == row[0] and row[1])):
            return
        active = {"1": 1, "0": 0}.get(h.get("active", ""))
        self.db.execute(
            """INSERT INTO users (id, user_name, active, doc, version, managed_by, created,
                                  last_modified, role, deleted)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
               ON CONFLICT (id) DO UPDATE SET
                 user_name = excluded.user_name, active = excluded.active, doc = excluded.doc,
                 version = excluded.version, managed_by = excluded.managed_by,
                 created = excluded.created, last_modified = excluded.last_modified,
                 role = excluded.role, deleted = 0""",
            (uid, h.get("userName"), active, h.get("doc"), version, h.get("managedBy"),
             h.get("created"), h.get("lastModified"), self.role_of(uid)))

    def role_of(self, uid):
        """The effective role the module keeps in `roles` (user id -> role);
        None when the user has none, or roles are not configured."""
        return self.r.hget(self.base + "roles", uid)

    def delete_user(self, uid, version, row):
        if row and version < row[0]:
            return
        # A tombstone: the app keeps the record, without access or groups.
        self.db.execute(
            """INSERT INTO users (id, version, deleted) VALUES (?, ?, 1)
               ON CONFLICT (id) DO UPDATE SET version = excluded.version, deleted = 1,
                                              active = 0, role = NULL""",
            (uid, version))
        self.db.execute("DELETE FROM members WHERE member_id = ?", (uid,))

    def role_changed(self, uid):
        self.db.execute("UPDATE users SET role = ? WHERE id = ? AND deleted = 0",
                        (self.role_of(uid), uid))

    # --- groups --------------------------------------------------------------

    def group(self, gid, event):
        key = self.base + "group:" + gid
        doc, name, version = self.r.hmget(key, "doc", "displayName", "version")
        if doc is None:
            # Deleted (now or later in the stream): drop it and its memberships.
            self.db.execute("DELETE FROM groups WHERE id = ?", (gid,))
            self.db.execute("DELETE FROM members WHERE group_id = ? OR member_id = ?", (gid, gid))
            return
        row = self.db.execute("SELECT version FROM groups WHERE id = ?", (gid,)).fetchone()
        if not row or int(version) >= row[0]:
            self.db.execute(
                """INSERT INTO groups (id, display_name, doc, version) VALUES (?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
                     doc = excluded.doc, version = excluded.version""",
                (gid, name, doc, int(version)))
        touched = json_ids(event.get("membersAdded")) + json_ids(event.get("membersRemoved"))
        changed = (event.get("changed") or "").split(",")
        if "members" in changed and not touched:
            # No id list to go by: only a member's display changed.
            self.resync_members(gid)
        else:
            self.sync_members(gid, touched)

    def sync_members(self, gid, ids):
        """Each listed id becomes a member row exactly when Redis says so now."""
        if not ids:
            return
        pipe = self.r.pipeline(transaction=False)
        for mid in ids:
            pipe.hget(self.base + "group:" + gid + ":members", mid)
        for mid, value in zip(ids, pipe.execute()):
            self.set_member(gid, mid, value)

    def resync_members(self, gid):
        self.db.execute("DELETE FROM members WHERE group_id = ?", (gid,))
        for mid, value in self.r.hscan_iter(self.base + "group:" + gid + ":members", count=1000):
            self.set_member(gid, mid, value)

    def set_member(self, gid, mid, value):
        if value is None:
            self.db.execute("DELETE FROM members WHERE group_id = ? AND member_id = ?", (gid, mid))
            return
        m = json.loads(value)
        self.db.execute(
            """INSERT INTO members (group_id, member_id, type, display) VALUES (?, ?, ?, ?)
               ON CONFLICT (group_id, member_id) DO UPDATE SET
                 type = excluded.type, display = excluded.display""",
            (gid, mid, m.get("type", "User"), m.get("display")))

    # --- dispatch ------------------------------------------------------------

    def apply(self, event):
        rtype, rid, kind = event.get("resourceType"), event.get("id"), event.get("type", "")
        if not rid:
            log.warning("event without an id: %r", event)
        elif kind == "user.role_changed":
            # Its `version` is the user's, unchanged: the role is not part
            # of the SCIM resource, so it is not version-guarded.
            self.role_changed(rid)
        elif rtype == "User":
            self.user(rid, event)
        elif rtype == "Group":
            self.group(rid, event)
        else:
            log.warning("unknown resourceType %r, skipped", rtype)


class Consumer:
    def __init__(self, args):
        self.args = args
        self.r = connect(args.redis)
        self.db = open_store(args.db)
        self.mirror = Mirror(self.r, self.db, args.prefix, args.tenant)
        self.stream = f"{args.prefix}{{{args.tenant}}}:events"
        self.stats = {"applied": 0, "skipped": 0, "acked": 0, "lost": 0}

    def ensure_group(self):
        try:
            # 0: a new group starts from the oldest entry still in the stream.
            self.r.xgroup_create(self.stream, self.args.group, id="0", mkstream=True)
        except redis.ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise

    def claim_stale(self):
        """Takes over entries other consumers left pending for too long."""
        start = "0-0"
        while True:
            reply = self.r.xautoclaim(self.stream, self.args.group, self.args.consumer,
                                      self.args.claim_idle_ms, start, count=self.args.count)
            start = reply[0]
            for entry_id in (reply[2] if len(reply) > 2 else []):
                # Trimmed (scim_events_maxlen) before anyone applied it.
                log.error("entry %s was trimmed before it was applied: resync needed", entry_id)
                self.stats["lost"] += 1
            if start == "0-0":
                return

    def drain_pending(self):
        """Re-reads this consumer's delivered but unacknowledged entries."""
        after = "0"
        while True:
            reply = self.r.xreadgroup(self.args.group, self.args.consumer, {self.stream: after},
                                      count=self.args.count)
            entries = reply[0][1] if reply else []
            if not entries:
                return
            self.process(entries)
            after = entries[-1][0]

    def read_new(self, block_ms):
        reply = self.r.xreadgroup(self.args.group, self.args.consumer, {self.stream: ">"},
                                  count=self.args.count, block=block_ms)
        entries = reply[0][1] if reply else []
        self.process(entries)
        return len(entries)

    def process(self, entries):
        for entry_id, fields in entries:
            self.apply_one(entry_id, fields)
        if entries:
            # Acknowledged only once applied: a crash before this line means
            # the entries are delivered again, and recognised as applied.
            self.stats["acked"] += self.r.xack(self.stream, self.args.group,
                                               *[e[0] for e in entries])

    def apply_one(self, entry_id, fields):
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            seen = db.execute("SELECT 1 FROM applied WHERE stream = ? AND entry_id = ?",
                              (self.stream, entry_id)).fetchone()
            if seen:
                db.execute("ROLLBACK")
                self.stats["skipped"] += 1
                log.info("%s already applied, skipped", entry_id)
                return
            if fields:
                self.mirror.apply(fields)
            else:
                # A pending entry whose content was trimmed away.
                log.error("entry %s was trimmed before it was applied: resync needed", entry_id)
                self.stats["lost"] += 1
            db.execute(
                """INSERT INTO applied (stream, entry_id, type, resource_type, resource_id,
                                        version, time, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (self.stream, entry_id, fields.get("type", "(trimmed)"),
                 fields.get("resourceType"), fields.get("id"), fields.get("version"),
                 fields.get("time"), fields.get("token")))
            last = db.execute("SELECT last_id FROM stream_cursor WHERE stream = ?",
                              (self.stream,)).fetchone()
            if not last or entry_key(entry_id) > entry_key(last[0]):
                db.execute("INSERT OR REPLACE INTO stream_cursor (stream, last_id) VALUES (?, ?)",
                           (self.stream, entry_id))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.stats["applied"] += 1
        log.info("%s applied: %s %s v%s", entry_id, fields.get("type"), fields.get("id"),
                 fields.get("version"))
        if self.args.crash_after and self.stats["applied"] >= self.args.crash_after:
            log.warning("--crash-after %d: exiting before XACK", self.args.crash_after)
            logging.shutdown()
            os._exit(CRASH_EXIT)

    def run(self):
        self.ensure_group()
        self.claim_stale()
        self.drain_pending()
        next_claim = time.monotonic() + self.args.claim_idle_ms / 1000
        while True:
            n = self.read_new(None if self.args.once else self.args.block_ms)
            if self.args.once and n == 0:
                return
            if time.monotonic() >= next_claim:
                self.claim_stale()
                self.drain_pending()
                next_claim = time.monotonic() + self.args.claim_idle_ms / 1000


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--redis", default="127.0.0.1:6379", help="unix:/path/redis.sock or host:port")
    p.add_argument("--prefix", default="scim:", help="scim_redis_prefix (default scim:)")
    p.add_argument("--tenant", default="default")
    p.add_argument("--db", default="app.sqlite", help="the SQLite file to mirror into")
    p.add_argument("--group", default="app", help="consumer group (one per store)")
    p.add_argument("--consumer", default=socket.gethostname(),
                   help="consumer name; keep it stable across restarts (default: host name)")
    p.add_argument("--count", type=int, default=100, help="entries per read")
    p.add_argument("--block-ms", type=int, default=5000, help="XREADGROUP BLOCK")
    p.add_argument("--claim-idle-ms", type=int, default=60000,
                   help="take over other consumers' entries pending for this long")
    p.add_argument("--once", action="store_true", help="exit when nothing is left to read")
    p.add_argument("--crash-after", type=int, default=0, metavar="N",
                   help=f"exit with status {CRASH_EXIT} right after applying N events, "
                        "before acknowledging them (to test recovery)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(name)s: %(message)s")
    consumer = Consumer(args)
    while True:
        try:
            consumer.run()
            break
        except (redis.ConnectionError, redis.TimeoutError) as e:
            if args.once:
                raise
            log.warning("redis: %s; retrying in 1 s", e)
            time.sleep(1)
        except KeyboardInterrupt:
            break
    print(json.dumps(consumer.stats))


if __name__ == "__main__":
    sys.exit(main())
