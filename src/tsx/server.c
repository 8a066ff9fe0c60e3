/*
 * server.c  The server transactions: INVITE (RFC 3261 17.2.1 with the
 * Accepted state of RFC 6026 7.1) and non-INVITE (17.2.2), with Timers G,
 * H, I, L and J, the automatic 100 Trying, and absorbing retransmitted
 * requests by sending the last response again.
 */
#include <errno.h>

#include "tz/tz_build.h"
#include "tz/tz_mem.h"
#include "tsx_int.h"

static uint32_t t64(const struct tz_tsx *t)
{
	return 64 * t->l->cfg.t1;
}

static void timer_end(void *arg)
{
	/* RFC3261 17.2.1, 17.2.2, RFC6026 7.1: Timers I, J, L */
	tsx_terminate(arg, 0);
}

static void timer_h(void *arg)
{
	/* RFC3261 17.2.1: no ACK came; the TU hears of the failure */
	tsx_terminate(arg, -ETIMEDOUT);
}

static void timer_g(void *arg)
{
	struct tz_tsx *t = arg;
	uint32_t t2 = t->l->cfg.t2;
	int err;

	/* RFC3261 17.2.1: retransmit, double Timer G up to T2 */
	t->l->st.retransmitted++;
	err = tsx_send(t, t->out, t->outlen);
	if (err) {
		tsx_terminate(t, err);
		return;
	}
	t->interval = 2 * t->interval < t2 ? 2 * t->interval : t2;
	tz_timer_start(t->l->wheel, &t->t_retx, t->interval, timer_g, t);
}

/* Keep response @p buf as the last one sent, with its To tag. */
static int keep_bytes(struct tz_tsx *t, const char *buf, size_t len,
                      struct tz_span totag, bool has_totag)
{
	int err = tsx_keep(&t->out, &t->outlen, buf, len);

	if (err)
		return err;
	t->out_totag = totag;
	t->out_has_totag = has_totag;
	t->responded = true;
	return 0;
}

static int keep_response(struct tz_tsx *t, const struct tz_msg *m)
{
	return keep_bytes(t, m->buf, m->len, m->to.tag, m->to.has_tag);
}

static void timer_trying(void *arg)
{
	struct tz_tsx *t = arg;
	struct tz_resp_build rb = {.status = 100};
	struct tz_hdr h[TZ_MSG_HDRS_DEFAULT];
	struct tz_msg m;
	struct tz_buf b;
	int err;

	if (t->responded || t->state != TZ_TSX_PROCEEDING)
		return;
	/* RFC3261 17.2.1: the TU did not answer within 200 ms: 100 Trying.
	 * Out of memory, the 100 is skipped: the UAC retransmits. */
	tz_buf_init(&b);
	if (tz_build_response(&b, t->req, &rb))
		goto out_buf;
	tz_msg_init(&m, h, TZ_MSG_HDRS_DEFAULT);
	if (tz_msg_parse(&m, b.p, b.len, NULL) || keep_response(t, &m))
		goto out_buf;
	err = tsx_send(t, t->out, t->outlen);
	if (err)
		tsx_terminate(t, err);
out_buf:
	tz_buf_free(&b);
}

int tz_tsx_server_alloc(struct tz_tsx **tp, struct tz_tsx_layer *l,
                        const struct tz_msg *req, const struct tz_tp_dest *dst,
                        unsigned flags, tz_tsx_err_h *eh, void *arg)
{
	struct tz_tsx *t;
	bool invite;

	if (!tp || !l || !req || !dst || !req->request ||
	    tz_span_eq(req->buf, req->method, "ACK"))
		return -EINVAL;
	invite = tz_span_eq(req->buf, req->method, "INVITE");
	t = tsx_new(l, req, dst, invite ? TSX_IST : TSX_NIST);
	if (!t)
		return -ENOMEM;
	t->eh = eh;
	t->arg = arg;
	if (invite) {
		/* RFC3261 17.2.1: Proceeding at once */
		t->state = TZ_TSX_PROCEEDING;
		if (flags & TZ_TSX_AUTO_100)
			tz_timer_start(l->wheel, &t->t_wait, l->cfg.trying,
			               timer_trying, t);
	} else {
		/* RFC3261 17.2.2: Trying */
		t->state = TZ_TSX_TRYING;
	}
	tsx_link(l, t);
	*tp = tz_mem_ref(t);
	return 0;
}

