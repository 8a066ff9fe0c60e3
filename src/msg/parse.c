/*
 * parse.c  One-pass zero-copy parse of a SIP message with datagram semantics
 * (RFC 3261 7, 7.3, 8.1.1, 8.2.2, 18.3, 25.1; RFC 4475 torture cases).
 *
 * The start line and every header field are found in one pass; the headers
 * that routing and transaction matching need are decoded as they are met,
 * so a defect anywhere in them rejects the message with the status a server
 * must answer.
 */
#include <errno.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tz/tz_build.h"
#include "tz/tz_msg.h"
#include "chars.h"

const struct tz_msg_limits tz_msg_limits_default = {
        .max_msg = 65536,
        .max_hdrs = TZ_MSG_HDRS_DEFAULT,
        .max_line = 8192,
        .stream_no_cl = false,
};

_Static_assert(TZ_HDR_COUNT_ <= 128, "tz_msg.present holds 128 ids");

void tz_msg_init(struct tz_msg *msg, struct tz_hdr *hdrs, uint32_t cap)
{
	memset(msg, 0, sizeof(*msg));
	msg->hdr = hdrs;
	msg->hdr_cap = cap;
}

const char *tz_msg_status_phrase(uint16_t status)
{
	return status ? tz_status_phrase(status) : "Dropped";
}

/*
 * Record a defect. A response is never answered (RFC 3261 18.1.2: a
 * malformed response is discarded), so its status is 0.
 */
static int fail(struct tz_msg *msg, int err, uint16_t status, const char *what)
{
	msg->err_status = msg->request ? status : 0;
	msg->err_what = what;
	return err;
}

#define BAD(msg, what) fail(msg, -EBADMSG, 400, what)

/*
 * Offset of the first CR or LF at or after @p, or @len. Sixteen bytes at a
 * time where SSE2 is there (every x86-64): one scan finds both, where two
 * memchr() calls per line cost a tenth of a parse.
 */
static uint32_t first_crlf(const char *b, uint32_t p, uint32_t len)
{
#if defined(__SSE2__)
	const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');

	for (; p + 16 <= len; p += 16) {
		__m128i v =
		        _mm_loadu_si128((const __m128i *)(const void *)(b + p));
		int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr),
		                                       _mm_cmpeq_epi8(v, lf)));
		if (m)
			return p + (uint32_t)__builtin_ctz((unsigned)m);
	}
#endif
	while (p < len && b[p] != '\r' && b[p] != '\n')
		p++;
	return p;
}

/*
 * Find the end of the line starting at @p: the offset of its CR, with the
 * CRLF required (RFC 3261 7: lines end in CRLF; a bare CR or LF is not a
 * line end). Folds (CRLF followed by WSP) are crossed when @fold is set.
 * Returns -EBADMSG for a bare CR or LF, -EAGAIN when no CRLF is found.
 */
static int line_end(const char *b, uint32_t p, uint32_t len, bool fold,
                    uint32_t *eol)
{
	for (;;) {
		uint32_t q = first_crlf(b, p, len);
		if (q == len)
			return -EAGAIN;
		if (b[q] != '\r' || q + 1 == len || b[q + 1] != '\n')
			return -EBADMSG;
		if (fold && q + 2 < len && is_wsp(b[q + 2])) {
			p = q + 2;
			continue;
		}
		*eol = q;
		return 0;
	}
}

/* RFC3261 7.1: SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT */
static bool version_syntax(const char *b, uint32_t p, uint32_t end)
{
	uint32_t d;

	if (end - p < 7 || !tz_span_eqi(b, (struct tz_span){p, 4}, "SIP/"))
		return false;
	p += 4;
	d = skip_cls(b, p, end, C_DIGIT);
	if (d == p || d >= end || b[d] != '.')
		return false;
	p = d + 1;
	d = skip_cls(b, p, end, C_DIGIT);
	return d > p && d == end;
}

