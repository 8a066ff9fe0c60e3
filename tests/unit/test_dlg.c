/*
 * test_dlg.c  Dialogs (RFC 3261 12): the UAS and UAC sides built from
 * parsed messages (route set order, remote target, tags, CSeq), matching,
 * the CSeq rule of 12.2.2, target refresh, early confirmation with the
 * route set recomputed (13.2.2.4), and the requests a dialog prints with
 * loose and strict routing (12.2.1.1), each checked by parsing it back.
 */
#include <errno.h>
#include <stdio.h>

#include "tz_test.h"
#include "tz/tz_dlg.h"
#include "tz/tz_mem.h"

#define INVITE                                                                 \
	"INVITE sip:bob@192.0.2.2 SIP/2.0\r\n"                                 \
	"Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKp1\r\n"                      \
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1\r\n"                 \
	"Record-Route: <sip:p2.example.com;lr>\r\n"                            \
	"Record-Route: <sip:p1.example.com;lr;ftag=x>, <sip:p0;lr>\r\n"        \
	"From: \"Alice\" <sip:alice@example.com>;tag=at1\r\n"                  \
	"To: <sip:bob@example.com>\r\n"                                        \
	"Call-ID: cid1@192.0.2.1\r\n"                                          \
	"CSeq: 10 INVITE\r\n"                                                  \
	"Contact: <sip:alice@192.0.2.1:5060>\r\n"                              \
	"Content-Length: 0\r\n\r\n"

#define OK                                                                     \
	"SIP/2.0 200 OK\r\n"                                                   \
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1\r\n"                 \
	"Record-Route: <sip:p2.example.com;lr>\r\n"                            \
	"Record-Route: <sip:p1.example.com;lr;ftag=x>, <sip:p0;lr>\r\n"        \
	"From: \"Alice\" <sip:alice@example.com>;tag=at1\r\n"                  \
	"To: <sip:bob@example.com>;tag=bt1\r\n"                                \
	"Call-ID: cid1@192.0.2.1\r\n"                                          \
	"CSeq: 10 INVITE\r\n"                                                  \
	"Contact: <sip:bob@192.0.2.2:5070>\r\n"                                \
	"Content-Length: 0\r\n\r\n"

struct parsed {
	struct tz_hdr h[32];
	struct tz_msg m;
};

static int parse_n(struct parsed *p, const char *s, size_t len)
{
	tz_msg_init(&p->m, p->h, 32);
	return tz_msg_parse(&p->m, s, len, NULL);
}

static int parse(struct parsed *p, const char *s)
{
	return parse_n(p, s, strlen(s));
}

/* Print @p d's request for @p method and parse it back into @p out. */
static int print_req(struct tz_dlg *d, const char *method, struct tz_buf *b,
                     struct parsed *out)
{
	struct tz_req_build rb = {0};
	int err = tz_dlg_request(d, &rb, method);

	if (err)
		return err;
	rb.via = "SIP/2.0/UDP 192.0.2.1:5060";
	rb.branch = "z9hG4bKx";
	rb.max_forwards = 70;
	tz_buf_init(b);
	err = tz_build_request(b, &rb);
	if (!err)
		err = parse_n(out, b->p, b->len) ? -EBADMSG : 0;
	return err;
}

static int test_dlg_uas(void)
{
	struct parsed inv, req;
	struct tz_dlg *d;
	struct tz_buf b;
	int err;

	TZ_EXPECT_INT(parse(&inv, INVITE), 0);
	err = tz_dlg_uas_alloc(&d, &inv.m, "bt1", false);
	if (err)
		return err;
	/* RFC3261 12.1.1: the route set in Record-Route order */
	TZ_EXPECT_INT(d->nroute, 3);
	TZ_EXPECT(!strcmp(d->route[0], "<sip:p2.example.com;lr>"));
	TZ_EXPECT(!strcmp(d->route[1], "<sip:p1.example.com;lr>;ftag=x") ||
	          !strcmp(d->route[1], "<sip:p1.example.com;lr;ftag=x>"));
	TZ_EXPECT(!strcmp(d->route[2], "<sip:p0;lr>"));
	TZ_EXPECT(!strcmp(d->remote_target, "sip:alice@192.0.2.1:5060"));
	TZ_EXPECT(!strcmp(d->remote_tag, "at1"));
	TZ_EXPECT(!strcmp(d->local_tag, "bt1"));
	TZ_EXPECT(!strcmp(d->remote_uri, "\"Alice\" <sip:alice@example.com>"));
	TZ_EXPECT(!strcmp(d->local_uri, "<sip:bob@example.com>"));
	TZ_EXPECT_INT(d->remote_cseq, 10);
	TZ_EXPECT(!d->uac);
	/* a BYE from us: CSeq 1, To = the caller with its tag, loose
	 * routing: Request-URI = remote target, Route = the set */
	err = print_req(d, "BYE", &b, &req);
	if (!err) {
		TZ_EXPECT_SPAN(req.m.buf, req.m.ruri,
		               "sip:alice@192.0.2.1:5060");
		TZ_EXPECT_SPAN(req.m.buf, req.m.route1.uri,
		               "sip:p2.example.com;lr");
		TZ_EXPECT_SPAN(req.m.buf, req.m.to.tag, "at1");
		TZ_EXPECT_SPAN(req.m.buf, req.m.from.tag, "bt1");
		TZ_EXPECT_INT(req.m.cseq, 1);
	}
	tz_buf_free(&b);
	tz_mem_deref(d);
	return err;
}

