/*
 * call.c  INVITE sessions (RFC 3261 13-15) as UAC and UAS: the initial
 * INVITE with our SDP offer (RFC 3264 5), provisional responses and early
 * dialogs, the 2xx and its ACK (13.2.2.4; extra 2xx of a fork are ACKed
 * and ended with BYE), CANCEL only after a provisional (9.1), the UAS
 * answer with 2xx retransmission until the ACK (13.3.1.4), CANCEL and BYE
 * received (9.2, 15.1.2), and re-INVITE for hold and resume (14, RFC 3264
 * 8.4) with 491 glare handling (14.1, 14.2).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_hval.h"
#include "tz/tz_mem.h"
#include "tz/tz_msg_typed.h"
#include "tz/tz_rand.h"
#include "tz/tz_transport.h"
#include "ua_int.h"

#define SDP_TYPE "application/sdp"

static void forks_drop(struct ua_call *c);

static void call_free(struct ua_call *c)
{
	struct tz_ua *ua = c->ua;
	struct ua_call **pp;

	for (pp = &ua->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	tz_timer_cancel(&c->ok_timer);
	tz_timer_cancel(&c->glare);
	tz_timer_cancel(&c->free_timer);
	tz_timer_cancel(&c->st_timer);
	tz_timer_cancel(&c->prov_timer);
	tz_buf_free(&c->prov);
	ua_req_free(c->inv);
	ua_req_free(c->ack);
	ua_req_free(c->reinv);
	ua_req_free(c->bye);
	tz_mem_deref(c->st);
	tz_mem_deref(c->dlg);
	forks_drop(c);
	tz_buf_free(&c->ok);
	tz_free(c->offer);
	ua_refer_put(c->xfer);
	tz_free(c);
}

static void free_later(void *arg)
{
	call_free(arg);
}

/* The call is over: report it once, free it from the loop (the caller
 * may still be using it). */
static void call_end(struct ua_call *c, int code, bool remote)
{
	if (c->dead)
		return;
	c->dead = true;
	if (c->xfer && c->state != TZ_UA_CALL_CONFIRMED)
		ua_refer_outcome(c, code ? code : 500);
	c->state = TZ_UA_CALL_NONE;
	tz_timer_cancel(&c->ok_timer);
	tz_timer_cancel(&c->glare);
	tz_timer_cancel(&c->st_timer);
	ua_prack_stop(c);
	ua_event(c->ua, TZ_UA_EV_ENDED, c, code, remote, NULL);
	tz_timer_start(c->ua->wheel, &c->free_timer, 0, free_later, c);
}

void ua_call_end(struct ua_call *c, int code, bool remote)
{
	call_end(c, code, remote);
}

void ua_call_free_all(struct tz_ua *ua)
{
	while (ua->calls)
		call_free(ua->calls);
}

struct ua_call *ua_call_find(const struct tz_ua *ua, const char *id)
{
	for (struct ua_call *c = ua->calls; c; c = c->next)
		if (!c->dead && !strcmp(c->id, id))
			return c;
	return NULL;
}

struct ua_call *ua_call_match(const struct tz_ua *ua, const struct tz_msg *m)
{
	for (struct ua_call *c = ua->calls; c; c = c->next)
		if (!c->dead && c->dlg && tz_dlg_match(c->dlg, m))
			return c;
	return NULL;
}

/* Our media capabilities: one audio stream on the bound RTP port with
 * PCMU, PCMA and telephone-event (RFC 3551, RFC 4733). */
static void sdp_caps(struct tz_ua *ua, struct tz_sdp_local *l)
{
	struct tz_sdp_local_media *md = &l->media[0];

	memset(l, 0, sizeof(*l));
	l->sess_id = tz_rand64() >> 34;
	l->sess_version = 1;
	l->name = "tzphone";
	l->addr = ua->lhost;
	l->nmedia = 1;
	md->type = "audio";
	md->port = ua->rtp_port;
	md->ptime = 20;
	md->dir = TZ_SDP_DIR_SENDRECV;
	md->ncodec = 3;
	md->codecs[0] = (struct tz_sdp_codec){0, "PCMU", 8000, 0, NULL};
	md->codecs[1] = (struct tz_sdp_codec){8, "PCMA", 8000, 0, NULL};
	md->codecs[2] =
	        (struct tz_sdp_codec){101, "telephone-event", 8000, 0, "0-16"};
}

static struct ua_call *call_new(struct tz_ua *ua, bool uac)
{
	struct ua_call *c = tz_malloc(sizeof(*c));

	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->ua = ua;
	c->uac = uac;
	snprintf(c->id, sizeof(c->id), "%u", ua->next_call++);
	tz_buf_init(&c->ok);
	tz_timer_init(&c->ok_timer);
	tz_timer_init(&c->glare);
	tz_timer_init(&c->free_timer);
	tz_timer_init(&c->st_timer);
	tz_timer_init(&c->prov_timer);
	tz_buf_init(&c->prov);
	sdp_caps(ua, &c->sdp);
	c->next = ua->calls;
	ua->calls = c;
	return c;
}

/* ---- UAC ---- */