static bool version_is_20(const char *b, uint32_t p, uint32_t end)
{
	/* Leading zeros are allowed by the grammar: "SIP/02.00" is 2.0. */
	p += 4;
	while (b[p] == '0' && b[p + 1] != '.')
		p++;
	if (b[p] != '2' || b[p + 1] != '.')
		return false;
	for (p += 2; p < end; p++)
		if (b[p] != '0')
			return false;
	return true;
}

/* RFC3261 7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase */
static int status_line(struct tz_msg *msg, const char *b, uint32_t eol)
{
	uint32_t sp = 0, p;

	while (sp < eol && b[sp] != ' ')
		sp++;
	if (!version_syntax(b, 0, sp))
		return BAD(msg, "malformed status line");
	if (!version_is_20(b, 0, sp))
		return fail(msg, -EPROTONOSUPPORT, 505,
		            "unsupported SIP version");
	/* Status-Code = 3DIGIT, 100 to 699 (RFC3261 21) */
	p = sp + 1;
	if (sp == eol || eol - p < 4 ||
	    skip_cls(b, p, p + 3, C_DIGIT) != p + 3 || b[p + 3] != ' ')
		return BAD(msg, "malformed status line");
	msg->status = (uint16_t)((b[p] - '0') * 100 + (b[p + 1] - '0') * 10 +
	                         (b[p + 2] - '0'));
	if (msg->status < 100 || msg->status > 699)
		return BAD(msg, "status code out of range");
	/* Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII /
	 * UTF8-CONT / SP / HTAB): no control bytes. */
	for (p += 4; p < eol; p++) {
		unsigned char c = (unsigned char)b[p];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return BAD(msg, "malformed reason phrase");
	}
	msg->reason = (struct tz_span){sp + 5, eol - sp - 5};
	return 0;
}

/* RFC3261 7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF */
static int request_line(struct tz_msg *msg, const char *b, uint32_t eol,
                        const struct tz_msg_limits *lim, bool *badver)
{
	uint32_t m = skip_cls(b, 0, eol, C_TOKEN), u, v;
	const char *sp;
	int err;

	msg->request = true;
	if (m == 0 || m >= eol || b[m] != ' ')
		return BAD(msg, "malformed request line");
	u = m + 1;
	sp = memchr(b + u, ' ', eol - u);
	v = sp ? (uint32_t)(sp - b) : eol;
	/* RFC3261 21.4.12: 414 when the Request-URI is longer than we are
	 * willing to interpret */
	if (v - u > lim->max_line)
		return fail(msg, -EOVERFLOW, 414, "Request-URI too long");
	/* RFC 4475 3.1.2.11-13: extra SP or LWS in the Request-URI fails
	 * here, as the version must be the rest of the line. */
	if (v == u || v >= eol || !version_syntax(b, v + 1, eol))
		return BAD(msg, "malformed request line");
	/* RFC 4475 3.1.2.14: a version we do not speak is 505, not 400;
	 * the header fields are still read, so the 505 can be sent */
	*badver = !version_is_20(b, v + 1, eol);
	msg->method = (struct tz_span){0, m};
	msg->ruri = (struct tz_span){u, v - u};
	err = tz_uri_parse(&msg->ruri_u, b, u, v - u);
	if (err && *badver)
		return fail(msg, -EPROTONOSUPPORT, 505,
		            "unsupported SIP version");
	if (err)
		return BAD(msg, "malformed Request-URI");
	/* RFC3261 19.1.1 table: the headers component is not allowed in a
	 * Request-URI (RFC 4475 3.1.2.9) */
	if (msg->ruri_u.headers.len)
		return BAD(msg, "Request-URI must not contain headers");
	return 0;
}

static int dup_check(struct tz_msg *msg, bool seen, const char *what)
{
	/* RFC3261 7.3.1: these headers appear at most once (RFC 4475
	 * 3.3.7 and 3.3.8: duplicates are a 400). */
	return seen ? BAD(msg, what) : 0;
}