static int test_dlg_uac(void)
{
	struct parsed inv, ok, req;
	struct tz_dlg *d;
	struct tz_buf b;
	int err;

	TZ_EXPECT_INT(parse(&inv, INVITE), 0);
	TZ_EXPECT_INT(parse(&ok, OK), 0);
	err = tz_dlg_uac_alloc(&d, &inv.m, &ok.m);
	if (err)
		return err;
	/* RFC3261 12.1.2: the route set reversed */
	TZ_EXPECT_INT(d->nroute, 3);
	TZ_EXPECT(!strcmp(d->route[0], "<sip:p0;lr>"));
	TZ_EXPECT(!strcmp(d->route[2], "<sip:p2.example.com;lr>"));
	TZ_EXPECT(!strcmp(d->remote_target, "sip:bob@192.0.2.2:5070"));
	TZ_EXPECT(!strcmp(d->remote_tag, "bt1"));
	TZ_EXPECT(!strcmp(d->local_tag, "at1"));
	TZ_EXPECT_INT(d->local_cseq, 10);
	TZ_EXPECT(!d->has_remote_cseq);
	TZ_EXPECT(!d->early);
	TZ_EXPECT(tz_dlg_match(d, &ok.m));
	/* the ACK keeps the INVITE's CSeq (13.2.2.4) */
	err = print_req(d, "ACK", &b, &req);
	if (!err) {
		TZ_EXPECT_INT(req.m.cseq, 10);
		TZ_EXPECT_SPAN(req.m.buf, req.m.route1.uri, "sip:p0;lr");
		TZ_EXPECT_SPAN(req.m.buf, req.m.ruri, "sip:bob@192.0.2.2:5070");
	}
	tz_buf_free(&b);
	if (!err) {
		err = print_req(d, "BYE", &b, &req);
		if (!err)
			TZ_EXPECT_INT(req.m.cseq, 11);
		tz_buf_free(&b);
	}
	tz_mem_deref(d);
	return err;
}

/* RFC3261 12.2.1.1: a strict first route becomes the Request-URI and
 * the remote target the last Route entry. */
static int test_dlg_strict(void)
{
	static const char inv_s[] =
	        "INVITE sip:bob@192.0.2.2 SIP/2.0\r\n"
	        "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa1\r\n"
	        "Record-Route: <sip:strict.example.com>, <sip:p1;lr>\r\n"
	        "From: <sip:alice@example.com>;tag=at1\r\n"
	        "To: <sip:bob@example.com>\r\n"
	        "Call-ID: c2\r\nCSeq: 1 INVITE\r\n"
	        "Contact: <sip:alice@192.0.2.1>\r\n"
	        "Content-Length: 0\r\n\r\n";
	struct parsed inv, req;
	struct tz_dlg *d;
	struct tz_buf b;
	const struct tz_hdr *h;
	int err;

	TZ_EXPECT_INT(parse(&inv, inv_s), 0);
	err = tz_dlg_uas_alloc(&d, &inv.m, "t", false);
	if (err)
		return err;
	err = print_req(d, "BYE", &b, &req);
	if (!err) {
		TZ_EXPECT_SPAN(req.m.buf, req.m.ruri, "sip:strict.example.com");
		TZ_EXPECT_SPAN(req.m.buf, req.m.route1.uri, "sip:p1;lr");
		h = tz_msg_hdr_find(&req.m, TZ_HDR_ROUTE, 1);
		TZ_EXPECT(h != NULL);
		if (h)
			TZ_EXPECT_SPAN(req.m.buf, h->value,
			               "<sip:alice@192.0.2.1>");
	}
	tz_buf_free(&b);
	tz_mem_deref(d);
	return err;
}

