/*
 * test_edit.c  Edit lists: each SIP-level edit, their combination as a
 * proxy forwards (RFC 3261 16.6), ordering, overlap and limits, and the
 * round trip parse -> edit -> parse.
 */
#include <errno.h>
#include <stdio.h>

#include "tz_test.h"
#include "tz/tz_edit.h"

static const char req[] =
        "INVITE sip:bob@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP "
        "b.example.com;branch=z9hG4bK2\r\n"
        "Via: SIP/2.0/TCP c.example.com;branch=z9hG4bK3\r\n"
        "Route: <sip:p1.example.com;lr>,\r\n <sip:p2.example.com;lr>\r\n"
        "Max-Forwards: 70\r\n"
        "From: <sip:alice@example.com>;tag=1\r\n"
        "To: <sip:bob@example.com>\r\n"
        "Call-ID: c@h\r\n"
        "CSeq: 1 INVITE\r\n"
        "Content-Length: 4\r\n"
        "\r\n"
        "body";

static struct tz_hdr hdrs[32];

static int parse(struct tz_msg *m, const char *p, size_t n)
{
	tz_msg_init(m, hdrs, 32);
	return tz_msg_parse(m, p, n, NULL);
}

/* Apply @ed and return the output (caller frees with tz_buf_free). */
static int apply(const struct tz_edits *ed, struct tz_buf *out)
{
	tz_buf_init(out);
	return tz_edits_apply(ed, out);
}

static int test_edit_noop(void)
{
	struct tz_edits ed;
	struct tz_msg m;
	struct tz_buf out;
	int err;

	TZ_EXPECT_INT(parse(&m, req, sizeof(req) - 1), 0);
	tz_edits_init(&ed, &m);
	err = apply(&ed, &out);
	if (err == -ENOMEM) {
		tz_buf_free(&out);
		return err;
	}
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT_INT(tz_edits_len(&ed), sizeof(req) - 1);
	TZ_EXPECT_MEM(out.p, out.len, req);
	tz_buf_free(&out);
	return 0;
}

/* A proxy's forward: own Via on top, Record-Route, Max-Forwards - 1, its
 * own Route popped, the Request-URI retargeted. */
static int test_edit_proxy_forward(void)
{
	struct tz_edits ed;
	struct tz_msg m, f;
	struct tz_buf out;
	struct tz_hdr h2[32];
	int err;

	TZ_EXPECT_INT(parse(&m, req, sizeof(req) - 1), 0);
	tz_edits_init(&ed, &m);
	tz_edit_hdr_prepend(&ed, "Via", "SIP/2.0/UDP %s;branch=%s",
	                    "proxy.example.com", "z9hG4bKp");
	tz_edit_hdr_prepend(&ed, "Record-Route", "<sip:%s;lr>",
	                    "proxy.example.com");
	tz_edit_max_forwards(&ed, 69);
	tz_edit_route_pop(&ed);
	tz_edit_ruri(&ed, "sip:bob@192.0.2.9:5062", 22);
	TZ_EXPECT_INT(ed.err, 0);
	err = apply(&ed, &out);
	if (err == -ENOMEM) {
		tz_buf_free(&out);
		return err;
	}
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT_INT(out.len, tz_edits_len(&ed));
	tz_msg_init(&f, h2, 32);
	TZ_EXPECT_INT(tz_msg_parse(&f, out.p, out.len, NULL), 0);
	TZ_EXPECT_SPAN(f.buf, f.ruri, "sip:bob@192.0.2.9:5062");
	TZ_EXPECT_INT(f.nvia, 4);
	TZ_EXPECT_SPAN(f.buf, f.via1.host, "proxy.example.com");
	TZ_EXPECT_SPAN(f.buf, f.via1.branch, "z9hG4bKp");
	TZ_EXPECT_INT(f.max_forwards, 69);
	TZ_EXPECT(f.has_route);
	TZ_EXPECT_SPAN(f.buf, f.route1.uri, "sip:p2.example.com;lr");
	TZ_EXPECT_SPAN(f.buf, f.body, "body");
	TZ_EXPECT_SPAN(f.buf, f.call_id, "c@h");
	/* inserted in the order recorded, both before the first header */
	TZ_EXPECT_INT(f.hdr[0].id, TZ_HDR_VIA);
	TZ_EXPECT_INT(f.hdr[1].id, TZ_HDR_RECORD_ROUTE);
	TZ_EXPECT(memmem(out.p, out.len,
	                 "Record-Route: <sip:proxy.example.com;lr>\r\n"
	                 "Via: SIP/2.0/UDP a.example.com",
	                 70) != NULL);
	tz_buf_free(&out);
	return 0;
}