/* Move the machine for a response of status @p sc the TU sends. */
static int reply_move(struct tz_tsx *t, uint16_t sc)
{
	struct tz_tsx_layer *l = t->l;

	if (t->kind == TSX_NIST) {
		if (t->state != TZ_TSX_TRYING && t->state != TZ_TSX_PROCEEDING)
			return -EPROTO;
		if (sc < 200) {
			t->state = TZ_TSX_PROCEEDING;
			return 0;
		}
		/* RFC3261 17.2.2: Completed; Timer J is 64*T1, zero on
		 * reliable transports (terminated once sent) */
		t->state = TZ_TSX_COMPLETED;
		if (!t->dst.reliable)
			tsx_start_end(t, &t->t_wait, t64(t), timer_end);
		return 0;
	}
	if (t->state == TZ_TSX_ACCEPTED)
		/* RFC6026 7.1: the TU's 2xx retransmissions pass through */
		return sc >= 200 && sc < 300 ? 0 : -EPROTO;
	if (t->state != TZ_TSX_PROCEEDING)
		return -EPROTO;
	tz_timer_cancel(&t->t_wait); /* the automatic 100 */
	if (sc < 200)
		return 0;
	if (sc < 300) {
		/* RFC6026 7.1: Accepted, Timer L = 64*T1 */
		t->state = TZ_TSX_ACCEPTED;
		tsx_start_end(t, &t->t_life, t64(t), timer_end);
		return 0;
	}
	/* RFC3261 17.2.1: Completed; Timer G when unreliable, Timer H */
	t->state = TZ_TSX_COMPLETED;
	if (!t->dst.reliable) {
		t->interval = l->cfg.t1;
		tz_timer_start(l->wheel, &t->t_retx, l->cfg.t1, timer_g, t);
	}
	tz_timer_start(l->wheel, &t->t_life, t64(t), timer_h, t);
	return 0;
}

static bool reply_allowed(const struct tz_tsx *t, uint16_t sc)
{
	switch (t->state) {
	case TZ_TSX_TRYING:
		return true;
	case TZ_TSX_PROCEEDING:
		return true;
	case TZ_TSX_ACCEPTED:
		return t->kind == TSX_IST && sc >= 200 && sc < 300;
	default:
		return false;
	}
}

int tz_tsx_reply(struct tz_tsx *st, const char *buf, size_t len)
{
	struct tz_hdr h[TZ_MSG_HDRS_DEFAULT];
	struct tz_msg m;

	if (!st || !buf || (st->kind != TSX_IST && st->kind != TSX_NIST))
		return -EINVAL;
	if (!st->l)
		return -ESHUTDOWN;
	tz_msg_init(&m, h, TZ_MSG_HDRS_DEFAULT);
	if (tz_msg_parse(&m, buf, len, NULL) || m.request)
		return -EINVAL;
	return tz_tsx_reply_known(st, m.buf, m.len, m.status, m.to.tag,
	                          m.to.has_tag);
}

