/*
 * testdata.c  See testdata.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testdata.h"

char *td_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;

	if (!f || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf ||
	    fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "cannot read %s\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

const char *td_root(int argc, char **argv)
{
	struct stat st;
	const char *root = argc > 1 ? argv[1] : NULL;

	if (!root || stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr,
		        "test data not found at '%s': these tests read "
		        "../shared/testdata in place (configure with "
		        "-DTZ_TESTDATA=DIR)\n",
		        root ? root : "(none given)");
		return NULL;
	}
	return root;
}

int td_tsv_split(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		fields[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static int span_in(const char *what, struct tz_span s, size_t len)
{
	if ((size_t)s.off + s.len > len) {
		fprintf(stderr, "invariant: %s [%u,+%u) outside %zu bytes\n",
		        what, s.off, s.len, len);
		return 1;
	}
	return 0;
}

int td_check_invariants(const struct tz_msg *msg, size_t len)
{
	int bad = 0;
	uint32_t i;

	bad += msg->len > len;
	bad += msg->nhdr > msg->hdr_cap;
	bad += span_in("body", msg->body, msg->len);
	bad += span_in("method", msg->method, msg->len);
	bad += span_in("ruri", msg->ruri, msg->len);
	bad += span_in("call_id", msg->call_id, msg->len);
	bad += span_in("via1.host", msg->via1.host, msg->len);
	bad += span_in("via1.branch", msg->via1.branch, msg->len);
	bad += span_in("from.uri", msg->from.uri, msg->len);
	bad += span_in("to.uri", msg->to.uri, msg->len);
	bad += span_in("to.tag", msg->to.tag, msg->len);
	for (i = 0; i < msg->nhdr && i < msg->hdr_cap; i++) {
		bad += span_in("hdr name", msg->hdr[i].name, msg->len);
		bad += span_in("hdr value", msg->hdr[i].value, msg->len);
		bad += msg->hdr[i].id >= TZ_HDR_COUNT_;
	}
	bad += msg->nvia == 0 || msg->call_id.len == 0;
	bad += msg->request ? msg->method.len == 0
	                    : (msg->status < 100 || msg->status > 699);
	if (msg->body.off + msg->body.len != msg->len) {
		fprintf(stderr, "invariant: body does not end the message\n");
		bad++;
	}
	return bad;
}