static int via_hdr(struct tz_msg *msg, const char *b, struct tz_span v,
                   const struct tz_via_hint *hint)
{
	uint32_t p = v.off, end = v.off + v.len;
	struct tz_via tmp;

	/* RFC3261 7.3.1: several via-parms per field, comma separated */
	do {
		struct tz_via *via = msg->nvia ? &tmp : &msg->via1;

		if (!msg->nvia && hint && hint->buf == b &&
		    hint->val.off == v.off && hint->val.len == v.len) {
			/* decoded by the caller from these very bytes */
			*via = hint->via;
			p = hint->end;
		} else if (tz_via_decode(via, b, &p, end)) {
			return BAD(msg, "malformed Via");
		}
		msg->nvia++;
	} while (tz_list_next(b, &p, end));
	return 0;
}

/*
 * RFC3261 20.34: Route = "Route" HCOLON route-param *(COMMA route-param).
 * Every entry is checked, not only the top one: a proxy that pops the top
 * must not then forward a malformed one; the topmost is kept.
 */
static int route_hdr(struct tz_msg *msg, const char *b, struct tz_span v)
{
	uint32_t p = v.off, end = v.off + v.len;
	struct tz_naddr tmp;

	do {
		struct tz_naddr *na = msg->has_route ? &tmp : &msg->route1;
		if (tz_naddr_decode(na, b, &p, end, true))
			return BAD(msg, "malformed Route");
		msg->has_route = true;
	} while (tz_list_next(b, &p, end));
	return 0;
}

static int naddr_hdr(struct tz_msg *msg, const char *b, struct tz_span v,
                     struct tz_naddr *na, const char *what)
{
	uint32_t p = v.off;

	if (tz_naddr_decode(na, b, &p, v.off + v.len, false))
		return BAD(msg, what);
	return 0;
}

/* A bit per eagerly decoded header, to find duplicates and absences;
 * 0 for the headers left for later. Indexed by every id the lookup gives
 * (tz_hdr_id_lookup: below TZ_HDR_COUNT_). */
static const uint8_t eager_bits[TZ_HDR_COUNT_] = {
        [TZ_HDR_VIA] = 1 << 0,
        [TZ_HDR_CSEQ] = 1 << 1,
        [TZ_HDR_CALL_ID] = 1 << 2,
        [TZ_HDR_FROM] = 1 << 3,
        [TZ_HDR_TO] = 1 << 4,
        [TZ_HDR_MAX_FORWARDS] = 1 << 5,
        [TZ_HDR_CONTENT_LENGTH] = 1 << 6,
        [TZ_HDR_ROUTE] = 1 << 7,
};

static uint32_t eager_bit(unsigned id)
{
	return id < TZ_HDR_COUNT_ ? eager_bits[id] : 0;
}

/* Decode the headers routing and transaction matching need, as met. */
static int eager_decode(struct tz_msg *msg, const struct tz_hdr *h,
                        uint32_t *seen, const struct tz_msg_limits *lim)
{
	const char *b = msg->buf;
	uint32_t bit = eager_bit(h->id);
	bool dup = (*seen & bit) != 0;
	uint64_t n;
	int err = 0;

	switch (h->id) {
	case TZ_HDR_VIA:
		err = via_hdr(msg, b, h->value, lim->via1);
		break;
	case TZ_HDR_CSEQ:
		if ((err = dup_check(msg, dup, "duplicate CSeq")))
			return err;
		err = tz_cseq_decode(b, h->value, &msg->cseq,
		                     &msg->cseq_method);
		if (err == -ERANGE)
			return BAD(msg, "CSeq number too large");
		if (err)
			return BAD(msg, "malformed CSeq");
		break;
	case TZ_HDR_CALL_ID:
		if ((err = dup_check(msg, dup, "duplicate Call-ID")))
			return err;
		if (!tz_callid_check(b, h->value))
			return BAD(msg, "malformed Call-ID");
		msg->call_id = h->value;
		break;
	case TZ_HDR_FROM:
		if ((err = dup_check(msg, dup, "duplicate From")))
			return err;
		err = naddr_hdr(msg, b, h->value, &msg->from, "malformed From");
		break;
	case TZ_HDR_TO:
		if ((err = dup_check(msg, dup, "duplicate To")))
			return err;
		err = naddr_hdr(msg, b, h->value, &msg->to, "malformed To");
		break;
	case TZ_HDR_MAX_FORWARDS:
		if ((err = dup_check(msg, dup, "duplicate Max-Forwards")))
			return err;
		/* RFC3261 20.22: an integer in the range 0-255 */
		err = tz_hdr_uint(b, h->value, 255, &n);
		if (err)
			return BAD(msg, err == -ERANGE
			                        ? "Max-Forwards out of range"
			                        : "malformed Max-Forwards");
		msg->max_forwards = (int32_t)n;
		break;
	case TZ_HDR_CONTENT_LENGTH:
		if ((err = dup_check(msg, dup, "duplicate Content-Length")))
			return err;
		/* RFC3261 20.14: Content-Length = 1*DIGIT (RFC 4475 3.1.2.3:
		 * a negative value is malformed) */
		err = tz_hdr_uint(b, h->value, UINT32_MAX, &n);
		if (err == -EBADMSG)
			return BAD(msg, "malformed Content-Length");
		msg->content_length = err ? INT64_MAX : (int64_t)n;
		err = 0;
		break;
	case TZ_HDR_ROUTE:
		err = route_hdr(msg, b, h->value);
		break;
	default:
		break;
	}
	*seen |= bit;
	return err;
}

