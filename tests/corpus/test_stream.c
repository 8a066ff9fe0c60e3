/*
 * test_stream.c  Stream framing (RFC 3261 18.3) fed every corpus message
 * split at every byte boundary, byte by byte, and many messages coalesced
 * with keep-alive CRLFs between them: the messages found must not depend on
 * how the bytes arrived.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz_test.h"
#include "testdata.h"

#define MAXMSG 128

static const char *root;

/* What a receiver found in a stream. */
struct found {
	size_t off[MAXMSG]; /* of each message in the stream */
	size_t len[MAXMSG];
	int n;
	int term;       /* -EAGAIN (waiting) or the framing error */
	size_t pending; /* bytes held when the stream ended */
};

/*
 * Deliver data[0, len) in chunks ending at cuts[0..ncuts) and at len, into
 * a receive buffer, framing and consuming messages as a transport would.
 */
static void receive(const char *data, size_t len, const size_t *cuts,
                    size_t ncuts, struct found *fd)
{
	char *rb = malloc(len ? len : 1);
	size_t have = 0, consumed = 0, pos = 0, c;
	struct tz_frame fr = {0};

	memset(fd, 0, sizeof(*fd));
	fd->term = -EAGAIN;
	for (c = 0; c <= ncuts; c++) {
		size_t upto = c < ncuts ? cuts[c] : len;
		memcpy(rb + have, data + pos, upto - pos);
		have += upto - pos;
		pos = upto;
		for (;;) {
			int err = tz_frame_stream(rb, have, NULL, &fr);
			size_t take = fr.skip;
			if (err && err != -EAGAIN) {
				fd->term = err;
				goto out;
			}
			if (!err) {
				if (fd->n < MAXMSG) {
					fd->off[fd->n] = consumed + fr.skip;
					fd->len[fd->n] = fr.len;
				}
				fd->n++;
				take += fr.len;
				fr.hint = 0;
			}
			memmove(rb, rb + take, have - take);
			have -= take;
			consumed += take;
			if (err)
				break;
		}
	}
out:
	fd->pending = have;
	free(rb);
}

static int same(const struct found *a, const struct found *b)
{
	int i;

	/* after a framing error the connection closes: what was held then
	 * depends on arrival and does not matter */
	if (a->n != b->n || a->term != b->term ||
	    (a->term == -EAGAIN && a->pending != b->pending))
		return 0;
	for (i = 0; i < a->n && i < MAXMSG; i++)
		if (a->off[i] != b->off[i] || a->len[i] != b->len[i])
			return 0;
	return 1;
}

static const char *const dirs[] = {"rfc4475", "rfc5118/wire"};

/* Call @fn for every corpus file. */
static int each_file(void (*fn)(const char *name, const char *buf, size_t len,
                                void *arg),
                     void *arg)
{
	char path[2048];
	size_t d;
	int files = 0;

	for (d = 0; d < 2; d++) {
		struct dirent *de;
		DIR *dir;
		snprintf(path, sizeof(path), "%s/%s", root, dirs[d]);
		dir = opendir(path);
		TZ_EXPECT(dir != NULL);
		while (dir && (de = readdir(dir))) {
			size_t len;
			char *buf;
			if (!strstr(de->d_name, ".dat") &&
			    !strstr(de->d_name, ".sip"))
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", root, dirs[d],
			         de->d_name);
			buf = td_read(path, &len);
			TZ_EXPECT(buf != NULL);
			if (!buf)
				continue;
			fn(de->d_name, buf, len, arg);
			files++;
			free(buf);
		}
		if (dir)
			closedir(dir);
	}
	TZ_EXPECT_INT(files, 49 + 12);
	return 0;
}

static void split_everywhere(const char *name, const char *buf, size_t len,
                             void *arg)
{
	struct found ref, got;
	size_t k, *cuts = malloc(len * sizeof(*cuts) + 1);

	(void)arg;
	receive(buf, len, NULL, 0, &ref);
	for (k = 1; k < len; k++) {
		cuts[k - 1] = k;
		receive(buf, len, &k, 1, &got);
		if (!same(&ref, &got)) {
			fprintf(stderr, "%s: split at %zu differs\n", name, k);
			tz_test_fails++;
		}
	}
	receive(buf, len, cuts, len ? len - 1 : 0, &got);
	if (!same(&ref, &got)) {
		fprintf(stderr, "%s: byte-by-byte delivery differs\n", name);
		tz_test_fails++;
	}
	free(cuts);
}

static int test_split_every_boundary(void)
{
	return each_file(split_everywhere, NULL);
}

/* A stream of every corpus message that frames cleanly on its own. */
struct stream {
	char *data;
	size_t len, cap;
	size_t off[MAXMSG], mlen[MAXMSG];
	int n;
};

static void append(struct stream *s, const char *p, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->data = realloc(s->data, s->cap);
	}
	memcpy(s->data + s->len, p, n);
	s->len += n;
}

static void add_framable(const char *name, const char *buf, size_t len,
                         void *arg)
{
	struct stream *s = arg;
	struct found fd;

	(void)name;
	receive(buf, len, NULL, 0, &fd);
	if (fd.n != 1 || fd.term != -EAGAIN || fd.pending != 0 ||
	    fd.off[0] != 0 || s->n >= MAXMSG)
		return;
	/* RFC 5626 3.5.1 keep-alives between some of them */
	if (s->n % 3 == 1)
		append(s, "\r\n\r\n", 4);
	s->off[s->n] = s->len;
	s->mlen[s->n] = len;
	s->n++;
	append(s, buf, len);
}

static int test_coalesced(void)
{
	struct stream s = {0};
	struct found fd;
	size_t step, *cuts, k, nc;
	int i;

	each_file(add_framable, &s);
	/* every message with a correct Content-Length: at least the 30 or
	 * so accepted ones */
	TZ_EXPECT(s.n >= 30);
	cuts = malloc(s.len * sizeof(*cuts));
	for (step = 0; step < 4; step++) {
		size_t every = step == 0 ? s.len : (step == 1 ? 1 : step * 7);
		for (nc = 0, k = every; k < s.len; k += every)
			cuts[nc++] = k;
		receive(s.data, s.len, cuts, nc, &fd);
		TZ_EXPECT_INT(fd.n, s.n);
		TZ_EXPECT_INT(fd.term, -EAGAIN);
		TZ_EXPECT_INT(fd.pending, 0);
		for (i = 0; i < fd.n && i < s.n; i++) {
			TZ_EXPECT_INT(fd.off[i], s.off[i]);
			TZ_EXPECT_INT(fd.len[i], s.mlen[i]);
		}
	}
	/* where the parse ends an accepted message is where the framing did
	 * (RFC 3261 18.3: Content-Length marks the end on both) */
	for (i = 0; i < s.n; i++) {
		struct tz_hdr h[TZ_MSG_HDRS_DEFAULT];
		struct tz_msg m;
		tz_msg_init(&m, h, TZ_MSG_HDRS_DEFAULT);
		if (tz_msg_parse(&m, s.data + s.off[i], s.mlen[i], NULL) == 0)
			TZ_EXPECT_INT(m.len, s.mlen[i]);
	}
	free(cuts);
	free(s.data);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_split_every_boundary),
        TZ_TEST(test_coalesced),
};

int main(int argc, char **argv)
{
	root = td_root(argc, argv);
	if (!root)
		return 1;
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), 1, argv);
}
