/*
 * admin.c  The pieces every admin command (user, forward, cdr) shares:
 * argument splitting, opening the database named by the configuration,
 * AOR arguments, and "user-changed" to a running server (DESIGN.md
 * "Interfaces": a change applies at once).
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "cmds.h"

/* The index of @p word's option among @p names ("--x" or "--x=v"), or -1;
 * *val gets the text after '=' (NULL without). */
static int own_option(const char *const *names, const char *word,
                      const char **val)
{
	for (int i = 0; names && names[i]; i++) {
		size_t n = strlen(names[i]);

		if (strncmp(word, names[i], n) != 0)
			continue;
		if (word[n] == '\0' || word[n] == '=') {
			*val = word[n] == '=' ? word + n + 1 : NULL;
			return i;
		}
	}
	return -1;
}

int admin_split(const char *me, const char *usage, int argc, char **argv,
                const char *const *names, struct admin_args *a)
{
	bool dashdash = false;

	memset(a, 0, sizeof(*a));
	if (argc > 1 &&
	    (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	     !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char *w = argv[i];
		const char *val;
		int k;

		if (!dashdash && !strcmp(w, "--")) {
			dashdash = true;
		} else if (!dashdash && (k = own_option(names, w, &val)) >= 0) {
			if (!val && i + 1 < argc &&
			    strncmp(argv[i + 1], "--", 2))
				val = argv[++i];
			if (!val) {
				fprintf(stderr, "%s: %s: missing value\n", me,
				        names[k]);
				return 2;
			}
			if (a->own[k]) {
				fprintf(stderr, "%s: %s given twice\n", me,
				        names[k]);
				return 2;
			}
			a->own[k] = val;
		} else if (!dashdash && !strncmp(w, "--", 2)) {
			if (a->nopt + 2 >
			    (int)(sizeof(a->opt) / sizeof(a->opt[0])))
				goto usage;
			a->opt[a->nopt++] = w;
			if (!strchr(w, '=') && i + 1 < argc &&
			    strncmp(argv[i + 1], "--", 2) != 0)
				a->opt[a->nopt++] = argv[++i];
		} else if (a->npos < ADMIN_POS_MAX) {
			a->pos[a->npos++] = w;
		} else {
			goto usage;
		}
	}
	return -1;
usage:
	fputs(usage, stderr);
	return 2;
}

int admin_open(const char *me, struct admin_args *a, struct tz_config *cfg,
               struct tz_store **s)
{
	char path[PATH_MAX], err[1024];
	int e;

	e = tz_config_args(cfg, a->nopt, a->opt, path, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s: %s\n", me, err);
		return 2;
	}
	e = tz_store_open(s, cfg->db, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s: %s\n", me, err);
		return 1;
	}
	return 0;
}

int admin_aor(const char *me, char aor[TZ_AOR_MAX + 1], const char *in)
{
	const char *why;

	if (tz_aor_canon(aor, in, strlen(in), &why) != 0) {
		fprintf(stderr, "%s: bad AOR \"%s\": %s\n", me, in, why);
		return 1;
	}
	return 0;
}

void admin_notify(const char *me, const char *control, const char *aor)
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
		fprintf(stderr, "%s: warning: server not told: out of memory\n",
		        me);
		return;
	}
	e = ctl_request(control, line, out, sizeof(out), err, sizeof(err));
	free(line);
	if (e == -ENOENT || e == -ECONNREFUSED)
		return; /* no server runs on this database */
	if (e) {
		fprintf(stderr, "%s: warning: server not told: %s\n", me, err);
		return;
	}
	ans = json_loads(out, 0, NULL);
	if (ans && json_is_object(ans) && json_object_get(ans, "error")) {
		json_t *m = json_object_get(ans, "error");

		fprintf(stderr, "%s: warning: the server answered: %s\n", me,
		        json_is_string(m) ? json_string_value(m) : out);
	}
	json_decref(ans);
}
