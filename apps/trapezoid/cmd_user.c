/*
 * cmd_user.c  `trapezoid user add|passwd|del|list|import|set` (DESIGN.md
 * "Interfaces"): the users of the database and their call features, and
 * a word to the running server, if any, through its control socket so a
 * change applies at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin.h"
#include "cmds.h"

#define ME "trapezoid user"

static const char usage[] =
        "usage: trapezoid user add AOR PASSWORD [--db URL] [--config FILE]\n"
        "       trapezoid user passwd AOR PASSWORD\n"
        "       trapezoid user del AOR\n"
        "       trapezoid user list [DOMAIN]\n"
        "       trapezoid user import FILE   (CSV lines aor,password; all "
        "or nothing)\n"
        "       trapezoid user set AOR [--reject-anonymous on|off] "
        "[--dnd on|off]\n"
        "       trapezoid user show AOR    (its call features)\n"
        "AOR is user@domain. Every form also takes --db URL, --config FILE\n"
        "and --control PATH (the running server to tell); \"--\" ends the\n"
        "options, for a password that starts with '-'.\n";

/* add and passwd */
static int set_user(struct tz_store *s, bool add, const char *in,
                    const char *password)
{
	struct tz_user_rec rec = {0};
	int e;

	if (admin_aor(ME, rec.aor, in))
		return 1;
	if (!*password) {
		fprintf(stderr, ME ": empty password\n");
		return 1;
	}
	e = tz_user_rec_set_password(&rec, password);
	if (!e)
		e = add ? tz_store_user_add(s, &rec)
		        : tz_store_user_passwd(s, &rec);
	if (e == -EEXIST)
		fprintf(stderr, ME ": user %s exists\n", rec.aor);
	else if (e == -ENOENT)
		fprintf(stderr, ME ": no such user: %s\n", rec.aor);
	else if (e)
		fprintf(stderr, ME ": %s\n",
		        e == -ENOMEM ? "out of memory" : tz_store_errmsg(s));
	return e ? 1 : 0;
}

static int del_user(struct tz_store *s, const char *in)
{
	char aor[TZ_AOR_MAX + 1];
	int e;

	if (admin_aor(ME, aor, in))
		return 1;
	e = tz_store_user_del(s, aor);
	if (e == -ENOENT)
		fprintf(stderr, ME ": no such user: %s\n", aor);
	else if (e)
		fprintf(stderr, ME ": %s\n", tz_store_errmsg(s));
	return e ? 1 : 0;
}

static int print_aor(void *arg, const struct tz_user_rec *rec)
{
	bool *out_err = arg;

	if (puts(rec->aor) < 0) {
		*out_err = true;
		return -EIO;
	}
	return 0;
}

static int list_users(struct tz_store *s, const char *domain)
{
	bool out_err = false;
	int e = tz_store_user_each(s, domain, print_aor, &out_err);

	if (!e && fflush(stdout) != 0) {
		out_err = true;
		e = -EIO;
	}
	if (e)
		fprintf(stderr, ME ": list: %s\n",
		        out_err ? strerror(errno) : tz_store_errmsg(s));
	return e ? 1 : 0;
}

static int import_users(struct tz_store *s, const char *file)
{
	char *msgs = NULL, *p, *nl;
	size_t len = 0;
	FILE *errs = open_memstream(&msgs, &len);
	int n;

	n = tz_store_user_import(s, file, errs ? errs : stderr);
	if (errs)
		fclose(errs);
	/* each "FILE:LINE: what" as a line of ours */
	for (p = msgs; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		fprintf(stderr, ME ": %.*s\n", (int)(nl - p), p);
	}
	free(msgs);
	if (n < 0) {
		fprintf(stderr, ME ": %s: nothing imported\n", file);
		return 1;
	}
	printf("imported %d users\n", n);
	return 0;
}

/* "on" or "off" for option @p name; -1 after saying what is wrong */
static int on_off(const char *name, const char *v)
{
	if (!strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "off"))
		return 0;
	fprintf(stderr, ME ": %s: expected on or off, not \"%s\"\n", name, v);
	return -1;
}

/* The user named by argument @p in; 1 after saying why there is none. */
static int find_user(struct tz_store *s, const char *in,
                     struct tz_user_rec *rec)
{
	char aor[TZ_AOR_MAX + 1];
	int e;

