/*
 * test_corpus.c  The RFC 4475 and RFC 5118 torture messages against their
 * MANIFEST.tsv verdicts, and every accepted message against the field values
 * written by hand in expected.tsv.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz_test.h"
#include "tz/tz_edit.h"
#include "testdata.h"

static const char *root;

enum {
	M_FILE,
	M_SECTION,
	M_TITLE,
	M_MESSAGE,
	M_CATEGORY,
	M_PARSER,
	M_PROXY,
	M_UAS,
	M_NCOLS
};

static int parse_file(const char *rel, struct tz_msg *msg, struct tz_hdr *h,
                      char **bufp, size_t *lenp)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	*bufp = td_read(path, lenp);
	if (!*bufp)
		return -999;
	tz_msg_init(msg, h, TZ_MSG_HDRS_DEFAULT);
	return tz_msg_parse(msg, *bufp, *lenp, NULL);
}

/* The status a server answers for a "reject" row (RFC 4475 3.1.2). */
static int expected_status(char **f)
{
	if (!strncmp(f[M_MESSAGE], "response", 8))
		return 0; /* responses are dropped */
	if (strstr(f[M_UAS], "505"))
		return 505;
	return 400;
}

/* Run one MANIFEST; @dir holds the files, @ext replaces ".dat" if set. */
static int run_manifest(const char *manifest, const char *dir, const char *ext,
                        int want_rows)
{
	char path[1024], line[8192];
	int rows = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, manifest);
	f = fopen(path, "rb");
	TZ_EXPECT(f != NULL);
	if (!f)
		return 1;
	fgets(line, sizeof(line), f); /* column names */
	while (fgets(line, sizeof(line), f)) {
		struct tz_hdr hdrs[TZ_MSG_HDRS_DEFAULT];
		char *fld[M_NCOLS + 4], rel[512], name[256];
		struct tz_msg msg;
		size_t len;
		char *buf;
		int err, n = td_tsv_split(line, fld, M_NCOLS + 4);

		TZ_EXPECT(n >= M_NCOLS);
		if (n < M_NCOLS)
			continue;
		rows++;
		snprintf(name, sizeof(name), "%s", fld[M_FILE]);
		if (ext)
			strcpy(strrchr(name, '.'), ext);
		snprintf(rel, sizeof(rel), "%s/%s", dir, name);
		err = parse_file(rel, &msg, hdrs, &buf, &len);
		TZ_EXPECT(err != -999);
		if (err == -999)
			continue;
		if (!err && td_check_invariants(&msg, len)) {
			fprintf(stderr, "%s: invariants broken\n", rel);
			tz_test_fails++;
		}
		if (!strcmp(fld[M_PARSER], "accept")) {
			if (err)
				fprintf(stderr, "%s: must accept, got %d %s\n",
				        rel, msg.err_status, msg.err_what);
			TZ_EXPECT_INT(err, 0);
		} else if (!strcmp(fld[M_PARSER], "reject")) {
			if (!err)
				fprintf(stderr, "%s: must reject\n", rel);
			TZ_EXPECT(err != 0);
			TZ_EXPECT_INT(msg.err_status, expected_status(fld));
		} else if (!strcmp(fld[M_PARSER], "reject-or-liberal")) {
			/* either way; a rejection is a 400 */
			if (err)
				TZ_EXPECT_INT(msg.err_status, 400);
		} else {
			TZ_EXPECT(!strcmp(fld[M_PARSER], "no-crash"));
		}
		free(buf);
	}
	fclose(f);
	TZ_EXPECT_INT(rows, want_rows);
	return 0;
}

static int test_rfc4475_manifest(void)
{
	return run_manifest("rfc4475/MANIFEST.tsv", "rfc4475", NULL, 49);
}

static int test_rfc5118_manifest(void)
{
	return run_manifest("rfc5118/MANIFEST.tsv", "rfc5118/wire", ".sip", 12);
}

enum {
	E_FILE,
	E_TYPE,
	E_METHOD,
	E_RURI,
	E_STATUS,
	E_CALLID,
	E_CSEQ,
	E_CSEQ_METHOD,
	E_FROM_TAG,
	E_TO_TAG,
	E_MAXF,
	E_VIA_COUNT,
	E_V_TRANSPORT,
	E_V_HOST,
	E_V_PORT,
	E_V_BRANCH,
	E_V_RECEIVED,
	E_V_RPORT,
	E_CL,
	E_BODY_LEN,
	E_HEADERS,
	E_NCOLS
};

