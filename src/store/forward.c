/*
 * forward.c  Call-forwarding settings of a user (always, busy, no answer
 * after N seconds), stored for the proxy's feature logic.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

int tz_store_forward_set(struct tz_store *s, const struct tz_forward_rec *f)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (!store_fits(f->aor, sizeof(f->aor)) ||
	    !store_fits(f->always, sizeof(f->always)) ||
	    !store_fits(f->busy, sizeof(f->busy)) ||
	    !store_fits(f->no_answer, sizeof(f->no_answer))) {
		snprintf(s->err, sizeof(s->err),
		         "forward: unterminated text field");
		return -EINVAL;
	}
	st = store_stmt(s, SQL_FORWARD_SET, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, f->aor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->always, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->busy, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->no_answer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->after);
	/* the foreign key to users refuses an unknown AOR */
	rc = store_step_done(s, st, f->aor);
	if (rc == -ENOENT)
		snprintf(s->err, sizeof(s->err), "no such user: %s", f->aor);
	return rc;
}

static int forward_row(struct tz_store *s, sqlite3_stmt *st, void *arg)
{
	struct tz_forward_rec *f = arg;
	int rc;

	memset(f, 0, sizeof(*f));
	rc = store_col_text(s, st, 0, f->aor, sizeof(f->aor));
	if (!rc)
		rc = store_col_text(s, st, 1, f->always, sizeof(f->always));
	if (!rc)
		rc = store_col_text(s, st, 2, f->busy, sizeof(f->busy));
	if (!rc)
		rc = store_col_text(s, st, 3, f->no_answer,
		                    sizeof(f->no_answer));
	f->after = (unsigned)sqlite3_column_int64(st, 4);
	return rc;
}

int tz_store_forward_get(struct tz_store *s, const char *aor,
                         struct tz_forward_rec *f)
{
	int rc = 0;
	sqlite3_stmt *st = store_stmt(s, SQL_FORWARD_GET, &rc);

	return st ? store_get_row(s, st, aor, "no forwarding for", forward_row,
	                          f)
	          : rc;
}

int tz_store_forward_clear(struct tz_store *s, const char *aor)
{
	sqlite3_stmt *st;
	int rc = 0;

	st = store_stmt(s, SQL_FORWARD_DEL, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, aor, -1, SQLITE_STATIC);
	return store_step_done(s, st, aor);
}
