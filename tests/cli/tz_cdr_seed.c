/*
 * tz_cdr_seed.c  Test helper for tests/cli/test_cdr_cli.sh: writes call
 * detail records into a database through tz_store_cdr_add (the sqlite3
 * shell may not be installed, and the records should be the store's own).
 *
 * usage: tz_cdr_seed DB [--hold SECONDS] < RECORDS
 * RECORDS: one per line, tab-separated: caller, callee, call_id,
 * start_ms, answer_ms, end_ms, status, ended_by, reason; "\n", "\r",
 * "\t", "\\" and "\xHH" (two hex digits) stand for those bytes. With
 * --hold, the records are written in one transaction that stays open
 * SECONDS after "holding" is printed (a writer that holds the lock, as a
 * running server may), then commits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tz/tz_store.h"

/* Unescape field @p in into out[cap]; false when it does not fit. */
static bool field(char *out, size_t cap, const char *in)
{
	size_t o = 0;

	for (; *in; in++) {
		char c = *in;
		unsigned x;

		if (c == '\\' && in[1] == 'x' &&
		    sscanf(in + 2, "%2x", &x) == 1) {
			c = (char)x;
			in += 3;
		} else if (c == '\\' && in[1]) {
			in++;
			c = *in == 'n'   ? '\n'
			    : *in == 'r' ? '\r'
			    : *in == 't' ? '\t'
			                 : *in;
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = c;
	}
	out[o] = 0;
	return true;
}

static bool parse(char *line, struct tz_cdr_rec *c)
{
	char *f[9], *t, *rest = line;
	int n = 0;

	line[strcspn(line, "\n")] = 0;
	/* strsep: empty fields count (an unanswered call's ended_by) */
	while ((t = strsep(&rest, "\t")) != NULL && n < 9)
		f[n++] = t;
	if (n != 9 || t)
		return false;
	memset(c, 0, sizeof(*c));
	c->start_ms = strtoll(f[3], NULL, 10);
	c->answer_ms = strtoll(f[4], NULL, 10);
	c->end_ms = strtoll(f[5], NULL, 10);
	c->status = (uint16_t)atoi(f[6]);
	return field(c->caller, sizeof(c->caller), f[0]) &&
	       field(c->callee, sizeof(c->callee), f[1]) &&
	       field(c->call_id, sizeof(c->call_id), f[2]) &&
	       field(c->ended_by, sizeof(c->ended_by), f[7]) &&
	       field(c->reason, sizeof(c->reason), f[8]);
}

int main(int argc, char **argv)
{
	static struct tz_cdr_rec c;
	struct tz_store *s;
	char line[4096], err[512];
	int hold = -1, n = 0, e = 0;

	if (argc == 4 && !strcmp(argv[2], "--hold"))
		hold = atoi(argv[3]);
	else if (argc != 2) {
		fprintf(stderr, "usage: tz_cdr_seed DB [--hold SECONDS]\n");
		return 2;
	}
	if (tz_store_open(&s, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "tz_cdr_seed: %s\n", err);
		return 1;
	}
	if (hold >= 0)
		e = tz_store_begin(s);
	while (!e && fgets(line, sizeof(line), stdin)) {
		n++;
		if (!parse(line, &c)) {
			fprintf(stderr, "tz_cdr_seed: line %d: bad record\n",
			        n);
			e = -EINVAL;
		} else {
			e = tz_store_cdr_add(s, &c);
		}
	}
	if (!e && hold >= 0) {
		printf("holding\n");
		fflush(stdout);
		sleep((unsigned)hold);
		e = tz_store_commit(s);
	}
	if (e)
		fprintf(stderr, "tz_cdr_seed: %s\n", tz_store_errmsg(s));
	tz_store_close(s);
	return e ? 1 : 0;
}
