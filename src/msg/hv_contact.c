/*
 * hv_contact.c  Contact header elements (RFC 3261 20.10 and 25.1
 * contact-params; RFC 5626 4.1 +sip.instance and reg-id).
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

/* RFC5626 4.1: c-p-instance = "+sip.instance" EQUAL DQUOTE "<"
 * instance-val ">" DQUOTE */
static int instance_param(struct tz_contact *c, const char *b,
                          const struct tz_param *prm)
{
	struct tz_span in = tz_span_unquote(b, prm->value);

	if (c->has_instance || in.len == prm->value.len || in.len < 2 ||
	    b[in.off] != '<' || b[in.off + in.len - 1] != '>')
		return -EBADMSG;
	c->instance = in;
	c->has_instance = true;
	return 0;
}

/* Decode the contact-params we know; returns -ERANGE (after reading all of
 * them) when only the expires value was too large. */
static int contact_params(struct tz_contact *c, const char *b)
{
	uint32_t p = c->na.params.off, end = p + c->na.params.len;
	bool seen_expires = false, range = false;
	struct tz_param prm;
	uint64_t n;
	int err;

	while ((err = tz_param_next(b, &p, end, &prm)) == 0) {
		if (tz_span_eqi(b, prm.name, "q")) {
			/* RFC3261 25.1: c-p-q = "q" EQUAL qvalue */
			if (c->has_q || !prm.has_value ||
			    tz_qvalue_decode(b, prm.value, &c->q))
				return -EBADMSG;
			c->has_q = true;
		} else if (tz_span_eqi(b, prm.name, "expires")) {
			/* RFC3261 25.1: c-p-expires = "expires" EQUAL
			 * delta-seconds; 20.19: at most 2^32-1 */
			if (seen_expires || !prm.has_value)
				return -EBADMSG;
			seen_expires = true;
			err = tz_hdr_uint(b, prm.value, UINT32_MAX, &n);
			if (err == -ERANGE) {
				range = true;
				continue;
			}
			if (err)
				return err;
			c->expires = (uint32_t)n;
			c->has_expires = true;
		} else if (tz_span_eqi(b, prm.name, "+sip.instance")) {
			if (!prm.has_value || instance_param(c, b, &prm))
				return -EBADMSG;
		} else if (tz_span_eqi(b, prm.name, "reg-id")) {
			/* RFC5626 4.1: reg-id = "reg-id" EQUAL 1*DIGIT;
			 * 1 to (2^31 - 1) */
			if (c->has_reg_id || !prm.has_value ||
			    tz_hdr_uint(b, prm.value, INT32_MAX, &n) || n == 0)
				return -EBADMSG;
			c->reg_id = prm.value;
			c->reg_id_value = (uint32_t)n;
			c->has_reg_id = true;
		}
	}
	if (err != -ENOENT)
		return err;
	return range ? -ERANGE : 0;
}

int tz_contact_next(struct tz_contact *out, const char *base, uint32_t *posp,
                    uint32_t end)
{
	uint32_t p = *posp;
	bool first;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->q = 1000;
	if (base[p] == '*' && skip_lws(base, p + 1, end) == end) {
		/* RFC3261 20.10: Contact = HCOLON ( STAR / (contact-param
		 * *(COMMA contact-param))): STAR is the whole value */
		if (!first)
			return -EBADMSG;
		out->star = true;
		*posp = end;
		return 0;
	}
	err = tz_naddr_decode(&out->na, base, &p, end, true);
	if (err)
		return err;
	err = contact_params(out, base);
	if (err && err != -ERANGE)
		return err;
	*posp = p;
	return err;
}
