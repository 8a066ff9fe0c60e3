/*
 * test_parse.c  tz_msg_parse on small hand-written messages: the decoded
 * fields of valid requests and responses, and a table of defects with the
 * status a server must answer (RFC 3261 7, 8.1.1, 8.2.2, 18.3, 20, 25.1;
 * RFC 4475 for the choice of 400 / 505 / 513).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "tz_test.h"
#include "tz/tz_msg.h"

#define N_HDRS 16

/* Common header lines of the defect table. */
#define RL   "OPTIONS sip:b@example.com SIP/2.0\r\n"
#define SL   "SIP/2.0 200 OK\r\n"
#define VIA  "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n"
#define FROM "From: <sip:a@example.com>;tag=1\r\n"
#define TO   "To: <sip:b@example.com>\r\n"
#define CID  "Call-ID: c1@h\r\n"
#define CSEQ "CSeq: 1 OPTIONS\r\n"
#define MF   "Max-Forwards: 70\r\n"
#define ALL  VIA FROM TO CID CSEQ

static const char *const req_min =
        "INVITE sip:bob@biloxi.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n"
        "Max-Forwards: 70\r\n"
        "To: Bob <sip:bob@biloxi.com>\r\n"
        "From: \"Alice\" <sip:alice@atlanta.com>;tag=1928301774\r\n"
        "Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n"
        "CSeq: 314159 INVITE\r\n"
        "Subject:  folded\r\n value  \r\n"
        "Content-Length: 4\r\n"
        "\r\n"
        "abcd";

static int test_parse_request(void)
{
	static const struct {
		enum tz_hdr_id id;
		const char *name, *value;
	} want[] = {
	        {TZ_HDR_VIA, "Via",
	         "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds"},
	        {TZ_HDR_MAX_FORWARDS, "Max-Forwards", "70"},
	        {TZ_HDR_TO, "To", "Bob <sip:bob@biloxi.com>"},
	        {TZ_HDR_FROM, "From",
	         "\"Alice\" <sip:alice@atlanta.com>;tag=1928301774"},
	        {TZ_HDR_CALL_ID, "Call-ID", "a84b4c76e66710@pc33.atlanta.com"},
	        {TZ_HDR_CSEQ, "CSeq", "314159 INVITE"},
	        {TZ_HDR_SUBJECT, "Subject", "folded\r\n value"},
	        {TZ_HDR_CONTENT_LENGTH, "Content-Length", "4"},
	};
	struct tz_hdr hdrs[N_HDRS];
	struct tz_msg m;
	const char *b = req_min;
	size_t len = strlen(req_min), i;

	tz_msg_init(&m, hdrs, N_HDRS);
	TZ_EXPECT_INT(tz_msg_parse(&m, b, len, NULL), 0);
	TZ_EXPECT(m.buf == b);
	TZ_EXPECT_INT(m.len, len);
	TZ_EXPECT(m.request);
	TZ_EXPECT_SPAN(b, m.method, "INVITE");
	TZ_EXPECT_SPAN(b, m.ruri, "sip:bob@biloxi.com");
	TZ_EXPECT_INT(m.ruri_u.scheme, TZ_URI_SIP);
	TZ_EXPECT_SPAN(b, m.ruri_u.user, "bob");
	TZ_EXPECT_SPAN(b, m.ruri_u.host, "biloxi.com");
	TZ_EXPECT_INT(m.status, 0);
	TZ_EXPECT_SPAN(b, m.call_id, "a84b4c76e66710@pc33.atlanta.com");
	TZ_EXPECT_INT(m.cseq, 314159);
	TZ_EXPECT_SPAN(b, m.cseq_method, "INVITE");
	TZ_EXPECT(m.from.has_tag);
	TZ_EXPECT_SPAN(b, m.from.tag, "1928301774");
	TZ_EXPECT_SPAN(b, m.from.dname, "\"Alice\"");
	TZ_EXPECT_SPAN(b, m.from.uri, "sip:alice@atlanta.com");
	TZ_EXPECT(!m.to.has_tag);
	TZ_EXPECT_INT(m.to.tag.len, 0);
	TZ_EXPECT_SPAN(b, m.to.dname, "Bob");
	TZ_EXPECT_SPAN(b, m.to.uri, "sip:bob@biloxi.com");
	TZ_EXPECT_INT(m.max_forwards, 70);
	TZ_EXPECT_INT(m.nvia, 1);
	TZ_EXPECT_SPAN(b, m.via1.proto, "SIP");
	TZ_EXPECT_SPAN(b, m.via1.version, "2.0");
	TZ_EXPECT_SPAN(b, m.via1.transport, "UDP");
	TZ_EXPECT_SPAN(b, m.via1.host, "pc33.atlanta.com");
	TZ_EXPECT_INT(m.via1.host_type, TZ_HOST_NAME);
	TZ_EXPECT_INT(m.via1.port, -1);
	TZ_EXPECT_INT(m.via1.has, TZ_VIA_BRANCH);
	TZ_EXPECT_SPAN(b, m.via1.branch, "z9hG4bK776asdhds");
	TZ_EXPECT(!m.has_route);
	TZ_EXPECT_INT(m.content_length, 4);
	TZ_EXPECT_SPAN(b, m.body, "abcd");
	TZ_EXPECT_INT(m.body.off, len - 4);
	TZ_EXPECT_INT(m.nhdr, sizeof(want) / sizeof(want[0]));
	TZ_EXPECT(m.hdr == hdrs);
	TZ_EXPECT_INT(m.hdr_cap, N_HDRS);
	for (i = 0; i < sizeof(want) / sizeof(want[0]) && i < m.nhdr; i++) {
		TZ_EXPECT_INT(hdrs[i].id, want[i].id);
		TZ_EXPECT_SPAN(b, hdrs[i].name, want[i].name);
		TZ_EXPECT_SPAN(b, hdrs[i].value, want[i].value);
	}
	return 0;
}