static void ignore_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	if (err || resp->status >= 200)
		ua_req_free(r);
}

/* An ACK for a 2xx in dialog @p d (RFC3261 13.2.2.4: the INVITE's CSeq,
 * a new branch, straight to the transport). */
static struct ua_req *send_ack(struct tz_ua *ua, struct tz_dlg *d,
                               uint32_t cseq)
{
	struct ua_req *r = ua_req_new(ua, "ACK", ignore_resp, NULL);

	if (!r)
		return NULL;
	r->dlg = tz_mem_ref(d);
	r->no_tsx = true;
	r->fixed_cseq = true;
	r->cseq = cseq;
	r->final = true;
	if (ua_req_send(r)) {
		ua_req_free(r);
		return NULL;
	}
	return r;
}

static int send_bye(struct tz_ua *ua, struct tz_dlg *d, ua_resp_h *h, void *arg,
                    struct ua_req **rp)
{
	struct ua_req *r = ua_req_new(ua, "BYE", h, arg);
	int err;

	if (!r)
		return -ENOMEM;
	r->dlg = tz_mem_ref(d);
	err = ua_req_send(r);
	if (err) {
		ua_req_free(r);
		return err;
	}
	if (rp)
		*rp = r;
	return 0;
}

/* RFC3261 13.2.2.4: a 2xx that is not the call's (another fork, or after
 * we gave up): ACK it, then end that dialog with BYE. */
static void stray_2xx(struct tz_ua *ua, struct ua_req *inv,
                      const struct tz_msg *resp)
{
	const struct tz_msg *req = inv->t ? tz_tsx_request(inv->t) : NULL;
	struct tz_dlg *d;
	struct ua_req *ack;

	if (!req || tz_dlg_uac_alloc(&d, req, resp))
		return;
	ack = send_ack(ua, d, inv->cseq);
	if (ack)
		ack->arg = NULL;
	ua_req_free(ack);
	send_bye(ua, d, ignore_resp, NULL, NULL);
	tz_mem_deref(d);
}

static void cancel_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	ignore_resp(r, err, resp);
}

/* RFC3261 9.1: CANCEL with the INVITE's Request-URI, Call-ID, To, From,
 * CSeq number and top Via, to where the INVITE went. */
static void send_cancel(struct ua_call *c)
{
	struct ua_req *inv = c->inv, *r;

	r = ua_req_new(c->ua, "CANCEL", cancel_resp, NULL);
	if (!r)
		return;
	memcpy(r->ruri, inv->ruri, sizeof(r->ruri));
	memcpy(r->to, inv->to, sizeof(r->to));
	memcpy(r->from, inv->from, sizeof(r->from));
	memcpy(r->from_tag, inv->from_tag, sizeof(r->from_tag));
	memcpy(r->call_id, inv->call_id, sizeof(r->call_id));
	memcpy(r->via, inv->via, sizeof(r->via));
	memcpy(r->branch, inv->branch, sizeof(r->branch));
	r->cseq = inv->cseq;
	r->dst = inv->dst;
	r->have_dst = true;
	r->keep_branch = true;
	if (ua_req_send(r))
		ua_req_free(r);
	c->cancel_pending = false;
}

/* Make the early dialog matching @p resp current (c->dlg), or none. */
static void fork_use(struct ua_call *c, const struct tz_msg *resp)
{
	for (unsigned i = 0; i < c->nforks; i++) {
		if (tz_dlg_match(c->forks[i], resp)) {
			tz_mem_deref(c->dlg);
			c->dlg = tz_mem_ref(c->forks[i]);
			return;
		}
	}
	c->dlg = tz_mem_deref(c->dlg);
}

static void forks_drop(struct ua_call *c)
{
	while (c->nforks) {
		c->nforks--;
		c->forks[c->nforks] = tz_mem_deref(c->forks[c->nforks]);
		c->fork_rseq[c->nforks] = 0;
	}
}

/* An early dialog for the fork that sent @p resp (RFC3261 12.1.2), made
 * current; a fork beyond UA_FORKS keeps none. */
static void fork_add(struct ua_call *c, const struct tz_msg *req,
                     const struct tz_msg *resp)
{
	struct tz_dlg *d;

	fork_use(c, resp);
	if (c->dlg || c->nforks == UA_FORKS || tz_dlg_uac_alloc(&d, req, resp))
		return;
	c->forks[c->nforks++] = d;
	c->dlg = tz_mem_ref(d);
}

