/*
 * test_tsx.c  The transaction layer: every transition of the four machines
 * and every timer of RFC 3261 Table 4, over UDP and TCP, on a fake clock
 * with a fake transport that records each send; matching (RFC 3261 and
 * RFC 2543 rules), CANCEL lookup, transport errors.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>

#include "tz_test.h"
#include "tz/tz_mem.h"
#include "tz/tz_tsx.h"

#define MAXSENT 64

/* The fake transport: every send, with the time it happened. */
static struct sent {
	char buf[1024];
	size_t len;
	uint64_t at;
} sent[MAXSENT];
static unsigned nsent;
static int send_err; /* what the next sends return */
static struct tz_wheel wheel;

static int fake_send(const char *buf, size_t len, const struct tz_tp_dest *dst,
                     void *arg)
{
	(void)dst;
	(void)arg;
	if (send_err)
		return send_err;
	if (nsent < MAXSENT) {
		size_t n = len < sizeof(sent[0].buf) - 1
		                   ? len
		                   : sizeof(sent[0].buf) - 1;
		memcpy(sent[nsent].buf, buf, n);
		sent[nsent].buf[n] = '\0';
		sent[nsent].len = len;
		sent[nsent].at = wheel.now;
	}
	nsent++;
	return 0;
}

/* What the transaction user saw. */
struct tu {
	unsigned nresp;
	uint16_t status[16];
	uint64_t at[16];
	unsigned nerr;
	int err;
	uint64_t err_at;
};

static void on_resp(int err, const struct tz_msg *m, void *arg)
{
	struct tu *tu = arg;

	if (err) {
		TZ_EXPECT(m == NULL);
		tu->nerr++;
		tu->err = err;
		tu->err_at = wheel.now;
		return;
	}
	if (tu->nresp < 16) {
		tu->status[tu->nresp] = m->status;
		tu->at[tu->nresp] = wheel.now;
	}
	tu->nresp++;
}

static void on_err(int err, void *arg)
{
	struct tu *tu = arg;

	tu->nerr++;
	tu->err = err;
	tu->err_at = wheel.now;
}

static const struct tz_tp_dest udp = {.tp = TZ_TP_UDP};
static const struct tz_tp_dest tcp = {.tp = TZ_TP_TCP, .reliable = true};

static int env_init(struct tz_tsx_layer **lp)
{
	struct tz_tsx_config c;

	tz_tsx_config_default(&c);
	c.buckets = 16;
	c.lazy_ends = false; /* the timings below are exact; see test_lazy */
	tz_wheel_init(&wheel, 0);
	nsent = 0;
	send_err = 0;
	return tz_tsx_layer_alloc(lp, &wheel, &c, fake_send, NULL);
}

/* A message parsed in place. */
struct pm {
	struct tz_hdr h[32];
	struct tz_msg m;
	char buf[1024];
	size_t len;
};

static void pm_fmt(struct pm *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void pm_fmt(struct pm *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	p->len = (size_t)vsnprintf(p->buf, sizeof(p->buf), fmt, ap);
	va_end(ap);
	tz_msg_init(&p->m, p->h, 32);
	TZ_EXPECT_INT(tz_msg_parse(&p->m, p->buf, p->len, NULL), 0);
}

#define VIA1 "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1"

/* A request: @via the whole top Via value, @totag "" for none. */
static void mkreq(struct pm *p, const char *method, const char *via,
                  unsigned cseq, const char *totag)
{
	pm_fmt(p,
	       "%s sip:bob@example.com SIP/2.0\r\n"
	       "Via: %s\r\n"
	       "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKlower\r\n"
	       "Max-Forwards: 70\r\n"
	       "Route: <sip:p1.example.com;lr>\r\n"
	       "From: <sip:alice@example.com>;tag=ft1\r\n"
	       "To: <sip:bob@example.com>%s%s\r\n"
	       "Call-ID: cid1@192.0.2.1\r\n"
	       "CSeq: %u %s\r\n"
	       "Content-Length: 0\r\n\r\n",
	       method, via, *totag ? ";tag=" : "", totag, cseq, method);
}

static void mkresp(struct pm *p, unsigned status, const char *via,
                   unsigned cseq, const char *method, const char *totag)
{
	pm_fmt(p,
	       "SIP/2.0 %u Whatever\r\n"
	       "Via: %s\r\n"
	       "From: <sip:alice@example.com>;tag=ft1\r\n"
	       "To: <sip:bob@example.com>%s%s\r\n"
	       "Call-ID: cid1@192.0.2.1\r\n"
	       "CSeq: %u %s\r\n"
	       "Content-Length: 0\r\n\r\n",
	       status, via, *totag ? ";tag=" : "", totag, cseq, method);
}

/* Sends from index @first were at exactly @at[0..n), and no more. */
static void expect_sends(unsigned first, const uint64_t *at, unsigned n)
{
	unsigned i;

	TZ_EXPECT_INT(nsent, first + n);
	for (i = 0; i < n && first + i < MAXSENT && first + i < nsent; i++)
		TZ_EXPECT_INT(sent[first + i].at, at[i]);
}

static bool starts(unsigned i, const char *s)
{
	return i < nsent && i < MAXSENT && !strncmp(sent[i].buf, s, strlen(s));
}

static bool has(unsigned i, const char *s)
{
	return i < nsent && i < MAXSENT && strstr(sent[i].buf, s);
}

static int done(int err, struct tz_tsx *t, struct tz_tsx_layer *l)
{
	tz_mem_deref(t);
	tz_tsx_layer_free(l);
	if (err)
		return err;
	return tz_mem_failed() ? -ENOMEM : 0;
}

/* With lazy_ends (the default), Timer J of two transactions answered
 * 10 ms apart fires for both in one wake-up, on a 128 ms boundary after
 * 64*T1, never before it. */
static int test_lazy_ends(void)
{
	static const char via2[] =
	        "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKb2";
	struct tz_tsx_config c;
	struct tz_tsx_layer *l;
	struct tz_tsx *a = NULL, *b = NULL;
	struct pm r1, r2, p;
	int err;

	tz_tsx_config_default(&c);
	c.buckets = 16;
	TZ_EXPECT(c.lazy_ends);
	tz_wheel_init(&wheel, 0);
	nsent = 0;
	send_err = 0;
	err = tz_tsx_layer_alloc(&l, &wheel, &c, fake_send, NULL);
	if (err)
		return err;
	mkreq(&r1, "REGISTER", VIA1, 9, "");
	mkreq(&r2, "REGISTER", via2, 9, "");
	err = tz_tsx_server_alloc(&a, l, &r1.m, &udp, 0, NULL, NULL);
	if (!err)
		err = tz_tsx_server_alloc(&b, l, &r2.m, &udp, 0, NULL, NULL);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 1000);
	mkresp(&p, 200, VIA1, 9, "REGISTER", "s");
	TZ_EXPECT_INT(tz_tsx_reply(a, p.buf, p.len), 0);
	tz_wheel_advance(&wheel, 1010);
	mkresp(&p, 200, via2, 9, "REGISTER", "s");
	TZ_EXPECT_INT(tz_tsx_reply(b, p.buf, p.len), 0);
	tz_wheel_advance(&wheel, 33023); /* 64*T1 after each: not yet */
	TZ_EXPECT_INT(tz_tsx_state(a), TZ_TSX_COMPLETED);
	TZ_EXPECT_INT(tz_tsx_state(b), TZ_TSX_COMPLETED);
	TZ_EXPECT_INT(tz_wheel_advance(&wheel, 33024), 2); /* 258 * 128 */
	TZ_EXPECT_INT(tz_tsx_state(a), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_state(b), TZ_TSX_TERMINATED);
out:
	tz_mem_deref(a);
	return done(err, b, l);
}

