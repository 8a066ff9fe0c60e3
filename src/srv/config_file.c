/*
 * config_file.c  The configuration's sources (tz_config.h): the file
 * ("key = value" lines) and the command line of "trapezoid serve" (every
 * key a flag), each applied to a copy that replaces the caller's only
 * when the whole source is good.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"

#define FILE_MAX  (1024 * 1024) /* a config file is at most 1 MiB */
#define LINE_MAX_ 8192          /* a line: a quoted PATH_MAX, escaped */

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* One line of a file, in place: "key = value", comment or blank. */
static int load_line(struct tz_config *c, char *s, uint64_t *seen,
                     struct ebuf *e)
{
	char *key, *kend, *val, *w;
	const struct key *k;
	int fresh, rc;

	while (blank(*s))
		s++;
	if (!*s || *s == '#')
		return 0;
	key = s;
	while (*s && *s != '=' && *s != '#')
		s++;
	if (*s != '=')
		return cfg_fail(e, -EINVAL, "expected key = value");
	for (kend = s; kend > key && blank(kend[-1]); kend--)
		;
	if (kend == key)
		return cfg_fail(e, -EINVAL, "expected key = value");
	*kend = '\0';
	for (s++; blank(*s); s++)
		;
	val = w = s;
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\') {
				s++;
				if (*s != '"' && *s != '\\')
					return cfg_fail(
					        e, -EINVAL,
					        "bad escape in quotes (only "
					        "\\\" and \\\\)");
			}
			*w++ = *s;
		}
		if (*s != '"')
			return cfg_fail(e, -EINVAL, "unterminated quote");
		for (s++; blank(*s); s++)
			;
		if (*s && *s != '#')
			return cfg_fail(e, -EINVAL,
			                "text after the closing quote");
		*w = '\0';
	} else {
		while (*s && *s != '#')
			s++;
		while (s > val && blank(s[-1]))
			s--;
		*s = '\0';
	}
	k = cfg_key_find(key, strlen(key));
	if (!k && !strcmp(key, "config"))
		return cfg_fail(e, -EINVAL, "config: only on the command line");
	fresh = k && cfg_is_list(k) && !(*seen & 1ull << cfg_key_index(k));
	rc = tz_config_set(c, key, val, fresh, e->s, e->n);
	if (rc == 0 && k)
		*seen |= 1ull << cfg_key_index(k);
	return rc;
}

int tz_config_load(struct tz_config *c, const char *path, char *err,
                   size_t errlen)
{
	struct ebuf eb = {err, errlen}, *e = &eb;
	struct tz_config tmp = *c;
	char chunk[4096], line[LINE_MAX_], msg[512], *s;
	struct ebuf mb = {msg, sizeof(msg)}, *m = &mb;
	unsigned lineno = 1;
	uint64_t seen = 0;
	size_t len = 0, total = 0;
	bool eof = false;
	struct stat st;
	ssize_t n, i;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return cfg_fail(e, rc, "%s: %s", path, strerror(-rc));
	}
	if (fstat(fd, &st) == 0 && st.st_size > FILE_MAX) {
		rc = cfg_fail(e, -EFBIG, "%s: larger than 1 MiB", path);
		goto out_close;
	}
	while (!eof) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			rc = cfg_fail(e, rc, "%s: %s", path, strerror(-rc));
			goto out_close;
		}
		total += (size_t)n;
		if (total > FILE_MAX) {
			rc = cfg_fail(e, -EFBIG, "%s: larger than 1 MiB", path);
			goto out_close;
		}
		if (n == 0 && len == 0)
			break;
		if (n == 0) {
			/* the last line lacks its newline */
			eof = true;
			chunk[n++] = '\n';
		}
		for (i = 0; i < n; i++) {
			if (chunk[i] == '\0') {
				rc = cfg_fail(m, -EINVAL, "NUL byte");
				goto out_line;
			}
			if (chunk[i] != '\n') {
				if (len + 1 >= sizeof(line)) {
					rc = cfg_fail(
					        m, -E2BIG,
					        "line too long (at most %zu "
					        "bytes)",
					        sizeof(line) - 1);
					goto out_line;
				}
				line[len++] = chunk[i];
				continue;
			}
			line[len] = '\0';
			s = line;
			/* a UTF-8 byte order mark, as some editors write */
			if (lineno == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
				s += 3;
			rc = load_line(&tmp, s, &seen, m);
			if (rc)
				goto out_line;
			lineno++;
			len = 0;
		}
	}
	rc = tz_config_check(&tmp, msg, sizeof(msg));
	if (rc) {
		rc = cfg_fail(e, rc, "%s: %s", path, msg);
		goto out_close;
	}
	*c = tmp;
	goto out_close;
out_line:
	rc = cfg_fail(e, rc, "%s:%u: %s", path, lineno, msg);
out_close:
	close(fd);
	return rc;
}

int tz_config_args(struct tz_config *c, int argc, char **argv, char *path,
                   char *err, size_t errlen)
{
	struct ebuf eb = {err, errlen}, *e = &eb;
	struct tz_config tmp;
	const char *cfg = NULL, *a, *eq, *val;
	const struct key *k;
	char msg[512];
	uint64_t seen = 0;
	size_t n;
	int i, rc;

	if (path)
		path[0] = '\0';
	tz_config_default(&tmp);
	/* the file first, wherever --config stands: the flags override it */
	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (strncmp(a, "--", 2) != 0)
			continue;
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (n == 6 && !memcmp(a + 2, "config", 6)) {
			if (cfg)
				return cfg_fail(e, -EINVAL,
				                "--config: given twice");
			cfg = eq ? eq + 1 : i + 1 < argc ? argv[++i] : "";
			if (!*cfg || (!eq && !strncmp(cfg, "--", 2)))
				return cfg_fail(e, -EINVAL,
				                "--config: missing value");
		} else if (!eq && cfg_key_find(a + 2, n) && i + 1 < argc &&
		           strncmp(argv[i + 1], "--", 2) != 0) {
			i++; /* its value */
		}
	}
	if (cfg) {
		if (path && strlen(cfg) >= PATH_MAX)
			return cfg_fail(e, -ENAMETOOLONG,
			                "--config: path too long");
		if (path)
			strcpy(path, cfg);
		rc = tz_config_load(&tmp, cfg, err, errlen);
		if (rc)
			return rc;
	}
	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || !strcmp(a, "-") || !strcmp(a, "--"))
			return cfg_fail(e, -EINVAL, "unexpected argument: %s",
			                a);
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
		k = a[1] == '-' ? cfg_key_find(a + 2, n - 2) : NULL;
		if (!k && n == 8 && !memcmp(a, "--config", 8)) {
			i += !eq; /* applied above */
			continue;
		}
		if (!k)
			return cfg_fail(e, -ENOENT, "%.*s: unknown option",
			                (int)n, a);
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) {
			val = argv[++i];
		} else {
			return cfg_fail(e, -EINVAL, "%s: missing value", a);
		}
		rc = tz_config_set(&tmp, k->name, val,
		                   cfg_is_list(k) &&
		                           !(seen & 1ull << cfg_key_index(k)),
		                   msg, sizeof(msg));
		if (rc)
			return cfg_fail(e, rc, "--%s", msg);
		seen |= 1ull << cfg_key_index(k);
	}
	rc = tz_config_finish(&tmp, err, errlen);
	if (rc)
		return rc;
	*c = tmp;
	return 0;
}
