/*
 * sqlite.c  The store's connection (DESIGN.md "State and storage"):
 * opening a SQLite database in WAL mode with synchronous=FULL, so that a
 * committed transaction survives kill -9 and power loss; transactions;
 * the cache of prepared statements and the error mapping.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"
#include "tz/tz_mem.h"

static const char *const sql_text[SQL_COUNT] = {
        [SQL_META_GET] = "SELECT value FROM meta WHERE key = ?1",
        [SQL_META_SET] = "INSERT OR REPLACE INTO meta(key, value) "
                         "VALUES (?1, ?2)",
        [SQL_USER_ADD] = "INSERT INTO users(aor, domain, ha1_md5, "
                         "ha1_sha256, reject_anonymous, dnd) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        [SQL_USER_PASSWD] = "UPDATE users SET ha1_md5 = ?2, ha1_sha256 = ?3 "
                            "WHERE aor = ?1",
        [SQL_USER_SET] = "UPDATE users SET reject_anonymous = ?2, dnd = ?3 "
                         "WHERE aor = ?1",
        [SQL_USER_DEL] = "DELETE FROM users WHERE aor = ?1",
        [SQL_USER_GET] = "SELECT aor, ha1_md5, ha1_sha256, "
                         "reject_anonymous, dnd FROM users WHERE aor = ?1",
        [SQL_BINDING_PUT] =
                "INSERT OR REPLACE INTO bindings(aor, contact, q, "
                "expires_at, call_id, cseq, path, received, instance, "
                "reg_id, user_agent) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        [SQL_BINDING_DEL] = "DELETE FROM bindings "
                            "WHERE aor = ?1 AND contact = ?2",
        [SQL_BINDING_DEL_AOR] = "DELETE FROM bindings WHERE aor = ?1",
        [SQL_BINDING_EXPIRE] = "DELETE FROM bindings WHERE expires_at <= ?1",
        [SQL_FORWARD_SET] = "INSERT OR REPLACE INTO forwards(aor, always, "
                            "busy, no_answer, after) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)",
        [SQL_FORWARD_GET] = "SELECT aor, always, busy, no_answer, after "
                            "FROM forwards WHERE aor = ?1",
        [SQL_FORWARD_DEL] = "DELETE FROM forwards WHERE aor = ?1",
        [SQL_CDR_ADD] = "INSERT INTO cdrs(caller, callee, call_id, start_ms, "
                        "answer_ms, end_ms, status, ended_by, reason, id) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        [SQL_BEGIN] = "BEGIN IMMEDIATE",
        [SQL_COMMIT] = "COMMIT",
        [SQL_ROLLBACK] = "ROLLBACK",
        [SQL_SAVEPOINT] = "SAVEPOINT unit",
        [SQL_RELEASE] = "RELEASE unit",
        [SQL_ROLLBACK_TO] = "ROLLBACK TO unit",
};

int store_fail(struct tz_store *s, int sqlrc, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what,
	         s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(sqlrc));
	switch (sqlrc) {
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		return -EEXIST;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return -ENOENT;
	default:
		return -EIO;
	}
}

sqlite3_stmt *store_stmt(struct tz_store *s, enum store_sql id, int *rc)
{
	int e;

	if (!s->stmt[id]) {
		e = sqlite3_prepare_v3(s->db, sql_text[id], -1,
		                       SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
		                       NULL);
		if (e != SQLITE_OK) {
			*rc = store_fail(s, e, "prepare");
			s->stmt[id] = NULL;
			return NULL;
		}
	}
	return s->stmt[id];
}

sqlite3_stmt *store_stmt_rec(struct tz_store *s, enum store_sql id, bool fits,
                             const char *why, int *rc)
{
	if (!fits) {
		snprintf(s->err, sizeof(s->err), "%s", why);
		*rc = -EINVAL;
		return NULL;
	}
	return store_stmt(s, id, rc);
}

int store_step_done(struct tz_store *s, sqlite3_stmt *st, const char *what)
{
	int e = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (e != SQLITE_DONE && e != SQLITE_ROW)
		return store_fail(s, sqlite3_extended_errcode(s->db), what);
	return 0;
}

int store_get_row(struct tz_store *s, sqlite3_stmt *st, const char *key,
                  const char *missing,
                  int (*row)(struct tz_store *s, sqlite3_stmt *st, void *arg),
                  void *arg)
{
	int rc, e;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	e = sqlite3_step(st);
	if (e == SQLITE_ROW) {
		rc = row(s, st, arg);
	} else if (e == SQLITE_DONE) {
		snprintf(s->err, sizeof(s->err), "%s %s", missing, key);
		rc = -ENOENT;
	} else {
		rc = store_fail(s, sqlite3_extended_errcode(s->db), key);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

int store_walk(struct tz_store *s, const char *sql, const int64_t *param,
               const char *what,
               int (*row)(struct tz_store *s, sqlite3_stmt *st, void *arg),
               void *arg)
{
	sqlite3_stmt *st;
	int e, rc = 0;

	e = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (e != SQLITE_OK)
		return store_fail(s, e, what);
	if (param)
		sqlite3_bind_int64(st, 1, *param);
	while (!rc && (e = sqlite3_step(st)) == SQLITE_ROW)
		rc = row(s, st, arg);
	if (!rc && e != SQLITE_DONE)
		rc = store_fail(s, sqlite3_extended_errcode(s->db), what);
	sqlite3_finalize(st);
	return rc;
}

int store_exec(struct tz_store *s, const char *sql)
{
	int e = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return e == SQLITE_OK
	               ? 0
	               : store_fail(s, sqlite3_extended_errcode(s->db), sql);
}

int store_run(struct tz_store *s, enum store_sql id)
{
	int rc = 0;
	sqlite3_stmt *st = store_stmt(s, id, &rc);

	return st ? store_step_done(s, st, sql_text[id]) : rc;
}

int store_col_text(struct tz_store *s, sqlite3_stmt *st, int col, char *dst,
                   size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);

	if (!t && sqlite3_column_type(st, col) != SQLITE_NULL)
		return store_fail(s, SQLITE_NOMEM, "read");
	if (n >= cap) {
		snprintf(s->err, sizeof(s->err),
		         "column %s: %zu bytes stored, at most %zu expected",
		         sqlite3_column_name(st, col), n, cap - 1);
		return -EIO;
	}
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
	return 0;
}

/*
 * BEGIN IMMEDIATE takes the write lock at once, so a second writer waits
 * in the busy handler there; a deferred transaction that reads first and
 * then writes could fail with SQLITE_BUSY without waiting (WAL snapshot).
 */
