/*
 * fuzz_hval.c  libFuzzer target for the typed header value decoders
 * (tz_hval.h). The first input byte selects the decoder, the rest is the
 * value. Every span a decoder returns must lie inside the value, list
 * cursors must only move forward within it, and the unescape helpers must
 * stay inside their buffers.
 */
#include <errno.h>
#include <stdlib.h>

#include "tz/tz_hval.h"

static uint32_t v0, v1; /* the value: [v0, v1) of the input */

static void in(struct tz_span s)
{
	if (s.len && (s.off < v0 || s.off + (uint64_t)s.len > v1))
		abort();
	if (!s.len && (s.off < v0 || s.off > v1))
		abort();
}

static void in_uri(const struct tz_uri *u)
{
	in(u->scheme_s);
	in(u->user);
	in(u->password);
	in(u->host);
	in(u->params);
	in(u->headers);
}

static void in_naddr(const struct tz_naddr *na)
{
	in(na->dname);
	in(na->uri);
	in(na->params);
	in(na->tag);
	in_uri(&na->u);
}

static void in_mtype(const struct tz_mtype *m)
{
	in(m->type);
	in(m->subtype);
	in(m->params);
	in(m->charset);
	in(m->boundary);
	in(m->accept_params);
	if (m->q > 1000)
		abort();
}

static void in_etype(const struct tz_event_type *t)
{
	in(t->type);
	in(t->package);
	in(t->templates);
}

/* Unescape a quoted span into a small buffer: must fit or say so. */
static void unescape(const char *b, struct tz_span s)
{
	char buf[32];
	size_t n = 0;

	if (tz_qstr_unescape(buf, sizeof(buf), &n, b, s) == 0 &&
	    (n >= sizeof(buf) || buf[n] != '\0'))
		abort();
	if (tz_pct_unescape(buf, sizeof(buf), &n, b, s) == 0 &&
	    (n >= sizeof(buf) || buf[n] != '\0'))
		abort();
}

/* Run a list decoder to its end; the cursor must advance every time. */
#define WALK(call, check)                                                      \
	do {                                                                   \
		uint32_t pos = v0, last;                                       \
		int err_;                                                      \
		for (;;) {                                                     \
			last = pos;                                            \
			err_ = (call);                                         \
			if (err_ && err_ != -ERANGE)                           \
				break;                                         \
			if (pos <= last || pos > v1)                           \
				abort();                                       \
			check;                                                 \
		}                                                              \
		if (err_ != -ENOENT && err_ != -EBADMSG && err_ != -EOVERFLOW) \
			abort();                                               \
	} while (0)