/*
 * The table grows: 100 answered REGISTER transactions (each kept 64*T1,
 * RFC 3261 17.2.2) in a layer of 4 buckets double it to 64 (two a bucket
 * at most), and after the rehashes every one still absorbs its
 * retransmission while a new branch matches none.
 */
static int test_grow(void)
{
	enum { N = 100 };
	static struct tz_tsx *t[N];
	static struct pm r, p;
	struct tz_tsx_config c;
	struct tz_tsx_layer *l;
	char via[96];
	int err = 0, absorbed = 0;

	tz_tsx_config_default(&c);
	c.buckets = 4;
	tz_wheel_init(&wheel, 0);
	nsent = 0;
	send_err = 0;
	memset(t, 0, sizeof(t));
	err = tz_tsx_layer_alloc(&l, &wheel, &c, fake_send, NULL);
	if (err)
		return err;
	TZ_EXPECT_INT(tz_tsx_layer_buckets(l), 4);
	for (int i = 0; i < N && !err; i++) {
		snprintf(via, sizeof(via),
		         "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKg%d", i);
		mkreq(&r, "REGISTER", via, 1, "");
		err = tz_tsx_server_alloc(&t[i], l, &r.m, &udp, 0, NULL, NULL);
		if (err)
			break;
		mkresp(&p, 200, via, 1, "REGISTER", "s");
		err = tz_tsx_reply(t[i], p.buf, p.len);
	}
	if (!err) {
		TZ_EXPECT_INT(tz_tsx_layer_count(l), N);
		TZ_EXPECT_INT(tz_tsx_layer_buckets(l), 64);
		for (int i = 0; i < N; i++) {
			snprintf(via, sizeof(via),
			         "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKg%d",
			         i);
			mkreq(&r, "REGISTER", via, 1, "");
			absorbed += tz_tsx_layer_recv(l, &r.m, &udp) == 1;
		}
		TZ_EXPECT_INT(absorbed, N);
		mkreq(&r, "REGISTER",
		      "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnew", 1, "");
		TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 0);
		/* Timer J ends them all: each unlinks from its new chain */
		tz_wheel_advance(&wheel, 40000);
		TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
		for (int i = 0; i < N; i++)
			TZ_EXPECT_INT(tz_tsx_state(t[i]), TZ_TSX_TERMINATED);
		mkreq(&r, "REGISTER",
		      "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKg7", 2, "");
		TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 0);
	}
	for (int i = 1; i < N; i++)
		tz_mem_deref(t[i]);
	return done(err, t[0], l);
}

/* RFC 3261 17.1.1.2: INVITE over UDP, no answer: Timer A doubles without
 * cap, Timer B reports one timeout at 64*T1. */
static int test_ict_timeout_udp(void)
{
	static const uint64_t at[] = {0, 500, 1500, 3500, 7500, 15500, 31500};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 1, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_CALLING);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 1);
	/* parsed in full when asked for, not before (the light parse) */
	TZ_EXPECT_INT(tz_tsx_request(t)->nhdr, 9);
	TZ_EXPECT_INT(tz_tsx_request(t)->cseq, 1);
	TZ_EXPECT_SPAN(tz_tsx_request(t)->buf, tz_tsx_request(t)->call_id,
	               "cid1@192.0.2.1");
	TZ_EXPECT(tz_tsx_request(t)->has_route);
	tz_wheel_advance(&wheel, 31999);
	TZ_EXPECT_INT(tu.nerr, 0);
	tz_wheel_advance(&wheel, 32000);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tu.err, -ETIMEDOUT);
	TZ_EXPECT_INT(tu.err_at, 32000);
	TZ_EXPECT_INT(tu.nresp, 0);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
	tz_wheel_advance(&wheel, 100000);
	expect_sends(0, at, 7);
	TZ_EXPECT(starts(6, "INVITE sip:bob@example.com SIP/2.0\r\n"));
	TZ_EXPECT_INT(tu.nerr, 1);
