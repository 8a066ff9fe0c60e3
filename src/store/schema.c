/*
 * schema.c  The database schema and its migrations. PRAGMA user_version
 * holds the version; each step below takes the schema from version i to
 * i + 1 in one transaction of its own, so a crash between steps leaves a
 * database at a known version. Steps are only ever appended.
 */
#include <errno.h>
#include <stdio.h>

#include "store_int.h"

static const char *const steps[] = {
        /* version 1 */
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB);"
        "CREATE TABLE users(aor TEXT PRIMARY KEY, domain TEXT NOT NULL,"
        " ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL,"
        " reject_anonymous INTEGER NOT NULL DEFAULT 0,"
        " dnd INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX users_domain ON users(domain);"
        /* no foreign key to users: a server may run without
         * authentication, and then anyone may register */
        "CREATE TABLE bindings(aor TEXT NOT NULL, contact TEXT NOT NULL,"
        " q INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
        " call_id TEXT NOT NULL, cseq INTEGER NOT NULL,"
        " path TEXT NOT NULL, received TEXT NOT NULL,"
        " instance TEXT NOT NULL, reg_id INTEGER NOT NULL,"
        " user_agent TEXT NOT NULL, PRIMARY KEY(aor, contact));"
        "CREATE INDEX bindings_expires ON bindings(expires_at);"
        "CREATE TABLE forwards(aor TEXT PRIMARY KEY"
        " REFERENCES users ON DELETE CASCADE,"
        " always TEXT NOT NULL, busy TEXT NOT NULL,"
        " no_answer TEXT NOT NULL, after INTEGER NOT NULL);",
        /* version 2: call detail records. AUTOINCREMENT: an id, once
         * exported, is never given to another call, even after old
         * records are purged. Walks go by end time (--since). */
        "CREATE TABLE cdrs(id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " caller TEXT NOT NULL, callee TEXT NOT NULL,"
        " call_id TEXT NOT NULL, start_ms INTEGER NOT NULL,"
        " answer_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,"
        " status INTEGER NOT NULL, ended_by TEXT NOT NULL,"
        " reason TEXT NOT NULL);"
        "CREATE INDEX cdrs_end ON cdrs(end_ms);",
        /* version 3: bindings in one b-tree keyed by (aor, contact)
         * (WITHOUT ROWID), and no index on expires_at: only the start-up
         * purge, which reads the whole table anyway, asked by expiry.
         * Each registration's commit then writes one b-tree page to the
         * WAL instead of three (table, key index, expiry index). */
        "CREATE TABLE bindings_v3(aor TEXT NOT NULL, contact TEXT NOT NULL,"
        " q INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
        " call_id TEXT NOT NULL, cseq INTEGER NOT NULL,"
        " path TEXT NOT NULL, received TEXT NOT NULL,"
        " instance TEXT NOT NULL, reg_id INTEGER NOT NULL,"
        " user_agent TEXT NOT NULL, PRIMARY KEY(aor, contact))"
        " WITHOUT ROWID;"
        "INSERT INTO bindings_v3 SELECT aor, contact, q, expires_at,"
        " call_id, cseq, path, received, instance, reg_id, user_agent"
        " FROM bindings;"
        "DROP TABLE bindings;"
        "ALTER TABLE bindings_v3 RENAME TO bindings;",
        /* version 4: call detail records without AUTOINCREMENT, whose
         * sqlite_sequence read and update cost ~4,400 instructions a
         * record. Ids still never come back: the store gives them above
         * every id in the table and above meta "cdr_next" (cdr.c), which
         * starts above the old sequence and which a trigger raises past
         * every record deleted, by whatever client. */
        "CREATE TABLE cdrs_v4(id INTEGER PRIMARY KEY,"
        " caller TEXT NOT NULL, callee TEXT NOT NULL,"
        " call_id TEXT NOT NULL, start_ms INTEGER NOT NULL,"
        " answer_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,"
        " status INTEGER NOT NULL, ended_by TEXT NOT NULL,"
        " reason TEXT NOT NULL);"
        "INSERT INTO cdrs_v4 SELECT id, caller, callee, call_id, start_ms,"
        " answer_ms, end_ms, status, ended_by, reason FROM cdrs;"
        "INSERT OR REPLACE INTO meta(key, value) SELECT 'cdr_next',"
        " CAST(seq + 1 AS TEXT) FROM sqlite_sequence WHERE name = 'cdrs';"
        "DROP TABLE cdrs;"
        "ALTER TABLE cdrs_v4 RENAME TO cdrs;"
        "CREATE INDEX cdrs_end ON cdrs(end_ms);"
        "CREATE TRIGGER cdrs_deleted AFTER DELETE ON cdrs BEGIN"
        " INSERT OR REPLACE INTO meta(key, value)"
        " SELECT 'cdr_next', CAST(old.id + 1 AS TEXT)"
        " WHERE old.id + 1 > coalesce((SELECT CAST(value AS INTEGER)"
        " FROM meta WHERE key = 'cdr_next'), 0);"
        " END;",
};

#define NSTEPS ((int)(sizeof(steps) / sizeof(steps[0])))

int store_schema_latest(void)
{
	return NSTEPS;
}

static int user_version(struct tz_store *s, int *v)
{
	sqlite3_stmt *st;
	int e;

	e = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (e != SQLITE_OK)
		return store_fail(s, e, "user_version");
	e = sqlite3_step(st);
	if (e == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return e == SQLITE_ROW ? 0
	                       : store_fail(s, sqlite3_extended_errcode(s->db),
	                                    "user_version");
}

static int too_new(struct tz_store *s, int v)
{
	snprintf(s->err, sizeof(s->err),
	         "database schema version %d is newer than this trapezoid "
	         "knows (%d); use a newer trapezoid",
	         v, NSTEPS);
	return -EPROTO;
}

int store_migrate(struct tz_store *s)
{
	char sql[64];
	int v, rc;

	rc = user_version(s, &v);
	if (rc)
		return rc;
	if (v > NSTEPS)
		return too_new(s, v);
	while (v < NSTEPS) {
		rc = store_exec(s, "BEGIN IMMEDIATE");
		if (rc)
			return rc;
		/* another process may have migrated while we waited */
		rc = user_version(s, &v);
		if (!rc && v > NSTEPS)
			rc = too_new(s, v);
		if (!rc && v < NSTEPS) {
			rc = store_exec(s, steps[v]);
			snprintf(sql, sizeof(sql), "PRAGMA user_version=%d",
			         v + 1);
			if (!rc)
				rc = store_exec(s, sql);
		}
		if (!rc)
			rc = store_exec(s, "COMMIT");
		if (rc) {
			(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		rc = user_version(s, &v);
		if (rc)
			return rc;
	}
	return 0;
}

int tz_store_schema_version(struct tz_store *s)
{
	int v = 0, rc = user_version(s, &v);

	return rc ? rc : v;
}