static void got_2xx(struct ua_call *c, struct ua_req *r,
                    const struct tz_msg *resp)
{
	struct tz_ua *ua = c->ua;
	const struct tz_msg *req = r->t ? tz_tsx_request(r->t) : NULL;
	int err = 0;

	if (c->dlg && !c->dlg->early) {
		/* RFC3261 13.2.2.4: a retransmission gets the same ACK; a
		 * 2xx of another fork its own ACK and a BYE */
		if (tz_dlg_match(c->dlg, resp) && c->ack)
			ua_req_resend_ack(c->ack);
		else
			stray_2xx(ua, r, resp);
		return;
	}
	/* RFC3261 13.2.2.4: the early dialog of this fork, if it had one,
	 * is confirmed; the other forks' early dialogs are dropped */
	fork_use(c, resp);
	forks_drop(c);
	if (c->dlg)
		err = tz_dlg_confirm(c->dlg, resp);
	else if (req)
		err = tz_dlg_uac_alloc(&c->dlg, req, resp);
	else
		err = -EINVAL;
	if (err) {
		ua_error(ua, "cannot make a dialog from the 2xx");
		call_end(c, 500, false);
		return;
	}
	c->ack = send_ack(ua, c->dlg, r->cseq);
	c->state = TZ_UA_CALL_CONFIRMED;
	ua_st_uac(c, (struct tz_msg *)resp);
	if (c->xfer)
		ua_refer_outcome(c, resp->status);
	if (c->hangup_pending) {
		/* RFC3261 9.1: the CANCEL lost the race: BYE after the ACK */
		tz_ua_hangup(ua, c->id);
		return;
	}
	ua_event(ua, TZ_UA_EV_ESTABLISHED, c, 200, true, NULL);
}

static void inv_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	struct ua_call *c = r->arg;
	struct tz_ua *ua = c->ua;

	if (c->dead) {
		if (!err && resp->status >= 200 && resp->status < 300)
			stray_2xx(ua, r, resp);
		return;
	}
	if (err) {
		/* STYLE.md rule 6: no answer is a 408 */
		if (c->state == TZ_UA_CALL_CALLING ||
		    c->state == TZ_UA_CALL_ENDING)
			call_end(c, err == -ETIMEDOUT ? 408 : 503, false);
		return;
	}
	if (resp->status < 200) {
		if (resp->status == 100)
			return;
		c->got_prov = true;
		if (c->cancel_pending) {
			send_cancel(c);
			return;
		}
		/* RFC3261 12.1.2, 13.2.2.4: a provisional with a To tag
		 * makes an early dialog, one per fork */
		if (resp->to.has_tag && resp->to.tag.len && r->t &&
		    (!c->dlg || c->dlg->early))
			fork_add(c, tz_tsx_request(r->t), resp);
		/* RFC3262 4: PRACK a reliable one; a copy is dropped */
		if (!ua_prack_recv(c, resp))
			return;
		if (c->state == TZ_UA_CALL_CALLING && resp->status >= 180 &&
		    resp->status <= 183)
			ua_event(ua, TZ_UA_EV_PROGRESS, c, resp->status, true,
			         NULL);
		return;
	}
	if (resp->status < 300) {
		got_2xx(c, r, resp);
		return;
	}
	if (resp->status == 422 && !c->st_retried && !c->hangup_pending &&
	    !ua_st_422(ua, c, (struct tz_msg *)resp)) {
		/* RFC4028 7.4: once more with the interval asked for */
		c->st_retried = true;
		ua_st_request_hdrs(ua, c, r->st, sizeof(r->st));
		if (!ua_req_retry(r))
			return;
	}
	/* a final failure: the call never started; 487 after our CANCEL
	 * was ours to cause */
	call_end(c, resp->status,
	         !(resp->status == 487 && c->state == TZ_UA_CALL_ENDING));
}

static int print_offer(struct ua_call *c, struct tz_buf *b)
{
	tz_sdp_local_print(b, &c->sdp);
	return b->err;
}

int ua_call_offer(struct ua_call *c, struct tz_buf *b)
{
	return print_offer(c, b);
}

int tz_ua_call(struct tz_ua *ua, const char *uri, unsigned flags, char *id,
               size_t idlen)
{
	struct ua_call *c;
	int err = ua_call_place(ua, uri, flags, NULL, &c);

	if (!err)
		snprintf(id, idlen, "%s", c->id);
	return err;
}