out:
	return done(err, t, l);
}

/* Over TCP: one send, no Timer A, Timer B still at 64*T1. */
static int test_ict_timeout_tcp(void)
{
	static const uint64_t at[] = {0};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 1, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &tcp, on_resp, &tu);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 100000);
	expect_sends(0, at, 1);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tu.err, -ETIMEDOUT);
	TZ_EXPECT_INT(tu.err_at, 32000);
out:
	return done(err, t, l);
}

/* Calling -> Proceeding -> Completed -> Terminated over UDP: a 1xx stops
 * retransmissions and Timer B; a 486 is ACKed per 17.1.1.3; its
 * retransmission gets the ACK again and is not passed up; Timer D. */
static int test_ict_reject_udp(void)
{
	static const uint64_t at[] = {0, 500, 1500};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 7, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 2000);
	mkresp(&p, 180, VIA1, 7, "INVITE", "tt9");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_PROCEEDING);
	TZ_EXPECT_INT(tu.nresp, 1);
	TZ_EXPECT_INT(tu.status[0], 180);
	tz_wheel_advance(&wheel, 40000); /* no A, no B in Proceeding */
	expect_sends(0, at, 3);
	TZ_EXPECT_INT(tu.nerr, 0);
	mkresp(&p, 486, VIA1, 7, "INVITE", "tt9");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	TZ_EXPECT_INT(tu.nresp, 2);
	TZ_EXPECT_INT(tu.status[1], 486);
	TZ_EXPECT_INT(nsent, 4);
	TZ_EXPECT(starts(3, "ACK sip:bob@example.com SIP/2.0\r\n"
	                    "Via: " VIA1 "\r\n"));
	TZ_EXPECT(!has(3, "z9hG4bKlower"));
	TZ_EXPECT(has(3, "\r\nFrom: <sip:alice@example.com>;tag=ft1\r\n"));
	TZ_EXPECT(has(3, "\r\nTo: <sip:bob@example.com>;tag=tt9\r\n"));
	TZ_EXPECT(has(3, "\r\nCall-ID: cid1@192.0.2.1\r\n"));
	TZ_EXPECT(has(3, "\r\nCSeq: 7 ACK\r\n"));
	TZ_EXPECT(has(3, "\r\nRoute: <sip:p1.example.com;lr>\r\n"));
	TZ_EXPECT(has(3, "\r\nContent-Length: 0\r\n\r\n"));
	tz_wheel_advance(&wheel, 41000);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tu.nresp, 2);
	TZ_EXPECT_INT(nsent, 5);
	TZ_EXPECT(nsent == 5 && !strcmp(sent[4].buf, sent[3].buf));
	tz_wheel_advance(&wheel, 71999);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	tz_wheel_advance(&wheel, 72000); /* Timer D: 32 s */
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 0); /* stray now */
	TZ_EXPECT_INT(tu.nerr, 0);
out:
	return done(err, t, l);
}

/* A final straight from Calling over TCP: ACK, Timer D zero. */
static int test_ict_reject_tcp(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 7, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &tcp, on_resp, &tu);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 300);
	mkresp(&p, 603, VIA1, 7, "INVITE", "tt9");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &tcp), 1);
	TZ_EXPECT_INT(tu.nresp, 1);
	TZ_EXPECT_INT(nsent, 2);
	TZ_EXPECT(starts(1, "ACK "));
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
	tz_wheel_advance(&wheel, 100000);
	TZ_EXPECT_INT(nsent, 2);
	TZ_EXPECT_INT(tu.nerr, 0);
out:
	return done(err, t, l);
}

/* RFC 6026 7.2: 2xx -> Accepted; 2xx retransmissions passed up, other
 * finals absorbed, no ACK from the transaction; Timer M = 64*T1. */
static int test_ict_accepted(void)
{
	static const uint64_t at[] = {0, 500};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 7, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 1000);
	mkresp(&p, 200, VIA1, 7, "INVITE", "tt9");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_ACCEPTED);
	tz_wheel_advance(&wheel, 2000);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	mkresp(&p, 500, VIA1, 7, "INVITE", "tt9");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tu.nresp, 2);
	TZ_EXPECT_INT(tu.status[0], 200);
	TZ_EXPECT_INT(tu.status[1], 200);
	TZ_EXPECT_INT(tu.at[1], 2000);
	tz_wheel_advance(&wheel, 32999);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_ACCEPTED);
	tz_wheel_advance(&wheel, 33000);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	expect_sends(0, at, 2);
	TZ_EXPECT_INT(tu.nerr, 0);
out:
	return done(err, t, l);
}

/* RFC 3261 17.1.2.2: non-INVITE over UDP, no answer: Timer E doubles up
 * to T2; Timer F reports one timeout. */
static int test_nict_timeout_udp(void)
{
	static const uint64_t at[] = {0,     500,   1500,  3500,  7500, 11500,
	                              15500, 19500, 23500, 27500, 31500};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "OPTIONS", VIA1, 2, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TRYING);
	tz_wheel_advance(&wheel, 100000);
	expect_sends(0, at, 11);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tu.err, -ETIMEDOUT);
	TZ_EXPECT_INT(tu.err_at, 32000);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
out:
	return done(err, t, l);
}

