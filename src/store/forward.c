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
	bool fits = STORE_FITS(f, aor) && STORE_FITS(f, always) &&
	            STORE_FITS(f, busy) && STORE_FITS(f, no_answer);
	int rc = 0;
	sqlite3_stmt *st =
	        store_stmt_rec(s, SQL_FORWARD_SET, fits,
	                       "forward: unterminated text field", &rc);

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

struct forward_walk {
	tz_store_forward_h *h;
	void *arg;
	struct tz_forward_rec f;
};

static int forward_walk_row(struct tz_store *s, sqlite3_stmt *st, void *arg)
{
	struct forward_walk *w = arg;
	int rc = forward_row(s, st, &w->f);

	return rc ? rc : w->h(w->arg, &w->f);
}

int tz_store_forward_each(struct tz_store *s, tz_store_forward_h *h, void *arg)
{
	struct forward_walk w = {.h = h, .arg = arg};

	return store_walk(s,
	                  "SELECT aor, always, busy, no_answer, after "
	                  "FROM forwards ORDER BY aor",
	                  NULL, "forwards", forward_walk_row, &w);
}
