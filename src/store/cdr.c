/*
 * cdr.c  Call detail records: one row per call the proxy handled (who
 * called whom, when it started, was answered and ended, how and why),
 * appended by the server's storage thread and read by `trapezoid cdr`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* The first id above every one in the table and every one deleted (meta
 * "cdr_next", kept by the trigger cdrs_deleted: schema.c, version 4). */
static int cdr_id_load(struct tz_store *s)
{
	char buf[32];
	size_t len = sizeof(buf) - 1;
	int64_t next = 1, v;
	sqlite3_stmt *st;
	int e, rc;

	e = sqlite3_prepare_v2(s->db, "SELECT max(id) FROM cdrs", -1, &st,
	                       NULL);
	if (e != SQLITE_OK)
		return store_fail(s, e, "cdr ids");
	e = sqlite3_step(st);
	if (e == SQLITE_ROW && sqlite3_column_int64(st, 0) >= next)
		next = sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	if (e != SQLITE_ROW)
		return store_fail(s, e, "cdr ids");
	rc = tz_store_meta_get(s, "cdr_next", buf, &len);
	if (rc == 0) {
		buf[len] = '\0';
		if (sscanf(buf, "%" SCNd64, &v) == 1 && v > next)
			next = v;
	} else if (rc != -ENOENT) {
		return rc;
	}
	s->cdr_next = next;
	return 0;
}

int tz_store_cdr_add(struct tz_store *s, const struct tz_cdr_rec *c)
{
	bool fits = STORE_FITS(c, caller) && STORE_FITS(c, callee) &&
	            STORE_FITS(c, call_id) && STORE_FITS(c, ended_by) &&
	            STORE_FITS(c, reason);
	int rc = 0, tries = 0;
	int64_t id;
	sqlite3_stmt *st;

again:
	st = store_stmt_rec(s, SQL_CDR_ADD, fits,
	                    "cdr: unterminated text field", &rc);
	if (!st)
		return rc;
	/* Not AUTOINCREMENT (schema.c, version 4) but the same promise: an
	 * id is never given twice. Read once, then counted here. */
	if (s->cdr_next <= 0 && (rc = cdr_id_load(s)))
		return rc;
	id = s->cdr_next;
	sqlite3_bind_text(st, 1, c->caller, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->callee, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, c->start_ms);
	sqlite3_bind_int64(st, 5, c->answer_ms);
	sqlite3_bind_int64(st, 6, c->end_ms);
	sqlite3_bind_int(st, 7, c->status);
	sqlite3_bind_text(st, 8, c->ended_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, c->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, id);
	rc = store_step_done(s, st, "cdr");
	if (rc == -EEXIST && tries++ == 0) {
		/* another connection added records meanwhile: read again */
		s->cdr_next = 0;
		goto again;
	}
	if (rc == 0)
		s->cdr_next = id + 1;
	return rc;
}

struct cdr_walk {
	tz_store_cdr_h *h;
	void *arg;
	struct tz_cdr_rec c;
};

/* Columns id, caller, callee, call_id, start_ms, answer_ms, end_ms,
 * status, ended_by, reason. */
static int cdr_row(struct tz_store *s, sqlite3_stmt *st, void *arg)
{
	struct cdr_walk *w = arg;
	struct tz_cdr_rec *c = &w->c;
	int rc;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	rc = store_col_text(s, st, 1, c->caller, sizeof(c->caller));
	if (!rc)
		rc = store_col_text(s, st, 2, c->callee, sizeof(c->callee));
	if (!rc)
		rc = store_col_text(s, st, 3, c->call_id, sizeof(c->call_id));
	c->start_ms = sqlite3_column_int64(st, 4);
	c->answer_ms = sqlite3_column_int64(st, 5);
	c->end_ms = sqlite3_column_int64(st, 6);
	c->status = (uint16_t)sqlite3_column_int(st, 7);
	if (!rc)
		rc = store_col_text(s, st, 8, c->ended_by, sizeof(c->ended_by));
	if (!rc)
		rc = store_col_text(s, st, 9, c->reason, sizeof(c->reason));
	return rc ? rc : w->h(w->arg, c);
}

int tz_store_cdr_each(struct tz_store *s, int64_t since_ms, tz_store_cdr_h *h,
                      void *arg)
{
	struct cdr_walk w = {.h = h, .arg = arg};

	/* since 0 means all, records from before 1970 included */
	return store_walk(s,
	                  since_ms ? "SELECT id, caller, callee, call_id, "
	                             "start_ms, answer_ms, end_ms, status, "
	                             "ended_by, reason FROM cdrs "
	                             "WHERE end_ms >= ?1 ORDER BY end_ms, id"
	                           : "SELECT id, caller, callee, call_id, "
	                             "start_ms, answer_ms, end_ms, status, "
	                             "ended_by, reason FROM cdrs "
	                             "ORDER BY end_ms, id",
	                  since_ms ? &since_ms : NULL, "cdrs", cdr_row, &w);
}