/* Trying -> Proceeding (E now T2) -> Completed -> Timer K. */
static int test_nict_udp(void)
{
	static const uint64_t at[] = {0, 500, 1500, 5500, 9500};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "OPTIONS", VIA1, 2, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 600);
	mkresp(&p, 100, VIA1, 2, "OPTIONS", "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_PROCEEDING);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	tz_wheel_advance(&wheel, 10000);
	mkresp(&p, 200, VIA1, 2, "OPTIONS", "x");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1); /* absorbed */
	TZ_EXPECT_INT(tu.nresp, 3);
	TZ_EXPECT_INT(tu.status[0], 100);
	TZ_EXPECT_INT(tu.status[1], 100);
	TZ_EXPECT_INT(tu.status[2], 200);
	tz_wheel_advance(&wheel, 14999);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	tz_wheel_advance(&wheel, 15000); /* Timer K: T4 */
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	tz_wheel_advance(&wheel, 100000);
	expect_sends(0, at, 5);
	TZ_EXPECT_INT(tu.nerr, 0);
out:
	return done(err, t, l);
}

/* Over TCP: no Timer E, Timer F, and Timer K zero. */
static int test_nict_tcp(void)
{
	static const uint64_t at[] = {0, 0};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL, *t2 = NULL;
	struct tu tu = {0}, tu2 = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "OPTIONS", VIA1, 2, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &tcp, on_resp, &tu);
	if (err)
		goto out;
	mkreq(&r, "MESSAGE", "SIP/2.0/TCP h;branch=z9hG4bKb2", 3, "");
	err = tz_tsx_client_alloc(&t2, l, r.buf, r.len, &tcp, on_resp, &tu2);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 100);
	mkresp(&p, 202, "SIP/2.0/TCP h;branch=z9hG4bKb2", 3, "MESSAGE", "x");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &tcp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t2), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tu2.nresp, 1);
	tz_wheel_advance(&wheel, 100000);
	expect_sends(0, at, 2);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tu.err_at, 32000);
	TZ_EXPECT_INT(tu2.nerr, 0);
out:
	tz_mem_deref(t2);
	return done(err, t, l);
}

/* INVITE server over UDP: Proceeding resends the last provisional,
 * Completed retransmits with Timer G up to T2, Timer H reports once. */
static int test_ist_timeout_udp(void)
{
	static const uint64_t at[] = {100,   300,   1000,  1500,  2500,
	                              4500,  8500,  12500, 16500, 20500,
	                              24500, 28500, 32500};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 5, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 0);
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_PROCEEDING);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1); /* nothing yet */
	TZ_EXPECT_INT(nsent, 0);
	tz_wheel_advance(&wheel, 100);
	mkresp(&p, 180, VIA1, 5, "INVITE", "st1");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 300);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	TZ_EXPECT(starts(1, "SIP/2.0 180 "));
	tz_wheel_advance(&wheel, 1000);
	mkresp(&p, 486, VIA1, 5, "INVITE", "st1");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	TZ_EXPECT_INT(tz_tsx_reply(t, p.buf, p.len), -EPROTO);
	tz_wheel_advance(&wheel, 32999);
	TZ_EXPECT_INT(tu.nerr, 0);
	tz_wheel_advance(&wheel, 33000);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tu.err, -ETIMEDOUT);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
	tz_wheel_advance(&wheel, 100000);
	expect_sends(0, at, 13);
	TZ_EXPECT(starts(12, "SIP/2.0 486 "));
	TZ_EXPECT_INT(tu.nerr, 1);
out:
	return done(err, t, l);
}

/* Completed -> Confirmed on ACK: G and H stop, retransmitted INVITEs and
 * ACKs absorbed silently, Timer I = T4. Over TCP: no G, I zero. */
static int test_ist_ack(void)
{
	static const uint64_t at[] = {0, 500, 1500};
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p, a;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 5, "");
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	mkresp(&p, 404, VIA1, 5, "INVITE", "st1");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 2000);
	mkreq(&a, "ACK", VIA1, 5, "st1");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &a.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_CONFIRMED);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &a.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	tz_wheel_advance(&wheel, 6999);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_CONFIRMED);
	tz_wheel_advance(&wheel, 7000);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	expect_sends(0, at, 3);
	t = tz_mem_deref(t);

	/* TCP */
	err = tz_tsx_server_alloc(&t, l, &r.m, &tcp, 0, on_err, &tu);
	if (err)
		goto out;
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 9000);
	TZ_EXPECT_INT(nsent, 4);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &tcp), 1); /* resent */
	TZ_EXPECT_INT(nsent, 5);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &a.m, &tcp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
	TZ_EXPECT_INT(tu.nerr, 0);
out:
	return done(err, t, l);
}

#define RFC2543_VIA "SIP/2.0/UDP old.example.com"

/* tz_tsx_reply_known: the response is not parsed, the status and To tag
 * given drive the machine and the ACK match (17.2.1, 17.2.3); arguments
 * that cannot be a response are refused. */
static int test_ist_reply_known(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p, a, x;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	/* an RFC 2543 Via: the ACK matches by the response's To tag
	 * (17.2.3), which only the given span names here */
	mkreq(&r, "INVITE", RFC2543_VIA, 5, "");
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	mkresp(&p, 404, RFC2543_VIA, 5, "INVITE", "st1");
	TZ_EXPECT_INT(tz_tsx_reply_known(t, p.buf, p.len, 99, p.m.to.tag, true),
	              -EINVAL);
	TZ_EXPECT_INT(tz_tsx_reply_known(t, p.buf, p.len, 404,
	                                 (struct tz_span){p.len, 3}, true),
	              -EINVAL);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_PROCEEDING);
	err = tz_tsx_reply_known(t, p.buf, p.len, 404, p.m.to.tag, true);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	TZ_EXPECT_INT(nsent, 1);
	/* an ACK with another To tag is not this transaction's */
	mkreq(&x, "ACK", RFC2543_VIA, 5, "other");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 0);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	mkreq(&a, "ACK", RFC2543_VIA, 5, "st1");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &a.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_CONFIRMED);
	TZ_EXPECT_INT(
	        tz_tsx_reply_known(t, p.buf, p.len, 404, p.m.to.tag, true),
	        -EPROTO);
