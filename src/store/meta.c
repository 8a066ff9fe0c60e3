/*
 * meta.c  Server metadata: small blobs by key (the nonce secret, ...).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

struct meta_out {
	const char *key;
	void *buf;
	size_t *lenp;
};

static int meta_row(struct tz_store *s, sqlite3_stmt *st, void *arg)
{
	struct meta_out *o = arg;
	const void *v = sqlite3_column_blob(st, 0);
	size_t n = (size_t)sqlite3_column_bytes(st, 0);
	int rc = 0;

	if (!v && n) {
		rc = store_fail(s, SQLITE_NOMEM, o->key);
	} else if (n > *o->lenp) {
		snprintf(s->err, sizeof(s->err),
		         "meta %s: %zu bytes, room for %zu", o->key, n,
		         *o->lenp);
		rc = -EOVERFLOW;
	} else if (n) {
		memcpy(o->buf, v, n);
	}
	*o->lenp = n;
	return rc;
}

int tz_store_meta_get(struct tz_store *s, const char *key, void *buf,
                      size_t *lenp)
{
	struct meta_out o = {key, buf, lenp};
	int rc = 0;
	sqlite3_stmt *st = store_stmt(s, SQL_META_GET, &rc);

	return st ? store_get_row(s, st, key, "no meta", meta_row, &o) : rc;
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
