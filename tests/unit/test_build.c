/*
 * test_build.c  Requests and responses we originate: mandatory headers
 * enforced, Content-Length always right, responses copying what RFC 3261
 * 8.2.6 says; everything printed parses back to the same fields.
 */
#include <errno.h>

#include "tz_test.h"
#include "tz/tz_build.h"

static const struct tz_req_build base_req = {
        .method = "INVITE",
        .ruri = "sip:bob@example.com",
        .via = "SIP/2.0/UDP 192.0.2.1:5060",
        .branch = "z9hG4bKabc",
        .rport = true,
        .from = "\"Alice\" <sip:alice@example.com>",
        .from_tag = "ft1",
        .to = "<sip:bob@example.com>",
        .call_id = "cid1@192.0.2.1",
        .cseq = 101,
        .max_forwards = -1,
        .contact = "<sip:alice@192.0.2.1:5060>",
        .ctype = "application/sdp",
        .body = "v=0\r\n",
        .body_len = 5,
};

static int test_build_request(void)
{
	static const char *const routes[] = {"<sip:p1;lr>", "<sip:p2;lr>"};
	struct tz_req_build r = base_req;
	struct tz_hdr h[32];
	struct tz_buf b;
	struct tz_msg m;
	int err;

	r.route = routes;
	r.nroute = 2;
	r.headers = "Supported: 100rel\r\nAllow: INVITE, ACK\r\n";
	tz_buf_init(&b);
	err = tz_build_request(&b, &r);
	if (err) {
		tz_buf_free(&b);
		return err;
	}
	tz_msg_init(&m, h, 32);
	TZ_EXPECT_INT(tz_msg_parse(&m, b.p, b.len, NULL), 0);
	TZ_EXPECT_INT(m.len, b.len);
	TZ_EXPECT_SPAN(m.buf, m.method, "INVITE");
	TZ_EXPECT_SPAN(m.buf, m.ruri, "sip:bob@example.com");
	TZ_EXPECT_SPAN(m.buf, m.via1.branch, "z9hG4bKabc");
	TZ_EXPECT_INT(m.via1.has & TZ_VIA_RPORT, TZ_VIA_RPORT);
	TZ_EXPECT_INT(m.max_forwards, 70);
	TZ_EXPECT_SPAN(m.buf, m.from.tag, "ft1");
	TZ_EXPECT(!m.to.has_tag);
	TZ_EXPECT_INT(m.cseq, 101);
	TZ_EXPECT_SPAN(m.buf, m.cseq_method, "INVITE");
	TZ_EXPECT_SPAN(m.buf, m.route1.uri, "sip:p1;lr");
	TZ_EXPECT_INT(m.content_length, 5);
	TZ_EXPECT_SPAN(m.buf, m.body, "v=0\r\n");
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_SUPPORTED, 0) != NULL);
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_ROUTE, 1) != NULL);
	tz_buf_free(&b);
	return 0;
}

/* Every missing or malformed required field is refused, buffer intact. */
static int test_build_request_invalid(void)
{
	struct tz_req_build r;
	char mem[2048];
	struct tz_buf b;
	int i;

	for (i = 0; i < 19; i++) {
		r = base_req;
		switch (i) {
		case 0:
			r.method = NULL;
			break;
		case 1:
			r.method = "IN VITE";
			break;
		case 2:
			r.ruri = "";
			break;
		case 3:
			r.via = NULL;
			break;
		case 4:
			r.branch = "abc";
			break; /* no magic cookie */
		case 5:
			r.from = NULL;
			break;
		case 6:
			r.from_tag = NULL;
			break;
		case 7:
			r.to = NULL;
			break;
		case 8:
			r.call_id = "";
			break;
		case 9:
			r.cseq = 1u << 31;
			break;
		case 10:
			r.ctype = NULL;
			break; /* with a body */
		case 11:
			r.headers = "X: 1";
			break; /* no CRLF */
		case 12:
			r.headers = "X: 1\r\n\r\nY: 2\r\n";
			break;
		case 13:
			r.max_forwards = 256;
			break;
		case 14:
			r.headers = "X: 1\nY: 2\r\n";
			break; /* bare LF */
		case 15:
			r.headers = "X: 1\rY: 2\r\n";
			break; /* bare CR */
		case 16:
			r.headers = "\r\nX: 1\r\n";
			break; /* empty first line */
		case 17:
			r.headers = "X: 1\r\r\n";
			break; /* CR before the CRLF */
		case 18:
			r.headers = "X: 1\r\nY: 2\n\r\n";
			break; /* LF then CRLF */
		}
		tz_buf_init_fixed(&b, mem, sizeof(mem));
		TZ_EXPECT_INT(tz_build_request(&b, &r), -EINVAL);
		TZ_EXPECT_INT(b.len, 0);
	}
	/* a fixed buffer too small: the error, and nothing half-written */
	tz_buf_init_fixed(&b, mem, 64);
	TZ_EXPECT_INT(tz_build_request(&b, &base_req), -EOVERFLOW);
	TZ_EXPECT_INT(b.len, 0);
	return 0;
}