static int test_parse_response(void)
{
	static const char b[] =
	        "SIP/2.0 200 OK\r\n"
	        "Via: SIP/2.0/UDP server10.biloxi.com:5060"
	        ";branch=z9hG4bKnashds8;received=192.0.2.3\r\n"
	        "v: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2"
	        ",\r\n SIP/2.0/TCP "
	        "[2001:db8::1]:5061;branch=z9hG4bK776;rport=9\r\n"
	        "t: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
	        "f: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	        "i: a84b4c76e66710@pc33.atlanta.com\r\n"
	        "CSeq: 314159 INVITE\r\n"
	        "m: <sip:bob@192.0.2.4>\r\n"
	        "X-Unknown: x\r\n"
	        "l: 0\r\n"
	        "\r\n";
	struct tz_hdr hdrs[N_HDRS];
	struct tz_msg m;

	tz_msg_init(&m, hdrs, N_HDRS);
	TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
	TZ_EXPECT(!m.request);
	TZ_EXPECT_INT(m.status, 200);
	TZ_EXPECT_SPAN(b, m.reason, "OK");
	TZ_EXPECT_INT(m.method.len, 0);
	TZ_EXPECT_INT(m.ruri.len, 0);
	TZ_EXPECT_SPAN(b, m.call_id, "a84b4c76e66710@pc33.atlanta.com");
	TZ_EXPECT_INT(m.cseq, 314159);
	TZ_EXPECT_SPAN(b, m.cseq_method, "INVITE");
	TZ_EXPECT_SPAN(b, m.from.tag, "1928301774");
	TZ_EXPECT_SPAN(b, m.to.tag, "a6c85cf");
	TZ_EXPECT(m.from.has_tag && m.to.has_tag);
	TZ_EXPECT_INT(m.max_forwards, -1);
	TZ_EXPECT_INT(m.nvia, 3);
	TZ_EXPECT_SPAN(b, m.via1.host, "server10.biloxi.com");
	TZ_EXPECT_INT(m.via1.port, 5060);
	TZ_EXPECT_SPAN(b, m.via1.branch, "z9hG4bKnashds8");
	TZ_EXPECT_SPAN(b, m.via1.received, "192.0.2.3");
	TZ_EXPECT_INT(m.via1.has, TZ_VIA_BRANCH | TZ_VIA_RECEIVED);
	TZ_EXPECT_INT(m.content_length, 0);
	TZ_EXPECT_INT(m.body.len, 0);
	TZ_EXPECT_INT(m.body.off, sizeof(b) - 1);
	TZ_EXPECT_INT(m.len, sizeof(b) - 1);
	TZ_EXPECT_INT(m.nhdr, 9);
	if (m.nhdr == 9) {
		TZ_EXPECT_INT(hdrs[1].id, TZ_HDR_VIA);
		TZ_EXPECT_SPAN(b, hdrs[1].name, "v");
		TZ_EXPECT_INT(hdrs[2].id, TZ_HDR_TO);
		TZ_EXPECT_INT(hdrs[3].id, TZ_HDR_FROM);
		TZ_EXPECT_INT(hdrs[4].id, TZ_HDR_CALL_ID);
		TZ_EXPECT_INT(hdrs[6].id, TZ_HDR_CONTACT);
		TZ_EXPECT_INT(hdrs[7].id, TZ_HDR_OTHER);
		TZ_EXPECT_SPAN(b, hdrs[7].name, "X-Unknown");
		TZ_EXPECT_SPAN(b, hdrs[7].value, "x");
		TZ_EXPECT_INT(hdrs[8].id, TZ_HDR_CONTENT_LENGTH);
	}
	return 0;
}

