/*
 * hv_refer.c  Call transfer headers: Refer-To (RFC 3515 2.1), Referred-By
 * (RFC 3892 3) and Replaces (RFC 3891 6.1).
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

/*
 * Find the Replaces header in a SIP URI's headers (RFC3261 25.1: headers =
 * "?" header *( "&" header ); header = hname "=" hvalue). RFC 3891 7 puts
 * an escaped Replaces value there for a REFER that transfers a dialog.
 */
static int find_replaces(struct tz_refer_to *r, const char *b)
{
	uint32_t p = r->na.u.headers.off, end = p + r->na.u.headers.len;

	while (p < end) {
		uint32_t h = p, eq, e;
		while (p < end && b[p] != '&')
			p++;
		e = p++;
		for (eq = h; eq < e && b[eq] != '='; eq++)
			;
		if (!tz_span_eqi(b, (struct tz_span){h, eq - h}, "Replaces"))
			continue;
		if (r->has_replaces || eq == e)
			return -EBADMSG;
		r->replaces = (struct tz_span){eq + 1, e - eq - 1};
		r->has_replaces = true;
	}
	return 0;
}

int tz_refer_to_decode(struct tz_refer_to *out, const char *base,
                       struct tz_span value)
{
	uint32_t p = value.off;
	int err;

	memset(out, 0, sizeof(*out));
	/* RFC3515 2.1: Refer-To = ("Refer-To" / "r") HCOLON ( name-addr /
	 * addr-spec ) *(SEMI refer-param); tz_naddr_decode refuses a URI
	 * with headers outside <...> (RFC 3261 20.10) */
	err = tz_naddr_decode(&out->na, base, &p, value.off + value.len, false);
	if (err)
		return err;
	return find_replaces(out, base);
}

/* RFC5322 3.2.3: dot-atom = atom *("." atom); atom chars are the token
 * chars less '.' */
static bool dot_atom(const char *b, uint32_t p, uint32_t end)
{
	uint32_t i;

	if (p >= end || skip_cls(b, p, end, C_TOKEN) != end || b[p] == '.' ||
	    b[end - 1] == '.')
		return false;
	for (i = p + 1; i < end; i++)
		if (b[i] == '.' && b[i - 1] == '.')
			return false;
	return true;
}

int tz_referred_by_decode(struct tz_referred_by *out, const char *base,
                          struct tz_span value)
{
	uint32_t p = value.off, pe, at, ce;
	struct tz_param prm;
	struct tz_span v;
	int err;

	memset(out, 0, sizeof(*out));
	/* RFC3892 3: Referred-By = ("Referred-By" / "b") HCOLON referrer-uri
	 * *( SEMI (referredby-id-param / generic-param) ) */
	err = tz_naddr_decode(&out->na, base, &p, value.off + value.len, false);
	if (err)
		return err;
	p = out->na.params.off;
	pe = p + out->na.params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (!tz_span_eqi(base, prm.name, "cid"))
			continue;
		/* RFC3892 3: referredby-id-param = "cid" EQUAL
		 * sip-clean-msg-id; sip-clean-msg-id = LDQUOT dot-atom "@"
		 * (dot-atom / host) RDQUOT */
		v = tz_span_unquote(base, prm.value);
		if (out->has_cid || v.len == prm.value.len)
			return -EBADMSG;
		ce = v.off + v.len;
		for (at = v.off; at < ce && base[at] != '@'; at++)
			;
		if (at == ce || !dot_atom(base, v.off, at) ||
		    !(dot_atom(base, at + 1, ce) ||
		      tz_host_check(base + at + 1, ce - at - 1) !=
		              TZ_HOST_NONE))
			return -EBADMSG;
		out->cid = v;
		out->has_cid = true;
	}
	return err == -ENOENT ? 0 : err;
}

/* RFC3891 6.1: to-tag = "to-tag" EQUAL token, from-tag likewise; once */
static int tag_param(const char *b, const struct tz_param *prm,
                     struct tz_span *tag)
{
	if (tag->len || !tz_span_is_token(b, prm->value))
		return -EBADMSG;
	*tag = prm->value;
	return 0;
}

int tz_replaces_decode(struct tz_replaces *out, const char *base,
                       struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end), e, pe;
	struct tz_param prm;
	int err = 0;

	memset(out, 0, sizeof(*out));
	/* RFC3891 6.1: Replaces = "Replaces" HCOLON callid *(SEMI
	 * replaces-param); callid = word [ "@" word ] (no ';' in a word) */
	e = skip_cls(base, p, end, C_WORD);
	if (e < end && base[e] == '@')
		e = skip_cls(base, e + 1, end, C_WORD);
	out->call_id = tz_span_of(base, base + p, base + e);
	if (!tz_callid_check(base, out->call_id))
		return -EBADMSG;
	err = tz_params_read(base, &e, end, false, &out->params);
	if (err)
		return err;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (tz_span_eqi(base, prm.name, "to-tag")) {
			err = tag_param(base, &prm, &out->to_tag);
		} else if (tz_span_eqi(base, prm.name, "from-tag")) {
			err = tag_param(base, &prm, &out->from_tag);
		} else if (tz_span_eqi(base, prm.name, "early-only")) {
			/* RFC3891 6.1: early-flag = "early-only" */
			if (out->early_only || prm.has_value)
				return -EBADMSG;
			out->early_only = true;
		}
		if (err)
			return err;
	}
	if (err != -ENOENT)
		return err;
	/* RFC3891 6.1: exactly one to-tag and one from-tag */
	if (!out->to_tag.len || !out->from_tag.len)
		return -EBADMSG;
	return 0;
}