static const char inv[] =
        "INVITE sip:bob@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP p.example.com;branch=z9hG4bK2\r\n"
        "Via: SIP/2.0/UDP "
        "192.0.2.1;branch=z9hG4bK1;rport=5060;received=192.0.2.1\r\n"
        "Record-Route: <sip:p.example.com;lr>\r\n"
        "Max-Forwards: 69\r\n"
        "From: <sip:alice@example.com>;tag=ft1\r\n"
        "To: Bob <sip:bob@example.com>\r\n"
        "Call-ID: cid1\r\n"
        "CSeq: 7 INVITE\r\n"
        "Timestamp: 54.3\r\n"
        "Content-Length: 0\r\n\r\n";

/* Build a response to inv[] and parse it back into @m (hdr array @h). */
static int respond(const struct tz_resp_build *r, struct tz_buf *b,
                   struct tz_msg *m, struct tz_hdr *h)
{
	struct tz_hdr rh[32];
	struct tz_msg req;
	int err;

	tz_msg_init(&req, rh, 32);
	TZ_EXPECT_INT(tz_msg_parse(&req, inv, sizeof(inv) - 1, NULL), 0);
	tz_buf_init(b);
	err = tz_build_response(b, &req, r);
	if (err)
		return err;
	tz_msg_init(m, h, 32);
	return tz_msg_parse(m, b->p, b->len, NULL);
}

static int test_build_response(void)
{
	struct tz_resp_build r = {.status = 180,
	                          .to_tag = "tt9",
	                          .record_route = true,
	                          .contact = "<sip:bob@192.0.2.9>"};
	struct tz_hdr h[32];
	struct tz_buf b;
	struct tz_msg m;
	int err = respond(&r, &b, &m, h);

	if (err == -ENOMEM) {
		tz_buf_free(&b);
		return err;
	}
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT(!m.request);
	TZ_EXPECT_INT(m.status, 180);
	TZ_EXPECT_SPAN(m.buf, m.reason, "Ringing");
	TZ_EXPECT_INT(m.nvia, 2);
	TZ_EXPECT_SPAN(m.buf, m.via1.host, "p.example.com");
	TZ_EXPECT_SPAN(m.buf, m.to.tag, "tt9");
	TZ_EXPECT_SPAN(m.buf, m.to.dname, "Bob");
	TZ_EXPECT_SPAN(m.buf, m.from.tag, "ft1");
	TZ_EXPECT_SPAN(m.buf, m.call_id, "cid1");
	TZ_EXPECT_INT(m.cseq, 7);
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_RECORD_ROUTE, 0) != NULL);
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_TIMESTAMP, 0) == NULL);
	TZ_EXPECT_INT(m.content_length, 0);
	tz_buf_free(&b);
	return 0;
}