	if (admin_aor(ME, aor, in))
		return 1;
	e = tz_store_user_get(s, aor, rec);
	if (e == -ENOENT)
		fprintf(stderr, ME ": no such user: %s\n", aor);
	else if (e)
		fprintf(stderr, ME ": %s\n", tz_store_errmsg(s));
	return e ? 1 : 0;
}

/* user set AOR [--reject-anonymous on|off] [--dnd on|off]: the options
 * are checked before (-1: not given). */
static int set_features(struct tz_store *s, const char *in, int ra, int dnd)
{
	struct tz_user_rec rec;

	if (find_user(s, in, &rec))
		return 1;
	if (ra >= 0)
		rec.reject_anonymous = ra;
	if (dnd >= 0)
		rec.dnd = dnd;
	if (tz_store_user_set(s, &rec) != 0) {
		fprintf(stderr, ME ": %s\n", tz_store_errmsg(s));
		return 1;
	}
	return 0;
}

static int show_features(struct tz_store *s, const char *in)
{
	struct tz_user_rec rec;

	if (find_user(s, in, &rec))
		return 1;
	printf("reject-anonymous %s\ndnd %s\n",
	       rec.reject_anonymous ? "on" : "off", rec.dnd ? "on" : "off");
	return fflush(stdout) ? 1 : 0;
}

int cmd_user(int argc, char **argv)
{
	static const char *const names[] = {"--reject-anonymous", "--dnd",
	                                    NULL};
	static struct tz_config cfg; /* large: off the stack */
	struct admin_args a;
	int want, rc, ra = -1, dnd = -1;
	const char *sub;
	struct tz_store *s;

	rc = admin_split(ME, usage, argc, argv, names, &a);
	if (rc >= 0)
		return rc;
	if (a.npos < 1)
		goto usage;
	sub = a.pos[0];
	if (!strcmp(sub, "add") || !strcmp(sub, "passwd"))
		want = a.npos == 3;
	else if (!strcmp(sub, "del") || !strcmp(sub, "import") ||
	         !strcmp(sub, "set") || !strcmp(sub, "show"))
		want = a.npos == 2;
	else if (!strcmp(sub, "list"))
		want = a.npos == 1 || a.npos == 2;
	else {
		fprintf(stderr, ME ": unknown command '%s'\n", sub);
		goto usage;
	}
	if (!want)
		goto usage;
	if (strcmp(sub, "set") != 0 && (a.own[0] || a.own[1])) {
		fprintf(stderr, ME ": %s is an option of user set only\n",
		        a.own[0] ? names[0] : names[1]);
		goto usage;
	}
	if (!strcmp(sub, "set")) {
		if (!a.own[0] && !a.own[1]) {
			fprintf(stderr, ME ": set: nothing to set (give "
			                   "--reject-anonymous or --dnd)\n");
			goto usage;
		}
		if ((a.own[0] && (ra = on_off(names[0], a.own[0])) < 0) ||
		    (a.own[1] && (dnd = on_off(names[1], a.own[1])) < 0))
			return 2;
	}
	rc = admin_open(ME, &a, &cfg, &s);
	if (rc)
		return rc;
	if (!strcmp(sub, "add") || !strcmp(sub, "passwd"))
		rc = set_user(s, sub[0] == 'a', a.pos[1], a.pos[2]);
	else if (!strcmp(sub, "del"))
		rc = del_user(s, a.pos[1]);
	else if (!strcmp(sub, "list"))
		rc = list_users(s, a.npos == 2 ? a.pos[1] : NULL);
	else if (!strcmp(sub, "set"))
		rc = set_features(s, a.pos[1], ra, dnd);
	else if (!strcmp(sub, "show"))
		rc = show_features(s, a.pos[1]);
	else
		rc = import_users(s, a.pos[1]);
	tz_store_close(s);
	if (!rc && strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0) {
		char aor[TZ_AOR_MAX + 1];

		admin_notify(ME, cfg.control,
		             strcmp(sub, "import") != 0 &&
		                             !tz_aor_canon(aor, a.pos[1],
		                                           strlen(a.pos[1]),
		                                           NULL)
		                     ? aor
		                     : NULL);
	}
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}
