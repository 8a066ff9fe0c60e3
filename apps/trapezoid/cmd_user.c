/*
 * cmd_user.c  `trapezoid user add|passwd|del|list|import` (DESIGN.md
 * "Interfaces"): the users of the database, and a word to the running
 * server, if any, through its control socket so a change applies at once.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "tz/tz_config.h"
#include "tz/tz_store.h"

#define ME "trapezoid user"

static const char usage[] =
        "usage: trapezoid user add AOR PASSWORD [--db URL] [--config FILE]\n"
        "       trapezoid user passwd AOR PASSWORD\n"
        "       trapezoid user del AOR\n"
        "       trapezoid user list [DOMAIN]\n"
        "       trapezoid user import FILE   (CSV lines aor,password; all "
        "or nothing)\n"
        "AOR is user@domain. Every form also takes --db URL, --config FILE\n"
        "and --control PATH (the running server to tell); \"--\" ends the\n"
        "options, for a password that starts with '-'.\n";

/* Tell the server on @p control that @p aor (NULL: every user) changed.
 * No server listening is normal; anything else is a warning, since the
 * database change is done. */
static void notify(const char *control, const char *aor)
{
	char out[4096], err[1024], *line = NULL;
	json_t *req = NULL, *ans;
	int e;

	if (aor) /* NULL when the AOR is not UTF-8: then reload all */
		req = json_pack("{s:s,s:s}", "cmd", "user-changed", "aor", aor);
	if (!req)
		req = json_pack("{s:s}", "cmd", "user-changed");
	if (req)
		line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!line) {
		fprintf(stderr,
		        ME ": warning: server not told: out of memory\n");
		return;
	}
	e = ctl_request(control, line, out, sizeof(out), err, sizeof(err));
	free(line);
	if (e == -ENOENT || e == -ECONNREFUSED)
		return; /* no server runs on this database */
	if (e) {
		fprintf(stderr, ME ": warning: server not told: %s\n", err);
		return;
	}
	ans = json_loads(out, 0, NULL);
	if (ans && json_is_object(ans) && json_object_get(ans, "error")) {
		json_t *m = json_object_get(ans, "error");

		fprintf(stderr, ME ": warning: the server answered: %s\n",
		        json_is_string(m) ? json_string_value(m) : out);
	}
	json_decref(ans);
}

static int aor_arg(char aor[TZ_AOR_MAX + 1], const char *in)
{
	const char *why;

	if (tz_aor_canon(aor, in, strlen(in), &why) != 0) {
		fprintf(stderr, ME ": bad AOR \"%s\": %s\n", in, why);
		return 1;
	}
	return 0;
}

/* add and passwd */
static int set_user(struct tz_store *s, bool add, const char *in,
                    const char *password)
{
	struct tz_user_rec rec = {0};
	int e;

	if (aor_arg(rec.aor, in))
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

	if (aor_arg(aor, in))
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

int cmd_user(int argc, char **argv)
{
	static struct tz_config cfg; /* large: off the stack */
	static char *pos[8], *opt[128];
	char path[PATH_MAX], err[1024];
	int npos = 0, nopt = 0, want, rc, e;
	const char *sub;
	struct tz_store *s;
	bool dashdash = false;

	/* positional words apart from the "--key value" of the config */
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!dashdash && !strcmp(a, "--")) {
			dashdash = true;
		} else if (!dashdash && !strncmp(a, "--", 2)) {
			if (nopt + 2 > (int)(sizeof(opt) / sizeof(opt[0])))
				goto usage;
			opt[nopt++] = a;
			if (!strchr(a, '=') && i + 1 < argc &&
			    strncmp(argv[i + 1], "--", 2) != 0)
				opt[nopt++] = argv[++i];
		} else if (npos < (int)(sizeof(pos) / sizeof(pos[0]))) {
			pos[npos++] = a;
		} else {
			goto usage;
		}
	}
	if (npos < 1)
		goto usage;
	sub = pos[0];
	if (!strcmp(sub, "add") || !strcmp(sub, "passwd"))
		want = npos == 3;
	else if (!strcmp(sub, "del") || !strcmp(sub, "import"))
		want = npos == 2;
	else if (!strcmp(sub, "list"))
		want = npos == 1 || npos == 2;
	else if (!strcmp(sub, "help") || !strcmp(sub, "--help")) {
		fputs(usage, stdout);
		return 0;
	} else {
		fprintf(stderr, ME ": unknown command '%s'\n", sub);
		goto usage;
	}
	if (!want)
		goto usage;
	e = tz_config_args(&cfg, nopt, opt, path, err, sizeof(err));
	if (e) {
		fprintf(stderr, ME ": %s\n", err);
		return 2;
	}
	e = tz_store_open(&s, cfg.db, err, sizeof(err));
	if (e) {
		fprintf(stderr, ME ": %s\n", err);
		return 1;
	}
	if (!strcmp(sub, "add") || !strcmp(sub, "passwd"))
		rc = set_user(s, sub[0] == 'a', pos[1], pos[2]);
	else if (!strcmp(sub, "del"))
		rc = del_user(s, pos[1]);
	else if (!strcmp(sub, "list"))
		rc = list_users(s, npos == 2 ? pos[1] : NULL);
	else
		rc = import_users(s, pos[1]);
	tz_store_close(s);
	if (!rc && strcmp(sub, "list") != 0) {
		char aor[TZ_AOR_MAX + 1];

		notify(cfg.control,
		       strcmp(sub, "import") != 0 &&
		                       !tz_aor_canon(aor, pos[1],
		                                     strlen(pos[1]), NULL)
		               ? aor
		               : NULL);
	}
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}