/* Read one header field at *pp; returns 1 at the empty line. */
static int header_field(struct tz_msg *msg, uint32_t *pp, uint32_t len,
                        const struct tz_msg_limits *lim)
{
	const char *b = msg->buf;
	uint32_t p = *pp, n0 = p, ne, v0, ve, eol;
	struct tz_hdr *h;
	int err;

	if (p + 1 < len && b[p] == '\r' && b[p + 1] == '\n') {
		*pp = p + 2;
		return 1;
	}
	/* RFC3261 7.3.1: field-name HCOLON; HCOLON = *( SP / HTAB ) ":" SWS */
	ne = skip_cls(b, p, len, C_TOKEN);
	if (ne == n0) {
		if (p >= len)
			return BAD(msg, "header section not terminated");
		return BAD(msg, "malformed header line");
	}
	p = ne;
	while (p < len && is_wsp(b[p]))
		p++;
	if (p >= len || b[p] != ':')
		return BAD(msg, "malformed header name");
	err = line_end(b, p, len, true, &eol);
	if (err == -EAGAIN)
		return BAD(msg, "header section not terminated");
	if (err)
		return BAD(msg, "bare CR or LF in header");
	if (eol - n0 > lim->max_line)
		return fail(msg, -EOVERFLOW, 513, "header line too long");
	if (msg->nhdr >= msg->hdr_cap || msg->nhdr >= lim->max_hdrs)
		return fail(msg, -EOVERFLOW, 513, "too many headers");
	v0 = skip_lws(b, p + 1, eol);
	ve = eol;
	/* Trailing LWS is not part of the value; inside a value any CRLF is
	 * a fold, so one met from the right may be dropped too. */
	while (ve > v0) {
		if (is_wsp(b[ve - 1]))
			ve--;
		else if (b[ve - 1] == '\n')
			ve -= 2;
		else
			break;
	}
	h = &msg->hdr[msg->nhdr++];
	h->name = (struct tz_span){n0, ne - n0};
	h->value = (struct tz_span){v0, ve - v0};
	h->id = (uint16_t)tz_hdr_id_lookup(b + n0, ne - n0);
	msg->present[h->id >> 6] |= 1ull << (h->id & 63);
	*pp = eol + 2;
	return 0;
}

static int required(struct tz_msg *msg, uint32_t seen)
{
	/* RFC3261 8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are
	 * mandatory; Max-Forwards is not enforced, for RFC 2543 peers
	 * (RFC 4475 3.4.1). */
	static const struct {
		uint16_t id;
		const char *what;
	} req[] = {
	        {TZ_HDR_VIA, "missing Via"},
	        {TZ_HDR_FROM, "missing From"},
	        {TZ_HDR_TO, "missing To"},
	        {TZ_HDR_CALL_ID, "missing Call-ID"},
	        {TZ_HDR_CSEQ, "missing CSeq"},
	};
	size_t i;

	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (!(seen & eager_bit(req[i].id)))
			return BAD(msg, req[i].what);
	/* RFC3261 8.1.1.5: the CSeq method MUST match the request's
	 * (RFC 4475 3.1.2.15-16) */
	if (msg->request && (msg->method.len != msg->cseq_method.len ||
	                     memcmp(msg->buf, msg->buf + msg->cseq_method.off,
	                            msg->method.len) != 0))
		return BAD(msg,
		           "CSeq method does not match the request method");
	return 0;
}