/* The top Via entry popped where the parse says it ends: the same text
 * as the comma split would leave, whatever the spacing, a quoted comma
 * in a parameter, a fold after the comma (the split then), or the entry
 * alone in its field (the field goes). */
static int test_edit_via_pop_forms(void)
{
	static const struct {
		const char *via, *left; /* Via field(s) before and after */
	} t[] = {
	        {"Via: SIP/2.0/UDP a;branch=z9hG4bK1 , SIP/2.0/UDP b;rport\r\n",
	         "Via: SIP/2.0/UDP b;rport\r\n"},
	        {"Via: SIP/2.0/UDP a;branch=z9hG4bK1,SIP/2.0/UDP b\r\n",
	         "Via: SIP/2.0/UDP b\r\n"},
	        {"Via: SIP/2.0/UDP a;x=\"p,q\";branch=z9hG4bK1\r\n"
	         "Via: SIP/2.0/UDP b\r\n",
	         "Via: SIP/2.0/UDP b\r\n"},
	        {"Via: SIP/2.0/UDP a;branch=z9hG4bK1 \r\n"
	         "v: SIP/2.0/UDP b\r\n",
	         "v: SIP/2.0/UDP b\r\n"},
	        {"Via: SIP/2.0/UDP a;branch=z9hG4bK1,\r\n SIP/2.0/UDP b\r\n",
	         "Via: SIP/2.0/UDP b\r\n"},
	        {"Via: SIP/2.0/UDP a, SIP/2.0/UDP b\r\n",
	         "Via: SIP/2.0/UDP b\r\n"},
	};
	char in[512], want[512];
	struct tz_edits ed;
	int err;
	struct tz_msg m;
	struct tz_buf out;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		static const char rest[] = "From: <sip:a@h>;tag=1\r\n"
		                           "To: <sip:b@h>\r\nCall-ID: c@h\r\n"
		                           "CSeq: 1 INVITE\r\n"
		                           "Content-Length: 0\r\n\r\n";
		int n = snprintf(in, sizeof(in), "SIP/2.0 200 OK\r\n%s%s",
		                 t[i].via, rest);
		int k = snprintf(want, sizeof(want), "SIP/2.0 200 OK\r\n%s%s",
		                 t[i].left, rest);

		TZ_EXPECT_INT(parse(&m, in, (size_t)n), 0);
		tz_edits_init(&ed, &m);
		TZ_EXPECT_INT(tz_edit_via_pop(&ed), 0);
		err = apply(&ed, &out);
		if (err == -ENOMEM) {
			tz_buf_free(&out);
			return err;
		}
		TZ_EXPECT_INT(err, 0);
		if (out.len != (size_t)k || memcmp(out.p, want, (size_t)k)) {
			fprintf(stderr, "case %zu: got %.*s", i, (int)out.len,
			        out.p);
			TZ_EXPECT(false);
		}
		tz_buf_free(&out);
	}
	return 0;
}

