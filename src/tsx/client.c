/*
 * client.c  The client transactions: INVITE (RFC 3261 17.1.1 with the
 * Accepted state of RFC 6026 7.2) and non-INVITE (17.1.2), with Timers A,
 * B, D, M and E, F, K, and the ACK for a non-2xx final (17.1.1.3).
 */
#include <errno.h>
#include <string.h>

#include "tz/tz_buf.h"
#include "tz/tz_mem.h"
#include "tsx_int.h"

static uint32_t t64(const struct tz_tsx *t)
{
	return 64 * t->l->cfg.t1;
}

static void pass_up(struct tz_tsx *t, const struct tz_msg *resp)
{
	if (t->rh)
		t->rh(0, resp, t->arg);
}

static void timer_end(void *arg)
{
	/* RFC3261 17.1.1.2, 17.1.2.2, RFC6026 7.2: Timers D, K, M */
	tsx_terminate(arg, 0);
}

static void timer_timeout(void *arg)
{
	/* RFC3261 17.1.1.2, 17.1.2.2: Timers B and F report a timeout */
	tsx_terminate(arg, -ETIMEDOUT);
}

static void timer_a(void *arg)
{
	struct tz_tsx *t = arg;
	int err;

	/* RFC3261 17.1.1.2: retransmit, then double Timer A */
	t->l->st.retransmitted++;
	err = tsx_send(t, t->req->buf, t->req->len);
	if (err) {
		tsx_terminate(t, err);
		return;
	}
	t->interval *= 2;
	tz_timer_start(t->l->wheel, &t->t_retx, t->interval, timer_a, t);
}

static void timer_e(void *arg)
{
	struct tz_tsx *t = arg;
	const struct tz_tsx_config *c = &t->l->cfg;
	int err;

	t->l->st.retransmitted++;
	err = tsx_send(t, t->req->buf, t->req->len);
	if (err) {
		tsx_terminate(t, err);
		return;
	}
	/* RFC3261 17.1.2.2: Trying doubles up to T2; Proceeding uses T2 */
	if (t->state == TZ_TSX_TRYING)
		t->interval = 2 * t->interval < c->t2 ? 2 * t->interval : c->t2;
	else
		t->interval = c->t2;
	tz_timer_start(t->l->wheel, &t->t_retx, t->interval, timer_e, t);
}

/*
 * RFC3261 17.1: what a client transaction needs of its request at once:
 * the method (a response matches by its CSeq method) and the top Via
 * with its branch (17.1.3). The rest is parsed when asked for
 * (tz_tsx_request, the ACK of a non-2xx): a proxy forwards a request it
 * parsed when it arrived, and parsing the forwarded copy again was a
 * sixth of the instructions of a call through it.
 */
static int light_parse(struct tz_msg *m, struct tz_hdr *none, const char *buf,
                       size_t len)
{
	struct tz_span v;
	uint32_t p, n = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;

	tz_msg_init(m, none, 0);
	if (n >= 8 && !memcmp(buf, "SIP/2.0 ", 8))
		return -EINVAL; /* a response */
	/* RFC3261 25.1: Method = token, then SP */
	for (p = 0; p < n && buf[p] > ' ' && buf[p] < 0x7f; p++)
		;
	if (p == 0 || p >= n || buf[p] != ' ' || !tz_msg_top_via(buf, len, &v))
		return -EINVAL;
	m->buf = buf;
	m->len = n;
	m->request = true;
	m->method = (struct tz_span){0, p};
	p = v.off;
	if (tz_via_decode(&m->via1, buf, &p, v.off + v.len) != 0)
		return -EINVAL;
	m->nvia = 1;
	return 0;
}