int tz_msg_parse(struct tz_msg *msg, const char *buf, size_t len,
                 const struct tz_msg_limits *lim)
{
	struct tz_arena *arena = msg->arena;
	uint32_t p = 0, eol, seen = 0, rest;
	size_t skip = 0;
	bool badver = false;
	int err;

	if (!lim)
		lim = &tz_msg_limits_default;
	tz_msg_init(msg, msg->hdr, msg->hdr_cap);
	msg->arena = arena;
	msg->max_forwards = -1;
	msg->content_length = -1;
	/* RFC3261 7.5: CRLFs before the start line are ignored; RFC 5626
	 * 3.5.1: a datagram of nothing else is a keep-alive. */
	while (skip + 1 < len && buf[skip] == '\r' && buf[skip + 1] == '\n')
		skip += 2;
	buf += skip;
	len -= skip;
	msg->buf = buf;
	if (len == 0)
		return fail(msg, -ENODATA, 0, "empty message");
	/* RFC3261 7.1: "SIP" is case-insensitive like every ABNF literal */
	msg->request =
	        !(len >= 4 && tz_span_eqi(buf, (struct tz_span){0, 4}, "SIP/"));
	if (len > lim->max_msg)
		return fail(msg, -EOVERFLOW, 513, "message too large");
	err = line_end(buf, 0, (uint32_t)len, false, &eol);
	if (err)
		return BAD(msg, err == -EAGAIN ? "no line end after start line"
		                               : "bare CR or LF in start line");
	err = msg->request ? request_line(msg, buf, eol, lim, &badver)
	                   : status_line(msg, buf, eol);
	if (err)
		return err;
	if (eol > lim->max_line)
		return fail(msg, -EOVERFLOW, 513, "start line too long");
	p = eol + 2;
	while ((err = header_field(msg, &p, (uint32_t)len, lim)) == 0) {
		const struct tz_hdr *h = &msg->hdr[msg->nhdr - 1];

		if (!eager_bits[h->id])
			continue; /* most headers: decoded when asked for */
		err = eager_decode(msg, h, &seen, lim);
		if (err)
			goto out;
	}
	if (err < 0)
		goto out;
	err = required(msg, seen);
	if (err)
		goto out;
	/* RFC3261 18.3: over datagrams the body is Content-Length bytes, the
	 * rest of the datagram is discarded (RFC 4475 3.1.1.8); a larger
	 * Content-Length is an error (3.1.2.2); none means "to the end". */
	rest = (uint32_t)len - p;
	if (msg->content_length > (int64_t)rest) {
		err = BAD(msg, "Content-Length larger than the body");
		goto out;
	}
	msg->body = (struct tz_span){
	        p,
	        msg->content_length < 0 ? rest : (uint32_t)msg->content_length};
	msg->len = p + msg->body.len;
	err = 0;
out:
	/* RFC 4475 3.1.2.14: the unsupported version is the verdict; the
	 * fields read meanwhile let the element answer 505 */
	if (badver)
		return fail(msg, -EPROTONOSUPPORT, 505,
		            "unsupported SIP version");
	return err;
}

const struct tz_hdr *tz_msg_hdr_find(const struct tz_msg *msg,
                                     enum tz_hdr_id id, unsigned nth)
{
	uint32_t i;

	if (id != TZ_HDR_OTHER && (unsigned)id < 128 &&
	    !(msg->present[id >> 6] & (1ull << (id & 63))))
		return NULL;
	for (i = 0; i < msg->nhdr; i++)
		if (msg->hdr[i].id == id && nth-- == 0)
			return &msg->hdr[i];
	return NULL;
}
