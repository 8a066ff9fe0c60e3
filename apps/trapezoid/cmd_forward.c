/*
 * cmd_forward.c  `trapezoid forward set|clear|show` (DESIGN.md
 * "Interfaces"): a user's call-forwarding rules (always, on busy, on no
 * answer after N seconds) in the database, and "user-changed" to the
 * running server, if any, so the proxy uses them at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "cmds.h"
#include "tz/tz_uri.h"

#define ME "trapezoid forward"

#define AFTER_MAX 3600

static const char usage[] =
        "usage: trapezoid forward set AOR [--always URI] [--busy URI]\n"
        "                             [--no-answer URI] [--after SECONDS]\n"
        "       trapezoid forward clear AOR\n"
        "       trapezoid forward show AOR\n"
        "set replaces the user's rules: at least one of --always, --busy,\n"
        "--no-answer; each URI is sip:, sips: or tel:. --after (1-3600) is\n"
        "the no-answer time; without it, the server's forward-after (20 s\n"
        "unless configured). Every form also takes --db URL, --config FILE\n"
        "and --control PATH (the running server to tell).\n";

enum { OPT_ALWAYS, OPT_BUSY, OPT_NO_ANSWER, OPT_AFTER };

/* in the order of the enum above */
static const char *const names[] = {"--always", "--busy", "--no-answer",
                                    "--after", NULL};

/* Copy forwarding target @p v of option @p name into dst[cap] after
 * checking it is a sip, sips or tel URI. @return 0; 2 after saying why. */
static int target(char *dst, size_t cap, const char *name, const char *v)
{
	size_t n = strlen(v);
	struct tz_uri u;

	if (n >= cap) {
		fprintf(stderr, ME ": %s: URI longer than %zu bytes\n", name,
		        cap - 1);
		return 2;
	}
	if (tz_uri_parse(&u, v, 0, (uint32_t)n) != 0) {
		fprintf(stderr, ME ": %s: \"%s\" is not a valid URI\n", name,
		        v);
		return 2;
	}
	if (u.scheme != TZ_URI_SIP && u.scheme != TZ_URI_SIPS &&
	    u.scheme != TZ_URI_TEL) {
		fprintf(stderr,
		        ME ": %s: \"%s\" is not a sip:, sips: or tel: URI\n",
		        name, v);
		return 2;
	}
	memcpy(dst, v, n + 1);
	return 0;
}

/* The rules of forward set from its options; 2 after saying what is
 * wrong. */
static int rules(struct tz_forward_rec *f, const struct admin_args *a)
{
	const char *after = a->own[OPT_AFTER];
	const char *v;
	char *end;
	long n;
	int rc = 0;

	if (!a->own[OPT_ALWAYS] && !a->own[OPT_BUSY] &&
	    !a->own[OPT_NO_ANSWER]) {
		fprintf(stderr, ME ": set: no rule (give --always, --busy or "
		                   "--no-answer)\n");
		return 2;
	}
	if ((v = a->own[OPT_ALWAYS]) != NULL)
		rc = target(f->always, sizeof(f->always), "--always", v);
	if (!rc && (v = a->own[OPT_BUSY]) != NULL)
		rc = target(f->busy, sizeof(f->busy), "--busy", v);
	if (!rc && (v = a->own[OPT_NO_ANSWER]) != NULL) {
		/* after 0: the server's forward-after, which a reload may
		 * change */
		rc = target(f->no_answer, sizeof(f->no_answer), "--no-answer",
		            v);
	}
	if (rc || !after)
		return rc;
	if (!f->no_answer[0]) {
		fprintf(stderr, ME ": --after goes with --no-answer\n");
		return 2;
	}
	errno = 0;
	n = strtol(after, &end, 10);
	/* digits only: strtol would also take spaces and a sign */
	if (after[0] < '0' || after[0] > '9' || *end || errno || n < 1 ||
	    n > AFTER_MAX) {
		fprintf(stderr,
		        ME
		        ": --after: expected whole seconds from 1 to %d, not "
		        "\"%s\"\n",
		        AFTER_MAX, after);
		return 2;
	}
	f->after = (unsigned)n;
	return 0;
}

static int show(struct tz_store *s, const char *aor,
                const struct tz_config *cfg)
{
	struct tz_forward_rec f;
	int e = tz_store_forward_get(s, aor, &f);

	if (e == -ENOENT)
		return 0; /* no rules: nothing to print */
	if (e) {
		fprintf(stderr, ME ": %s\n", tz_store_errmsg(s));
		return 1;
	}
	if (f.always[0])
		printf("always %s\n", f.always);
	if (f.busy[0])
		printf("busy %s\n", f.busy);
	if (f.no_answer[0] && f.after)
		printf("no-answer %s after %u\n", f.no_answer, f.after);
	else if (f.no_answer[0])
		printf("no-answer %s after %u (forward-after)\n", f.no_answer,
		       cfg->forward_after);
	if (fflush(stdout) != 0) {
		fprintf(stderr, ME ": show: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int cmd_forward(int argc, char **argv)
{
	static struct tz_config cfg; /* large: off the stack */
	static struct tz_forward_rec f;
	struct tz_user_rec user;
	struct admin_args a;
	const char *sub;
	struct tz_store *s;
	int rc, e;

	rc = admin_split(ME, usage, argc, argv, names, &a);
	if (rc >= 0)
		return rc;
	if (a.npos < 1)
		goto usage;
	sub = a.pos[0];
	if (strcmp(sub, "set") && strcmp(sub, "clear") && strcmp(sub, "show")) {
		fprintf(stderr, ME ": unknown command '%s'\n", sub);
		goto usage;
	}
	if (a.npos != 2)
		goto usage;
	memset(&f, 0, sizeof(f));
	if (!strcmp(sub, "set")) {
		rc = rules(&f, &a);
		if (rc)
			return rc;
	} else {
		for (int i = 0; names[i]; i++) {
			if (a.own[i]) {
				fprintf(stderr,
				        ME ": %s is an option of forward set "
				           "only\n",
				        names[i]);
				goto usage;
			}
		}
	}
	if (admin_aor(ME, f.aor, a.pos[1]))
		return 1;
	rc = admin_open(ME, &a, &cfg, &s);
	if (rc)
		return rc;
	/* an unknown user is an error for every form (set: the foreign key
	 * says so too) */
	e = tz_store_user_get(s, f.aor, &user);
	if (!e && !strcmp(sub, "set"))
		e = tz_store_forward_set(s, &f);
	else if (!e && !strcmp(sub, "clear"))
		e = tz_store_forward_clear(s, f.aor);
	if (e == -ENOENT)
		fprintf(stderr, ME ": no such user: %s\n", f.aor);
	else if (e)
		fprintf(stderr, ME ": %s\n", tz_store_errmsg(s));
	rc = e ? 1 : !strcmp(sub, "show") ? show(s, f.aor, &cfg) : 0;
	tz_store_close(s);
	if (!rc && strcmp(sub, "show") != 0)
		admin_notify(ME, cfg.control, f.aor);
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}