int store_unit_begin(struct tz_store *s)
{
	return store_run(s, s->in_txn ? SQL_SAVEPOINT : SQL_BEGIN);
}

int store_unit_end(struct tz_store *s, int rc)
{
	int e;

	if (s->in_txn) {
		if (rc < 0)
			(void)store_run(s, SQL_ROLLBACK_TO);
		e = store_run(s, SQL_RELEASE);
		return rc < 0 ? rc : e;
	}
	if (rc >= 0) {
		e = store_run(s, SQL_COMMIT);
		if (!e)
			return rc;
		rc = e;
	}
	if (!sqlite3_get_autocommit(s->db))
		(void)store_run(s, SQL_ROLLBACK);
	return rc;
}

/* "sqlite:PATH" or PATH; NULL for another scheme */
static const char *url_path(const char *url)
{
	const char *p;

	if (!strncmp(url, "sqlite:", 7))
		return url + 7;
	/* scheme "://": postgres://, postgresql://, ... */
	for (p = url; (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	              *p == '+' || *p == '-' || *p == '.';
	     p++)
		;
	if (p != url && !strncmp(p, "://", 3))
		return NULL;
	return url;
}

static void store_destroy(void *data)
{
	struct tz_store *s = data;

	for (int i = 0; i < SQL_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close_v2(s->db);
}

static int pragmas(struct tz_store *s, const char *path)
{
	sqlite3_stmt *st;
	int e, rc = 0;

	sqlite3_extended_result_codes(s->db, 1);
	/* concurrent writers (server, admin commands) wait, not fail */
	e = sqlite3_busy_timeout(s->db, 5000);
	if (e != SQLITE_OK)
		return store_fail(s, e, "busy_timeout");
	/* 2 KiB pages, for a new database only (an existing one keeps its
	 * size: changing it needs a VACUUM outside WAL). A registration's
	 * commit writes and checksums one b-tree page into the WAL: at
	 * 4 KiB that was half the commit's instructions. 2 KiB still keeps
	 * a binding row of up to 488 bytes in its leaf (no overflow page). */
	rc = store_exec(s, "PRAGMA page_size=2048");
	if (rc)
		return rc;
	e = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (e != SQLITE_OK)
		return store_fail(s, e, "journal_mode");
	e = sqlite3_step(st);
	if (e != SQLITE_ROW) {
		rc = store_fail(s, sqlite3_extended_errcode(s->db),
		                "journal_mode");
	} else if (sqlite3_stricmp((const char *)sqlite3_column_text(st, 0),
	                           "wal") != 0 &&
	           strcmp(path, ":memory:") != 0) {
		snprintf(s->err, sizeof(s->err),
		         "cannot use the WAL journal (journal_mode is %s)",
		         sqlite3_column_text(st, 0));
		rc = -EIO;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* WAL + FULL: each commit syncs the log, so an acknowledged write
	 * survives power loss */
	rc = store_exec(s, "PRAGMA synchronous=FULL");
	if (!rc)
		rc = store_exec(s, "PRAGMA foreign_keys=ON");
	return rc;
}

/* SQLite counts the memory it holds under a global mutex, taken at every
 * sqlite3_malloc and sqlite3_free (about 2.5 of each per binding
 * written, ~600 instructions); nothing here reads the count. Settable
 * only before SQLite initialises: once, before the first open (if
 * something initialised it first, the call fails and the count stays). */
static void sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int tz_store_open(struct tz_store **out, const char *url, char *err,
                  size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	const char *path = url ? url_path(url) : "";
	struct tz_store *s;
	int e, rc;

	if (!path) {
		snprintf(err, errlen, "%s: unsupported database (only sqlite)",
		         url);
		return -EPROTONOSUPPORT;
	}
	if (!*path) {
		snprintf(err, errlen, "%s: no database path", url ? url : "");
		return -EINVAL;
	}
	(void)pthread_once(&once, sqlite_setup);
	s = tz_mem_zalloc(sizeof(*s), store_destroy);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	e = sqlite3_open_v2(path, &s->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                            SQLITE_OPEN_NOMUTEX,
	                    NULL);
	if (e != SQLITE_OK) {
		int sys = s->db ? sqlite3_system_errno(s->db) : 0;

		rc = e == SQLITE_NOMEM ? -ENOMEM : sys ? -sys : -EIO;
		snprintf(err, errlen, "%s: %s", path,
		         s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(e));
		tz_mem_deref(s);
		return rc;
	}
	rc = pragmas(s, path);
	if (!rc)
		rc = store_migrate(s);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, s->err);
		tz_mem_deref(s);
		return rc;
	}
	*out = s;
	return 0;
}

void tz_store_close(struct tz_store *s)
{
	if (s && s->in_txn)
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	tz_mem_deref(s);
}

const char *tz_store_errmsg(const struct tz_store *s)
{
	return s->err;
}

int tz_store_begin(struct tz_store *s)
{
	int rc;

	if (s->in_txn) {
		snprintf(s->err, sizeof(s->err), "already in a transaction");
		return -EINVAL;
	}
	rc = store_run(s, SQL_BEGIN);
	if (!rc)
		s->in_txn = true;
	return rc;
}

int tz_store_commit(struct tz_store *s)
{
	int rc;

	if (!s->in_txn) {
		snprintf(s->err, sizeof(s->err),
		         "commit outside a transaction");
		return -EINVAL;
	}
	s->in_txn = false;
	rc = store_run(s, SQL_COMMIT);
	/* a failed COMMIT may leave the transaction open: end it, so the
	 * connection is usable again and nothing half-done lingers */
	if (rc && !sqlite3_get_autocommit(s->db))
		(void)store_run(s, SQL_ROLLBACK);
	if (rc)
		s->cdr_next = 0; /* its records' ids are free again */
	return rc;
}

int tz_store_rollback(struct tz_store *s)
{
	if (!s->in_txn) {
		snprintf(s->err, sizeof(s->err),
		         "rollback outside a transaction");
		return -EINVAL;
	}
	s->in_txn = false;
	s->cdr_next = 0; /* its records' ids are free again */
	if (sqlite3_get_autocommit(s->db))
		return 0; /* SQLite already rolled back (e.g. after I/O error)
		           */
	return store_run(s, SQL_ROLLBACK);
}