int ua_call_place(struct tz_ua *ua, const char *uri, unsigned flags,
                  const char *hdrs, struct ua_call **cp)
{
	struct tz_uri u;
	struct ua_call *c;
	struct ua_req *r;
	struct tz_buf b;
	int err;

	if (tz_uri_parse(&u, uri, 0, (uint32_t)strlen(uri)) ||
	    (u.scheme != TZ_URI_SIP && u.scheme != TZ_URI_SIPS) ||
	    strlen(uri) >= TZ_DLG_STR - 2)
		return -EINVAL;
	c = call_new(ua, true);
	if (!c)
		return -ENOMEM;
	snprintf(c->peer, sizeof(c->peer), "%s", uri);
	r = ua_req_new(ua, "INVITE", inv_resp, c);
	if (!r) {
		call_free(c);
		return -ENOMEM;
	}
	c->inv = r;
	snprintf(r->ruri, sizeof(r->ruri), "%s", uri);
	snprintf(r->to, sizeof(r->to), "<%s>", uri);
	if (flags & TZ_UA_CALL_ANONYMOUS) {
		/* RFC3323 4.1.1.3: an anonymous From; Privacy: id asks the
		 * network to hide the asserted identity (RFC 3325 9.3) */
		snprintf(r->from, sizeof(r->from),
		         "\"Anonymous\" <sip:anonymous@anonymous.invalid>");
	} else {
		snprintf(r->from, sizeof(r->from), "<%s>", ua->aor_uri);
	}
	snprintf(r->hdrs, sizeof(r->hdrs), "%sAllow: %s\r\n%s%s%s",
	         (flags & TZ_UA_CALL_ANONYMOUS) ? "Privacy: id\r\n" : "",
	         UA_ALLOW, UA_SUPPORTED,
	         ua->rel100 ? "Supported: 100rel\r\n" : "", hdrs ? hdrs : "");
	ua_rand_hex(r->from_tag, sizeof(r->from_tag));
	snprintf(r->call_id, sizeof(r->call_id), "%016llx@%s",
	         (unsigned long long)tz_rand64(), ua->lhost);
	r->cseq = 1;
	r->contact = true;
	ua_st_request_hdrs(ua, NULL, r->st, sizeof(r->st));
	tz_buf_init(&b);
	err = print_offer(c, &b);
	if (!err)
		err = ua_req_set_body(r, SDP_TYPE, b.p, b.len);
	tz_buf_free(&b);
	if (!err)
		err = ua_req_send(r);
	if (err) {
		call_free(c);
		return err;
	}
	c->state = TZ_UA_CALL_CALLING;
	ua_event(ua, TZ_UA_EV_CALLING, c, 0, false, NULL);
	*cp = c;
	return 0;
}

/* ---- UAS ---- */

/* RFC3261 13.3.1.4: the 2xx is resent at T1, doubling to T2, until the
 * ACK; after 64*T1 without one the session ends with a BYE. */
static void ok_tick(void *arg)
{
	struct ua_call *c = arg;
	struct tz_ua *ua = c->ua;

	if (!c->wait_ack)
		return;
	c->ok_spent += c->ok_iv;
	if (c->ok_spent >= 64 * ua->t1) {
		c->wait_ack = false;
		send_bye(ua, c->dlg, ignore_resp, NULL, NULL);
		call_end(c, 408, false);
		return;
	}
	tz_transport_send(ua->tp, c->ok.p, c->ok.len, &c->st_dst);
	c->ok_iv = c->ok_iv * 2 < ua->t2 ? c->ok_iv * 2 : ua->t2;
	tz_timer_start(ua->wheel, &c->ok_timer, c->ok_iv, ok_tick, c);
}

/* Send a 2xx to the INVITE of c->st with @p body, kept for resending. */
static int send_2xx(struct ua_call *c, const char *body, size_t len)
{
	struct tz_ua *ua = c->ua;
	int err = ua_reply(ua, c->st, 200, c->dlg->local_tag,
	                   c->st_hdrs[0] ? c->st_hdrs : NULL, SDP_TYPE, body,
	                   len, true);

	if (err)
		return err;
	tz_buf_reset(&c->ok);
	tz_buf_put(&c->ok, ua->out.p, ua->out.len);
	c->wait_ack = !c->ok.err;
	c->ok_iv = ua->t1;
	c->ok_spent = 0;
	if (c->wait_ack)
		tz_timer_start(ua->wheel, &c->ok_timer, c->ok_iv, ok_tick, c);
	ua_st_start(c);
	return 0;
}

/* RFC3264 6: the answer to @p offer (or, without one, our offer: the
 * answer then comes in the ACK, RFC 3261 13.2.1) into @p b. */
static int make_answer(struct ua_call *c, const char *offer, size_t len,
                       struct tz_buf *b, bool *held)
{
	struct tz_ua *ua = c->ua;
	struct tz_sdp_neg neg;
	int err;

	*held = false;
	if (!offer)
		return print_offer(c, b);
	err = tz_sdp_parse(ua->sdp, offer, len);
	if (err)
		return err;
	*held = tz_sdp_held(ua->sdp);
	/* the o= version moves when the answer changes (RFC 3264 8) */
	err = tz_sdp_answer(b, ua->sdp, &c->sdp, NULL, &neg);
	if (!err && !neg.naccepted)
		return -ENOTSUP;
	c->sdp.sess_version++;
	return err;
}

/* Keep a copy of the received body, if any, as the offer. */
static int keep_offer(struct ua_call *c, struct tz_msg *m)
{
	tz_free(c->offer);
	c->offer = NULL;
	c->offer_len = 0;
	if (!m->body.len)
		return 0;
	c->offer = tz_malloc(m->body.len);
	if (!c->offer)
		return -ENOMEM;
	memcpy(c->offer, m->buf + m->body.off, m->body.len);
	c->offer_len = m->body.len;
	return 0;
}

/* RFC3261 8.2.3, RFC 3264 6: a body we cannot use: 415 for another
 * type, 488 for an offer we cannot answer. 0 when acceptable. */