/* Reason phrases, datagram bodies, compact forms, Route, odd spacing. */
static int test_parse_variants(void)
{
	struct tz_hdr hdrs[N_HDRS];
	struct tz_msg m;

	tz_msg_init(&m, hdrs, N_HDRS);
	{
		static const char b[] = "SIP/2.0 486 Busy Here\r\n" ALL "\r\n";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT_INT(m.status, 486);
		TZ_EXPECT_SPAN(b, m.reason, "Busy Here");
		/* no Content-Length: the body is the rest, here nothing */
		TZ_EXPECT_INT(m.content_length, -1);
		TZ_EXPECT_INT(m.body.len, 0);
	}
	{
		/* RFC3261 25.1: Reason-Phrase may be empty, SP still needed */
		static const char b[] = "SIP/2.0 180 \r\n" ALL "\r\n";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT_INT(m.status, 180);
		TZ_EXPECT_INT(m.reason.len, 0);
	}
	{
		static const char b[] = "SIP/2.0 699 x\r\n" ALL "\r\n";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT_INT(m.status, 699);
	}
	{
		/* RFC3261 18.3: over datagrams, bytes past Content-Length are
		 * not part of the message */
		static const char b[] = RL ALL "Content-Length: 2\r\n\r\nabXYZ";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT_SPAN(b, m.body, "ab");
		TZ_EXPECT_INT(m.len, sizeof(b) - 1 - 3);
	}
	{
		/* no Content-Length: the body runs to the end of the datagram
		 */
		static const char b[] = RL ALL "\r\nv=0\r\nxyz";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT_SPAN(b, m.body, "v=0\r\nxyz");
		TZ_EXPECT_INT(m.content_length, -1);
		TZ_EXPECT_INT(m.len, sizeof(b) - 1);
	}
	{
		/* compact forms, odd spacing, empty values, Route */
		static const char b[] = "OPTIONS sip:b@example.com SIP/2.0\r\n"
		                        "v:SIP/2.0/UDP h\r\n"
		                        "f :\t<sip:a@example.com>;tag=1\r\n"
		                        "t:sip:b@example.com\r\n"
		                        "i:c1\r\n"
		                        "CSEQ:\r\n 1\r\n OPTIONS\r\n"
		                        "Subject:\r\n"
		                        "Route: <sip:p1.example.com;lr>, "
		                        "<sip:p2.example.com;lr>\r\n"
		                        "Route: <sip:p3.example.com;lr>\r\n"
		                        "Max-Forwards: 0\r\n"
		                        "l: 0\r\n"
		                        "\r\n";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT_SPAN(b, m.via1.host, "h");
		TZ_EXPECT_SPAN(b, m.from.tag, "1");
		TZ_EXPECT_SPAN(b, m.to.uri, "sip:b@example.com");
		TZ_EXPECT(!m.to.angle);
		TZ_EXPECT_SPAN(b, m.call_id, "c1");
		TZ_EXPECT_INT(m.cseq, 1);
		TZ_EXPECT_SPAN(b, m.cseq_method, "OPTIONS");
		TZ_EXPECT(m.has_route);
		TZ_EXPECT_SPAN(b, m.route1.uri, "sip:p1.example.com;lr");
		TZ_EXPECT_INT(m.max_forwards, 0);
		TZ_EXPECT_INT(m.content_length, 0);
		TZ_EXPECT_INT(m.nhdr, 10);
		if (m.nhdr == 10) {
			TZ_EXPECT_SPAN(b, hdrs[1].name, "f");
			TZ_EXPECT_SPAN(b, hdrs[4].value, "1\r\n OPTIONS");
			TZ_EXPECT_INT(hdrs[5].id, TZ_HDR_SUBJECT);
			TZ_EXPECT_INT(hdrs[5].value.len, 0);
		}
	}
	{
		/* Max-Forwards 255 is the top of the range */
		static const char b[] = RL ALL "Max-Forwards: 255\r\n\r\n";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT_INT(m.max_forwards, 255);
	}
	return 0;
}