static const char *const ecols[E_NCOLS] = {
        "file",           "type",       "method",         "ruri",
        "status",         "call_id",    "cseq",           "cseq_method",
        "from_tag",       "to_tag",     "max_forwards",   "via_count",
        "via1_transport", "via1_host",  "via1_port",      "via1_branch",
        "via1_received",  "via1_rport", "content_length", "body_length",
        "headers"};

static void field(char *out, size_t n, const char *b, struct tz_span s,
                  bool present)
{
	if (present)
		snprintf(out, n, "%.*s", (int)s.len, b + s.off);
	else
		snprintf(out, n, "-");
}

static void num(char *out, size_t n, long long v, bool present)
{
	if (present)
		snprintf(out, n, "%lld", v);
	else
		snprintf(out, n, "-");
}

/* Render the message's value for column @c as expected.tsv writes it. */
static void render(char *o, size_t n, const struct tz_msg *m, int c)
{
	const char *b = m->buf;
	const struct tz_via *v = &m->via1;

	switch (c) {
	case E_TYPE:
		snprintf(o, n, "%s", m->request ? "request" : "response");
		break;
	case E_METHOD:
		field(o, n, b, m->method, m->request);
		break;
	case E_RURI:
		field(o, n, b, m->ruri, m->request);
		break;
	case E_STATUS:
		num(o, n, m->status, !m->request);
		break;
	case E_CALLID:
		field(o, n, b, m->call_id, true);
		break;
	case E_CSEQ:
		num(o, n, m->cseq, true);
		break;
	case E_CSEQ_METHOD:
		field(o, n, b, m->cseq_method, true);
		break;
	case E_FROM_TAG:
		field(o, n, b, m->from.tag, m->from.has_tag);
		break;
	case E_TO_TAG:
		field(o, n, b, m->to.tag, m->to.has_tag);
		break;
	case E_MAXF:
		num(o, n, m->max_forwards, m->max_forwards >= 0);
		break;
	case E_VIA_COUNT:
		num(o, n, m->nvia, true);
		break;
	case E_V_TRANSPORT:
		field(o, n, b, v->transport, true);
		break;
	case E_V_HOST:
		field(o, n, b, v->host, true);
		break;
	case E_V_PORT:
		num(o, n, v->port, v->port >= 0);
		break;
	case E_V_BRANCH:
		field(o, n, b, v->branch, v->has & TZ_VIA_BRANCH);
		break;
	case E_V_RECEIVED:
		field(o, n, b, v->received, v->has & TZ_VIA_RECEIVED);
		break;
	case E_V_RPORT:
		if ((v->has & TZ_VIA_RPORT) && !(v->has & TZ_VIA_RPORT_VALUE))
			snprintf(o, n, "true");
		else
			num(o, n, v->rport, v->has & TZ_VIA_RPORT_VALUE);
		break;
	case E_CL:
		num(o, n, m->content_length, m->content_length >= 0);
		break;
	case E_BODY_LEN:
		num(o, n, m->body.len, true);
		break;
	case E_HEADERS:
		num(o, n, m->nhdr, true);
		break;
	default:
		snprintf(o, n, "?");
	}
}

static int test_expected_fields(void)
{
	const char *path = getenv("TZ_EXPECTED");
	char line[8192];
	int rows = 0, c;
	FILE *f = path ? fopen(path, "rb") : NULL;

	TZ_EXPECT(f != NULL);
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		struct tz_hdr hdrs[TZ_MSG_HDRS_DEFAULT];
		char *fld[E_NCOLS + 1], got[4096];
		struct tz_msg msg;
		size_t len;
		char *buf;
		int err, n;

		if (line[0] == '#' || !strncmp(line, "file\t", 5))
			continue;
		n = td_tsv_split(line, fld, E_NCOLS + 1);
		TZ_EXPECT_INT(n, E_NCOLS);
		if (n != E_NCOLS)
			continue;
		rows++;
		err = parse_file(fld[E_FILE], &msg, hdrs, &buf, &len);
		TZ_EXPECT_INT(err, 0);
		if (err) {
			fprintf(stderr, "%s: rejected (%s)\n", fld[E_FILE],
			        err == -999 ? "unreadable" : msg.err_what);
			if (err != -999)
				free(buf);
			continue;
		}
		for (c = E_TYPE; c < E_NCOLS; c++) {
			render(got, sizeof(got), &msg, c);
			if (strcmp(got, fld[c])) {
				fprintf(stderr,
				        "%s: %s is '%s', expected "
				        "'%s'\n",
				        fld[E_FILE], ecols[c], got, fld[c]);
				tz_test_fails++;
			}
		}
		free(buf);
	}
	fclose(f);
	/* 26 accepted RFC 4475 messages and 11 RFC 5118 ones */
	TZ_EXPECT_INT(rows, 37);
	return 0;
}