/* RFC3261 12.2.2: CSeq order; 12.2.2 / 12.2.1.2 matching; target refresh */
static int test_dlg_cseq_match_refresh(void)
{
	static const struct {
		uint32_t cseq;
		const char *method;
		int want;
	} cases[] = {
	        {11, "INFO", 0},         {11, "INFO", 0},  {9, "BYE", -EPROTO},
	        {5, "ACK", 0},           {3, "CANCEL", 0}, {12, "INVITE", 0},
	        {11, "NOTIFY", -EPROTO},
	};
	struct parsed inv, m;
	struct tz_dlg *d;
	char buf[512];
	int err;

	TZ_EXPECT_INT(parse(&inv, INVITE), 0);
	err = tz_dlg_uas_alloc(&d, &inv.m, "bt1", true);
	if (err)
		return err;
	TZ_EXPECT(d->early);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf),
		         "%s sip:bob@192.0.2.2 SIP/2.0\r\n"
		         "Via: SIP/2.0/UDP h;branch=z9hG4bK%zu\r\n"
		         "From: <sip:alice@example.com>;tag=at1\r\n"
		         "To: <sip:bob@example.com>;tag=bt1\r\n"
		         "Call-ID: cid1@192.0.2.1\r\nCSeq: %u %s\r\n"
		         "Contact: <sip:alice@192.0.2.77>\r\n"
		         "Content-Length: 0\r\n\r\n",
		         cases[i].method, i, (unsigned)cases[i].cseq,
		         cases[i].method);
		TZ_EXPECT_INT(parse(&m, buf), 0);
		TZ_EXPECT(tz_dlg_match(d, &m.m));
		TZ_EXPECT_INT(tz_dlg_recv_cseq(d, &m.m), cases[i].want);
	}
	TZ_EXPECT_INT(d->remote_cseq, 12);
	TZ_EXPECT_INT(tz_dlg_refresh(d, &m.m), 0);
	TZ_EXPECT(!strcmp(d->remote_target, "sip:alice@192.0.2.77"));
	TZ_EXPECT_INT(tz_dlg_confirm(d, NULL), 0);
	TZ_EXPECT(!d->early);
	/* another To tag, another Call-ID: not this dialog */
	snprintf(buf, sizeof(buf),
	         "BYE sip:bob@192.0.2.2 SIP/2.0\r\n"
	         "Via: SIP/2.0/UDP h;branch=z9hG4bKz\r\n"
	         "From: <sip:alice@example.com>;tag=at1\r\n"
	         "To: <sip:bob@example.com>;tag=other\r\n"
	         "Call-ID: cid1@192.0.2.1\r\nCSeq: 20 BYE\r\n"
	         "Content-Length: 0\r\n\r\n");
	TZ_EXPECT_INT(parse(&m, buf), 0);
	TZ_EXPECT(!tz_dlg_match(d, &m.m));
	tz_mem_deref(d);
	return 0;
}

/* RFC3261 12.1.2, 13.2.2.4: an early dialog from a 180, confirmed by the
 * 2xx with the route set taken again from it. */
static int test_dlg_early_confirm(void)
{
	static const char ringing[] =
	        "SIP/2.0 180 Ringing\r\n"
	        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1\r\n"
	        "Record-Route: <sip:old;lr>\r\n"
	        "From: <sip:alice@example.com>;tag=at1\r\n"
	        "To: <sip:bob@example.com>;tag=bt1\r\n"
	        "Call-ID: cid1@192.0.2.1\r\nCSeq: 10 INVITE\r\n"
	        "Content-Length: 0\r\n\r\n";
	static const char bad[] = "SIP/2.0 100 Trying\r\n"
	                          "Via: SIP/2.0/UDP h;branch=z9hG4bKa1\r\n"
	                          "From: <sip:a@x>;tag=at1\r\n"
	                          "To: <sip:b@x>\r\n"
	                          "Call-ID: c\r\nCSeq: 10 INVITE\r\n"
	                          "Content-Length: 0\r\n\r\n";
	struct parsed inv, r180, ok, r100;
	struct tz_dlg *d = NULL;
	int err;

	TZ_EXPECT_INT(parse(&inv, INVITE), 0);
	TZ_EXPECT_INT(parse(&r180, ringing), 0);
	TZ_EXPECT_INT(parse(&ok, OK), 0);
	TZ_EXPECT_INT(parse(&r100, bad), 0);
	TZ_EXPECT_INT(tz_dlg_uac_alloc(&d, &inv.m, &r100.m), -EINVAL);
	err = tz_dlg_uac_alloc(&d, &inv.m, &r180.m);
	if (err)
		return err;
	TZ_EXPECT(d->early);
	TZ_EXPECT_INT(d->nroute, 1);
	TZ_EXPECT(!d->remote_target[0]);
	TZ_EXPECT_INT(tz_dlg_confirm(d, &ok.m), 0);
	TZ_EXPECT(!d->early);
	TZ_EXPECT_INT(d->nroute, 3);
	TZ_EXPECT(!strcmp(d->remote_target, "sip:bob@192.0.2.2:5070"));
	tz_mem_deref(d);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_dlg_uas),           TZ_TEST(test_dlg_uac),
        TZ_TEST(test_dlg_strict),        TZ_TEST(test_dlg_cseq_match_refresh),
        TZ_TEST(test_dlg_early_confirm),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
