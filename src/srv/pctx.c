/*
 * pctx.c  The response context of a transaction-stateful proxy (RFC 3261
 * 16.2, 16.6-16.10): one server transaction, a branch (client
 * transaction) per target, forking in parallel for equal q values and in
 * sequence for lower ones, the best final response chosen and sent
 * upstream, every 2xx forwarded at once, the other branches CANCELled,
 * Timer C on every INVITE branch, and call forwarding on busy and on no
 * answer. A context lives on the worker that owns its transactions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "srv_int.h"
#include "tz/tz_build.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_resolve.h"
#include "tz/tz_uri.h"

#define MAX_BRANCHES   16
#define MAX_ALTERNATES 7 /* RFC 3263 targets kept after the first */

enum br_state { BR_IDLE, BR_RESOLVING, BR_SENT, BR_DONE };

struct branch {
	struct pctx *px;
	uint8_t state;
	bool prov;          /* a provisional came: a CANCEL may be sent */
	bool cancel_wanted; /* send a CANCEL once a provisional comes */
	bool cancelled;     /* CANCEL sent */
	bool c_fired;       /* Timer C fired once (CANCEL sent then) */
	bool forwarding;    /* a call-forwarding target */
	bool ignore;        /* cancelled to go elsewhere: its final response
	                       is no candidate */
	uint16_t q;
	uint16_t status; /* final status, 0 while pending */
	const char *cancel_reason;
	struct tz_tsx *ct;
	struct tz_resolve_q *rq;
	struct tz_timer timer_c;
	struct tz_tp_dest dst;
	bool has_flow;
	struct tz_tp_dest flow;
	struct tz_tp_dest *alt; /* RFC 3263 4.3: the other targets */
	uint8_t nalt, ialt;     /* how many; the next to try */
	char *ruri;             /* NULL: the request's */
	char *path;
};

struct pctx {
	uint32_t magic;
	struct worker *w;
	struct tz_tsx *st;
	const struct tz_msg *req; /* the server transaction's copy */
	struct tz_tp_dest src;
	bool invite;
	bool final_sent;
	bool got_2xx;
	bool stop; /* 6xx, a 2xx or a CANCEL: start no more branches */
	bool cancelled;
	bool forwarded; /* call forwarding used (once per call) */
	bool rr, strip_pai, account;
	char *pai, *realm, *callee, *fwd_busy, *fwd_no_answer;
	unsigned no_answer_ms;
	uint16_t best; /* best final status so far (16.7 item 6) */
	const char *best_reason;
	char *best_buf; /* that response as received, or NULL if ours */
	size_t best_len;
	struct tz_buf auth; /* challenges of every 401/407 (16.7 item 7) */
	unsigned nbr;
	struct branch *br[MAX_BRANCHES];
	struct tz_timer no_answer, linger;
	uint64_t start_ms;
};

#define PCTX_MAGIC 0x70637478u

static void check_done(struct pctx *px);
static void no_answer_arm(struct pctx *px);
static bool any_idle(const struct pctx *px);

bool pctx_is(const void *arg)
{
	return arg && ((const struct pctx *)arg)->magic == PCTX_MAGIC;
}