out:
	return done(err, t, l);
}

/* RFC 6026 7.1: a 2xx -> Accepted; INVITE retransmissions absorbed without
 * a resend, the TU's 2xx retransmissions sent, others refused; a matching
 * ACK goes to the TU; Timer L = 64*T1. */
static int test_ist_accepted(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p, a;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 5, "");
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 1000);
	mkresp(&p, 200, VIA1, 5, "INVITE", "st1");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_ACCEPTED);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	TZ_EXPECT_INT(nsent, 1);
	tz_wheel_advance(&wheel, 1500);
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(nsent, 2);
	mkresp(&p, 486, VIA1, 5, "INVITE", "st1");
	TZ_EXPECT_INT(tz_tsx_reply(t, p.buf, p.len), -EPROTO);
	mkreq(&a, "ACK", VIA1, 5, "st1");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &a.m, &udp), 0);
	tz_wheel_advance(&wheel, 32999);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_ACCEPTED);
	tz_wheel_advance(&wheel, 33000);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(nsent, 2);
	TZ_EXPECT_INT(tz_tsx_reply(t, p.buf, p.len), -ESHUTDOWN);
	TZ_EXPECT_INT(tu.nerr, 0);
out:
	return done(err, t, l);
}

/* RFC 3261 17.2.1: the automatic 100 at 200 ms (resent for a retransmitted
 * INVITE), none when the TU answers first or did not ask for it. */
static int test_ist_auto_100(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL, *t2 = NULL, *t3 = NULL;
	struct tu tu = {0};
	struct pm r, r2, r3, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 5, "");
	mkreq(&r2, "INVITE", "SIP/2.0/UDP h2;branch=z9hG4bKc2", 5, "");
	mkreq(&r3, "INVITE", "SIP/2.0/UDP h3;branch=z9hG4bKc3", 5, "");
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, TZ_TSX_AUTO_100, on_err,
	                          &tu);
	if (err)
		goto out;
	err = tz_tsx_server_alloc(&t2, l, &r2.m, &udp, TZ_TSX_AUTO_100, on_err,
	                          &tu);
	if (err)
		goto out;
	err = tz_tsx_server_alloc(&t3, l, &r3.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	tz_wheel_advance(&wheel, 150);
	mkresp(&p, 180, "SIP/2.0/UDP h2;branch=z9hG4bKc2", 5, "INVITE", "s");
	err = tz_tsx_reply(t2, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(nsent, 1);
	tz_wheel_advance(&wheel, 199);
	TZ_EXPECT_INT(nsent, 1);
	tz_wheel_advance(&wheel, 200);
	TZ_EXPECT_INT(nsent, 2);
	TZ_EXPECT(starts(1, "SIP/2.0 100 Trying\r\nVia: " VIA1 "\r\n"));
	TZ_EXPECT(has(1, "\r\nTo: <sip:bob@example.com>\r\n"));
	TZ_EXPECT_INT(sent[1].at, 200);
	tz_wheel_advance(&wheel, 700);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	TZ_EXPECT_INT(nsent, 3);
	TZ_EXPECT(starts(2, "SIP/2.0 100 Trying\r\n"));
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r3.m, &udp), 1);
	tz_wheel_advance(&wheel, 10000);
	TZ_EXPECT_INT(nsent, 3);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_PROCEEDING);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 3);
out:
	tz_mem_deref(t2);
	tz_mem_deref(t3);
	return done(err, t, l);
}

/* RFC 3261 17.2.2: Trying absorbs, Proceeding and Completed resend the last
 * response, Timer J = 64*T1; over TCP J is zero. */
static int test_nist(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "REGISTER", VIA1, 9, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 0);
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, TZ_TSX_AUTO_100, on_err,
	                          &tu);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TRYING);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	tz_wheel_advance(&wheel, 1000); /* no automatic 100 for non-INVITE */
	TZ_EXPECT_INT(nsent, 0);
	mkresp(&p, 100, VIA1, 9, "REGISTER", "");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_PROCEEDING);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	TZ_EXPECT_INT(nsent, 2);
	TZ_EXPECT(starts(1, "SIP/2.0 100 "));
	mkresp(&p, 200, VIA1, 9, "REGISTER", "s");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	TZ_EXPECT_INT(tz_tsx_reply(t, p.buf, p.len), -EPROTO);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	TZ_EXPECT_INT(nsent, 4);
	TZ_EXPECT(starts(3, "SIP/2.0 200 "));
	tz_wheel_advance(&wheel, 32999);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	tz_wheel_advance(&wheel, 33000);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 0);
	TZ_EXPECT_INT(nsent, 4);
	t = tz_mem_deref(t);

	err = tz_tsx_server_alloc(&t, l, &r.m, &tcp, 0, on_err, &tu);
	if (err)
		goto out;
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
	TZ_EXPECT_INT(nsent, 5);
	TZ_EXPECT_INT(tu.nerr, 0);
out:
	return done(err, t, l);
}

/* tz_tsx_forget_request: a completed NIST drops its request and keeps
 * matching its retransmissions (branch, sent-by, method) and answering
 * them with its response; before the final response, for an INVITE and
 * for RFC 2543 matching it keeps the request. */
