/*
 * challenge.c  Digest authentication of a request at the server (RFC
 * 3261 22.3): as a registrar or UAS (401, WWW-Authenticate) and as a
 * proxy (407, Proxy-Authenticate, 22.3 and 16.3); the verdicts come from
 * tz_auth_check() (src/auth/).
 */
#include <stdio.h>

#include "srv_int.h"
#include "tz/tz_loop.h"

/* RFC3261 22.1, 22.3: check the credentials for @p realm; true when the
 * request may go on (the username is then in @p user); otherwise the
 * answer (401/407 challenge, 400, 403 throttled, 500) has been sent. */
bool srv_authenticate(struct worker *w, struct tz_msg *m,
                      const struct tz_tp_dest *src, const char *realm,
                      bool proxy, char *user, size_t un)
{
	struct tz_server *s = w->srv;
	struct tz_auth_result res;
	struct tz_buf ch;
	char hdr[64];
	uint64_t now = tz_loop_now();

	if (tz_auth_check(s->auth, m, proxy, realm, tz_registry_ha1, s->reg,
	                  (const struct sockaddr *)&src->addr, now,
	                  &res) != 0) {
		uas_reply(w, m, src, 500, NULL, NULL);
		return false;
	}
	switch (res.verdict) {
	case TZ_VERDICT_OK:
		tz_str_copy(user, un, res.user);
		return true;
	case TZ_VERDICT_BAD:
		uas_reply_why(w, m, src, 400, res.why, NULL);
		return false;
	case TZ_VERDICT_THROTTLED:
		/* too many failures: refused without a look at the
		 * password until the back-off ends */
		snprintf(hdr, sizeof(hdr), "Retry-After: %u\r\n",
		         res.retry_after);
		uas_reply(w, m, src, 403, "Forbidden: too many failed attempts",
		          hdr);
		return false;
	default:
		break;
	}
	/* RFC3261 22.1, RFC7616 3.3: (re)challenge, stale=true when only
	 * the nonce was too old */
	tz_buf_init(&ch);
	if (tz_auth_challenge(s->auth, &ch, realm, proxy,
	                      res.verdict == TZ_VERDICT_STALE, now) != 0 ||
	    tz_buf_putc(&ch, 0) != 0)
		uas_reply(w, m, src, 500, NULL, NULL);
	else if (!tz_span_eq(m->buf, m->method, "INVITE"))
		/* RFC3261 8.2.7, 26.1.5: a challenge keeps no transaction
		 * state, so a flood of unauthenticated requests costs no
		 * memory (a retransmission is challenged again) */
		uas_reply_stateless(w, m, src, proxy ? 407 : 401,
		                    res.verdict == TZ_VERDICT_FAILED ? res.why
		                                                     : NULL,
		                    ch.p);
	else
		/* an INVITE's challenge is acknowledged by an ACK, which
		 * its transaction absorbs (RFC3261 17.2.1) */
		uas_reply_why(w, m, src, proxy ? 407 : 401,
		              res.verdict == TZ_VERDICT_FAILED ? res.why : NULL,
		              ch.p);
	tz_buf_free(&ch);
	return false;
}