int tz_tsx_client_alloc(struct tz_tsx **tp, struct tz_tsx_layer *l,
                        const char *buf, size_t len,
                        const struct tz_tp_dest *dst, tz_tsx_resp_h *rh,
                        void *arg)
{
	struct tz_hdr h[TZ_MSG_HDRS_DEFAULT];
	struct tz_msg m;
	struct tz_tsx *t;
	bool invite, light;
	int err;

	if (!tp || !l || !buf || !dst || !rh)
		return -EINVAL;
	light = light_parse(&m, h, buf, len) == 0;
	if (!light) {
		/* unusual (a folded line, say): the full parse decides */
		tz_msg_init(&m, h, TZ_MSG_HDRS_DEFAULT);
		if (tz_msg_parse(&m, buf, len, NULL) || !m.request)
			return -EINVAL;
	}
	if (!(m.via1.has & TZ_VIA_BRANCH) || !m.via1.branch.len)
		return -EINVAL;
	/* RFC3261 17.1.1.3: an ACK for a 2xx is no transaction */
	if (tz_span_eq(m.buf, m.method, "ACK"))
		return -EINVAL;
	invite = tz_span_eq(m.buf, m.method, "INVITE");
	t = tsx_new(l, &m, dst, invite ? TSX_ICT : TSX_NICT);
	if (!t)
		return -ENOMEM;
	t->req_light = light;
	t->rh = rh;
	t->arg = arg;
	err = tsx_send(t, t->req->buf, t->req->len);
	if (err) {
		tz_mem_deref(t);
		return err;
	}
	tsx_link(l, t);
	t->interval = l->cfg.t1;
	if (invite) {
		/* RFC3261 17.1.1.2: Calling; Timer A only when unreliable,
		 * Timer B always */
		t->state = TZ_TSX_CALLING;
		if (!dst->reliable)
			tz_timer_start(l->wheel, &t->t_retx, l->cfg.t1, timer_a,
			               t);
	} else {
		/* RFC3261 17.1.2.2: Trying; Timer E when unreliable, F */
		t->state = TZ_TSX_TRYING;
		if (!dst->reliable)
			tz_timer_start(l->wheel, &t->t_retx, l->cfg.t1, timer_e,
			               t);
	}
	tz_timer_start(l->wheel, &t->t_life, t64(t), timer_timeout, t);
	*tp = tz_mem_ref(t);
	return 0;
}

/* RFC3261 17.1.1.3: the ACK of a non-2xx final response. */
static int build_ack(struct tz_tsx *t, const struct tz_msg *resp)
{
	const struct tz_msg *r = tsx_req(t);
	const struct tz_hdr *via = tz_msg_hdr_find(r, TZ_HDR_VIA, 0);
	const struct tz_hdr *from = tz_msg_hdr_find(r, TZ_HDR_FROM, 0);
	const struct tz_hdr *to = tz_msg_hdr_find(resp, TZ_HDR_TO, 0);
	const struct tz_hdr *route;
	struct tz_span v1;
	struct tz_buf b;
	uint32_t pos;
	unsigned i;

	if (!via || !from || !to)
		return -EINVAL;
	pos = via->value.off;
	if (tz_hdr_list_split(r->buf, &pos, via->value.off + via->value.len,
	                      &v1))
		return -EINVAL;
	tz_buf_init(&b);
	/* RFC3261 17.1.1.3: Request-URI, Call-ID, From and the CSeq number
	 * of the INVITE, its top Via only, To from the response */
	tz_buf_puts(&b, "ACK ");
	tz_buf_put_span(&b, r->buf, r->ruri);
	tz_buf_puts(&b, " SIP/2.0\r\nVia: ");
	tz_buf_put_span(&b, r->buf, v1);
	tz_buf_puts(&b, "\r\nMax-Forwards: 70\r\nFrom: ");
	tz_buf_put_span(&b, r->buf, from->value);
	tz_buf_puts(&b, "\r\nTo: ");
	tz_buf_put_span(&b, resp->buf, to->value);
	tz_buf_puts(&b, "\r\nCall-ID: ");
	tz_buf_put_span(&b, r->buf, r->call_id);
	tz_buf_printf(&b, "\r\nCSeq: %u ACK\r\n", (unsigned)r->cseq);
	/* RFC3261 17.1.1.3: the INVITE's Route header fields */
	for (i = 0; (route = tz_msg_hdr_find(r, TZ_HDR_ROUTE, i)); i++) {
		tz_buf_puts(&b, "Route: ");
		tz_buf_put_span(&b, r->buf, route->value);
		tz_buf_puts(&b, "\r\n");
	}
	tz_buf_puts(&b, "Content-Length: 0\r\n\r\n");
	if (b.err) {
		int err = b.err;
		tz_buf_free(&b);
		return err;
	}
	tz_free(t->out);
	t->out = b.p;
	t->outlen = b.len;
	return 0;
}