static int check_offer(struct tz_ua *ua, struct tz_msg *m)
{
	const struct tz_mtype *mt;
	struct tz_sdp_local caps;
	struct tz_sdp_neg neg;
	struct tz_buf b;
	int err;

	if (!m->body.len)
		return 0;
	if (tz_msg_ctype(m, &mt) ||
	    !tz_span_eqi(m->buf, mt->type, "application") ||
	    !tz_span_eqi(m->buf, mt->subtype, "sdp"))
		return 415;
	if (tz_sdp_parse(ua->sdp, m->buf + m->body.off, m->body.len))
		return 400;
	sdp_caps(ua, &caps);
	tz_buf_init(&b);
	err = tz_sdp_answer(&b, ua->sdp, &caps, NULL, &neg);
	tz_buf_free(&b);
	if (err == -ENOMEM)
		return 500;
	return err || !neg.naccepted ? 488 : 0;
}

/* RFC3323 4.1.1.3, RFC 3325 9.3: an anonymous caller: the anonymous
 * From of RFC 3323, or Privacy: id. */
static bool is_anonymous(const struct tz_msg *m)
{
	const struct tz_hdr *h = tz_msg_hdr_find(m, TZ_HDR_PRIVACY, 0);
	const struct tz_uri *u = &m->from.u;

	if (h && tz_privacy_has(m->buf, h->value, "id"))
		return true;
	return tz_span_eqi(m->buf, u->host, "anonymous.invalid") ||
	       tz_span_eqi(m->buf, u->user, "anonymous");
}

static unsigned calls_live(const struct tz_ua *ua)
{
	unsigned n = 0;

	for (const struct ua_call *c = ua->calls; c; c = c->next)
		n++;
	return n;
}

/* RFC3891 3: the confirmed call a Replaces header names (to-tag: our
 * tag, from-tag: the peer's); -ENOENT when there is none. */
static int replaced(struct tz_ua *ua, struct tz_msg *m, struct ua_call **oldp)
{
	const struct tz_replaces *rp;
	struct ua_call *c;
	int err = tz_msg_replaces(m, &rp);

	*oldp = NULL;
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	for (c = ua->calls; c; c = c->next) {
		if (c->dead || !c->dlg || c->state != TZ_UA_CALL_CONFIRMED)
			continue;
		if (tz_span_eq(m->buf, rp->call_id, c->dlg->call_id) &&
		    tz_span_eq(m->buf, rp->to_tag, c->dlg->local_tag) &&
		    tz_span_eq(m->buf, rp->from_tag, c->dlg->remote_tag)) {
			*oldp = c;
			return 0;
		}
	}
	return -ENOENT;
}

void ua_call_invite(struct tz_ua *ua, struct tz_msg *m,
                    const struct tz_tp_dest *src)
{
	struct ua_call *c, *old;
	char tag[24], sthdrs[64];
	int code = check_offer(ua, m), err;

	if (!code)
		code = ua_st_check(ua, m, sthdrs, sizeof(sthdrs));
	/* a bound on what the network can make us keep: 486 beyond it */
	if (!code && calls_live(ua) >= UA_MAX_CALLS)
		code = 486;
	if (!code) {
		err = replaced(ua, m, &old);
		/* RFC3891 3: no such dialog: 481; a bad header: 400 */
		code = err == -ENOENT ? 481 : err ? 400 : 0;
	}
	if (code) {
		ua_reply_sl(ua, m, src, code,
		            code == 415   ? "Accept: application/sdp\r\n"
		            : code == 422 ? sthdrs
		                          : NULL);
		return;
	}
	c = call_new(ua, false);
	if (!c) {
		ua_reply_sl(ua, m, src, 500, NULL);
		return;
	}
	/* RFC3261 17.2.1: the transaction answers 100 if we are slow */
	err = tz_tsx_server_alloc(&c->st, ua->tsx, m, src, TZ_TSX_AUTO_100,
	                          NULL, NULL);
	if (err) {
		call_free(c);
		return;
	}
	c->st_dst = *src;
	snprintf(c->peer, sizeof(c->peer), "%.*s", (int)m->from.uri.len,
	         m->buf + m->from.uri.off);
	c->anonymous = is_anonymous(m);
	c->inv_cseq = m->cseq;
	c->peer_100rel = ua_msg_option(m, "100rel");
	ua_st_uas(c, m, c->st_hdrs, sizeof(c->st_hdrs));
	ua_rand_hex(tag, sizeof(tag));
	err = keep_offer(c, m);
	if (!err)
		err = tz_dlg_uas_alloc(&c->dlg, m, tag, true);
	if (err) {
		ua_reply(ua, c->st, err == -ENOMEM ? 500 : 400, tag, NULL, NULL,
		         NULL, 0, false);
		call_free(c);
		return;
	}
	/* the application rings (tz_ua_ring) or answers: RFC3261 13.3.1.1
	 * leaves alerting to it, and a refusal needs no 180 first */
	c->state = TZ_UA_CALL_INCOMING;
	ua_event(ua, TZ_UA_EV_INCOMING, c, 0, true, NULL);
	if (old) {
		/* RFC3891 3: the new call takes the place of the old one
		 * without asking the user: answer it, end the old with BYE */
		tz_ua_answer(ua, c->id);
		tz_ua_hangup(ua, old->id);
	}
}

static struct ua_call *incoming(struct tz_ua *ua, const char *id, int *err)
{
	struct ua_call *c = ua_call_find(ua, id);

