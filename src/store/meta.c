/*
 * meta.c  Server metadata: small blobs by key (the nonce secret, ...).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

int tz_store_meta_get(struct tz_store *s, const char *key, void *buf,
                      size_t *lenp)
{
	sqlite3_stmt *st;
	int rc = 0, e;

	st = store_stmt(s, SQL_META_GET, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	e = sqlite3_step(st);
	if (e == SQLITE_ROW) {
		const void *v = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);

		if (!v && n) {
			rc = store_fail(s, SQLITE_NOMEM, key);
		} else if (n > *lenp) {
			snprintf(s->err, sizeof(s->err),
			         "meta %s: %zu bytes, room for %zu", key, n,
			         *lenp);
			rc = -EOVERFLOW;
		} else if (n) {
			memcpy(buf, v, n);
		}
		*lenp = n;
	} else if (e == SQLITE_DONE) {
		snprintf(s->err, sizeof(s->err), "no meta %s", key);
		rc = -ENOENT;
	} else {
		rc = store_fail(s, sqlite3_extended_errcode(s->db), key);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

int tz_store_meta_set(struct tz_store *s, const char *key, const void *buf,
                      size_t len)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (len > 1 << 30)
		return -EINVAL;
	st = store_stmt(s, SQL_META_SET, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	/* a zero-length blob, not NULL, when len is 0 */
	sqlite3_bind_blob(st, 2, len ? buf : "", (int)len, SQLITE_STATIC);
	return store_step_done(s, st, key);
}