/* RFC3261 8.2.6: a 100 gets no To tag but echoes Timestamp */
static int test_build_100(void)
{
	struct tz_resp_build r = {.status = 100, .to_tag = "never"};
	struct tz_hdr h[32];
	struct tz_buf b;
	struct tz_msg m;
	int err = respond(&r, &b, &m, h);

	if (err == -ENOMEM) {
		tz_buf_free(&b);
		return err;
	}
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT(!m.to.has_tag);
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_TIMESTAMP, 0) != NULL);
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_RECORD_ROUTE, 0) == NULL);
	tz_buf_free(&b);
	return 0;
}

static int test_build_response_body_and_errors(void)
{
	struct tz_resp_build r = {.status = 488,
	                          .reason = "Not Here",
	                          .to_tag = "t",
	                          .headers = "Warning: 304 h \"codecs\"\r\n",
	                          .ctype = "text/plain",
	                          .body = "hello",
	                          .body_len = 5};
	struct tz_hdr h[32];
	struct tz_buf b;
	struct tz_msg m;
	int err = respond(&r, &b, &m, h);

	if (err == -ENOMEM) {
		tz_buf_free(&b);
		return err;
	}
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT_SPAN(m.buf, m.reason, "Not Here");
	TZ_EXPECT_SPAN(m.buf, m.body, "hello");
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_WARNING, 0) != NULL);
	tz_buf_free(&b);
	r.status = 99;
	TZ_EXPECT_INT(respond(&r, &b, &m, h), -EINVAL);
	tz_buf_free(&b);
	r.status = 200;
	r.ctype = NULL;
	TZ_EXPECT_INT(respond(&r, &b, &m, h), -EINVAL);
	tz_buf_free(&b);
	TZ_EXPECT(!strcmp(tz_status_phrase(433), "Anonymity Disallowed"));
	TZ_EXPECT(!strcmp(tz_status_phrase(299), "Unknown"));
	return 0;
}

/* tag_out names the same bytes the parse of the response finds as its To
 * tag: a tag added, the request's own (after other params), none in a
 * 100, none when no tag is given. */
static int test_build_tag_out(void)
{
	static const struct {
		const char *to;
		uint16_t status;
		const char *tag;
	} rows[] = {
	        {"To: Bob <sip:bob@example.com>", 200, "new1"},
	        {"To: <sip:bob@example.com>;x=1;tag=old7", 200, "new2"},
	        {"t: sip:bob@example.com ; tag = sp9", 486, NULL},
	        {"To: <sip:bob@example.com>", 100, "never"},
	        {"To: <sip:bob@example.com>", 404, NULL},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tz_resp_build r = {.status = rows[i].status,
		                          .to_tag = rows[i].tag};
		struct tz_resp_tag at = {{7, 7}, true};
		struct tz_hdr rh[32], h[32];
		struct tz_msg req, m;
		struct tz_buf b;
		char msg[512];
		int err;

		snprintf(msg, sizeof(msg),
		         "OPTIONS sip:bob@example.com SIP/2.0\r\n"
		         "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
		         "From: <sip:alice@example.com>;tag=ft1\r\n%s\r\n"
		         "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n",
		         rows[i].to);
		tz_msg_init(&req, rh, 32);
		TZ_EXPECT_INT(tz_msg_parse(&req, msg, strlen(msg), NULL), 0);
		r.tag_out = &at;
		tz_buf_init(&b);
		err = tz_build_response(&b, &req, &r);
		if (err) {
			tz_buf_free(&b);
			return err;
		}
		tz_msg_init(&m, h, 32);
		TZ_EXPECT_INT(tz_msg_parse(&m, b.p, b.len, NULL), 0);
		TZ_EXPECT_INT(at.has, m.to.has_tag);
		TZ_EXPECT_INT(at.tag.off, m.to.tag.off);
		TZ_EXPECT_INT(at.tag.len, m.to.tag.len);
		tz_buf_free(&b);
	}
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_build_tag_out),
        TZ_TEST(test_build_request),
        TZ_TEST(test_build_request_invalid),
        TZ_TEST(test_build_response),
        TZ_TEST(test_build_100),
        TZ_TEST(test_build_response_body_and_errors),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
