/*
 * registrar.c  REGISTER on a worker (RFC 3261 10.3): the checks that need
 * only the request (items 2-6 and the expiration bounds of item 7), then
 * the request goes to the storage thread (tz_registry.h), whose answer
 * comes back to this worker once the bindings are durable.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "srv_int.h"
#include "tz/tz_digest.h"
#include "tz/tz_hdr.h"
#include "tz/tz_hval.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_msg_typed.h"
#include "tz/tz_registry.h"

#define MAX_CONTACTS 64

/* A REGISTER waiting for the storage thread. */
struct pending_reg {
	struct worker *w;
	struct tz_tsx *st;
};

/* What the storage thread hands back to the worker. */
struct answer {
	struct pending_reg *pr;
	uint16_t status;
	unsigned nbindings;
	char reason[96];
	/* the Contact fields follow */
};

static void date_hdr(char *out, size_t n)
{
	/* formatted once a second per thread, not once per 200 */
	static _Thread_local time_t last = -1;
	static _Thread_local char text[64];
	time_t t = time(NULL);
	struct tm tm;

	if (t != last) {
		/* RFC3261 20.17: rfc1123-date, always GMT */
		gmtime_r(&t, &tm);
		strftime(text, sizeof(text),
		         "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
		last = t;
	}
	tz_str_copy(out, n, text);
}

/* RFC3327 5.3: the Path values go back in the 200 when the UA said it
 * supports path */
static int path_echo(struct tz_buf *b, const struct tz_msg *m)
{
	const struct tz_hdr *h;
	bool supported = false;
	int err = 0;

	for (unsigned nth = 0; (h = tz_msg_hdr_find(m, TZ_HDR_SUPPORTED, nth));
	     nth++) {
		uint32_t pos = h->value.off, end = h->value.off + h->value.len;
		struct tz_span tok;

		while (tz_toklist_next(&tok, m->buf, &pos, end) == 0)
			supported |= tz_span_eqi(m->buf, tok, "path");
	}
	for (unsigned nth = 0;
	     supported && !err && (h = tz_msg_hdr_find(m, TZ_HDR_PATH, nth));
	     nth++)
		err = tz_buf_printf(b, "Path: %.*s\r\n", (int)h->value.len,
		                    m->buf + h->value.off);
	if (!err && supported && tz_msg_hdr_find(m, TZ_HDR_PATH, 0))
		err = tz_buf_puts(b, "Supported: path\r\n");
	return err;
}

/* On the worker: the answer goes out through the transaction. */
static void answer_give(struct worker *w, struct pending_reg *pr,
                        uint16_t status, const char *reason,
                        const char *contacts)
{
	struct tz_buf hdrs;
	char date[64], mem[512];

	tz_buf_init_local(&hdrs, mem, sizeof(mem));
	if (status == 200) {
		/* RFC3261 10.3 item 8: the current bindings, and Date */
		date_hdr(date, sizeof(date));
		if (tz_buf_puts(&hdrs, contacts) != 0 ||
		    tz_buf_puts(&hdrs, date) != 0 ||
		    path_echo(&hdrs, tz_tsx_request(pr->st)) != 0 ||
		    tz_buf_putc(&hdrs, 0) != 0) {
			uas_answer(w, pr->st, 500, NULL, NULL);
			goto out;
		}
		uas_answer(w, pr->st, 200, NULL, hdrs.p);
	} else {
		uas_answer(w, pr->st, status, reason, NULL);
	}
out:
	tz_buf_free(&hdrs);
	/* answered: the transaction absorbs retransmissions for 64*T1
	 * without the request (RFC3261 17.2.2) */
	tz_tsx_forget_request(pr->st);
	tz_mem_deref(pr->st);
	tz_free(pr);
}

static void answer_run(void *data, void *arg)
{
	const struct answer *a = data;

	answer_give(arg, a->pr, a->status, a->reason[0] ? a->reason : NULL,
	            (const char *)(a + 1));
}

/* The request being handed to the registry by this thread: with
 * write-behind the worker applies it itself and done() runs here. */
static _Thread_local struct pending_reg *applying;

/* On the storage thread (or, write-behind, on the worker itself): hand
 * the answer to the worker. */
static void done(void *arg, const struct tz_reg_reply *rep)
{
	struct pending_reg *pr = arg;
	struct answer a;
	size_t clen = strlen(rep->contacts);

	if (pr == applying) {
		answer_give(pr->w, pr, rep->status, rep->reason, rep->contacts);
		return;
	}

	memset(&a, 0, sizeof(a));
	a.pr = pr;
	a.status = rep->status;
	a.nbindings = rep->nbindings;
	if (rep->reason)
		tz_str_copy(a.reason, sizeof(a.reason), rep->reason);
	if (tz_hub_post2(pr->w->srv->hub, pr->w->index, answer_run, pr->w, &a,
	                 sizeof(a), rep->contacts, clen + 1) != 0)
		/* the transaction stays unanswered; the client retries */
		tz_log(TZ_LOG_ERROR, "registrar: answer lost: out of memory");
}

/* The REGISTER checks fill this. */
struct reg_req {
	char aor[TZ_AOR_MAX + 1];
	struct tz_reg_contact c[MAX_CONTACTS];
	unsigned n;
	bool star;
	char path[1024];
	size_t path_len;
};

/* RFC3261 10.3 item 6, 7: the Contact fields and their expiration. */
static int contacts(struct worker *w, const struct tz_msg *m,
                    struct reg_req *rq, uint16_t *status, const char **why,
                    char *hdr, size_t hn)
{
	const struct tz_config *c = &w->conf->c;
	const struct tz_hdr *h;
	uint32_t dflt = c->default_expires;
	bool has_expires = false;

	/* RFC3261 10.2.1.1: the Expires field, else the server default */
	h = tz_msg_hdr_find(m, TZ_HDR_EXPIRES, 0);
	if (h) {
		int e = tz_expires_decode(&dflt, m->buf, h->value);

		if (e == -ERANGE) {
			dflt = UINT32_MAX; /* cut to max-expires below */
		} else if (e) {
			*status = 400;
			*why = "malformed Expires";
			return -EBADMSG;
		}
		has_expires = true;
	}
	for (unsigned nth = 0; (h = tz_msg_hdr_find(m, TZ_HDR_CONTACT, nth));
	     nth++) {
		uint32_t pos = h->value.off, end = h->value.off + h->value.len;
		struct tz_contact ct;
		int e;

		while ((e = tz_contact_next(&ct, m->buf, &pos, end)) !=
		       -ENOENT) {
			struct tz_reg_contact *rc;
			uint32_t x;

			if (e && e != -ERANGE) {
				*status = 400;
				*why = "malformed Contact";
				return -EBADMSG;
			}
			if (ct.star) {
				rq->star = true;
				continue;
			}
			if (ct.na.u.scheme != TZ_URI_SIP &&
			    ct.na.u.scheme != TZ_URI_SIPS) {
				/* other schemes could be kept (RFC 3261 10.2.1
				 * allows them), but nothing here could reach
				 * them */
				*status = 400;
				*why = "Contact URI is not sip or sips";
				return -EBADMSG;
			}
			if (rq->n >= MAX_CONTACTS ||
			    rq->n >= w->conf->c.max_contacts) {
				snprintf(hdr, hn, "more than %u contacts",
				         w->conf->c.max_contacts);
				*status = 403;
				*why = hdr;
				return -E2BIG;
			}
			/* RFC3261 10.2.1.1: the contact's expires param
			 * first; one too large for 32 bits is cut like any
			 * long interval */
			x = e == -ERANGE     ? UINT32_MAX
			    : ct.has_expires ? ct.expires
			                     : dflt;
			/* RFC3261 10.3 item 7: under Min-Expires (but not 0):
			 * 423; over the maximum: cut */
			if (x && x < c->min_expires) {
				snprintf(hdr, hn,
				         "Min-Expires: %" PRIu32 "\r\n",
				         c->min_expires);
				*status = 423;
				*why = NULL;
				return -ERANGE;
			}
			if (x > c->max_expires)
				x = c->max_expires;
			rc = &rq->c[rq->n++];
			rc->uri = m->buf + ct.na.uri.off;
			rc->urilen = ct.na.uri.len;
			rc->expires = x;
			rc->q = ct.q;
			rc->instance = ct.has_instance
			                       ? m->buf + ct.instance.off
			                       : NULL;
			rc->instlen = ct.has_instance ? ct.instance.len : 0;
			rc->reg_id = ct.has_reg_id ? ct.reg_id_value : 0;
			if (rc->urilen > 511 || rc->instlen > 255) {
				*status = 400;
				*why = "Contact too long";
				return -EBADMSG;
			}
		}
	}
	/* RFC3261 10.3 item 6: "*" only alone and only with Expires: 0 */
	if (rq->star && (rq->n || !has_expires || dflt != 0)) {
		*status = 400;
		*why = rq->n ? "Contact * with other contacts"
		             : "Contact * without Expires: 0";
		return -EBADMSG;
	}
	return 0;
}

/* RFC3327 5.3: the Path values, stored with the bindings */
static int paths(const struct tz_msg *m, struct reg_req *rq)
{
	const struct tz_hdr *h;

	rq->path_len = 0;
	for (unsigned nth = 0; (h = tz_msg_hdr_find(m, TZ_HDR_PATH, nth));
	     nth++) {
		uint32_t pos = h->value.off, end = h->value.off + h->value.len;
		struct tz_naddr na;
		int e;

		while ((e = tz_route_next(&na, m->buf, &pos, end)) != -ENOENT) {
			int n;

			if (e)
				return -EBADMSG;
			n = snprintf(rq->path + rq->path_len,
			             sizeof(rq->path) - rq->path_len,
			             "%s<%.*s>", rq->path_len ? "," : "",
			             (int)na.uri.len, m->buf + na.uri.off);
			if (n < 0 ||
			    (size_t)n >= sizeof(rq->path) - rq->path_len)
				return -E2BIG;
			rq->path_len += (size_t)n;
		}
	}
	return 0;
}

void registrar_request(struct worker *w, struct tz_msg *m,
                       const struct tz_tp_dest *src)
{
	const struct tz_config *c = &w->conf->c;
	struct reg_req rqs, *rq = &rqs;
	struct tz_reg_request req = {0};
	struct pending_reg *pr;
	const struct tz_hdr *ua;
	const char *why = NULL, *at;
	uint16_t status = 0;
	char hdrs[512], user[128];
	int err;

	/* RFC3261 10.3 item 2: Require with an option we lack: 420 */
	if (uas_unsupported(m, TZ_HDR_REQUIRE, hdrs, sizeof(hdrs))) {
		uas_reply(w, m, src, 420, NULL, hdrs);
		return;
	}
	/* RFC3261 10.3 item 5: the AOR is the To URI in canonical form, in
	 * a domain this server is responsible for */
	/* not a memset of the whole (about 10 KB): contacts() sets every
	 * field of each entry it counts in n */
	rq->aor[0] = '\0';
	rq->n = 0;
	rq->star = false;
	rq->path[0] = '\0';
	rq->path_len = 0;
	if ((m->to.u.scheme != TZ_URI_SIP && m->to.u.scheme != TZ_URI_SIPS) ||
	    tz_aor_from_uri(rq->aor, m->buf, &m->to.u) != 0) {
		uas_reply_why(w, m, src, 404,
		              "no valid address-of-record in To", NULL);
		return;
	}
	at = strrchr(rq->aor, '@');
	if (!srv_is_domain(c, at + 1, strlen(at + 1))) {
		uas_reply_why(w, m, src, 404, "domain not served here", NULL);
		return;
	}
	/* RFC3261 10.3 items 3, 4: authenticate; only the AOR's owner may
	 * change its bindings (the digest username is its user part, the
	 * realm its domain) */
	if (c->auth) {
		char realm[TZ_AOR_MAX + 1];

		tz_str_copy(realm, sizeof(realm), at + 1);
		if (!srv_authenticate(w, m, src, realm, false, user,
		                      sizeof(user)))
			return;
		if (strlen(user) != (size_t)(at - rq->aor) ||
		    memcmp(user, rq->aor, strlen(user))) {
			snprintf(hdrs, sizeof(hdrs),
			         "Forbidden: %.100s may not register %.255s",
			         user, rq->aor);
			uas_reply(w, m, src, 403, hdrs, NULL);
			return;
		}
	}
	err = contacts(w, m, rq, &status, &why, hdrs, sizeof(hdrs));
	if (err) {
		if (status == 423)
			uas_reply(w, m, src, 423, NULL, hdrs);
		else
			uas_reply_why(w, m, src, status, why, NULL);
		return;
	}
	err = paths(m, rq);
	if (err) {
		uas_reply_why(w, m, src, 400,
		              err == -E2BIG ? "Path too long"
		                            : "malformed Path",
		              NULL);
		return;
	}
	if (m->call_id.len > 255) {
		uas_reply_why(w, m, src, 400, "Call-ID too long", NULL);
		return;
	}
	/* RFC3261 10.3 items 6-8 happen on the storage thread, the answer
	 * coming back through done(); with write-behind here, at once */
	pr = tz_malloc(sizeof(*pr));
	if (!pr)
		return; /* the client retransmits */
	pr->w = w;
	if (uas_tsx(w, m, src, &pr->st) != 0) {
		tz_free(pr);
		return;
	}
	ua = tz_msg_hdr_find(m, TZ_HDR_USER_AGENT, 0);
	req.aor = rq->aor;
	req.call_id = m->buf + m->call_id.off;
	req.call_id_len = m->call_id.len;
	req.cseq = m->cseq;
	req.star = rq->star;
	req.contacts = rq->c;
	req.ncontacts = rq->n;
	req.path = rq->path;
	req.path_len = rq->path_len;
	req.user_agent = ua ? m->buf + ua->value.off : NULL;
	req.user_agent_len = ua ? ua->value.len : 0;
	req.src = src;
	req.done = done;
	req.done_arg = pr;
	applying = pr;
	err = tz_registry_register(w->srv->reg, &req);
	applying = NULL;
	if (err) {
		uas_answer(w, pr->st, err == -ESHUTDOWN ? 503 : 500, NULL,
		           err == -ESHUTDOWN ? "Retry-After: 5\r\n" : NULL);
		tz_mem_deref(pr->st);
		tz_free(pr);
	}
}
