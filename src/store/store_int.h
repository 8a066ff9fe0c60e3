/*
 * store_int.h  Inside the store module: the connection, its cache of
 * prepared statements, and the helpers every table file uses.
 */
#ifndef TZ_STORE_INT_H
#define TZ_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "tz/tz_store.h"

/* The statements kept prepared for the life of the connection (the
 * server's storage thread runs binding put/del thousands of times a
 * second). Walks (tz_store_*_each) prepare their own, so a callback may
 * use the point statements. */
enum store_sql {
	SQL_META_GET,
	SQL_META_SET,
	SQL_USER_ADD,
	SQL_USER_PASSWD,
	SQL_USER_SET,
	SQL_USER_DEL,
	SQL_USER_GET,
	SQL_BINDING_PUT,
	SQL_BINDING_DEL,
	SQL_BINDING_DEL_AOR,
	SQL_BINDING_EXPIRE,
	SQL_FORWARD_SET,
	SQL_FORWARD_GET,
	SQL_FORWARD_DEL,
	SQL_CDR_ADD,
	SQL_BEGIN, /* transactions: prepared once, not parsed per commit */
	SQL_COMMIT,
	SQL_ROLLBACK,
	SQL_SAVEPOINT,
	SQL_RELEASE,
	SQL_ROLLBACK_TO,
	SQL_COUNT
};

struct tz_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[SQL_COUNT]; /* prepared on first use */
	bool in_txn;                   /* inside tz_store_begin/commit */
	/* the next call detail record id (cdr.c); 0: to be read again */
	int64_t cdr_next;
	char err[512]; /* tz_store_errmsg() */
};

/* The prepared statement @p id, reset and unbound, or NULL with the error
 * recorded (*rc set to the errno). */
sqlite3_stmt *store_stmt(struct tz_store *s, enum store_sql id, int *rc);

/* store_stmt() for writing a record whose text fields the caller checked:
 * when @p fits is false, NULL with *rc = -EINVAL and @p why as the error
 * (nothing is written). */
sqlite3_stmt *store_stmt_rec(struct tz_store *s, enum store_sql id, bool fits,
                             const char *why, int *rc);

/* Record the database's error for @p what and return it as a negative
 * errno: SQLITE_NOMEM is -ENOMEM, a primary key clash -EEXIST, a foreign
 * key violation -ENOENT, anything else -EIO. */
int store_fail(struct tz_store *s, int sqlrc, const char *what);

/* Run a statement to completion (SQLITE_DONE), then reset it. */
int store_step_done(struct tz_store *s, sqlite3_stmt *st, const char *what);

/* Run statement @p st (its parameter 1 bound to @p key) for one row and
 * hand it to @p row; then reset it. No row: -ENOENT with the message
 * "@p missing @p key" ("no such user: a@b"). */
int store_get_row(struct tz_store *s, sqlite3_stmt *st, const char *key,
                  const char *missing,
                  int (*row)(struct tz_store *s, sqlite3_stmt *st, void *arg),
                  void *arg);

/* A walk over the rows of the query @p sql (its ?1 bound to *@p param
 * unless NULL), prepared for this walk alone (a callback may use the
 * point statements): @p row is called for each row until one returns
 * non-zero, which is returned. A failure is recorded under @p what. */
int store_walk(struct tz_store *s, const char *sql, const int64_t *param,
               const char *what,
               int (*row)(struct tz_store *s, sqlite3_stmt *st, void *arg),
               void *arg);

/* Run SQL text without results (pragmas, schema). */
int store_exec(struct tz_store *s, const char *sql);

/* Run the prepared statement @p id without parameters or results
 * (BEGIN, COMMIT, ...): 0 or -errno with the error recorded. */
int store_run(struct tz_store *s, enum store_sql id);

/* Make several statements one atomic unit: a transaction of their own
 * outside tz_store_begin, a savepoint inside it. store_unit_end commits
 * (rc 0) or rolls back (rc < 0) and returns rc, or the commit's error. */
int store_unit_begin(struct tz_store *s);
int store_unit_end(struct tz_store *s, int rc);

/* Copy text column @p col of @p st into dst[cap] (-EIO when it does not
 * fit: the store never writes such a value). */
int store_col_text(struct tz_store *s, sqlite3_stmt *st, int col, char *dst,
                   size_t cap);

/* Bring the schema to the latest version (schema.c); 0 or -errno with
 * the error recorded. */
int store_migrate(struct tz_store *s);

/* The latest schema version this code knows. */
int store_schema_latest(void);

/* True when @p str is NUL-terminated within @p cap bytes. */
static inline bool store_fits(const char *str, size_t cap)
{
	return memchr(str, '\0', cap) != NULL;
}

/* store_fits() for text field @p f of record @p r. */
#define STORE_FITS(r, f) store_fits((r)->f, sizeof((r)->f))

#endif