	*err = !c ? -ENOENT : c->state != TZ_UA_CALL_INCOMING ? -EPROTO : 0;
	return *err ? NULL : c;
}

int tz_ua_ring(struct tz_ua *ua, const char *id, int code)
{
	int err;
	struct ua_call *c = incoming(ua, id, &err);

	if (!c)
		return err;
	if (code <= 100 || code > 199)
		return -EINVAL;
	/* RFC3262 3: reliably when both sides support it */
	if (ua->rel100 && c->peer_100rel)
		return ua_prack_ring(c, code);
	return ua_reply(ua, c->st, code, c->dlg->local_tag, NULL, NULL, NULL, 0,
	                true);
}

int tz_ua_answer(struct tz_ua *ua, const char *id)
{
	int err;
	struct ua_call *c = incoming(ua, id, &err);
	struct tz_buf b;
	bool held;

	if (!c)
		return err;
	tz_buf_init(&b);
	if (c->prov_offered) {
		/* RFC3262 5: offer and answer went in the reliable 18x and
		 * its PRACK: the 2xx carries no session description */
		held = c->held_remote;
		err = 0;
	} else {
		err = make_answer(c, c->offer, c->offer_len, &b, &held);
	}
	if (!err)
		err = send_2xx(c, b.len ? b.p : NULL, b.len);
	tz_buf_free(&b);
	if (err)
		return err;
	tz_dlg_confirm(c->dlg, NULL);
	c->held_remote = held;
	c->state = TZ_UA_CALL_CONFIRMED;
	c->established_on_ack = true;
	return 0;
}

int tz_ua_reject(struct tz_ua *ua, const char *id, int code)
{
	int err;
	struct ua_call *c = incoming(ua, id, &err);

	if (!c)
		return err;
	if (code < 300 || code > 699)
		return -EINVAL;
	err = ua_reply(ua, c->st, code, c->dlg->local_tag, NULL, NULL, NULL, 0,
	               false);
	call_end(c, code, false);
	return err;
}

void ua_call_ack(struct tz_ua *ua, struct tz_msg *m)
{
	struct ua_call *c = ua_call_match(ua, m);

	if (!c || !c->wait_ack)
		return;
	/* RFC3261 13.3.1.4: the ACK ends the 2xx retransmissions */
	c->wait_ack = false;
	tz_timer_cancel(&c->ok_timer);
	if (c->established_on_ack) {
		c->established_on_ack = false;
		ua_event(ua, TZ_UA_EV_ESTABLISHED, c, 200, false, NULL);
	}
	if (c->hangup_pending)
		tz_ua_hangup(ua, c->id);
}

void ua_call_cancel(struct tz_ua *ua, struct tz_msg *m,
                    const struct tz_tp_dest *src)
{
	struct tz_tsx *inv = tz_tsx_find_cancel(ua->tsx, m);
	struct ua_call *c;

	/* RFC3261 9.2: no matching transaction: 481 */
	if (!inv) {
		ua_reply_sl(ua, m, src, 481, NULL);
		return;
	}
	ua_reply_sl(ua, m, src, 200, NULL);
	for (c = ua->calls; c; c = c->next) {
		if (c->st != inv || c->dead || c->state != TZ_UA_CALL_INCOMING)
			continue;
		/* RFC3261 9.2: the INVITE is answered 487 */
		ua_reply(ua, c->st, 487, c->dlg->local_tag, NULL, NULL, NULL, 0,
		         false);
		call_end(c, 487, true);
		return;
	}
}

static void bye_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	struct ua_call *c = r->arg;

	if (!err && resp->status < 200)
		return;
	/* the call ended with our BYE whatever its answer (RFC3261 15.1.1:
	 * even 481 or no answer) */
	call_end(c, 200, false);
}

int tz_ua_hangup(struct tz_ua *ua, const char *id)
{
	struct ua_call *c = ua_call_find(ua, id);
	int err;

	if (!c)
		return -ENOENT;
	switch (c->state) {
	case TZ_UA_CALL_CALLING:
		/* RFC3261 9.1: CANCEL only after a provisional */
		c->state = TZ_UA_CALL_ENDING;
		c->hangup_pending = true;
		if (c->got_prov)
			send_cancel(c);
		else
			c->cancel_pending = true;
		return 0;
	case TZ_UA_CALL_INCOMING:
		return tz_ua_reject(ua, id, 603);
	case TZ_UA_CALL_CONFIRMED:
		if (c->wait_ack) {
			/* RFC3261 15: no BYE before the ACK of our 2xx */
			c->hangup_pending = true;
			return 0;
		}
		c->state = TZ_UA_CALL_ENDING;
		err = send_bye(ua, c->dlg, bye_resp, c, &c->bye);
		if (err)
			call_end(c, 200, false);
		return 0;
	default:
		return 0;
	}
}

/* ---- re-INVITE: hold and resume ---- */

static void glare_retry(void *arg);