static int test_nist_forget(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL, *i = NULL, *o = NULL;
	struct tu tu = {0};
	struct pm r, p, x;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "REGISTER", VIA1, 9, "");
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	/* no final response yet: kept */
	tz_tsx_forget_request(t);
	TZ_EXPECT(tz_tsx_request(t) != NULL);
	mkresp(&p, 200, VIA1, 9, "REGISTER", "s");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(nsent, 1);
	tz_tsx_forget_request(t);
	if (!tz_mem_failed())
		TZ_EXPECT(tz_tsx_request(t) == NULL);
	tz_tsx_forget_request(t); /* twice: nothing more */
	/* a retransmission: matched, answered with the same bytes */
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	TZ_EXPECT_INT(nsent, 2);
	TZ_EXPECT(nsent >= 2 && sent[0].len == sent[1].len &&
	          !memcmp(sent[0].buf, sent[1].buf, sent[0].len));
	/* the same sent-by with the default port left out: matched */
	mkreq(&x, "REGISTER", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa1", 9, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 1);
	/* another sent-by port, host, branch or method: not this one */
	mkreq(&x, "REGISTER", "SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKa1", 9,
	      "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 0);
	mkreq(&x, "REGISTER", "SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKa1", 9,
	      "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 0);
	mkreq(&x, "REGISTER", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa2", 9,
	      "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 0);
	mkreq(&x, "OPTIONS", VIA1, 9, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 0);
	TZ_EXPECT_INT(nsent, 3);
	/* Timer J still ends it */
	tz_wheel_advance(&wheel, 33000);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 0);

	/* an INVITE server transaction keeps its request */
	mkreq(&x, "INVITE", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKi1", 1,
	      "");
	err = tz_tsx_server_alloc(&i, l, &x.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	mkresp(&p, 486, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKi1", 1,
	       "INVITE", "s");
	err = tz_tsx_reply(i, p.buf, p.len);
	if (err)
		goto out;
	tz_tsx_forget_request(i);
	TZ_EXPECT(tz_tsx_request(i) != NULL);
	/* so does one matched by the RFC 2543 rules (no cookie) */
	mkreq(&x, "OPTIONS", "SIP/2.0/UDP 192.0.2.1:5060;branch=old1", 2, "");
	err = tz_tsx_server_alloc(&o, l, &x.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	mkresp(&p, 200, "SIP/2.0/UDP 192.0.2.1:5060;branch=old1", 2, "OPTIONS",
	       "s");
	err = tz_tsx_reply(o, p.buf, p.len);
	if (err)
		goto out;
	tz_tsx_forget_request(o);
	TZ_EXPECT(tz_tsx_request(o) != NULL);
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 1);
	TZ_EXPECT_INT(tu.nerr, 0);
out:
	tz_mem_deref(i);
	tz_mem_deref(o);
	return done(err, t, l);
}

/* RFC 3261 17.1.4, 17.2.4: a failing first send fails the call with no
 * callback; a failing retransmission is reported once; a failing reply
 * is returned and terminates with no callback. */
static int test_transport_error(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 1, "");
	send_err = -ECONNREFUSED;
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err == -ENOMEM)
		goto out;
	TZ_EXPECT_INT(err, -ECONNREFUSED);
	TZ_EXPECT(t == NULL);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
	send_err = 0;
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err)
		goto out;
	send_err = -EHOSTUNREACH;
	tz_wheel_advance(&wheel, 100000);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tu.err, -EHOSTUNREACH);
	TZ_EXPECT_INT(tu.err_at, 500);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	t = tz_mem_deref(t);

	/* server: Timer G's retransmission fails */
	send_err = 0;
	memset(&tu, 0, sizeof(tu));
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	mkresp(&p, 500, VIA1, 1, "INVITE", "s");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	send_err = -ENOBUFS;
	tz_wheel_advance(&wheel, 200000);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tu.err, -ENOBUFS);
	TZ_EXPECT_INT(tu.err_at, 100500);
	t = tz_mem_deref(t);

	/* server: the reply itself fails */
	send_err = 0;
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	send_err = -EPIPE;
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err == -ENOMEM)
		goto out;
	TZ_EXPECT_INT(err, -EPIPE);
	err = 0;
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
out:
	return done(err, t, l);
}

/* RFC 3261 17.1.4, 17.2.4: a connection that fails after the send
 * returned ends the transactions sending there, by connection or address,
 * and only those; each TU hears of it once. */
static int test_transport_error_later(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL, *t2 = NULL;
	struct tu tu = {0}, tu2 = {0};
	struct tz_tp_dest a = tcp, b = tcp, other = tcp;
	struct pm r, r2;
	int err;

	a.conn = 7;
	b.conn = 7;
	other.conn = 8;
	((struct sockaddr *)&other.addr)->sa_family = AF_INET;
	other.addrlen = sizeof(struct sockaddr_in);
	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 1, "");
	mkreq(&r2, "OPTIONS", "SIP/2.0/TCP 192.0.2.1;branch=z9hG4bKb2", 2, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &a, on_resp, &tu);
	if (!err)
		err = tz_tsx_client_alloc(&t2, l, r2.buf, r2.len, &other,
		                          on_resp, &tu2);
	if (err)
		goto out;
	/* another connection failing touches neither */
	b.conn = 9;
	((struct sockaddr *)&b.addr)->sa_family = AF_INET6;
	b.addrlen = sizeof(struct sockaddr_in6);
	TZ_EXPECT_INT(tz_tsx_layer_tp_error(l, &b, -ECONNRESET), 0);
	TZ_EXPECT_INT(tu.nerr + tu2.nerr, 0);
	/* connection 7 fails: the INVITE ends, reported once */
	b.conn = 7;
	TZ_EXPECT_INT(tz_tsx_layer_tp_error(l, &b, -ECONNREFUSED), 1);
	TZ_EXPECT_INT(tu.nerr, 1);
	TZ_EXPECT_INT(tu.err, -ECONNREFUSED);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_TERMINATED);
	TZ_EXPECT_INT(tz_tsx_layer_tp_error(l, &b, -ECONNREFUSED), 0);
	TZ_EXPECT_INT(tu.nerr, 1);
	/* by address when the failing destination names no connection */
	other.conn = 0;
	TZ_EXPECT_INT(tz_tsx_layer_tp_error(l, &other, -EPIPE), 1);
	TZ_EXPECT_INT(tu2.nerr, 1);
	TZ_EXPECT_INT(tu2.err, -EPIPE);
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 0);
out:
	tz_mem_deref(t2);
	return done(err, t, l);
}