static char *dup_n(const char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	d = tz_malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static char *dup_s(const char *s)
{
	return s ? dup_n(s, strlen(s)) : NULL;
}

static struct tz_wheel *wheel(struct pctx *px)
{
	return tz_loop_wheel(px->w->loop);
}

static void pctx_free(struct pctx *px)
{
	for (unsigned i = 0; i < px->nbr; i++) {
		struct branch *b = px->br[i];

		tz_timer_cancel(&b->timer_c);
		tz_resolve_cancel(b->rq);
		if (b->ct) {
			tz_tsx_detach(b->ct);
			tz_mem_deref(b->ct);
		}
		tz_free(b->ruri);
		tz_free(b->path);
		tz_free(b->alt);
		tz_free(b);
	}
	tz_timer_cancel(&px->no_answer);
	tz_timer_cancel(&px->linger);
	if (px->st) {
		tz_tsx_detach(px->st);
		tz_mem_deref(px->st);
	}
	tz_free(px->pai);
	tz_free(px->realm);
	tz_free(px->callee);
	tz_free(px->fwd_busy);
	tz_free(px->fwd_no_answer);
	tz_free(px->best_buf);
	tz_buf_free(&px->auth);
	px->w->contexts--;
	px->magic = 0;
	tz_free(px);
}

static void linger_end(void *arg)
{
	pctx_free(arg);
}

/* ---- upstream ---- */

/* Send the response @p r (received on a branch) upstream: our Via goes
 * (16.7 item 3). A 2xx the server transaction no longer takes (a final
 * went before) is sent statelessly, as 16.7 item 9 wants every 2xx on. */
static void up(struct pctx *px, const struct tz_msg *r)
{
	struct worker *w = px->w;
	struct tz_span totag = r->to.tag;
	int err;

	tz_edits_init(&w->ed, r);
	tz_edit_via_pop(&w->ed);
	tz_buf_reset(&w->out);
	if (tz_edits_apply(&w->ed, &w->out) != 0)
		return;
	/* parsed when it came: the server transaction is told its status
	 * and where its To tag now is, instead of parsing it again */
	totag.off = tz_edits_map(&w->ed, totag.off);
	err = totag.off == UINT32_MAX
	              ? tz_tsx_reply(px->st, w->out.p, w->out.len)
	              : tz_tsx_reply_known(px->st, w->out.p, w->out.len,
	                                   r->status, totag, r->to.has_tag);
	if (err == -EPROTO && r->status / 100 == 2) {
		struct tz_tp_dest dst;

		tz_resp_dest(px->req, &px->src, &dst);
		err = worker_send(w, w->out.p, w->out.len, &dst);
	}
	if (!err)
		w->ps.responses++;
}

/* RFC3261 16.7 item 6: is @p s a better final response than @p best?
 * 6xx wins, then the lowest class; in 4xx the codes a caller can act
 * on are preferred. */
static bool better(uint16_t s, uint16_t best)
{
	bool ps = s == 401 || s == 407 || s == 415 || s == 420 || s == 484;
	bool pb = best == 401 || best == 407 || best == 415 || best == 420 ||
	          best == 484;

	if (!best)
		return true;
	if (best >= 600)
		return false;
	if (s >= 600)
		return true;
	if (s / 100 != best / 100)
		return s / 100 < best / 100;
	return ps && !pb;
}

/* The challenges of a 401/407 into px->auth (16.7 item 7). */
static void keep_challenges(struct pctx *px, const struct tz_msg *r)
{
	const struct tz_hdr *h;

	for (unsigned i = 0; i < r->nhdr; i++) {
		h = &r->hdr[i];
		if (h->id != TZ_HDR_WWW_AUTHENTICATE &&
		    h->id != TZ_HDR_PROXY_AUTHENTICATE)
			continue;
		tz_buf_put_span(&px->auth, r->buf, h->name);
		tz_buf_puts(&px->auth, ": ");
		tz_buf_put_span(&px->auth, r->buf, h->value);
		tz_buf_puts(&px->auth, "\r\n");
	}
}

/* A received final response, re-read and edited for upstream: Via
 * popped, 503 made 500 (16.7 item 6), the challenges of every branch. */
static int best_edit(struct pctx *px, struct tz_buf *out)
{
	struct worker *w = px->w;
	struct tz_hdr hdrs[SRV_MAX_HDRS];
	struct tz_msg r;
	int err;

	tz_msg_init(&r, hdrs, SRV_MAX_HDRS);
	err = tz_msg_parse(&r, px->best_buf, px->best_len, NULL);
	if (err)
		return err;
	tz_edits_init(&w->ed, &r);
	tz_edit_via_pop(&w->ed);
	if (r.status == 503) {
		/* RFC3261 16.7 item 6: a 503 is passed on as 500 */
		uint32_t off = (uint32_t)(strchr(r.buf, ' ') - r.buf) + 1;

		tz_edits_replace(&w->ed, off, r.reason.off + r.reason.len - off,
		                 "500 Server Internal Error", 25);
	}
	if ((r.status == 401 || r.status == 407) && px->auth.len) {
		for (unsigned i = 0; i < r.nhdr; i++)
			if (r.hdr[i].id == TZ_HDR_WWW_AUTHENTICATE ||
			    r.hdr[i].id == TZ_HDR_PROXY_AUTHENTICATE)
				tz_edit_hdr_remove(&w->ed, &r.hdr[i]);
		tz_edits_replace(&w->ed, r.body.off - 2, 0, px->auth.p,
		                 px->auth.len);
	}
	tz_buf_reset(out);
	return tz_edits_apply(&w->ed, out);
}

static void send_final(struct pctx *px)
{
	struct worker *w = px->w;
	uint16_t s = px->best ? px->best : 408;

	px->final_sent = true;
	tz_timer_cancel(&px->no_answer);
	/* RFC3261 16.10: a cancelled INVITE ends in 487 */
	if (px->cancelled && s != 487 && !px->best_buf) {
		s = 487;
		px->best_reason = NULL;
	}
	if (px->best_buf && best_edit(px, &w->out) == 0) {
		if (tz_tsx_reply(px->st, w->out.p, w->out.len) == 0)
			w->ps.responses++;
	} else {
		char reason[160];

		if (px->best_reason)
			snprintf(reason, sizeof(reason), "%s: %s",
			         tz_status_phrase(s), px->best_reason);
		uas_answer(w, px->st, s, px->best_reason ? reason : NULL, NULL);
	}
	if (px->account)
		acct_final(w, px->req, s, px->start_ms);
}

/* ---- downstream ---- */

/* The CANCEL's own transaction is detached at once: nothing to do. */
static void cancel_resp(int err, const struct tz_msg *r, void *arg)
{
	(void)err;
	(void)r;
	(void)arg;
}

/* Build and send the CANCEL of a branch's INVITE (RFC3261 9.1, 16.10):
 * Request-URI, Call-ID, To, From, CSeq number and top Via of the INVITE,
 * its Route fields, method CANCEL. */
static void send_cancel(struct branch *b)
{
	struct worker *w = b->px->w;
	const struct tz_msg *inv = tz_tsx_request(b->ct);
	const struct tz_hdr *h;
	struct tz_tsx *ct = NULL;
	struct tz_span via;
	uint32_t pos;
	struct tz_buf *o = &w->out;

	h = tz_msg_hdr_find(inv, TZ_HDR_VIA, 0);
	if (!h)
		return;
	pos = h->value.off;
	tz_hdr_list_split(inv->buf, &pos, h->value.off + h->value.len, &via);
	tz_buf_reset(o);
	tz_buf_puts(o, "CANCEL ");
	tz_buf_put_span(o, inv->buf, inv->ruri);
	tz_buf_puts(o, " SIP/2.0\r\nVia: ");
	tz_buf_put_span(o, inv->buf, via);
	tz_buf_puts(o, "\r\n");
	for (unsigned nth = 0; (h = tz_msg_hdr_find(inv, TZ_HDR_ROUTE, nth));
	     nth++) {
		tz_buf_puts(o, "Route: ");
		tz_buf_put_span(o, inv->buf, h->value);
		tz_buf_puts(o, "\r\n");
	}
	tz_buf_puts(o, "Max-Forwards: 70\r\nFrom: ");
	tz_buf_put_span(o, inv->buf,
	                tz_msg_hdr_find(inv, TZ_HDR_FROM, 0)->value);
	tz_buf_puts(o, "\r\nTo: ");
	tz_buf_put_span(o, inv->buf, tz_msg_hdr_find(inv, TZ_HDR_TO, 0)->value);
	tz_buf_puts(o, "\r\nCall-ID: ");
	tz_buf_put_span(o, inv->buf, inv->call_id);
	tz_buf_printf(o, "\r\nCSeq: %u CANCEL\r\n", inv->cseq);
	if (b->cancel_reason)
		tz_buf_printf(o, "Reason: %s\r\n", b->cancel_reason);
	if (tz_buf_puts(o, "Content-Length: 0\r\n\r\n") != 0)
		return;
	b->cancelled = true;
	w->ps.cancelled++;
	if (tz_tsx_client_alloc(&ct, w->tsx, o->p, o->len, &b->dst, cancel_resp,
	                        NULL) == 0) {
		tz_tsx_detach(ct);
		tz_mem_deref(ct);
	}
}

/* The branch ended with @p status; true when that is now the best. */
static bool br_finish(struct branch *b, uint16_t status, const char *why)
{
	struct pctx *px = b->px;

	b->state = BR_DONE;
	b->status = status;
	tz_timer_cancel(&b->timer_c);
	if (px->final_sent || b->ignore || !better(status, px->best))
		return false;
	px->best = status;
	px->best_reason = why;
	tz_free(px->best_buf);
	px->best_buf = NULL;
	return true;
}

/* RFC3261 16.10, 16.7 item 10: CANCEL a pending branch (once it has had
 * a provisional response, 9.1). */
static void br_cancel(struct branch *b, const char *reason)
{
	if (b->state == BR_IDLE || b->state == BR_RESOLVING) {
		tz_resolve_cancel(b->rq);
		b->rq = NULL;
		br_finish(b, 487, "cancelled");
		return;
	}
	if (b->state != BR_SENT || b->cancelled || !b->px->invite)
		return;
	b->cancel_reason = reason;
	if (b->prov)
		send_cancel(b);
	else
		b->cancel_wanted = true;
}

static void cancel_others(struct pctx *px, struct branch *keep,
                          const char *reason)
{
	for (unsigned i = 0; i < px->nbr; i++)
		if (px->br[i] != keep)
			br_cancel(px->br[i], reason);
}

/* RFC3261 16.8: Timer C. With a provisional response: CANCEL (and a
 * second expiry ends the branch); without one: as if 408 came. */
static void timer_c(void *arg)
{
	struct branch *b = arg;
	struct pctx *px = b->px;

	px->w->ps.timer_c++;
	if (b->prov && !b->c_fired) {
		b->c_fired = true;
		if (!b->cancelled) {
			b->cancel_reason = NULL;
			send_cancel(b);
		}
		tz_timer_start(wheel(px), &b->timer_c, px->w->conf->c.timer_c,
		               timer_c, b);
		return;
	}
	if (b->ct)
		tz_tsx_detach(b->ct);
	br_finish(b, 408, "no final response (Timer C)");
	check_done(px);
}

static void br_send(struct branch *b, const struct rinfo *ri);

/* RFC3263 4.3: after a transport error, a timeout or a 503 the request
 * goes to the next target the resolution gave, as a new client
 * transaction (16.6 item 8: a new branch). Not once the branch has had a
 * provisional (@p any_prov: except for a 503), was cancelled, or the
 * search ended. */
static bool br_failover(struct branch *b, bool any_prov)
{
	struct pctx *px = b->px;
	struct rinfo ri;

	if (b->ialt >= b->nalt || (b->prov && !any_prov) || b->cancel_wanted ||
	    b->cancelled || px->stop || px->final_sent)
		return false;
	if (b->ct) {
		tz_tsx_detach(b->ct);
		tz_mem_deref(b->ct);
		b->ct = NULL;
	}
	tz_timer_cancel(&b->timer_c);
	b->prov = false;
	b->dst = b->alt[b->ialt++];
	route_info(&px->w->conf->c, px->req, px->src.tp, &ri);
	br_send(b, &ri);
	return true;
}

static void br_resp(int err, const struct tz_msg *r, void *arg)
{
	struct branch *b = arg;
	struct pctx *px = b->px;

	if (err) {
		if (br_failover(b, false))
			return;
		/* RFC3261 16.8: no answer is 408; 16.9: a transport
		 * error counts as 503 */
		br_finish(b, err == -ETIMEDOUT ? 408 : 503,
		          err == -ETIMEDOUT ? "no response" : strerror(-err));
		check_done(px);
		return;
	}
	if (r->status < 200) {
		b->prov = true;
		if (b->cancel_wanted && !b->cancelled)
			send_cancel(b);
		if (px->invite && !b->c_fired && b->status == 0)
			/* RFC3261 16.7 item 2: a provisional resets Timer C */
			tz_timer_start(wheel(px), &b->timer_c,
			               px->w->conf->c.timer_c, timer_c, b);
		/* RFC3261 16.7 item 5: provisionals go upstream, but not
		 * the 100 (16.7 item 3: we sent our own) */
		if (r->status > 100 && !px->final_sent)
			up(px, r);
		return;
	}
	if (r->status < 300) {
		bool first = !px->got_2xx;

		/* RFC3261 16.7 item 5: every 2xx goes upstream at once,
		 * retransmissions too (RFC 6026) */
		if (b->status == 0)
			br_finish(b, r->status, NULL);
		px->got_2xx = true;
		px->stop = true;
		if (!px->invite && px->final_sent)
			return;
		up(px, r);
		if (first && px->account && px->invite)
			acct_answered(px->w, px->req, r, px->start_ms, &px->src,
			              &b->dst);
		px->final_sent = true;
		tz_timer_cancel(&px->no_answer);
		/* RFC3261 16.7 item 10, RFC3326: the others are cancelled */
		if (first)
			cancel_others(px, b,
			              "SIP;cause=200;text=\"Call completed "
			              "elsewhere\"");
		check_done(px);
		return;
	}
	if (b->status) /* a retransmitted final: the tsx absorbs it */
		return;
	if (r->status == 503 && br_failover(b, true))
		return;
	if (r->status == 401 || r->status == 407)
		keep_challenges(px, r);
	if (br_finish(b, r->status, NULL)) {
		px->best_buf = dup_n(r->buf, r->len);
		px->best_len = r->len;
	}
	/* RFC3261 16.7 item 5: a 6xx ends the search */
	if (r->status >= 600) {
		px->stop = true;
		cancel_others(px, b, NULL);
	}
	check_done(px);
}

/* Forward the request on branch @p b to b->dst; @p ri: its Route set. */
static void br_send(struct branch *b, const struct rinfo *ri)
{
	struct pctx *px = b->px;
	struct worker *w = px->w;
	struct fwd f = {0};
	char branch[96];
	int err;

	fwd_branch(branch, sizeof(branch), w->index, px->req, false);
	f.ruri = b->ruri;
	f.rurilen = b->ruri ? strlen(b->ruri) : 0;
	f.path = b->path;
	f.branch = branch;
	f.dst = &b->dst;
	f.src = &px->src;
	f.rr = px->rr;
	f.pai = px->pai;
	f.strip_pai = px->strip_pai;
	f.realm = px->realm;
	err = fwd_build(w, px->req, ri, &f, &w->out);
	if (!err)
		err = tz_tsx_client_alloc(&b->ct, w->tsx, w->out.p, w->out.len,
		                          &b->dst, br_resp, b);
	if (err) {
		b->ct = NULL;
		if (br_failover(b, false))
			return;
		/* RFC3261 16.9: could not send: as a 503 */
		br_finish(b, 503, strerror(-err));
		return;
	}
	b->state = BR_SENT;
	w->ps.forwarded++;
	if (px->invite)
		/* RFC3261 16.6 item 11: Timer C */
		tz_timer_start(wheel(px), &b->timer_c, w->conf->c.timer_c,
		               timer_c, b);
}

static void br_resolved(int err, const struct tz_tp_dest *t, size_t n,
                        void *arg)
{
	struct branch *b = arg;
	struct rinfo ri;

	b->rq = NULL;
	if (err || !n) {
		br_finish(b, err == -ETIMEDOUT ? 408 : 404,
		          "next hop not resolvable");
		check_done(b->px);
		return;
	}
	/* RFC3263 4.3: the first target; the others (at most
	 * MAX_ALTERNATES) are kept for br_failover */
	b->dst = t[0];
	b->dst.reliable = b->dst.tp != TZ_TP_UDP;
	if (n > 1) {
		size_t k = n - 1 < MAX_ALTERNATES ? n - 1 : MAX_ALTERNATES;

		b->alt = tz_malloc(k * sizeof(*b->alt));
		for (size_t i = 0; b->alt && i < k; i++) {
			b->alt[i] = t[i + 1];
			b->alt[i].reliable = t[i + 1].tp != TZ_TP_UDP;
		}
		b->nalt = b->alt ? (uint8_t)k : 0;
	}
	route_info(&b->px->w->conf->c, b->px->req, b->px->src.tp, &ri);
	br_send(b, &ri);
	check_done(b->px);
}

/* Start a branch: its next hop, then the request. */
static void br_start(struct branch *b)
{
	struct pctx *px = b->px;
	struct rinfo ri;
	struct fwd f = {0};
	struct tz_uri u;
	const char *base;
	char text[1024];
	int rc;

	/* the Route set, read once for the hop and the forwarded copy */
	route_info(&px->w->conf->c, px->req, px->src.tp, &ri);
	if (b->has_flow && !(b->path && b->path[0])) {
		/* RFC5626 5.3, RFC3581: back on the flow the REGISTER came
		 * from, which also crosses NATs */
		b->dst = b->flow;
		br_send(b, &ri);
		return;
	}
	f.ruri = b->ruri;
	f.rurilen = b->ruri ? strlen(b->ruri) : 0;
	f.path = b->path;
	rc = fwd_hop_uri(px->req, &ri, &f, &u, text, sizeof(text), &base);
	if (rc == 0)
		rc = next_hop(base, &u, &b->dst);
	if (rc == 0) {
		br_send(b, &ri);
		return;
	}
	if (rc == 1) {
		b->state = BR_RESOLVING;
		rc = tz_resolve_uri(px->w->res, &b->rq, base, &u, br_resolved,
		                    b);
		if (rc == 0)
			return;
	}
	br_finish(b, rc == -EPROTONOSUPPORT ? 502 : 400,
	          rc == -EPROTONOSUPPORT ? "transport not supported"
	                                 : "bad next hop");
}

static struct branch *br_add(struct pctx *px, const struct ptarget *t)
{
	struct branch *b;

	if (px->nbr == MAX_BRANCHES)
		return NULL;
	b = tz_malloc(sizeof(*b));
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->px = px;
	b->q = t->q;
	tz_timer_init(&b->timer_c);
	b->ruri = t->uri ? dup_n(t->uri, t->urilen) : NULL;
	b->path = t->path && t->path[0] ? dup_s(t->path) : NULL;
	if ((t->uri && !b->ruri) || (t->path && t->path[0] && !b->path)) {
		tz_free(b->ruri);
		tz_free(b);
		return NULL;
	}
	if (t->flow) {
		b->has_flow = true;
		b->flow = *t->flow;
	}
	px->br[px->nbr++] = b;
	return b;
}

/* RFC3261 16.6: the next targets: every idle branch with the highest q
 * left, in parallel. */
static void start_group(struct pctx *px)
{
	int q = -1;

	for (unsigned i = 0; i < px->nbr; i++)
		if (px->br[i]->state == BR_IDLE && (int)px->br[i]->q > q)
			q = px->br[i]->q;
	for (unsigned i = 0; i < px->nbr && q >= 0; i++) {
		struct branch *b = px->br[i];

		if (b->state == BR_IDLE && b->q == q)
			br_start(b);
	}
}

static bool any_idle(const struct pctx *px)
{
	for (unsigned i = 0; i < px->nbr; i++)
		if (px->br[i]->state == BR_IDLE)
			return true;
	return false;
}

static bool all_done(const struct pctx *px)
{
	for (unsigned i = 0; i < px->nbr; i++)
		if (px->br[i]->state != BR_DONE && px->br[i]->state != BR_IDLE)
			return false;
	return true;
}

/* Call forwarding: new branches to @p uri (the bindings of a user of
 * ours, or the URI). */
static bool forward_to(struct pctx *px, const char *uri)
{
	struct tz_location loc[4];
	struct ptarget t[4];
	unsigned n, started = 0;

	if (!uri || px->forwarded || px->stop)
		return false;
	px->forwarded = true;
	n = proxy_targets(px->w, uri, loc, t, 4);
	for (unsigned i = 0; i < n; i++) {
		struct branch *b = br_add(px, &t[i]);

		if (!b)
			break;
		b->forwarding = true;
		br_start(b);
		started++;
	}
	return started > 0;
}

/* Every branch finished: the next q group, call forwarding on busy, or
 * the best response upstream. Then, once nothing is pending, the
 * context goes (after 64*T1 when 2xx retransmissions may still come).
 * It may free @p px: callers return right after. */
static void check_done(struct pctx *px)
{
	if (!px->final_sent && all_done(px)) {
		if (!px->stop && !px->cancelled && any_idle(px)) {
			start_group(px);
			no_answer_arm(px);
			if (!all_done(px))
				return;
			check_done(px);
			return;
		}
		/* flow 11: busy: ACKed by the client transaction, the
		 * caller never sees it */
		if (!px->cancelled && (px->best == 486 || px->best == 600) &&
		    forward_to(px, px->fwd_busy)) {
			px->best = 0;
			tz_free(px->best_buf);
			px->best_buf = NULL;
			if (!all_done(px))
				return;
		}
		send_final(px);
	}
	if (!px->final_sent || !all_done(px) || tz_timer_active(&px->linger))
		return;
	/* RFC6026 7.1: 2xx retransmissions come for 64*T1 (Timer M) */
	if (px->invite && px->got_2xx)
		tz_timer_start(wheel(px), &px->linger,
		               64ull * px->w->conf->c.t1, linger_end, px);
	else
		pctx_free(px); /* the caller touches px no more */
}

/* Flow 10: no answer within the time: CANCEL, 181 upstream, forward. */
static void no_answer(void *arg)
{
	struct pctx *px = arg;
	struct worker *w = px->w;
	const char *uri = px->fwd_no_answer;

	if (px->final_sent || px->stop || px->forwarded)
		return;
	if (uri) {
		for (unsigned i = 0; i < px->nbr; i++) {
			struct branch *b = px->br[i];

			b->ignore = true;
			br_cancel(b, NULL);
		}
		px->best = 0;
		/* RFC3261 21.1.3: 181 Call Is Being Forwarded */
		uas_answer(w, px->st, 181, NULL, NULL);
		forward_to(px, uri);
		check_done(px);
		return;
	}
	/* sequential forking: this group had its time: the next one */
	for (unsigned i = 0; i < px->nbr; i++)
		if (px->br[i]->state == BR_SENT) {
			px->br[i]->ignore = true;
			br_cancel(px->br[i], NULL);
		}
}

/* The no-answer time runs while later targets wait (sequential forking)
 * or a no-answer forwarding is set. */
static void no_answer_arm(struct pctx *px)
{
	if (px->invite && px->no_answer_ms &&
	    ((px->fwd_no_answer && !px->forwarded) || any_idle(px)))
		tz_timer_start(wheel(px), &px->no_answer, px->no_answer_ms,
		               no_answer, px);
}

static void st_err(int err, void *arg)
{
	(void)err;
	(void)arg; /* Timer H or a transport error upstream: the branches
	              end by themselves */
}

void pctx_cancel(struct pctx *px)
{
	if (px->final_sent)
		return;
	px->cancelled = true;
	px->stop = true;
	cancel_others(px, NULL, NULL);
	check_done(px);
}

void pctx_start(struct worker *w, struct tz_msg *m,
                const struct tz_tp_dest *src, const struct popts *o,
                const struct ptarget *t, unsigned n)
{
	struct pctx *px = tz_malloc(sizeof(*px));
	struct tz_tp_dest dst;
	bool ok = px != NULL;
	unsigned i;

	if (px) {
		memset(px, 0, sizeof(*px));
		px->magic = PCTX_MAGIC;
		px->w = w;
		px->src = *src;
		px->invite = tz_span_eq(m->buf, m->method, "INVITE");
		px->rr = o->rr;
		px->strip_pai = o->strip_pai;
		px->account = o->account;
		px->no_answer_ms = o->no_answer_ms;
		px->start_ms = srv_wall_ms();
		tz_buf_init(&px->auth);
		tz_timer_init(&px->no_answer);
		tz_timer_init(&px->linger);
		w->contexts++;
		px->pai = dup_s(o->pai);
		px->realm = dup_s(o->realm);
		px->callee = dup_s(o->callee);
		px->fwd_busy = dup_s(o->fwd_busy);
		px->fwd_no_answer = dup_s(o->fwd_no_answer);
		ok = (!o->pai || px->pai) && (!o->realm || px->realm) &&
		     (!o->callee || px->callee) &&
		     (!o->fwd_busy || px->fwd_busy) &&
		     (!o->fwd_no_answer || px->fwd_no_answer);
		for (i = 0; ok && i < n; i++)
			ok = br_add(px, &t[i]) != NULL;
	}
	tz_resp_dest(m, src, &dst);
	if (ok)
		ok = tz_tsx_server_alloc(&px->st, w->tsx, m, &dst, 0, st_err,
		                         px) == 0;
	if (!ok) {
		/* out of memory: no answer; the client retransmits */
		tz_log(TZ_LOG_WARN, "no memory for a proxy context");
		if (px)
			pctx_free(px);
		return;
	}
	px->req = tz_tsx_request(px->st);
	/* RFC3261 16.2: 100 Trying at once for an INVITE we forward */
	if (px->invite)
		uas_answer(w, px->st, 100, NULL, NULL);
	start_group(px);
	no_answer_arm(px);
	check_done(px);
}