/*
 * RFC3261 7.1: "The SIP-Version string is case-insensitive, but
 * implementations MUST send upper-case."
 */
static int test_parse_version_case(void)
{
	struct tz_hdr hdrs[N_HDRS];
	struct tz_msg m;

	tz_msg_init(&m, hdrs, N_HDRS);
	{
		static const char b[] =
		        "OPTIONS sip:b@example.com sip/2.0\r\n" ALL "\r\n";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT(m.request);
	}
	{
		static const char b[] = "sip/2.0 200 OK\r\n" ALL "\r\n";
		TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
		TZ_EXPECT(!m.request);
		TZ_EXPECT_INT(m.status, 200);
	}
	return 0;
}

/* RFC3261 7.5: CRLFs before the start line; RFC 5626 3.5.1 keep-alives. */
static int test_parse_leading_crlf(void)
{
	static const char b[] = "\r\n\r\n" RL ALL "\r\n";
	struct tz_hdr hdrs[N_HDRS];
	struct tz_msg m;

	tz_msg_init(&m, hdrs, N_HDRS);
	TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
	TZ_EXPECT(m.buf == b + 4);
	TZ_EXPECT_SPAN(m.buf, m.method, "OPTIONS");
	TZ_EXPECT_SPAN(m.buf, m.ruri, "sip:b@example.com");
	TZ_EXPECT_INT(m.len, sizeof(b) - 1 - 4);
	TZ_EXPECT_INT(m.nhdr, 5);

	TZ_EXPECT_INT(tz_msg_parse(&m, "\r\n", 2, NULL), -ENODATA);
	TZ_EXPECT_INT(tz_msg_parse(&m, "\r\n\r\n", 4, NULL), -ENODATA);
	TZ_EXPECT_INT(tz_msg_parse(&m, "\r\n\r\n\r\n\r\n", 8, NULL), -ENODATA);
	TZ_EXPECT_INT(m.err_status, 0);
	TZ_EXPECT_INT(tz_msg_parse(&m, "", 0, NULL), -ENODATA);
	/* a lone LF or a CR without its LF is not a keep-alive */
	TZ_EXPECT(tz_msg_parse(&m, "\r\n\n", 3, NULL) != -ENODATA);
	TZ_EXPECT(tz_msg_parse(&m, "\r\n\r", 3, NULL) != -ENODATA);
	return 0;
}

struct defect {
	const char *in;
	int ret;
	uint16_t status;
	const char *what;
	uint32_t cap;      /* header array; 0: N_HDRS */
	uint32_t max_hdrs; /* limits; 0: default */
	uint32_t max_line;
	uint32_t max_msg;
};

#define D(in, ret, st, what)                                                   \
	{                                                                      \
		in, ret, st, what, 0, 0, 0, 0                                  \
	}