/* RFC 3261 17.2.3: branches without the magic cookie match by Request-URI,
 * tags, Call-ID, CSeq and top Via; the ACK by the To tag sent. */
static int test_rfc2543(void)
{
	static const char via[] = "SIP/2.0/UDP old.example.com";
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm r, q, p, a;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", via, 4, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 0);
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	mkresp(&p, 480, via, 4, "INVITE", "gone");
	err = tz_tsx_reply(t, p.buf, p.len);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 1);
	TZ_EXPECT_INT(nsent, 2);
	mkreq(&q, "INVITE", via, 5, ""); /* other CSeq */
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &q.m, &udp), 0);
	mkreq(&q, "INVITE", "SIP/2.0/UDP other.example.com", 4, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &q.m, &udp), 0);
	mkreq(&q, "INVITE", "SIP/2.0/UDP old.example.com;branch=1", 4, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &q.m, &udp), 0);
	mkreq(&q, "INVITE", via, 4, "x"); /* other To tag */
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &q.m, &udp), 0);
	mkreq(&a, "ACK", via, 4, "wrong");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &a.m, &udp), 0);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_COMPLETED);
	mkreq(&a, "ACK", via, 4, "gone");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &a.m, &udp), 1);
	TZ_EXPECT_INT(tz_tsx_state(t), TZ_TSX_CONFIRMED);
	TZ_EXPECT_INT(nsent, 2);
out:
	return done(err, t, l);
}

/* RFC 3261 9.2: the INVITE a CANCEL targets, by branch and sent-by or by
 * the RFC 2543 rules; the CANCEL gets its own server transaction. */
static int test_cancel_lookup(void)
{
	static const char via2543[] = "SIP/2.0/UDP old.example.com";
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL, *t2 = NULL, *c = NULL;
	struct tu tu = {0};
	struct pm r, r2, x;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 5, "");
	mkreq(&r2, "INVITE", via2543, 6, "");
	err = tz_tsx_server_alloc(&t, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	err = tz_tsx_server_alloc(&t2, l, &r2.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	mkreq(&x, "CANCEL", VIA1, 5, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 0);
	TZ_EXPECT(tz_tsx_find_cancel(l, &x.m) == t);
	err = tz_tsx_server_alloc(&c, l, &x.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &x.m, &udp), 1);
	TZ_EXPECT(tz_tsx_find_cancel(l, &x.m) == t);
	TZ_EXPECT_SPAN(tz_tsx_request(t)->buf, tz_tsx_request(t)->method,
	               "INVITE");
	mkreq(&x, "CANCEL", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKzz", 5,
	      "");
	TZ_EXPECT(tz_tsx_find_cancel(l, &x.m) == NULL);
	mkreq(&x, "CANCEL", "SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKa1", 5,
	      "");
	TZ_EXPECT(tz_tsx_find_cancel(l, &x.m) == NULL); /* sent-by */
	mkreq(&x, "CANCEL", via2543, 6, "");
	TZ_EXPECT(tz_tsx_find_cancel(l, &x.m) == t2);
	mkreq(&x, "CANCEL", via2543, 7, "");
	TZ_EXPECT(tz_tsx_find_cancel(l, &x.m) == NULL);
out:
	tz_mem_deref(t2);
	tz_mem_deref(c);
	return done(err, t, l);
}

/* RFC 3261 17.1.3: a response matches by branch and CSeq method; a CANCEL
 * shares its INVITE's branch. Strays go to the core. */
static int test_client_match(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL, *c = NULL;
	struct tu tu = {0}, tuc = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 5, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err)
		goto out;
	mkresp(&p, 200, VIA1, 5, "CANCEL", "x");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 0);
	mkresp(&p, 180, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa2", 5,
	       "INVITE", "x");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 0);
	mkreq(&r, "CANCEL", VIA1, 5, "");
	err = tz_tsx_client_alloc(&c, l, r.buf, r.len, &udp, on_resp, &tuc);
	if (err)
		goto out;
	mkresp(&p, 200, VIA1, 5, "CANCEL", "x");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tuc.nresp, 1);
	TZ_EXPECT_INT(tu.nresp, 0);
	mkresp(&p, 487, VIA1, 5, "INVITE", "x");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &p.m, &udp), 1);
	TZ_EXPECT_INT(tu.nresp, 1);
	TZ_EXPECT_INT(tu.status[0], 487);
	/* a request is never matched to a client transaction */
	mkreq(&r, "INVITE", VIA1, 5, "");
	TZ_EXPECT_INT(tz_tsx_layer_recv(l, &r.m, &udp), 0);
	/* an ACK is no client transaction */
	mkreq(&r, "ACK", VIA1, 5, "x");
	TZ_EXPECT_INT(
	        tz_tsx_client_alloc(&c, l, r.buf, r.len, &udp, on_resp, &tuc),
	        -EINVAL);
out:
	tz_mem_deref(c);
	return done(err, t, l);
}

/* Freeing the layer ends everything silently; TU references stay valid;
 * dropping the TU's reference early does not stop a transaction. */
