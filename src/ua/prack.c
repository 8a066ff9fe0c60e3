/*
 * prack.c  Reliable provisional responses (RFC 3262), both sides: the
 * UAS sends its 18x with Require: 100rel and RSeq, resends it until the
 * PRACK (T1 doubling; after 64*T1 the INVITE fails with 5xx), and
 * answers the PRACK; the UAC PRACKs each new reliable provisional (RAck)
 * of each early dialog and ignores retransmitted ones.
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

bool ua_msg_option(const struct tz_msg *m, const char *tag)
{
	static const enum tz_hdr_id ids[] = {TZ_HDR_SUPPORTED, TZ_HDR_REQUIRE};
	const struct tz_hdr *h;

	for (size_t k = 0; k < 2; k++)
		for (unsigned i = 0; (h = tz_msg_hdr_find(m, ids[k], i)); i++)
			if (tz_toklist_has(m->buf, h->value, tag, false))
				return true;
	return false;
}

static void prov_stop(struct ua_call *c)
{
	c->prov_wait = false;
	c->prov_next = 0;
	tz_timer_cancel(&c->prov_timer);
}

void ua_prack_stop(struct ua_call *c)
{
	prov_stop(c);
}

/* RFC3262 3: resent at T1, doubling, until the PRACK; after 64*T1 the
 * INVITE is refused with a 5xx. */
static void prov_tick(void *arg)
{
	struct ua_call *c = arg;
	struct tz_ua *ua = c->ua;

	if (!c->prov_wait || c->state != TZ_UA_CALL_INCOMING)
		return;
	c->prov_spent += c->prov_iv;
	if (c->prov_spent >= 64 * ua->t1) {
		prov_stop(c);
		ua_reply(ua, c->st, 504, c->dlg->local_tag, NULL, NULL, NULL, 0,
		         false);
		ua_call_end(c, 504, false);
		return;
	}
	tz_transport_send(ua->tp, c->prov.p, c->prov.len, &c->st_dst);
	c->prov_iv *= 2;
	tz_timer_start(ua->wheel, &c->prov_timer, c->prov_iv, prov_tick, c);
}

int ua_prack_ring(struct ua_call *c, int code)
{
	struct tz_ua *ua = c->ua;
	char hdrs[64];
	int err;

	/* RFC3262 3: one unacknowledged reliable provisional at a time:
	 * the next waits for the PRACK */
	if (c->prov_wait) {
		c->prov_next = code;
		return 0;
	}
	/* RFC3262 3: RSeq starts anywhere in 1..2**31-1 and counts up */
	if (!c->rseq)
		c->rseq = (uint32_t)(tz_rand64() % 0x7fffff) + 1;
	else
		c->rseq++;
	snprintf(hdrs, sizeof(hdrs), "Require: 100rel\r\nRSeq: %u\r\n",
	         (unsigned)c->rseq);
	if (!c->offer && !c->prov_offered) {
		/* RFC3261 13.2.1, RFC3262 5: an INVITE without an offer gets
		 * ours in the first reliable non-failure response: this one;
		 * the answer comes in the PRACK */
		struct tz_buf b;

		tz_buf_init(&b);
		err = ua_call_offer(c, &b);
		if (!err)
			err = ua_reply(ua, c->st, code, c->dlg->local_tag, hdrs,
			               "application/sdp", b.p, b.len, true);
		tz_buf_free(&b);
		if (!err)
			c->prov_offered = true;
	} else {
		err = ua_reply(ua, c->st, code, c->dlg->local_tag, hdrs, NULL,
		               NULL, 0, true);
	}
	if (err)
		return err;
	tz_buf_reset(&c->prov);
	tz_buf_put(&c->prov, ua->out.p, ua->out.len);
	if (c->prov.err)
		return 0; /* sent once; not resent */
	c->prov_wait = true;
	c->prov_iv = ua->t1;
	c->prov_spent = 0;
	tz_timer_start(ua->wheel, &c->prov_timer, c->prov_iv, prov_tick, c);
	return 0;
}

void ua_prack_request(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                      const struct tz_tp_dest *src)
{
	const struct tz_rack *ra;
	int code;

	/* RFC3262 4: the PRACK must name the provisional we wait for (RSeq,
	 * CSeq and method of the INVITE), else 481 */
	if (tz_msg_rack(m, &ra) || !c->prov_wait || ra->rseq != c->rseq ||
	    ra->cseq != c->inv_cseq ||
	    !tz_span_eq(m->buf, ra->method, "INVITE")) {
		ua_reply_sl(ua, m, src, 481, NULL);
		return;
	}
	/* RFC3262 5: the PRACK for an 18x with our offer carries the
	 * answer (RFC 3264 6); without a usable one the offer failed */
	if (c->prov_offered && !c->prov_answered) {
		if (!m->body.len ||
		    tz_sdp_parse(ua->sdp, m->buf + m->body.off, m->body.len)) {
			ua_reply_sl(ua, m, src, 488, NULL);
			return;
		}
		c->prov_answered = true;
		c->held_remote = tz_sdp_held(ua->sdp);
	}
	ua_reply_sl(ua, m, src, 200, NULL);
	code = c->prov_next;
	prov_stop(c);
	if (code && c->state == TZ_UA_CALL_INCOMING)
		ua_prack_ring(c, code);
}

/* ---- UAC ---- */

static void prack_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	if (err || resp->status >= 200)
		ua_req_free(r);
}

bool ua_prack_recv(struct ua_call *c, const struct tz_msg *resp)
{
	struct tz_ua *ua = c->ua;
	const struct tz_hdr *h = tz_msg_hdr_find(resp, TZ_HDR_RSEQ, 0);
	struct ua_req *r;
	uint32_t rseq;
	unsigned i;

	if (!ua->rel100 || !h || !ua_msg_option(resp, "100rel"))
		return true;
	if (tz_rseq_decode(&rseq, resp->buf, h->value))
		return false;
	/* only a provisional of an early dialog of ours is PRACKed; RSeq
	 * counts per dialog (each fork its own) */
	for (i = 0; i < c->nforks && c->forks[i] != c->dlg; i++)
		;
	if (!c->dlg || i == c->nforks || !tz_dlg_match(c->dlg, resp))
		return true;
	/* RFC3262 4: a retransmission (an RSeq already seen) is dropped */
	if (c->fork_rseq[i] && rseq <= c->fork_rseq[i])
		return false;
	c->fork_rseq[i] = rseq;
	r = ua_req_new(ua, "PRACK", prack_resp, NULL);
	if (!r)
		return true;
	r->dlg = tz_mem_ref(c->dlg);
	snprintf(r->hdrs, sizeof(r->hdrs), "RAck: %u %u INVITE\r\n",
	         (unsigned)rseq, (unsigned)resp->cseq);
	if (ua_req_send(r))
		ua_req_free(r);
	return true;
}
