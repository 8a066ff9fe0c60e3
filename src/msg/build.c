/*
 * build.c  Requests and responses we originate (RFC 3261 8.1.1, 8.2.6,
 * 12.1.1, 20.14).
 */
#include <errno.h>
#include <string.h>

#include "tz/tz_build.h"
#include "chars.h"

static bool given(const char *s)
{
	return s && *s;
}

/*
 * Extra header text must be whole fields, each ending in CRLF, with no
 * empty line (it would end the header section early) and no bare CR/LF.
 */
static bool fields_ok(const char *h)
{
	const char *lf;
	size_t i, n;

	if (!h || !*h)
		return true;
	n = strlen(h);
	if (n < 2 || h[n - 2] != '\r' || h[n - 1] != '\n' || h[0] == '\r')
		return false;
	/* line by line (memchr, not a test per byte): each LF ends a CRLF,
	 * and no CR elsewhere in the line, nor a line empty after it */
	for (i = 0; i < n; i = (size_t)(lf - h) + 1) {
		lf = memchr(h + i, '\n', n - i);
		if (!lf || lf == h + i || lf[-1] != '\r' ||
		    memchr(h + i, '\r', (size_t)(lf - h) - i - 1) ||
		    lf[1] == '\r')
			return false;
	}
	return true;
}

static bool is_token(const char *s)
{
	size_t n = strlen(s);

	return n && skip_cls(s, 0, (uint32_t)n, C_TOKEN) == n;
}

/* Content-Type, Content-Length and the body: the length is always ours. */
static void put_body(struct tz_buf *b, const char *ctype, const char *body,
                     size_t len)
{
	if (len) {
		tz_buf_puts(b, "Content-Type: ");
		tz_buf_puts(b, ctype);
		tz_buf_puts(b, "\r\n");
	}
	/* RFC3261 20.14: always sent by us, whatever the transport */
	tz_buf_puts(b, "Content-Length: ");
	tz_buf_put_u64(b, len);
	tz_buf_puts(b, "\r\n\r\n");
	tz_buf_put(b, body, len);
}

int tz_build_request(struct tz_buf *b, const struct tz_req_build *r)
{
	size_t i, start = b->len;

	/* RFC3261 8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are
	 * mandatory; the branch starts with the magic cookie (8.1.1.7) and
	 * From carries a tag (8.1.1.3). */
	if (!given(r->method) || !is_token(r->method) || !given(r->ruri) ||
	    !given(r->via) || !given(r->branch) ||
	    strncmp(r->branch, "z9hG4bK", 7) != 0 || !given(r->from) ||
	    !given(r->from_tag) || !given(r->to) || !given(r->call_id) ||
	    r->cseq >= 1u << 31 || r->max_forwards > 255 ||
	    (r->body_len && !given(r->ctype)) || !fields_ok(r->headers) ||
	    (r->nroute && !r->route))
		return -EINVAL;
	tz_buf_printf(b, "%s %s SIP/2.0\r\nVia: %s;branch=%s%s\r\n", r->method,
	              r->ruri, r->via, r->branch, r->rport ? ";rport" : "");
	tz_buf_printf(b, "Max-Forwards: %d\r\n",
	              r->max_forwards < 0 ? 70 : r->max_forwards);
	for (i = 0; i < r->nroute; i++)
		tz_buf_printf(b, "Route: %s\r\n", r->route[i]);
	tz_buf_printf(b, "From: %s;tag=%s\r\nTo: %s", r->from, r->from_tag,
	              r->to);
	if (given(r->to_tag))
		tz_buf_printf(b, ";tag=%s", r->to_tag);
	tz_buf_printf(b, "\r\nCall-ID: %s\r\nCSeq: %u %s\r\n", r->call_id,
	              r->cseq, r->method);
	if (given(r->contact)) {
		tz_buf_puts(b, "Contact: ");
		tz_buf_puts(b, r->contact);
		tz_buf_puts(b, "\r\n");
	}
	if (given(r->headers))
		tz_buf_puts(b, r->headers);
	put_body(b, r->ctype, r->body, r->body_len);
	if (b->err)
		b->len = start;
	return b->err;
}

/* Copy every field with id @id, as received. */
static void copy_fields(struct tz_buf *b, const struct tz_msg *req,
                        enum tz_hdr_id id)
{
	const struct tz_hdr *h = tz_msg_hdr_find(req, id, 0);

	/* one walk from the first, in order (not a search per field) */
	for (; h && h < req->hdr + req->nhdr; h++) {
		if (h->id != id)
			continue;
		tz_buf_puts(b, tz_hdr_name(id));
		tz_buf_puts(b, ": ");
		tz_buf_put_span(b, req->buf, h->value);
		tz_buf_puts(b, "\r\n");
	}
}

int tz_build_response(struct tz_buf *b, const struct tz_msg *req,
                      const struct tz_resp_build *r)
{
	const struct tz_hdr *to = tz_msg_hdr_find(req, TZ_HDR_TO, 0);
	size_t start = b->len;

	if (!req->request || r->status < 100 || r->status > 699 || !to ||
	    (r->body_len && !given(r->ctype)) || !fields_ok(r->headers))
		return -EINVAL;
	tz_buf_puts(b, "SIP/2.0 ");
	tz_buf_put_u64(b, r->status);
	tz_buf_putc(b, ' ');
	tz_buf_puts(b, r->reason ? r->reason : tz_status_phrase(r->status));
	tz_buf_puts(b, "\r\n");
	/* RFC3261 8.2.6.2: Via (all, in order), From, To, Call-ID and CSeq
	 * are copied; the UAS adds a To tag if there is none, except to a
	 * 100 Trying */
	copy_fields(b, req, TZ_HDR_VIA);
	if (r->record_route)
		copy_fields(b, req, TZ_HDR_RECORD_ROUTE);
	copy_fields(b, req, TZ_HDR_FROM);
	tz_buf_puts(b, "To: ");
	if (r->tag_out) {
		/* the request's tag lies where it lay in the copied value */
		r->tag_out->has = req->to.has_tag;
		r->tag_out->tag = (struct tz_span){0, 0};
		if (req->to.has_tag)
			r->tag_out->tag = (struct tz_span){
			        (uint32_t)(b->len - start) +
			                (req->to.tag.off - to->value.off),
			        req->to.tag.len};
	}
	tz_buf_put_span(b, req->buf, to->value);
	if (!req->to.has_tag && r->status != 100 && given(r->to_tag)) {
		tz_buf_puts(b, ";tag=");
		if (r->tag_out) {
			r->tag_out->has = true;
			r->tag_out->tag.off = (uint32_t)(b->len - start);
			r->tag_out->tag.len = (uint32_t)strlen(r->to_tag);
		}
		tz_buf_puts(b, r->to_tag);
	}
	tz_buf_puts(b, "\r\n");
	copy_fields(b, req, TZ_HDR_CALL_ID);
	copy_fields(b, req, TZ_HDR_CSEQ);
	/* RFC3261 8.2.6.1: a Timestamp is echoed in the 100 */
	if (r->status == 100)
		copy_fields(b, req, TZ_HDR_TIMESTAMP);
	if (given(r->contact)) {
		tz_buf_puts(b, "Contact: ");
		tz_buf_puts(b, r->contact);
		tz_buf_puts(b, "\r\n");
	}
	if (given(r->headers))
		tz_buf_puts(b, r->headers);
	put_body(b, r->ctype, r->body, r->body_len);
	if (b->err)
		b->len = start;
	return b->err;
}