/* A proxy forwarding a response removes its own, topmost Via entry. */
static int test_edit_via_pop(void)
{
	struct tz_edits ed;
	struct tz_msg m;
	char buf[1024];
	struct tz_buf out;

	TZ_EXPECT_INT(parse(&m, req, sizeof(req) - 1), 0);
	tz_edits_init(&ed, &m);
	TZ_EXPECT_INT(tz_edit_via_pop(&ed), 0);
	tz_buf_init_fixed(&out, buf, sizeof(buf));
	TZ_EXPECT_INT(tz_edits_apply(&ed, &out), 0);
	TZ_EXPECT(
	        out.len > 40 &&
	        memcmp(out.p + 36,
	               "Via: SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\nVia: "
	               "SIP/2.0/TCP c",
	               65) == 0);
	/* popping twice removes the first field whole */
	tz_edits_init(&ed, &m);
	TZ_EXPECT_INT(tz_edit_hdr_remove(&ed, &m.hdr[0]), 0);
	tz_buf_init_fixed(&out, buf, sizeof(buf));
	TZ_EXPECT_INT(tz_edits_apply(&ed, &out), 0);
	TZ_EXPECT(memcmp(out.p + 36, "Via: SIP/2.0/TCP c", 18) == 0);
	return 0;
}

static int test_edit_append_and_mf_insert(void)
{
	static const char nomf[] = "OPTIONS sip:a@b SIP/2.0\r\n"
	                           "Via: SIP/2.0/UDP h;branch=z9hG4bK9\r\n"
	                           "From: <sip:x@y>;tag=2\r\nTo: <sip:a@b>\r\n"
	                           "Call-ID: k\r\nCSeq: 2 OPTIONS\r\n\r\n";
	static const char want[] = "OPTIONS sip:a@b SIP/2.0\r\n"
	                           "Via: SIP/2.0/UDP h;branch=z9hG4bK9\r\n"
	                           "From: <sip:x@y>;tag=2\r\nTo: <sip:a@b>\r\n"
	                           "Call-ID: k\r\nCSeq: 2 OPTIONS\r\n"
	                           "Max-Forwards: 70\r\nX-Test: 1 2\r\n\r\n";
	struct tz_edits ed;
	struct tz_msg m;
	char buf[512];
	struct tz_buf out;

	TZ_EXPECT_INT(parse(&m, nomf, sizeof(nomf) - 1), 0);
	tz_edits_init(&ed, &m);
	TZ_EXPECT_INT(tz_edit_max_forwards(&ed, 70), 0);
	TZ_EXPECT_INT(tz_edit_hdr_append(&ed, "X-Test", "%d %d", 1, 2), 0);
	tz_buf_init_fixed(&out, buf, sizeof(buf));
	TZ_EXPECT_INT(tz_edits_apply(&ed, &out), 0);
	TZ_EXPECT_MEM(out.p, out.len, want);
	TZ_EXPECT_INT(tz_edit_max_forwards(&ed, 256), -EINVAL);
	return 0;
}

static int test_edit_errors(void)
{
	struct tz_edits ed;
	struct tz_msg m;
	struct iovec iov[4];
	int i;

	TZ_EXPECT_INT(parse(&m, req, sizeof(req) - 1), 0);
	/* overlapping edits are refused when applied */
	tz_edits_init(&ed, &m);
	tz_edits_replace(&ed, 10, 5, "x", 1);
	tz_edits_replace(&ed, 12, 5, "y", 1);
	TZ_EXPECT_INT(tz_edits_iov(&ed, iov, 4), -EINVAL);
	/* out of range */
	tz_edits_init(&ed, &m);
	TZ_EXPECT_INT(tz_edits_replace(&ed, m.len, 1, NULL, 0), -EINVAL);
	TZ_EXPECT_INT(ed.err, -EINVAL);
	/* too many edits: the error sticks */
	tz_edits_init(&ed, &m);
	for (i = 0; i < TZ_EDIT_MAX; i++)
		TZ_EXPECT_INT(tz_edits_replace(&ed, (uint32_t)i, 0, "a", 1), 0);
	TZ_EXPECT_INT(tz_edits_replace(&ed, 40, 0, "a", 1), -EOVERFLOW);
	TZ_EXPECT_INT(tz_edit_via_pop(&ed), -EOVERFLOW);
	/* an iovec too small */
	tz_edits_init(&ed, &m);
	tz_edits_replace(&ed, 10, 0, "x", 1);
	tz_edits_replace(&ed, 20, 0, "y", 1);
	TZ_EXPECT_INT(tz_edits_iov(&ed, iov, 4), -EOVERFLOW);
	/* a Request-URI edit on a response */
	{
		static const char resp[] =
		        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP "
		        "h;branch=z9hG4bK1\r\n"
		        "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n"
		        "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
		TZ_EXPECT_INT(parse(&m, resp, sizeof(resp) - 1), 0);
		tz_edits_init(&ed, &m);
		TZ_EXPECT_INT(tz_edit_ruri(&ed, "sip:x", 5), -EINVAL);
		tz_edits_init(&ed, &m);
		TZ_EXPECT_INT(tz_edit_route_pop(&ed), -ENOENT);
	}
	return 0;
}