static const struct defect defects[] = {
        /* RFC3261 7: lines end in CRLF */
        D(RL VIA "From: <sip:a@example.com>;tag=1\n" TO CID CSEQ "\r\n",
          -EBADMSG, 400, "bare CR or LF in header"),
        D(RL VIA "Subject: a\rb\r\n" FROM TO CID CSEQ "\r\n", -EBADMSG, 400,
          "bare CR or LF in header"),
        D(RL VIA "Subject: a\r" FROM TO CID CSEQ "\r\n", -EBADMSG, 400,
          "bare CR or LF in header"),
        D(RL ALL "\n", -EBADMSG, 400, "malformed header line"),
        D("OPTIONS sip:b@example.com SIP/2.0\n" ALL "\r\n", -EBADMSG, 400,
          "bare CR or LF in start line"),
        D("OPTIONS sip:b@example.com SIP/2.0\r" ALL "\r\n", -EBADMSG, 400,
          "bare CR or LF in start line"),
        D("SIP/2.0 200 OK\n" ALL "\r\n", -EBADMSG, 0,
          "bare CR or LF in start line"),
        /* no empty line after the headers */
        D(RL ALL, -EBADMSG, 400, "header section not terminated"),
        D(RL VIA FROM TO CID "CSeq: 1 OPTIONS", -EBADMSG, 400,
          "header section not terminated"),
        D("OPTIONS sip:b@example.com SIP/2.0", -EBADMSG, 400,
          "no line end after start line"),
        /* RFC3261 8.1.1: mandatory headers */
        D(RL FROM TO CID CSEQ "\r\n", -EBADMSG, 400, "missing Via"),
        D(RL VIA TO CID CSEQ "\r\n", -EBADMSG, 400, "missing From"),
        D(RL VIA FROM CID CSEQ "\r\n", -EBADMSG, 400, "missing To"),
        D(RL VIA FROM TO CSEQ "\r\n", -EBADMSG, 400, "missing Call-ID"),
        D(RL VIA FROM TO CID "\r\n", -EBADMSG, 400, "missing CSeq"),
        /* RFC3261 7.3.1: single-valued headers appear once */
        D(RL ALL CSEQ "\r\n", -EBADMSG, 400, "duplicate CSeq"),
        D(RL ALL CID "\r\n", -EBADMSG, 400, "duplicate Call-ID"),
        D(RL ALL "i: c1@h\r\n\r\n", -EBADMSG, 400, "duplicate Call-ID"),
        D(RL ALL FROM "\r\n", -EBADMSG, 400, "duplicate From"),
        D(RL ALL "t: <sip:c@example.com>\r\n\r\n", -EBADMSG, 400,
          "duplicate To"),
        D(RL ALL MF MF "\r\n", -EBADMSG, 400, "duplicate Max-Forwards"),
        D(RL ALL "Content-Length: 0\r\nl: 0\r\n\r\n", -EBADMSG, 400,
          "duplicate Content-Length"),
        /* RFC3261 8.1.1.5: CSeq method = request method (case-sensitive) */
        D(RL VIA FROM TO CID "CSeq: 1 INVITE\r\n\r\n", -EBADMSG, 400,
          "CSeq method does not match the request method"),
        D(RL VIA FROM TO CID "CSeq: 1 options\r\n\r\n", -EBADMSG, 400,
          "CSeq method does not match the request method"),
        D(RL VIA FROM TO CID "CSeq: 1 OPTION\r\n\r\n", -EBADMSG, 400,
          "CSeq method does not match the request method"),
        D(RL VIA FROM TO CID "CSeq: 4294967296 OPTIONS\r\n\r\n", -EBADMSG, 400,
          "CSeq number too large"),
        D(RL VIA FROM TO CID "CSeq: OPTIONS\r\n\r\n", -EBADMSG, 400,
          "malformed CSeq"),
        /* RFC3261 20.22: Max-Forwards 0-255 */
        D(RL ALL "Max-Forwards: 256\r\n\r\n", -EBADMSG, 400,
          "Max-Forwards out of range"),
        D(RL ALL "Max-Forwards: -1\r\n\r\n", -EBADMSG, 400,
          "malformed Max-Forwards"),
        /* RFC3261 18.3 and 20.14, RFC 4475 3.1.2.2-3 */
        D(RL ALL "Content-Length: 5\r\n\r\nabcd", -EBADMSG, 400,
          "Content-Length larger than the body"),
        D(RL ALL "Content-Length: 99999999999\r\n\r\nabcd", -EBADMSG, 400,
          "Content-Length larger than the body"),
        D(RL ALL "Content-Length: -1\r\n\r\n", -EBADMSG, 400,
          "malformed Content-Length"),
        D(RL ALL "Content-Length: 1a\r\n\r\n1a", -EBADMSG, 400,
          "malformed Content-Length"),
        /* RFC 4475 3.1.2.14: an unsupported version is 505 */
        D("OPTIONS sip:b@example.com SIP/3.0\r\n" ALL "\r\n", -EPROTONOSUPPORT,
          505, "unsupported SIP version"),
        D("OPTIONS sip:b@example.com SIP/2.1\r\n" ALL "\r\n", -EPROTONOSUPPORT,
          505, "unsupported SIP version"),
        D("SIP/3.0 200 OK\r\n" ALL "\r\n", -EPROTONOSUPPORT, 0,
          "unsupported SIP version"),
        D("OPTIONS sip:b@example.com SIP/2\r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed request line"),
        /* RFC3261 21: status codes 100-699 */
        D("SIP/2.0 099 Early\r\n" ALL "\r\n", -EBADMSG, 0,
          "status code out of range"),
        D("SIP/2.0 700 Late\r\n" ALL "\r\n", -EBADMSG, 0,
          "status code out of range"),
        D("SIP/2.0 20 OK\r\n" ALL "\r\n", -EBADMSG, 0, "malformed status line"),
        D("SIP/2.0 2000 OK\r\n" ALL "\r\n", -EBADMSG, 0,
          "malformed status line"),
        D("SIP/2.0 200\r\n" ALL "\r\n", -EBADMSG, 0, "malformed status line"),
        D("SIP/2.0 200 O\x01K\r\n" ALL "\r\n", -EBADMSG, 0,
          "malformed reason phrase"),
        /* request line */
        D("OPTIONS  sip:b@example.com SIP/2.0\r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed request line"),
        D("OPTIONS sip:b@example.com  SIP/2.0\r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed request line"),
        D("OPTIONS sip:b@example.com SIP/2.0 \r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed request line"),
        D("OPTIONS sip:b@example.com\r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed request line"),
        D("OPTIONS sip:@example.com SIP/2.0\r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed Request-URI"),
        /* RFC 4475 3.1.2.7 and 3.1.2.10: LWS or <> in the Request-URI */
        D("OPTIONS sip:b@example.com; lr SIP/2.0\r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed request line"),
        D("OPTIONS <sip:b@example.com> SIP/2.0\r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed Request-URI"),
        /* RFC5118 4.2: an IPv6 host needs its brackets */
        D("OPTIONS sip:user@2001:db8::10 SIP/2.0\r\n" ALL "\r\n", -EBADMSG, 400,
          "malformed Request-URI"),
        /* RFC3261 19.1.1, RFC 4475 3.1.2.9: no headers in a Request-URI */
        D("OPTIONS sip:b@example.com?Subject=x SIP/2.0\r\n" ALL "\r\n",
          -EBADMSG, 400, "Request-URI must not contain headers"),
        /* header lines */
        D(RL ALL "Subject x\r\n\r\n", -EBADMSG, 400, "malformed header name"),
        D(RL " " ALL "\r\n", -EBADMSG, 400, "malformed header line"),
        D(RL ALL ": x\r\n\r\n", -EBADMSG, 400, "malformed header line"),
        /* eagerly decoded headers */
        D(RL ALL "Route: <sip:p1.example.com;lr\r\n\r\n", -EBADMSG, 400,
          "malformed Route"),
        D(RL ALL "Route: sip:p1.example.com;lr;\r\n\r\n", -EBADMSG, 400,
          "malformed Route"),
        /* every Route entry is checked, not only the top one */
        D("OPTIONS sip:b@example.com SIP/2.0\r\n" ALL
          "Route: <sip:p1.example.com;lr>, <sip:p2.exa mple.com>\r\n\r\n",
          -EBADMSG, 400, "malformed Route"),
        D("OPTIONS sip:b@example.com SIP/2.0\r\n" ALL
          "Route: <sip:p1.example.com;lr>\r\nRoute: sip:\r\n\r\n",
          -EBADMSG, 400, "malformed Route"),
        D(RL VIA "Via: SIP/2.0/UDP h2.example.com:99999\r\n" FROM TO CID CSEQ
                 "\r\n",
          -EBADMSG, 400, "malformed Via"),
        D(RL VIA "Via: SIP/2.0/UDP h2.example.com;branch=z9hG4bK2,\r\n" FROM TO
                  CID CSEQ "\r\n",
          -EBADMSG, 400, "malformed Via"),
        D(RL "Via: SIP/2.0/UDP a, SIP/2.0/UDP b;ttl=256\r\n" FROM TO CID CSEQ
             "\r\n",
          -EBADMSG, 400, "malformed Via"),
        /* RFC 4475 3.1.2.1: extraneous separators */
        D(RL "Via: SIP/2.0/UDP a;;branch=z9hG4bK1\r\n" FROM TO CID CSEQ "\r\n",
          -EBADMSG, 400, "malformed Via"),
        D(RL ALL "Sub@ject: x\r\n\r\n", -EBADMSG, 400, "malformed header name"),
        D(RL "Via: SIP/2.0/UDP\r\n" FROM TO CID CSEQ "\r\n", -EBADMSG, 400,
          "malformed Via"),
        D(RL VIA "From: <sip:a@example.com;tag=1\r\n" TO CID CSEQ "\r\n",
          -EBADMSG, 400, "malformed From"),
        D(RL VIA FROM "To: <sip:b@example.com>;tag=1;tag=2\r\n" CID CSEQ "\r\n",
          -EBADMSG, 400, "malformed To"),
        D(RL VIA FROM TO "Call-ID: a b\r\n" CSEQ "\r\n", -EBADMSG, 400,
          "malformed Call-ID"),
        /* a defective response is dropped, never answered: status 0 */
        D(SL VIA FROM CID CSEQ "\r\n", -EBADMSG, 0, "missing To"),
        D(SL ALL CSEQ "\r\n", -EBADMSG, 0, "duplicate CSeq"),
        D(SL ALL "Content-Length: 5\r\n\r\nabcd", -EBADMSG, 0,
          "Content-Length larger than the body"),
        D(SL VIA "Via: SIP/2.0/UDP h2.example.com:99999\r\n" FROM TO CID CSEQ
                 "\r\n",
          -EBADMSG, 0, "malformed Via"),
        /* limits: 513 */
        {RL ALL "Subject: x\r\n\r\n", -EOVERFLOW, 513, "too many headers", 4, 0,
         0, 0},
        {RL ALL "\r\n", -EOVERFLOW, 513, "too many headers", 4, 0, 0, 0},
        {RL ALL "\r\n", -EOVERFLOW, 513, "too many headers", 0, 4, 0, 0},
        {SL ALL "\r\n", -EOVERFLOW, 0, "too many headers", 0, 4, 0, 0},
        /* the Via (46 bytes) fits in 60; the Subject does not */
        {RL ALL "Subject: 0123456789012345678901234567890123456789012345678"
                "90123456789\r\n\r\n",
         -EOVERFLOW, 513, "header line too long", 0, 0, 60, 0},
        /* folds count: each line is short, the field is not */
        {RL ALL "Subject: 0123456789\r\n 0123456789012345678901234567890123"
                "456789\r\n\r\n",
         -EOVERFLOW, 513, "header line too long", 0, 0, 60, 0},
        {RL ALL "\r\n", -EOVERFLOW, 513, "start line too long", 0, 0, 20, 0},
        {RL ALL "\r\n", -EOVERFLOW, 513, "message too large", 0, 0, 0, 100},
        {SL ALL "\r\n", -EOVERFLOW, 0, "message too large", 0, 0, 0, 100},
};

