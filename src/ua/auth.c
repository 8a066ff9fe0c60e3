/*
 * auth.c  The digest client (RFC 3261 22.2, 22.3; RFC 7616 3.4): pick a
 * challenge of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) we
 * can answer, SHA-256 preferred over MD5, and print the Authorization or
 * Proxy-Authorization field with qop=auth, a fresh cnonce and nc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_digest.h"
#include "tz/tz_hval.h"
#include "ua_int.h"

static const char *alg_name(enum tz_digest_alg a)
{
	switch (a) {
	case TZ_DIGEST_MD5:
		return "MD5";
	case TZ_DIGEST_MD5_SESS:
		return "MD5-sess";
	case TZ_DIGEST_SHA256:
		return "SHA-256";
	case TZ_DIGEST_SHA256_SESS:
		return "SHA-256-sess";
	default:
		return NULL;
	}
}

/* Preference of a challenge; 0: cannot answer it. RFC7616 3.7: the
 * client uses the strongest algorithm it supports. */
static int rank(const struct tz_auth *a)
{
	if (!a->digest || !(a->has & TZ_AUTH_NONCE) ||
	    !(a->has & TZ_AUTH_REALM) || a->userhash)
		return 0;
	/* RFC7616 3.3: qop is required; RFC 2617 servers may omit it */
	if ((a->has & TZ_AUTH_QOP) && !(a->qops & TZ_QOP_AUTH))
		return 0;
	switch (a->alg) {
	case TZ_DIGEST_SHA256:
	case TZ_DIGEST_SHA256_SESS:
		return 3;
	case TZ_DIGEST_ALG_NONE:
	case TZ_DIGEST_MD5:
	case TZ_DIGEST_MD5_SESS:
		return 2;
	default:
		return 0;
	}
}

/* Append ' name="value"' with '"' and '\\' escaped (RFC 3261 25.1). */
static void put_q(struct tz_buf *b, const char *name, const char *v)
{
	tz_buf_printf(b, ", %s=\"", name);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			tz_buf_putc(b, '\\');
		tz_buf_putc(b, *v);
	}
	tz_buf_putc(b, '"');
}

static int unq(char *out, size_t cap, const char *base, struct tz_span s)
{
	size_t n;

	return tz_qstr_unescape(out, cap, &n, base, s);
}

/* Learn the best challenge of a 401 / 407 into ua->cred[kind]. */
static int learn(struct tz_ua *ua, struct tz_msg *resp, unsigned kind)
{
	enum tz_hdr_id id =
	        kind ? TZ_HDR_PROXY_AUTHENTICATE : TZ_HDR_WWW_AUTHENTICATE;
	struct ua_cred *c = &ua->cred[kind];
	struct tz_auth best = {0}, a;
	const struct tz_hdr *h;
	int best_rank = 0;

	for (unsigned i = 0; (h = tz_msg_hdr_find(resp, id, i)); i++) {
		int rk;

		if (tz_challenge_decode(&a, resp->buf, h->value))
			continue;
		rk = rank(&a);
		if (rk > best_rank) {
			best = a;
			best_rank = rk;
		}
	}
	c->valid = false;
	if (!best_rank)
		return -ENOENT;
	if (unq(c->realm, sizeof(c->realm), resp->buf, best.realm) ||
	    unq(c->nonce, sizeof(c->nonce), resp->buf, best.nonce))
		return -EBADMSG;
	c->opaque[0] = 0;
	c->has_opaque = best.has & TZ_AUTH_OPAQUE;
	if (c->has_opaque &&
	    unq(c->opaque, sizeof(c->opaque), resp->buf, best.opaque))
		return -EBADMSG;
	c->alg = best.alg;
	c->qop = best.has & TZ_AUTH_QOP;
	/* RFC7616 3.4: a new nonce: its nonce-count starts again at 1 */
	c->nc = 0;
	if (tz_digest_ha1(best.alg, ua->user, c->realm, ua->password, c->ha1))
		return -ENOMEM;
	c->valid = true;
	return 0;
}

/* The credentials of ua->cred[kind] for @p method and @p uri, with the
 * next nonce-count and a fresh cnonce (RFC 7616 3.4). */
static int print(struct tz_ua *ua, unsigned kind, const char *method,
                 const char *uri, char *out, size_t cap)
{
	struct ua_cred *c = &ua->cred[kind];
	struct tz_digest_in in = {0};
	char cnonce[20], nc[9], rsp[TZ_DIGEST_HEX];
	struct tz_buf b;
	int err;

	ua_rand_hex(cnonce, sizeof(cnonce));
	snprintf(nc, sizeof(nc), "%08x", ++c->nc);
	in.alg = c->alg;
	in.ha1 = c->ha1;
	in.nonce = c->nonce;
	in.method = method;
	in.uri = uri;
	if (c->qop) {
		in.qop = "auth";
		in.nc = nc;
		in.cnonce = cnonce;
	} else if (c->alg == TZ_DIGEST_MD5_SESS ||
	           c->alg == TZ_DIGEST_SHA256_SESS) {
		in.cnonce = cnonce;
	}
	err = tz_digest_response(&in, rsp);
	if (err)
		return err;
	tz_buf_init_fixed(&b, out, cap);
	tz_buf_printf(&b, "%s: Digest username=\"%s\"",
	              kind ? "Proxy-Authorization" : "Authorization", ua->user);
	put_q(&b, "realm", c->realm);
	put_q(&b, "nonce", c->nonce);
	put_q(&b, "uri", uri);
	tz_buf_printf(&b, ", response=\"%s\"", rsp);
	if (alg_name(c->alg))
		tz_buf_printf(&b, ", algorithm=%s", alg_name(c->alg));
	if (in.cnonce)
		tz_buf_printf(&b, ", cnonce=\"%s\"", cnonce);
	if (in.qop)
		tz_buf_printf(&b, ", qop=auth, nc=%s", in.nc);
	if (c->has_opaque)
		put_q(&b, "opaque", c->opaque);
	tz_buf_puts(&b, "\r\n");
	tz_buf_putc(&b, 0);
	return b.err ? -EOVERFLOW : 0;
}

int ua_auth_header(struct tz_ua *ua, struct tz_msg *resp, const char *method,
                   const char *uri, char *out, size_t cap)
{
	unsigned kind = resp->status == 407;
	int err = learn(ua, resp, kind);

	return err ? err : print(ua, kind, method, uri, out, cap);
}

void ua_auth_cached(struct tz_ua *ua, const char *method, const char *uri,
                    char *out, size_t cap)
{
	/* RFC3261 22.3: credentials cached for a realm go with later
	 * requests: the registrar's with REGISTER, the proxy's with every
	 * request it would challenge (never ACK or CANCEL, 22.1) */
	unsigned kind = strcmp(method, "REGISTER") != 0;

	out[0] = 0;
	if (!ua->has_password || !ua->cred[kind].valid ||
	    !strcmp(method, "ACK") || !strcmp(method, "CANCEL"))
		return;
	if (print(ua, kind, method, uri, out, cap))
		out[0] = 0;
}

bool ua_auth_stale(const struct tz_msg *resp)
{
	enum tz_hdr_id id = resp->status == 407 ? TZ_HDR_PROXY_AUTHENTICATE
	                                        : TZ_HDR_WWW_AUTHENTICATE;
	const struct tz_hdr *h;
	struct tz_auth a;

	for (unsigned i = 0; (h = tz_msg_hdr_find(resp, id, i)); i++)
		if (!tz_challenge_decode(&a, resp->buf, h->value) && a.stale)
			return true;
	return false;
}