/* Trailing datagram bytes (RFC 4475 3.1.1.8) are not forwarded. */
static int test_edit_drops_trailing_bytes(void)
{
	static const char dbl[] = "OPTIONS sip:a@b SIP/2.0\r\n"
	                          "Via: SIP/2.0/UDP h;branch=z9hG4bK9\r\n"
	                          "From: <sip:x@y>;tag=2\r\nTo: <sip:a@b>\r\n"
	                          "Call-ID: k\r\nCSeq: 2 OPTIONS\r\n"
	                          "Content-Length: 0\r\n\r\nINVITE junk";
	struct tz_edits ed;
	struct tz_msg m;
	struct iovec iov[4];

	TZ_EXPECT_INT(parse(&m, dbl, sizeof(dbl) - 1), 0);
	tz_edits_init(&ed, &m);
	TZ_EXPECT_INT(tz_edits_iov(&ed, iov, 4), 1);
	TZ_EXPECT_INT(iov[0].iov_len, sizeof(dbl) - 1 - 11);
	return 0;
}

/* tz_edits_map: offsets after an edit move by what it removed and
 * inserted; a removed byte has no place; text inserted at an offset comes
 * before the byte there. */
static int test_edit_map(void)
{
	struct tz_edits ed;
	struct tz_msg m;
	char buf[1024];
	struct tz_buf out;
	uint32_t to, cid, via0 = 36 + 5; /* the first Via element */

	TZ_EXPECT_INT(parse(&m, req, sizeof(req) - 1), 0);
	tz_edits_init(&ed, &m);
	TZ_EXPECT_INT(tz_edit_via_pop(&ed), 0);
	TZ_EXPECT_INT(tz_edit_max_forwards(&ed, 69), 0);
	tz_buf_init_fixed(&out, buf, sizeof(buf));
	TZ_EXPECT_INT(tz_edits_apply(&ed, &out), 0);
	TZ_EXPECT_INT(tz_edits_map(&ed, 0), 0);
	TZ_EXPECT_INT(tz_edits_map(&ed, via0 + 3), UINT32_MAX);
	cid = tz_edits_map(&ed, m.call_id.off);
	TZ_EXPECT(cid < out.len && memcmp(out.p + cid, "c@h\r\n", 5) == 0);
	to = tz_edits_map(&ed, m.to.u.host.off);
	TZ_EXPECT(to < out.len && memcmp(out.p + to, "example.com>", 12) == 0);
	/* an insert at an offset: the old byte follows the new text */
	tz_edits_init(&ed, &m);
	TZ_EXPECT_INT(tz_edits_replace(&ed, m.call_id.off, 0, "x-", 2), 0);
	TZ_EXPECT_INT(tz_edits_map(&ed, m.call_id.off), m.call_id.off + 2);
	TZ_EXPECT_INT(tz_edits_map(&ed, m.call_id.off - 1), m.call_id.off - 1);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_edit_map),
        TZ_TEST(test_edit_noop),
        TZ_TEST(test_edit_proxy_forward),
        TZ_TEST(test_edit_via_pop),
        TZ_TEST(test_edit_via_pop_forms),
        TZ_TEST(test_edit_append_and_mf_insert),
        TZ_TEST(test_edit_errors),
        TZ_TEST(test_edit_drops_trailing_bytes),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