static int test_parse_defects(void)
{
	size_t i;

	for (i = 0; i < sizeof(defects) / sizeof(defects[0]); i++) {
		const struct defect *d = &defects[i];
		struct tz_msg_limits lim = tz_msg_limits_default;
		struct tz_hdr hdrs[N_HDRS];
		struct tz_msg m;
		int ret;

		if (d->max_hdrs)
			lim.max_hdrs = d->max_hdrs;
		if (d->max_line)
			lim.max_line = d->max_line;
		if (d->max_msg)
			lim.max_msg = d->max_msg;
		tz_msg_init(&m, hdrs, d->cap ? d->cap : N_HDRS);
		ret = tz_msg_parse(&m, d->in, strlen(d->in), &lim);
		if (ret != d->ret || m.err_status != d->status || !m.err_what ||
		    strcmp(m.err_what, d->what) != 0) {
			fprintf(stderr,
			        "defect %zu: ret %d status %u \"%s\"; expected "
			        "%d %u \"%s\"\n",
			        i, ret, (unsigned)m.err_status,
			        m.err_what ? m.err_what : "(null)", d->ret,
			        (unsigned)d->status, d->what);
			tz_test_fails++;
		}
	}
	return 0;
}

/* Limits hold exactly at their value and fail one past it. */
static int test_parse_limit_edges(void)
{
	static const char b[] = RL ALL "Subject: abcdefghij\r\n\r\n";
	struct tz_msg_limits lim = tz_msg_limits_default;
	struct tz_hdr hdrs[N_HDRS];
	struct tz_msg m;
	uint32_t n = sizeof(b) - 1;
	uint32_t subj = (uint32_t)strlen("Subject: abcdefghij");

	tz_msg_init(&m, hdrs, N_HDRS);
	lim.max_msg = n;
	TZ_EXPECT_INT(tz_msg_parse(&m, b, n, &lim), 0);
	lim.max_msg = n - 1;
	TZ_EXPECT_INT(tz_msg_parse(&m, b, n, &lim), -EOVERFLOW);

	lim = tz_msg_limits_default;
	lim.max_hdrs = 6;
	TZ_EXPECT_INT(tz_msg_parse(&m, b, n, &lim), 0);
	TZ_EXPECT_INT(m.nhdr, 6);
	lim.max_hdrs = 5;
	TZ_EXPECT_INT(tz_msg_parse(&m, b, n, &lim), -EOVERFLOW);

	tz_msg_init(&m, hdrs, 6);
	TZ_EXPECT_INT(tz_msg_parse(&m, b, n, NULL), 0);
	tz_msg_init(&m, hdrs, 5);
	TZ_EXPECT_INT(tz_msg_parse(&m, b, n, NULL), -EOVERFLOW);
	TZ_EXPECT_INT(m.err_status, 513);

	/* the longest line is the Via (46 bytes), then Subject */
	tz_msg_init(&m, hdrs, N_HDRS);
	lim = tz_msg_limits_default;
	lim.max_line = (uint32_t)strlen(VIA) - 2;
	TZ_EXPECT(lim.max_line > subj);
	TZ_EXPECT_INT(tz_msg_parse(&m, b, n, &lim), 0);
	lim.max_line--;
	TZ_EXPECT_INT(tz_msg_parse(&m, b, n, &lim), -EOVERFLOW);
	TZ_EXPECT_INT(m.err_status, 513);
	return 0;
}

