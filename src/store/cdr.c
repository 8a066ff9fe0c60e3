/*
 * cdr.c  Call detail records: one row per call the proxy handled (who
 * called whom, when it started, was answered and ended, how and why),
 * appended by the server's storage thread and read by `trapezoid cdr`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

int tz_store_cdr_add(struct tz_store *s, const struct tz_cdr_rec *c)
{
	bool fits = STORE_FITS(c, caller) && STORE_FITS(c, callee) &&
	            STORE_FITS(c, call_id) && STORE_FITS(c, ended_by) &&
	            STORE_FITS(c, reason);
	int rc = 0;
	sqlite3_stmt *st = store_stmt_rec(s, SQL_CDR_ADD, fits,
	                                  "cdr: unterminated text field", &rc);

	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, c->caller, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->callee, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, c->start_ms);
	sqlite3_bind_int64(st, 5, c->answer_ms);
	sqlite3_bind_int64(st, 6, c->end_ms);
	sqlite3_bind_int(st, 7, c->status);
	sqlite3_bind_text(st, 8, c->ended_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, c->reason, -1, SQLITE_STATIC);
	return store_step_done(s, st, "cdr");
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