static void reinv_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	struct ua_call *c = r->arg;
	struct tz_ua *ua = c->ua;
	uint64_t ms;

	if (c->dead || (!err && resp->status < 200))
		return;
	if (!err && resp->status < 300) {
		if (c->ack && c->ack->cseq == r->cseq) {
			ua_req_resend_ack(c->ack); /* a 2xx copy */
			return;
		}
		/* RFC3261 12.2.1.2: a 2xx to a re-INVITE refreshes the
		 * target */
		tz_dlg_refresh(c->dlg, resp);
		ua_req_free(c->ack);
		c->ack = send_ack(ua, c->dlg, r->cseq);
		ua_st_uac(c, (struct tz_msg *)resp);
		if (c->reinv_refresh && c->held_local == c->reinv_hold)
			return;
		c->held_local = c->reinv_hold;
		ua_event(ua, c->reinv_hold ? TZ_UA_EV_HELD : TZ_UA_EV_RESUMED,
		         c, 200, false, NULL);
		return;
	}
	if (err || resp->status == 408 || resp->status == 481) {
		/* RFC3261 12.2.1.2: 481 or 408 ends the dialog */
		send_bye(ua, c->dlg, ignore_resp, NULL, NULL);
		call_end(c, err ? 408 : resp->status, true);
		return;
	}
	if (resp->status == 422 && !ua_st_422(ua, c, (struct tz_msg *)resp)) {
		/* RFC4028 7.4: again with the Min-SE asked for */
		ua_st_request_hdrs(ua, c, r->st, sizeof(r->st));
		if (!ua_req_retry(r))
			return;
	}
	if (resp->status == 491) {
		/* RFC3261 14.1: the owner of the Call-ID waits 2.1-4 s, the
		 * other side 0-2 s, in units of 10 ms */
		ms = c->uac ? 2100 + (tz_rand64() % 191) * 10
		            : (tz_rand64() % 201) * 10;
		c->glare_hold = c->reinv_hold;
		c->glare_refresh = c->reinv_refresh;
		tz_timer_start(ua->wheel, &c->glare, ms, glare_retry, c);
		return;
	}
	ua_error(ua, "re-INVITE refused");
}

static int reinvite(struct ua_call *c, bool hold, bool refresh)
{
	struct tz_ua *ua = c->ua;
	struct ua_req *r;
	struct tz_buf b;
	int err;

	if (c->state != TZ_UA_CALL_CONFIRMED)
		return -EPROTO;
	/* RFC3261 14.1: no re-INVITE while another INVITE is pending */
	if ((c->reinv && !c->reinv->final) || c->wait_ack ||
	    tz_timer_active(&c->glare))
		return -EBUSY;
	r = ua_req_new(ua, "INVITE", reinv_resp, c);
	if (!r)
		return -ENOMEM;
	r->dlg = tz_mem_ref(c->dlg);
	r->contact = true;
	snprintf(r->hdrs, sizeof(r->hdrs), "Allow: %s\r\n%s", UA_ALLOW,
	         UA_SUPPORTED);
	/* RFC4028 7.4: a session refresh (any re-INVITE) names the
	 * interval; we send it, so we are the refresher */
	ua_st_request_hdrs(ua, c, r->st, sizeof(r->st));
	tz_buf_init(&b);
	/* RFC3264 8.4: hold is sendonly (inactive if we only received) */
	if (hold)
		tz_sdp_local_hold(&b, &c->sdp);
	else
		tz_sdp_local_resume(&b, &c->sdp);
	err = b.err ? b.err : ua_req_set_body(r, SDP_TYPE, b.p, b.len);
	tz_buf_free(&b);
	if (!err)
		err = ua_req_send(r);
	if (err) {
		ua_req_free(r);
		return err;
	}
	ua_req_free(c->reinv);
	c->reinv = r;
	c->reinv_hold = hold;
	c->reinv_refresh = refresh;
	return 0;
}

static void glare_retry(void *arg)
{
	struct ua_call *c = arg;

	if (reinvite(c, c->glare_hold, c->glare_refresh))
		ua_error(c->ua, "re-INVITE retry failed");
}

int tz_ua_hold(struct tz_ua *ua, const char *id, bool hold)
{
	struct ua_call *c = ua_call_find(ua, id);

	if (!c)
		return -ENOENT;
	return reinvite(c, hold, false);
}

int ua_call_refresh(struct ua_call *c)
{
	/* RFC4028 10: the refresh is a re-INVITE with the same session */
	return reinvite(c, c->held_local, true);
}

void ua_call_expired(struct ua_call *c)
{
	/* RFC4028 10: no refresh came: BYE, and the call is over */
	send_bye(c->ua, c->dlg, ignore_resp, NULL, NULL);
	call_end(c, 408, false);
}

