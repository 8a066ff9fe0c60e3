/*
 * bindings.c  Registrar bindings as stored (RFC 3261 10.3): one row per
 * (AOR, Contact URI), with what a restarted server needs to route to the
 * contact again (Path, RFC 3327; received, RFC 3581; instance and reg-id,
 * RFC 5626) and to judge a refresh (Call-ID, CSeq).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"
#include "tz/tz_mem.h"

int tz_store_binding_put(struct tz_store *s, const struct tz_binding_rec *b)
{
	bool fits = STORE_FITS(b, aor) && STORE_FITS(b, contact) &&
	            STORE_FITS(b, call_id) && STORE_FITS(b, path) &&
	            STORE_FITS(b, received) && STORE_FITS(b, instance) &&
	            STORE_FITS(b, user_agent) && b->aor[0] && b->contact[0];
	int rc = 0;
	sqlite3_stmt *st = store_stmt_rec(
	        s, SQL_BINDING_PUT, fits,
	        "binding: empty or unterminated text field", &rc);

	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, b->aor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b->contact, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, b->q);
	sqlite3_bind_int64(st, 4, b->expires_at);
	sqlite3_bind_text(st, 5, b->call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, b->cseq);
	sqlite3_bind_text(st, 7, b->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, b->received, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, b->instance, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, b->reg_id);
	sqlite3_bind_text(st, 11, b->user_agent, -1, SQLITE_STATIC);
	return store_step_done(s, st, "binding");
}

int tz_store_binding_del(struct tz_store *s, const char *aor,
                         const char *contact)
{
	sqlite3_stmt *st;
	int rc = 0;

	st = store_stmt(s, SQL_BINDING_DEL, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, aor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, contact, -1, SQLITE_STATIC);
	rc = store_step_done(s, st, "binding");
	if (!rc && sqlite3_changes(s->db) == 0) {
		snprintf(s->err, sizeof(s->err), "no binding %s for %s",
		         contact, aor);
		rc = -ENOENT;
	}
	return rc;
}

int tz_store_binding_del_aor(struct tz_store *s, const char *aor)
{
	sqlite3_stmt *st;
	int rc = 0;

	st = store_stmt(s, SQL_BINDING_DEL_AOR, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, aor, -1, SQLITE_STATIC);
	return store_step_done(s, st, "bindings");
}

int tz_store_binding_expire(struct tz_store *s, int64_t now, unsigned *n)
{
	sqlite3_stmt *st;
	int rc = 0;

	st = store_stmt(s, SQL_BINDING_EXPIRE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	rc = store_step_done(s, st, "bindings");
	if (n)
		*n = rc ? 0 : (unsigned)sqlite3_changes(s->db);
	return rc;
}

static int binding_row(struct tz_store *s, sqlite3_stmt *st,
                       struct tz_binding_rec *b)
{
	int rc;

	memset(b, 0, sizeof(*b));
	rc = store_col_text(s, st, 0, b->aor, sizeof(b->aor));
	if (!rc)
		rc = store_col_text(s, st, 1, b->contact, sizeof(b->contact));
	b->q = (uint16_t)sqlite3_column_int(st, 2);
	b->expires_at = sqlite3_column_int64(st, 3);
	if (!rc)
		rc = store_col_text(s, st, 4, b->call_id, sizeof(b->call_id));
	b->cseq = (uint32_t)sqlite3_column_int64(st, 5);
	if (!rc)
		rc = store_col_text(s, st, 6, b->path, sizeof(b->path));
	if (!rc)
		rc = store_col_text(s, st, 7, b->received, sizeof(b->received));
	if (!rc)
		rc = store_col_text(s, st, 8, b->instance, sizeof(b->instance));
	b->reg_id = (uint32_t)sqlite3_column_int64(st, 9);
	if (!rc)
		rc = store_col_text(s, st, 10, b->user_agent,
		                    sizeof(b->user_agent));
	return rc;
}

int tz_store_binding_each(struct tz_store *s, tz_store_binding_h *h, void *arg)
{
	struct tz_binding_rec *b;
	sqlite3_stmt *st;
	int e, rc = 0;

	/* about 2.5 KiB: off the storage thread's stack */
	b = tz_malloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	e = sqlite3_prepare_v2(s->db,
	                       "SELECT aor, contact, q, expires_at, call_id, "
	                       "cseq, path, received, instance, reg_id, "
	                       "user_agent FROM bindings ORDER BY aor, contact",
	                       -1, &st, NULL);
	if (e != SQLITE_OK) {
		tz_free(b);
		return store_fail(s, e, "bindings");
	}
	while (!rc && (e = sqlite3_step(st)) == SQLITE_ROW) {
		rc = binding_row(s, st, b);
		if (!rc)
			rc = h(arg, b);
	}
	if (!rc && e != SQLITE_DONE)
		rc = store_fail(s, sqlite3_extended_errcode(s->db), "bindings");
	sqlite3_finalize(st);
	tz_free(b);
	return rc;
}