static void one(unsigned sel, const char *b, struct tz_span v)
{
	union {
		struct tz_contact contact;
		struct tz_naddr na;
		struct tz_rack rack;
		struct tz_session_expires se;
		struct tz_timestamp ts;
		struct tz_retry_after ra;
		struct tz_span tok;
		struct tz_qtok qtok;
		struct tz_mtype mt;
		struct tz_cdisp cd;
		struct tz_auth auth;
		struct tz_event_type et;
		struct tz_event ev;
		struct tz_subscription_state ss;
		struct tz_refer_to rt;
		struct tz_referred_by rb;
		struct tz_replaces rp;
		struct tz_reason rs;
		struct tz_warning w;
		struct tz_info info;
	} u;
	struct tz_param prm;
	uint32_t n32;
	uint16_t q;
	int64_t t;
	unsigned i;

	switch (sel) {
	case 0:
		WALK(tz_contact_next(&u.contact, b, &pos, v1), {
			in_naddr(&u.contact.na);
			in(u.contact.instance);
			in(u.contact.reg_id);
			if (u.contact.q > 1000)
				abort();
		});
		break;
	case 1:
		WALK(tz_route_next(&u.na, b, &pos, v1), in_naddr(&u.na));
		break;
	case 2:
		WALK(tz_pid_next(&u.na, b, &pos, v1), in_naddr(&u.na));
		break;
	case 3:
		tz_expires_decode(&n32, b, v);
		tz_rseq_decode(&n32, b, v);
		tz_min_se_decode(&n32, b, v);
		if (tz_qvalue_decode(b, v, &q) == 0 && q > 1000)
			abort();
		if (tz_date_decode(&t, b, v) == 0 &&
		    (t < -62135596800LL || t > 253402300800LL))
			abort();
		break;
	case 4:
		if (tz_rack_decode(&u.rack, b, v) == 0)
			in(u.rack.method);
		break;
	case 5:
		if (tz_session_expires_decode(&u.se, b, v) == 0)
			in(u.se.params);
		break;
	case 6:
		if (tz_timestamp_decode(&u.ts, b, v) == 0) {
			in(u.ts.value);
			in(u.ts.delay);
		}
		break;
	case 7:
		if (tz_retry_after_decode(&u.ra, b, v) == 0) {
			in(u.ra.comment);
			in(u.ra.params);
		}
		break;
	case 8:
		WALK(tz_toklist_next(&u.tok, b, &pos, v1), in(u.tok));
		tz_toklist_has(b, v, "100rel", false);
		break;
	case 9:
		WALK(tz_privacy_next(&u.tok, b, &pos, v1), in(u.tok));
		tz_privacy_has(b, v, "id");
		break;
	case 10:
		WALK(tz_qtok_next(&u.qtok, b, &pos, v1), {
			in(u.qtok.tok);
			in(u.qtok.params);
		});
		break;
	case 11:
		if (tz_ctype_decode(&u.mt, b, v) == 0) {
			in_mtype(&u.mt);
			if (tz_param_find(b, u.mt.params, "charset", &prm) ==
			    0) {
				in(prm.name);
				in(prm.value);
			}
		}
		break;
	case 12:
		WALK(tz_accept_next(&u.mt, b, &pos, v1), in_mtype(&u.mt));
		break;
	case 13:
		if (tz_cdisp_decode(&u.cd, b, v) == 0) {
			in(u.cd.type);
			in(u.cd.handling);
			in(u.cd.params);
		}
		break;
	case 14:
	case 15:
		if ((sel == 14 ? tz_credentials_decode(&u.auth, b, v)
		               : tz_challenge_decode(&u.auth, b, v)) != 0)
			break;
		in(u.auth.scheme);
		in(u.auth.params);
		in(u.auth.username);
		in(u.auth.username_star);
		in(u.auth.realm);
		in(u.auth.nonce);
		in(u.auth.uri);
		in(u.auth.response);
		in(u.auth.algorithm);
		in(u.auth.cnonce);
		in(u.auth.opaque);
		in(u.auth.qop);
		in(u.auth.nc);
		in(u.auth.domain);
		if (u.auth.nother > TZ_AUTH_OTHER_MAX)
			abort();
		for (i = 0; i < u.auth.nother; i++) {
			in(u.auth.other[i].name);
			in(u.auth.other[i].value);
		}
		unescape(b, u.auth.realm);
		unescape(b, u.auth.nonce);
		break;
	case 16:
		WALK(tz_allow_events_next(&u.et, b, &pos, v1), in_etype(&u.et));
		break;
	case 17:
		if (tz_event_decode(&u.ev, b, v) == 0) {
			in_etype(&u.ev.type);
			in(u.ev.id);
			in(u.ev.params);
		}
		break;
	case 18:
		if (tz_subscription_state_decode(&u.ss, b, v) == 0) {
			in(u.ss.value);
			in(u.ss.reason);
			in(u.ss.params);
		}
		break;
	case 19:
		if (tz_refer_to_decode(&u.rt, b, v) == 0) {
			in_naddr(&u.rt.na);
			in(u.rt.replaces);
			unescape(b, u.rt.replaces);
		}
		break;
	case 20:
		if (tz_referred_by_decode(&u.rb, b, v) == 0) {
			in_naddr(&u.rb.na);
			in(u.rb.cid);
		}
		break;
	case 21:
		if (tz_replaces_decode(&u.rp, b, v) == 0) {
			in(u.rp.call_id);
			in(u.rp.to_tag);
			in(u.rp.from_tag);
			in(u.rp.params);
		}
		break;
	case 22:
		WALK(tz_reason_next(&u.rs, b, &pos, v1), {
			in(u.rs.protocol);
			in(u.rs.text);
			in(u.rs.params);
			unescape(b, u.rs.text);
		});
		break;
	case 23:
		WALK(tz_warning_next(&u.w, b, &pos, v1), {
			in(u.w.agent);
			in(u.w.text);
			if (u.w.code > 999)
				abort();
		});
		break;
	case 24:
		WALK(tz_info_next(&u.info, b, &pos, v1), {
			in(u.info.uri);
			in(u.info.params);
			in(u.info.purpose);
			in_uri(&u.info.u);
		});
		break;
	default:
		unescape(b, v);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b;

	if (size < 1 || size > 65536)
		return 0;
	/* a copy of exactly the value's bytes, so ASan sees any overread */
	b = malloc(size - 1 ? size - 1 : 1);
	if (!b)
		return 0;
	memcpy(b, data + 1, size - 1);
	v0 = 0;
	v1 = (uint32_t)(size - 1);
	one(data[0] % 26u, b, (struct tz_span){v0, v1});
	free(b);
	return 0;
}