/* A re-INVITE received (RFC3261 14.2). */
static void got_reinvite(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                         const struct tz_tp_dest *src)
{
	struct tz_buf b;
	char sthdrs[64];
	bool held;
	int code, err;

	if (c->state != TZ_UA_CALL_CONFIRMED) {
		ua_reply_sl(ua, m, src, 491, NULL);
		return;
	}
	/* RFC3261 14.2: our own re-INVITE pending: 491; our 2xx to an
	 * INVITE not yet ACKed: 500 with Retry-After */
	if (c->reinv && !c->reinv->final) {
		ua_reply_sl(ua, m, src, 491, NULL);
		return;
	}
	if (c->wait_ack) {
		ua_reply_sl(ua, m, src, 500, "Retry-After: 1\r\n");
		return;
	}
	code = check_offer(ua, m);
	if (!code)
		code = ua_st_check(ua, m, sthdrs, sizeof(sthdrs));
	if (code) {
		ua_reply_sl(ua, m, src, code, code == 422 ? sthdrs : NULL);
		return;
	}
	tz_mem_deref(c->st);
	c->st = NULL;
	if (tz_tsx_server_alloc(&c->st, ua->tsx, m, src, TZ_TSX_AUTO_100, NULL,
	                        NULL))
		return;
	c->st_dst = *src;
	/* RFC4028 9: the session interval of this refresh */
	ua_st_uas(c, m, c->st_hdrs, sizeof(c->st_hdrs));
	/* RFC3261 12.2.2: a re-INVITE refreshes the remote target */
	tz_dlg_refresh(c->dlg, m);
	tz_buf_init(&b);
	err = make_answer(c, m->body.len ? m->buf + m->body.off : NULL,
	                  m->body.len, &b, &held);
	if (!err)
		err = send_2xx(c, b.p, b.len);
	tz_buf_free(&b);
	if (err) {
		ua_reply(ua, c->st, 500, NULL, NULL, NULL, NULL, 0, false);
		return;
	}
	if (!m->body.len || held == c->held_remote)
		return;
	c->held_remote = held;
	ua_event(ua, held ? TZ_UA_EV_HELD : TZ_UA_EV_RESUMED, c, 0, true, NULL);
}

/* An UPDATE received (RFC 3311 5.2): a target refresh, a session
 * refresh (RFC 4028), and, with a body, an offer answered in the 200,
 * early (before our 2xx) or in a confirmed call. */
void ua_call_update(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                    const struct tz_tp_dest *src)
{
	char sthdrs[128] = "";
	struct tz_tsx *st;
	struct tz_buf b;
	bool held = false, offer = m->body.len > 0;
	int code = 0, err = 0;

	if (offer) {
		/* RFC3311 5.2: an offer of ours unanswered: 491; one of
		 * theirs we still owe an answer to (the INVITE's): 500 */
		if ((c->reinv && !c->reinv->final) || c->wait_ack)
			code = 491;
		else if (c->state == TZ_UA_CALL_INCOMING && c->offer)
			code = 500;
		else
			code = check_offer(ua, m);
	}
	if (!code)
		code = ua_st_check(ua, m, sthdrs, sizeof(sthdrs));
	if (code) {
		ua_reply_sl(ua, m, src, code,
		            code == 422   ? sthdrs
		            : code == 500 ? "Retry-After: 1\r\n"
		                          : NULL);
		return;
	}
	if (tz_tsx_server_alloc(&st, ua->tsx, m, src, 0, NULL, NULL))
		return;
	/* RFC3311 5.2: UPDATE is a target refresh */
	tz_dlg_refresh(c->dlg, m);
	if (c->state == TZ_UA_CALL_CONFIRMED)
		ua_st_uas(c, m, sthdrs, sizeof(sthdrs));
	tz_buf_init(&b);
	if (offer)
		err = make_answer(c, m->buf + m->body.off, m->body.len, &b,
		                  &held);
	if (!err)
		err = ua_reply(ua, st, 200, NULL, sthdrs,
		               offer ? SDP_TYPE : NULL, offer ? b.p : NULL,
		               offer ? b.len : 0, true);
	else
		ua_reply(ua, st, 500, NULL, NULL, NULL, NULL, 0, false);
	tz_buf_free(&b);
	tz_mem_deref(st);
	if (err || c->state != TZ_UA_CALL_CONFIRMED)
		return;
	ua_st_start(c);
	if (!offer || held == c->held_remote)
		return;
	c->held_remote = held;
	ua_event(ua, held ? TZ_UA_EV_HELD : TZ_UA_EV_RESUMED, c, 0, true, NULL);
}

void ua_call_request(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                     const struct tz_tp_dest *src)
{
	if (tz_span_eq(m->buf, m->method, "INVITE")) {
		got_reinvite(ua, c, m, src);
		return;
	}
	/* BYE (RFC3261 15.1.2): 200, and the session is over; an INVITE
	 * still pending gets 487 */
	ua_reply_sl(ua, m, src, 200, NULL);
	if (c->state == TZ_UA_CALL_INCOMING)
		ua_reply(ua, c->st, 487, c->dlg->local_tag, NULL, NULL, NULL, 0,
		         false);
	call_end(c, 200, true);
}

enum tz_ua_call_state tz_ua_call_state(const struct tz_ua *ua, const char *id)
{
	const struct ua_call *c = ua_call_find(ua, id);

	return c ? c->state : TZ_UA_CALL_NONE;
}

bool tz_ua_call_held(const struct tz_ua *ua, const char *id)
{
	const struct ua_call *c = ua_call_find(ua, id);

	return c && c->held_local;
}
