/*
 * test_protos.c  The PROTOS c07-sip robustness suite (4,527 INVITEs with
 * their CANCEL and ACK teardowns), each parsed in one process: under
 * ASan+UBSan this proves no crash, no out-of-bounds read and no leak, and
 * every accepted message must satisfy the span invariants. The valid cases
 * must parse, before and after every other case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz_test.h"
#include "testdata.h"

/* The wrapper's -maxpdusize default: the largest IPv4 UDP payload. */
#define MAX_PDU 65507

static const char *root;

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/*
 * Fill a record's placeholders the way the PROTOS wrapper does; the
 * Content-Length is what follows the first CRLFCRLF after the others.
 */
static void render(struct buf *out, const char *rec, size_t n, int casenum,
                   const char *method)
{
	char num[32], *hdr_end;
	size_t i, at = 0;
	static const char *const keys[][2] = {
	        {"<To>", "bob@127.0.0.1"},       {"<From>", "protos@127.0.0.2"},
	        {"<From-Address>", "127.0.0.2"}, {"<From-IP>", "127.0.0.2"},
	        {"<Local-Port>", "5062"},        {"<CSeq>", "1"},
	};

	out->len = 0;
	snprintf(num, sizeof(num), "%d", casenum);
	for (i = 0; i < n;) {
		size_t k, kl = 0;
		const char *val = NULL;
		char callid[48];
		if (rec[i] == '<') {
			for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				kl = strlen(keys[k][0]);
				if (n - i >= kl &&
				    !memcmp(rec + i, keys[k][0], kl)) {
					val = keys[k][1];
					break;
				}
			}
			if (!val && n - i >= 9 &&
			    !memcmp(rec + i, "<Call-ID>", 9)) {
				snprintf(callid, sizeof(callid), "protos-%d",
				         casenum);
				val = callid;
				kl = 9;
			}
			if (!val && n - i >= 11 &&
			    !memcmp(rec + i, "<Branch-ID>", 11)) {
				val = num;
				kl = 11;
			}
			if (!val && n - i >= 17 &&
			    !memcmp(rec + i, "<Teardown-Method>", 17)) {
				val = method;
				kl = 17;
			}
			if (!val && n - i >= 16 &&
			    !memcmp(rec + i, "<Content-Length>", 16)) {
				at = out->len; /* filled in below */
				val = "";
				kl = 16;
			}
		}
		if (val) {
			put(out, val, strlen(val));
			i += kl;
		} else {
			put(out, rec + i, 1);
			i++;
		}
	}
	if (at) {
		size_t body = 0;
		char cl[24];
		hdr_end = out->len >= 4
		                  ? memmem(out->p, out->len, "\r\n\r\n", 4)
		                  : NULL;
		if (hdr_end)
			body = out->len - (size_t)(hdr_end + 4 - out->p);
		snprintf(cl, sizeof(cl), "%zu", body);
		put(out, cl, strlen(cl)); /* grow, then shift into place */
		memmove(out->p + at + strlen(cl), out->p + at,
		        out->len - strlen(cl) - at);
		memcpy(out->p + at, cl, strlen(cl));
	}
	if (out->len > MAX_PDU)
		out->len = MAX_PDU;
}

/* Split a case file into its two "<len> <bytes>" records. */
static int records(const char *p, size_t n, const char **rec, size_t *len)
{
	size_t i = 0;
	int r;

	for (r = 0; r < 2; r++) {
		size_t v = 0;
		if (i >= n || p[i] < '0' || p[i] > '9')
			return -1;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			v = v * 10 + (size_t)(p[i++] - '0');
		if (i >= n || p[i] != ' ' || v > n - i - 1)
			return -1;
		rec[r] = p + i + 1;
		len[r] = v;
		i += 1 + v;
	}
	return 0;
}

/* INDEX.tsv (our diff against case 0) marks cases identical to it. */
static char *index_tsv;

static bool valid_case(int c)
{
	char key[32];

	snprintf(key, sizeof(key), "\n%07d\t", c);
	if (!index_tsv)
		return false;
	char *row = strstr(index_tsv, key);
	char *nl = row ? strchr(row + 1, '\n') : NULL;
	char *hit = row ? strstr(row + 1, "\tvalid-case") : NULL;
	return hit && (!nl || hit < nl);
}

static int parse_one(const struct buf *b, int *status)
{
	struct tz_hdr hdrs[TZ_MSG_HDRS_DEFAULT];
	struct tz_msg msg;
	int err;

	tz_msg_init(&msg, hdrs, TZ_MSG_HDRS_DEFAULT);
	err = tz_msg_parse(&msg, b->p, b->len, NULL);
	*status = err ? msg.err_status : 200;
	if (!err && td_check_invariants(&msg, b->len))
		tz_test_fails++;
	if (err && !msg.err_what)
		tz_test_fails++; /* every rejection names its defect */
	return err;
}

static int test_protos(void)
{
	struct buf invite = {0}, valid = {0}, tear = {0};
	int c, ok = 0, rejected[600] = {0}, st, cases = 0;
	char path[1024];
	static const char *const teardown[] = {"CANCEL", "ACK"};
	size_t ilen;

	snprintf(path, sizeof(path), "%s/protos/c07-sip-r2/INDEX.tsv", root);
	index_tsv = td_read(path, &ilen);
	TZ_EXPECT(index_tsv != NULL);
	if (index_tsv)
		index_tsv[ilen] = '\0';

	for (c = 0; c < 4527; c++) {
		const char *rec[2];
		size_t len, rl[2];
		char *file;
		bool is_valid;
		int t;

		snprintf(path, sizeof(path),
		         "%s/protos/c07-sip-r2/testcases/%07d", root, c);
		file = td_read(path, &len);
		TZ_EXPECT(file != NULL);
		if (!file)
			break;
		cases++;
		TZ_EXPECT(records(file, len, rec, rl) == 0);
		if (records(file, len, rec, rl)) {
			free(file);
			continue;
		}
		is_valid = c == 0 || valid_case(c);
		render(&invite, rec[0], rl[0], c, "");
		if (parse_one(&invite, &st) == 0)
			ok++;
		else
			rejected[st < 600 ? st : 599]++;
		if (c == 0)
			put(&valid, invite.p, invite.len);
		if (is_valid && st != 200)
			fprintf(stderr, "valid case %07d rejected\n", c);
		TZ_EXPECT(!is_valid || st == 200);
		/* the teardowns carry the case's mutated To and R-URI */
		for (t = 0; t < 2; t++) {
			int tst;
			render(&tear, rec[1], rl[1], c, teardown[t]);
			parse_one(&tear, &tst);
			TZ_EXPECT(!is_valid || tst == 200);
		}
		/* the wrapper's -validcase check: the valid case still parses
		 */
		TZ_EXPECT_INT(parse_one(&valid, &st), 0);
		free(file);
	}
	TZ_EXPECT_INT(cases, 4527);
	printf("protos: %d cases, %d INVITEs accepted, rejected: 400 x %d, "
	       "505 x %d, 513 x %d, 414 x %d\n",
	       cases, ok, rejected[400], rejected[505], rejected[513],
	       rejected[414]);
	free(index_tsv);
	free(invite.p);
	free(valid.p);
	free(tear.p);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_protos),
};

int main(int argc, char **argv)
{
	root = td_root(argc, argv);
	if (!root)
		return 1;
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), 1, argv);
}