/* Send the ACK, building it first if needed. A build that failed for lack
 * of memory is retried when the final response comes again. */
static int send_ack(struct tz_tsx *t, const struct tz_msg *resp)
{
	if (!t->out && build_ack(t, resp))
		return 0;
	return tsx_send(t, t->out, t->outlen);
}

static void ict_recv(struct tz_tsx *t, const struct tz_msg *resp)
{
	uint16_t sc = resp->status;

	switch (t->state) {
	case TZ_TSX_CALLING:
	case TZ_TSX_PROCEEDING:
		if (sc < 200) {
			/* RFC3261 17.1.1.2: a provisional stops Timers A
			 * and B */
			tz_timer_cancel(&t->t_retx);
			tz_timer_cancel(&t->t_life);
			t->state = TZ_TSX_PROCEEDING;
			pass_up(t, resp);
			return;
		}
		tz_timer_cancel(&t->t_retx);
		tz_timer_cancel(&t->t_life);
		if (sc < 300) {
			/* RFC6026 7.2: Accepted, Timer M = 64*T1 */
			t->state = TZ_TSX_ACCEPTED;
			tsx_start_end(t, &t->t_life, t64(t), timer_end);
			pass_up(t, resp);
			return;
		}
		/* RFC3261 17.1.1.2: Completed, ACK, Timer D */
		t->state = TZ_TSX_COMPLETED;
		if (send_ack(t, resp)) {
			pass_up(t, resp);
			t->reported = true;
			tsx_terminate(t, 0);
			return;
		}
		if (!t->dst.reliable)
			tsx_start_end(t, &t->t_wait, t->l->cfg.td, timer_end);
		pass_up(t, resp);
		/* RFC3261 17.1.1.2: Timer D is zero on reliable transports */
		if (t->dst.reliable)
			tsx_terminate(t, 0);
		return;
	case TZ_TSX_ACCEPTED:
		/* RFC6026 7.2: 2xx retransmissions go up to the TU */
		if (sc >= 200 && sc < 300)
			pass_up(t, resp);
		return;
	case TZ_TSX_COMPLETED:
		/* RFC3261 17.1.1.2: a retransmitted final gets the ACK
		 * again and stays here */
		if (sc >= 300 && send_ack(t, resp)) {
			t->reported = true;
			tsx_terminate(t, 0);
		}
		return;
	default:
		return;
	}
}

static void nict_recv(struct tz_tsx *t, const struct tz_msg *resp)
{
	if (t->state != TZ_TSX_TRYING && t->state != TZ_TSX_PROCEEDING)
		return; /* RFC3261 17.1.2.2: Completed absorbs */
	if (resp->status < 200) {
		t->state = TZ_TSX_PROCEEDING;
		pass_up(t, resp);
		return;
	}
	/* RFC3261 17.1.2.2: a final stops E and F; Timer K is T4, or zero
	 * on reliable transports */
	tz_timer_cancel(&t->t_retx);
	tz_timer_cancel(&t->t_life);
	t->state = TZ_TSX_COMPLETED;
	if (!t->dst.reliable)
		tsx_start_end(t, &t->t_wait, t->l->cfg.t4, timer_end);
	pass_up(t, resp);
	if (t->dst.reliable)
		tsx_terminate(t, 0);
}

void tsx_client_recv(struct tz_tsx *t, const struct tz_msg *resp)
{
	/* the handler may drop the TU's reference */
	tz_mem_ref(t);
	if (t->kind == TSX_ICT)
		ict_recv(t, resp);
	else
		nict_recv(t, resp);
	tz_mem_deref(t);
}