int tz_tsx_reply_known(struct tz_tsx *st, const char *buf, size_t len,
                       uint16_t status, struct tz_span totag, bool has_totag)
{
	int err;

	if (!st || !buf || (st->kind != TSX_IST && st->kind != TSX_NIST) ||
	    status < 100 || status > 699 ||
	    (has_totag && totag.off + totag.len > len))
		return -EINVAL;
	if (!st->l)
		return -ESHUTDOWN;
	if (!reply_allowed(st, status))
		return -EPROTO;
	err = keep_bytes(st, buf, len, totag, has_totag);
	if (err)
		return err;
	err = reply_move(st, status);
	if (err)
		return err;
	tz_mem_ref(st);
	err = tsx_send(st, st->out, st->outlen);
	if (err) {
		/* RFC3261 17.2.4: terminated; the caller has the error */
		st->reported = true;
		tsx_terminate(st, 0);
	} else if (st->kind == TSX_NIST && st->state == TZ_TSX_COMPLETED &&
	           st->dst.reliable) {
		tsx_terminate(st, 0);
	}
	tz_mem_deref(st);
	return err;
}

/* Send the last response again for a retransmitted request. */
static void resend(struct tz_tsx *t)
{
	int err;

	if (!t->out)
		return;
	t->l->st.retransmitted++;
	err = tsx_send(t, t->out, t->outlen);
	if (err)
		tsx_terminate(t, err);
}

int tsx_server_recv(struct tz_tsx *t, const struct tz_msg *req)
{
	bool ack = tz_span_eq(req->buf, req->method, "ACK");

	if (t->kind == TSX_NIST) {
		/* RFC3261 17.2.2: Trying absorbs; Proceeding and Completed
		 * answer with the last response */
		if (t->state == TZ_TSX_PROCEEDING ||
		    t->state == TZ_TSX_COMPLETED)
			resend(t);
		return 1;
	}
	if (ack) {
		if (t->state == TZ_TSX_ACCEPTED)
			return 0; /* RFC6026 7.1: an ACK for the 2xx: the TU's
			           */
		if (t->state != TZ_TSX_COMPLETED)
			return 1;
		/* RFC3261 17.2.1: ACK: Confirmed, stop G and H; Timer I is
		 * T4, zero on reliable transports */
		tz_timer_cancel(&t->t_retx);
		tz_timer_cancel(&t->t_life);
		t->state = TZ_TSX_CONFIRMED;
		if (t->dst.reliable)
			tsx_terminate(t, 0);
		else
			tsx_start_end(t, &t->t_wait, t->l->cfg.t4, timer_end);
		return 1;
	}
	/* RFC3261 17.2.1: Proceeding resends the last provisional,
	 * Completed the final; RFC6026 7.1: Accepted absorbs */
	if (t->state == TZ_TSX_PROCEEDING || t->state == TZ_TSX_COMPLETED)
		resend(t);
	return 1;
}

void tz_tsx_forget_request(struct tz_tsx *st)
{
	struct tsx_keys k, *c;
	struct tz_span *sp[4];
	size_t n;
	char *p;

	/* RFC3261 17.2.2: a completed non-INVITE server transaction only
	 * answers retransmissions with its last response; with an RFC 3261
	 * branch, matching them needs the branch, the sent-by and the
	 * method (17.2.3), not the request. The RFC 2543 rules compare
	 * much more: those transactions keep it. */
	if (!st || st->kind != TSX_NIST || st->state != TZ_TSX_COMPLETED ||
	    !st->cookie || !st->req)
		return;
	tsx_keys_of(st->req, &k);
	n = (size_t)k.branch.len + k.host.len + k.transport.len + k.method.len;
	c = tz_malloc(sizeof(*c) + n);
	if (!c)
		return; /* out of memory: the request stays */
	*c = k;
	c->buf = p = (char *)(c + 1);
	sp[0] = &c->branch;
	sp[1] = &c->host;
	sp[2] = &c->transport;
	sp[3] = &c->method;
	/* each span copied into the block and rebased onto its copy */
	for (size_t i = 0; i < 4; i++) {
		memcpy(p, k.buf + sp[i]->off, sp[i]->len);
		sp[i]->off = (uint32_t)(p - c->buf);
		p += sp[i]->len;
	}
	st->keys = c;
	tz_free(st->req);
	st->req = NULL;
}