static int test_msg_hdr_find(void)
{
	static const char b[] =
	        RL "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\n"
	           "Route: <sip:r1.example.com;lr>\r\n"
	           "v: SIP/2.0/UDP b;branch=z9hG4bK2\r\n" FROM TO
	           "Route: <sip:r2.example.com;lr>\r\n"
	           "VIA: SIP/2.0/UDP c;branch=z9hG4bK3\r\n" CID CSEQ "\r\n";
	struct tz_hdr hdrs[N_HDRS];
	struct tz_msg m;
	const struct tz_hdr *h;

	tz_msg_init(&m, hdrs, N_HDRS);
	TZ_EXPECT_INT(tz_msg_parse(&m, b, sizeof(b) - 1, NULL), 0);
	TZ_EXPECT_INT(m.nvia, 3);
	TZ_EXPECT_SPAN(b, m.via1.host, "a");
	TZ_EXPECT_SPAN(b, m.route1.uri, "sip:r1.example.com;lr");

	h = tz_msg_hdr_find(&m, TZ_HDR_VIA, 0);
	TZ_EXPECT(h == &hdrs[0]);
	h = tz_msg_hdr_find(&m, TZ_HDR_VIA, 1);
	TZ_EXPECT(h == &hdrs[2]);
	if (h)
		TZ_EXPECT_SPAN(b, h->value, "SIP/2.0/UDP b;branch=z9hG4bK2");
	h = tz_msg_hdr_find(&m, TZ_HDR_VIA, 2);
	TZ_EXPECT(h == &hdrs[6]);
	if (h)
		TZ_EXPECT_SPAN(b, h->name, "VIA");
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_VIA, 3) == NULL);
	h = tz_msg_hdr_find(&m, TZ_HDR_ROUTE, 1);
	TZ_EXPECT(h == &hdrs[5]);
	if (h)
		TZ_EXPECT_SPAN(b, h->value, "<sip:r2.example.com;lr>");
	h = tz_msg_hdr_find(&m, TZ_HDR_CSEQ, 0);
	TZ_EXPECT(h == &hdrs[8]);
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_CSEQ, 1) == NULL);
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_CONTACT, 0) == NULL);
	TZ_EXPECT(tz_msg_hdr_find(&m, TZ_HDR_OTHER, 0) == NULL);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_parse_request),      TZ_TEST(test_parse_response),
        TZ_TEST(test_parse_variants),     TZ_TEST(test_parse_version_case),
        TZ_TEST(test_parse_leading_crlf), TZ_TEST(test_parse_defects),
        TZ_TEST(test_parse_limit_edges),  TZ_TEST(test_msg_hdr_find),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