static int test_layer_free(void)
{
	struct tz_tsx_layer *l;
	struct tz_tsx *t = NULL, *s = NULL;
	struct tu tu = {0};
	struct pm r, p;
	int err;

	err = env_init(&l);
	if (err)
		return err;
	mkreq(&r, "INVITE", VIA1, 5, "");
	err = tz_tsx_client_alloc(&t, l, r.buf, r.len, &udp, on_resp, &tu);
	if (err)
		goto out;
	t = tz_mem_deref(t);
	tz_wheel_advance(&wheel, 600);
	TZ_EXPECT_INT(nsent, 2); /* still retransmitting */
	err = tz_tsx_server_alloc(&s, l, &r.m, &udp, 0, on_err, &tu);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_layer_count(l), 2);
	tz_tsx_layer_free(l);
	l = NULL;
	TZ_EXPECT_INT(tz_tsx_state(s), TZ_TSX_TERMINATED);
	mkresp(&p, 200, VIA1, 5, "INVITE", "x");
	TZ_EXPECT_INT(tz_tsx_reply(s, p.buf, p.len), -ESHUTDOWN);
	tz_wheel_advance(&wheel, 100000);
	TZ_EXPECT_INT(nsent, 2);
	TZ_EXPECT_INT(tu.nerr, 0);
	TZ_EXPECT_INT(wheel.count, 0);
out:
	tz_mem_deref(s);
	return done(err, t, l);
}

/* Bad arguments and configurations. */
static int test_invalid(void)
{
	struct tz_tsx_config c;
	struct tz_tsx_layer *l = NULL;
	struct tz_tsx *t = NULL;
	struct tu tu = {0};
	struct pm p;
	int err;

	tz_tsx_config_default(&c);
	c.buckets = 12;
	TZ_EXPECT_INT(tz_tsx_layer_alloc(&l, &wheel, &c, fake_send, NULL),
	              -EINVAL);
	tz_tsx_config_default(&c);
	c.t2 = 100;
	TZ_EXPECT_INT(tz_tsx_layer_alloc(&l, &wheel, &c, fake_send, NULL),
	              -EINVAL);
	err = env_init(&l);
	if (err)
		return err;
	TZ_EXPECT_INT(tz_tsx_client_alloc(&t, l, "junk", 4, &udp, on_resp, &tu),
	              -EINVAL);
	mkresp(&p, 200, VIA1, 5, "INVITE", "x");
	TZ_EXPECT_INT(
	        tz_tsx_client_alloc(&t, l, p.buf, p.len, &udp, on_resp, &tu),
	        -EINVAL);
	TZ_EXPECT_INT(tz_tsx_server_alloc(&t, l, &p.m, &udp, 0, NULL, NULL),
	              -EINVAL);
	mkreq(&p, "ACK", VIA1, 5, "x");
	TZ_EXPECT_INT(tz_tsx_server_alloc(&t, l, &p.m, &udp, 0, NULL, NULL),
	              -EINVAL);
	/* a folded top Via: not for the line scan, the full parse takes it */
	mkreq(&p, "OPTIONS", "SIP/2.0/UDP h\r\n ;branch=z9hG4bKfold", 5, "");
	TZ_EXPECT_INT(
	        tz_tsx_client_alloc(&t, l, p.buf, p.len, &udp, on_resp, &tu),
	        0);
	if (t) {
		TZ_EXPECT_SPAN(tz_tsx_request(t)->buf,
		               tz_tsx_request(t)->via1.branch, "z9hG4bKfold");
		tz_tsx_detach(t);
		tz_mem_deref(t);
		t = NULL;
	}
	mkreq(&p, "INVITE", "SIP/2.0/UDP h", 5, "");
	TZ_EXPECT_INT(
	        tz_tsx_client_alloc(&t, l, p.buf, p.len, &udp, on_resp, &tu),
	        -EINVAL); /* no branch */
	err = tz_tsx_server_alloc(&t, l, &p.m, &udp, 0, NULL, NULL);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_tsx_reply(t, p.buf, p.len), -EINVAL); /* request */
	TZ_EXPECT_INT(tz_tsx_reply(t, "SIP/2.0 200", 11), -EINVAL);
	TZ_EXPECT(!strcmp(tz_tsx_state_name(TZ_TSX_CONFIRMED), "Confirmed"));
	tz_tsx_layer_free(NULL);
	tz_tsx_detach(NULL);
out:
	return done(err, t, l);
}

int main(int argc, char **argv)
{
	static const struct tz_test tests[] = {
	        TZ_TEST(test_ist_reply_known),
	        TZ_TEST(test_lazy_ends),
	        TZ_TEST(test_grow),
	        TZ_TEST(test_ict_timeout_udp),
	        TZ_TEST(test_ict_timeout_tcp),
	        TZ_TEST(test_ict_reject_udp),
	        TZ_TEST(test_ict_reject_tcp),
	        TZ_TEST(test_ict_accepted),
	        TZ_TEST(test_nict_timeout_udp),
	        TZ_TEST(test_nict_udp),
	        TZ_TEST(test_nict_tcp),
	        TZ_TEST(test_ist_timeout_udp),
	        TZ_TEST(test_ist_ack),
	        TZ_TEST(test_ist_accepted),
	        TZ_TEST(test_ist_auto_100),
	        TZ_TEST(test_nist),
	        TZ_TEST(test_nist_forget),
	        TZ_TEST(test_transport_error),
	        TZ_TEST(test_transport_error_later),
	        TZ_TEST(test_rfc2543),
	        TZ_TEST(test_cancel_lookup),
	        TZ_TEST(test_client_match),
	        TZ_TEST(test_layer_free),
	        TZ_TEST(test_invalid),
	};

	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