/*
 * Every message the parser accepts survives the edit list: with no edits
 * the output is the message byte for byte (without any trailing datagram
 * bytes), and after a proxy's edits (RFC 3261 16.6) it parses again with
 * the fields changed as asked and the others kept.
 */
static void roundtrip(const char *rel)
{
	struct tz_hdr h1[TZ_MSG_HDRS_DEFAULT], h2[TZ_MSG_HDRS_DEFAULT];
	static struct tz_edits ed;
	struct tz_msg m, f;
	struct tz_buf out;
	size_t len;
	char *buf;

	if (parse_file(rel, &m, h1, &buf, &len) != 0) {
		if (buf)
			free(buf);
		return;
	}
	tz_buf_init(&out);
	tz_edits_init(&ed, &m);
	TZ_EXPECT_INT(tz_edits_apply(&ed, &out), 0);
	TZ_EXPECT(out.len == m.len && memcmp(out.p, buf, m.len) == 0);
	if (m.request) {
		tz_edits_init(&ed, &m);
		tz_edit_hdr_prepend(&ed, "Via",
		                    "SIP/2.0/UDP 192.0.2.254;branch=z9hG4bKrt");
		tz_edit_hdr_prepend(&ed, "Record-Route",
		                    "<sip:192.0.2.254;lr>");
		tz_edit_max_forwards(&ed, m.max_forwards > 0
		                                  ? (unsigned)m.max_forwards - 1
		                                  : 70);
		tz_edit_ruri(&ed, "sip:next@192.0.2.253", 20);
		tz_buf_reset(&out);
		TZ_EXPECT_INT(tz_edits_apply(&ed, &out), 0);
		tz_msg_init(&f, h2, TZ_MSG_HDRS_DEFAULT);
		if (tz_msg_parse(&f, out.p, out.len, NULL)) {
			fprintf(stderr, "%s: edited message rejected: %s\n",
			        rel, f.err_what);
			tz_test_fails++;
		} else {
			TZ_EXPECT_INT(f.nvia, m.nvia + 1);
			TZ_EXPECT_SPAN(f.buf, f.via1.branch, "z9hG4bKrt");
			TZ_EXPECT_SPAN(f.buf, f.ruri, "sip:next@192.0.2.253");
			TZ_EXPECT_INT(f.cseq, m.cseq);
			TZ_EXPECT_INT(f.body.len, m.body.len);
			TZ_EXPECT_INT(f.nhdr,
			              m.nhdr + 2 + (m.max_forwards < 0));
			TZ_EXPECT(f.call_id.len == m.call_id.len &&
			          !memcmp(f.buf + f.call_id.off,
			                  m.buf + m.call_id.off,
			                  m.call_id.len));
		}
	}
	tz_buf_free(&out);
	free(buf);
}

static int test_edit_roundtrip(void)
{
	const char *const dirs[] = {"rfc4475", "rfc5118/wire"};
	char path[1024], rel[1024];
	int d, n = 0;

	for (d = 0; d < 2; d++) {
		struct dirent *de;
		DIR *dir;
		snprintf(path, sizeof(path), "%s/%s", root, dirs[d]);
		dir = opendir(path);
		TZ_EXPECT(dir != NULL);
		while (dir && (de = readdir(dir))) {
			if (de->d_name[0] == '.' ||
			    strstr(de->d_name, ".tsv") ||
			    !strcmp(de->d_name, "SHA256SUMS") ||
			    !strcmp(de->d_name, "wire"))
				continue;
			snprintf(rel, sizeof(rel), "%s/%s", dirs[d],
			         de->d_name);
			roundtrip(rel);
			n++;
		}
		if (dir)
			closedir(dir);
	}
	TZ_EXPECT_INT(n, 61);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_rfc4475_manifest),
        TZ_TEST(test_rfc5118_manifest),
        TZ_TEST(test_expected_fields),
        TZ_TEST(test_edit_roundtrip),
};

int main(int argc, char **argv)
{
	root = td_root(argc, argv);
	if (!root)
		return 1;
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), 1, argv);
}
