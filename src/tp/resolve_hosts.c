/*
 * resolve_hosts.c  The resolver's static override file (tz_resolve.h):
 * a, aaaa, srv and naptr records read once into memory, looked up by name
 * and type before DNS is asked.
 *
 * The file is kept whole in one block with its tokens NUL-terminated in
 * place; the records point into it and are sorted by (name, type, line)
 * so a lookup is a binary search and answers come in file order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tz/tz_mem.h"
#include "resolve_int.h"

#define FILE_MAX   (16u << 20)
#define TOKENS_MAX 8

struct res_hosts {
	char *text;        /* the file, tokens NUL-terminated */
	struct res_rr *rr; /* sorted by name, type, line */
	size_t n, cap;
};

static void say(char *err, size_t errlen, const char *path, uint32_t line,
                const char *what)
{
	if (!err || !errlen)
		return;
	if (line)
		snprintf(err, errlen, "%s:%u: %s", path, (unsigned)line, what);
	else
		snprintf(err, errlen, "%s: %s", path, what);
}

/* Read the whole file into a NUL-terminated tz_malloc block. */
static int slurp(const char *path, char **textp, char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0;
	char *text;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		say(err, errlen, path, 0, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		say(err, errlen, path, 0, strerror(-ret));
		goto out_close;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > FILE_MAX) {
		ret = -EFBIG;
		say(err, errlen, path, 0, "file too large");
		goto out_close;
	}
	text = tz_malloc((size_t)st.st_size + 1);
	if (!text) {
		ret = -ENOMEM;
		say(err, errlen, path, 0, "out of memory");
		goto out_close;
	}
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, text + got, (size_t)st.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			ret = -errno;
			say(err, errlen, path, 0, strerror(-ret));
			tz_free(text);
			goto out_close;
		}
		if (k == 0)
			break; /* shrank meanwhile: use what is there */
		got += (size_t)k;
	}
	text[got] = '\0';
	if (memchr(text, '\0', got)) {
		ret = -EINVAL;
		say(err, errlen, path, 0, "NUL byte in file");
		tz_free(text);
		goto out_close;
	}
	*textp = text;
	ret = 0;
out_close:
	close(fd);
	return ret;
}

/* Canonical name in place: no trailing dot. "." gives "" (the root). */
static const char *canon(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '.')
		s[n - 1] = '\0';
	return s;
}

static bool num16(const char *s, uint16_t *v)
{
	unsigned long x = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		x = x * 10 + (unsigned long)(*s - '0');
		if (x > 65535)
			return false;
	}
	*v = (uint16_t)x;
	return true;
}

static int push(struct res_hosts *h, const struct res_rr *rr)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct res_rr *v = tz_realloc(h->rr, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		h->rr = v;
		h->cap = cap;
	}
	h->rr[h->n++] = *rr;
	return 0;
}

/* Decode one tokenised line into @rr; NULL, or what is wrong with it. */
static const char *parse_line(char **tok, unsigned ntok, struct res_rr *rr)
{
	static const struct {
		const char *kw;
		uint16_t type;
		unsigned ntok;
	} kinds[] = {
	        {"a", RES_T_A, 3},
	        {"aaaa", RES_T_AAAA, 3},
	        {"srv", RES_T_SRV, 6},
	        {"naptr", RES_T_NAPTR, 7},
	};
	unsigned k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcasecmp(tok[0], kinds[k].kw))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return "unknown record type (a, aaaa, srv, naptr)";
	if (ntok != kinds[k].ntok)
		return "wrong number of fields";
	rr->type = kinds[k].type;
	rr->name = canon(tok[1]);
	if (!rr->name[0] || strlen(rr->name) > RES_NAME_MAX)
		return "bad name";
	switch (rr->type) {
	case RES_T_A:
		if (inet_pton(AF_INET, tok[2], rr->ip) != 1)
			return "bad IPv4 address";
		break;
	case RES_T_AAAA:
		if (inet_pton(AF_INET6, tok[2], rr->ip) != 1)
			return "bad IPv6 address";
		break;
	case RES_T_SRV:
		if (!num16(tok[2], &rr->n[0]) || !num16(tok[3], &rr->n[1]) ||
		    !num16(tok[4], &rr->n[2]))
			return "bad number (0..65535)";
		rr->target = canon(tok[5]);
		if (strlen(rr->target) > RES_NAME_MAX)
			return "bad target";
		break;
	case RES_T_NAPTR:
		if (!num16(tok[2], &rr->n[0]) || !num16(tok[3], &rr->n[1]))
			return "bad number (0..65535)";
		rr->flags = tok[4];
		rr->service = tok[5];
		rr->target = canon(tok[6]);
		if (strlen(rr->target) > RES_NAME_MAX)
			return "bad replacement";
		break;
	}
	return NULL;
}

static int rr_cmp(const void *a, const void *b)
{
	const struct res_rr *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);

	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int parse(struct res_hosts *h, const char *path, char *err,
                 size_t errlen)
{
	char *p = h->text;
	uint32_t line = 0;

	while (*p) {
		char *eol = strchr(p, '\n'), *hash, *save, *tok[TOKENS_MAX + 1];
		struct res_rr rr = {0};
		const char *bad;
		unsigned ntok = 0;
		int ret;

		line++;
		if (eol)
			*eol = '\0';
		hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		for (char *s = strtok_r(p, " \t\r\v\f", &save); s;
		     s = strtok_r(NULL, " \t\r\v\f", &save)) {
			if (ntok == TOKENS_MAX + 1)
				break;
			tok[ntok++] = s;
		}
		p = eol ? eol + 1 : p + strlen(p);
		if (!ntok)
			continue;
		rr.line = line;
		bad = parse_line(tok, ntok, &rr);
		if (bad) {
			say(err, errlen, path, line, bad);
			return -EINVAL;
		}
		ret = push(h, &rr);
		if (ret) {
			say(err, errlen, path, line, "out of memory");
			return ret;
		}
	}
	if (h->n)
		qsort(h->rr, h->n, sizeof(*h->rr), rr_cmp);
	return 0;
}

int res_hosts_load(struct res_hosts **hp, const char *path, char *err,
                   size_t errlen)
{
	struct res_hosts *h;
	int ret;

	h = tz_malloc(sizeof(*h));
	if (!h) {
		say(err, errlen, path, 0, "out of memory");
		return -ENOMEM;
	}
	*h = (struct res_hosts){0};
	ret = slurp(path, &h->text, err, errlen);
	if (ret)
		goto out_free;
	ret = parse(h, path, err, errlen);
	if (ret)
		goto out_free;
	*hp = h;
	return 0;

out_free:
	res_hosts_free(h);
	return ret;
}

void res_hosts_free(struct res_hosts *h)
{
	if (!h)
		return;
	tz_free(h->rr);
	tz_free(h->text);
	tz_free(h);
}

int res_hosts_find(const struct res_hosts *h, const char *name, uint16_t type,
                   const struct res_rr **rrp, size_t *np)
{
	size_t lo = 0, hi = h->n, i, n = 0;

	/* first record whose name is not below @name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcasecmp(h->rr[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == h->n || strcasecmp(h->rr[lo].name, name))
		return -ENOENT;
	for (i = lo; i < h->n && !strcasecmp(h->rr[i].name, name); i++) {
		if (h->rr[i].type != type)
			continue;
		if (!n)
			*rrp = &h->rr[i];
		n++;
	}
	if (!n)
		*rrp = NULL;
	*np = n;
	return 0;
}
