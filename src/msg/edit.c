/*
 * edit.c  Edit lists: forwarding a received message with the changes a
 * proxy makes (RFC 3261 16.6, 16.7) applied to its original bytes.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_edit.h"

void tz_edits_init(struct tz_edits *ed, const struct tz_msg *msg)
{
	ed->msg = msg;
	ed->n = 0;
	ed->err = 0;
	ed->tlen = 0;
}

static int set_err(struct tz_edits *ed, int err)
{
	if (!ed->err)
		ed->err = err;
	return ed->err;
}

int tz_edits_replace(struct tz_edits *ed, uint32_t off, uint32_t del,
                     const char *ins, size_t len)
{
	struct tz_edit *e;

	if (ed->err)
		return ed->err;
	if ((uint64_t)off + del > ed->msg->len)
		return set_err(ed, -EINVAL);
	if (ed->n == TZ_EDIT_MAX || len > TZ_EDIT_TEXT - ed->tlen)
		return set_err(ed, -EOVERFLOW);
	e = &ed->e[ed->n];
	e->off = off;
	e->del = del;
	e->ins_off = ed->tlen;
	e->ins_len = (uint32_t)len;
	e->seq = (uint16_t)ed->n++;
	if (len)
		memcpy(ed->text + ed->tlen, ins, len);
	ed->tlen += (uint32_t)len;
	return 0;
}

/* Record "NAME: VALUE\r\n" at @off, the value printed from @fmt. */
__attribute__((format(printf, 4, 0))) static int
insert_field(struct tz_edits *ed, uint32_t off, const char *name,
             const char *fmt, va_list ap)
{
	size_t room = TZ_EDIT_TEXT - ed->tlen;
	char *t = ed->text + ed->tlen;
	int n, v;

	size_t k = strlen(name);

	if (ed->err)
		return ed->err;
	if (k + 2 >= room)
		return set_err(ed, -EOVERFLOW);
	memcpy(t, name, k);
	memcpy(t + k, ": ", 2);
	n = (int)k + 2;
	if (!strcmp(fmt, "%s")) {
		/* the common case (a Via, a Record-Route): no printf */
		const char *val = va_arg(ap, const char *);
		size_t vl = strlen(val);

		if (vl > INT_MAX || (size_t)n + vl + 2 > room)
			return set_err(ed, -EOVERFLOW);
		memcpy(t + n, val, vl);
		v = (int)vl;
	} else {
		v = vsnprintf(t + n, room - (size_t)n, fmt, ap);
	}
	if (v < 0 || (size_t)(n + v + 2) > room)
		return set_err(ed, -EOVERFLOW);
	memcpy(t + n + v, "\r\n", 2);
	/* the text is already in place: record it without a copy */
	if (ed->n == TZ_EDIT_MAX)
		return set_err(ed, -EOVERFLOW);
	ed->e[ed->n] = (struct tz_edit){off, 0, ed->tlen, (uint32_t)(n + v + 2),
	                                (uint16_t)ed->n};
	ed->n++;
	ed->tlen += (uint32_t)(n + v + 2);
	return 0;
}

/* Offset of the first header field: right after the start line. */
static uint32_t first_field(const struct tz_msg *msg)
{
	return msg->nhdr ? msg->hdr[0].name.off : msg->body.off - 2;
}

int tz_edit_hdr_prepend(struct tz_edits *ed, const char *name, const char *fmt,
                        ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = insert_field(ed, first_field(ed->msg), name, fmt, ap);
	va_end(ap);
	return err;
}

int tz_edit_hdr_append(struct tz_edits *ed, const char *name, const char *fmt,
                       ...)
{
	va_list ap;
	int err;

	/* before the CRLF of the empty line that ends the header section */
	va_start(ap, fmt);
	err = insert_field(ed, ed->msg->body.off - 2, name, fmt, ap);
	va_end(ap);
	return err;
}

/*
 * End of the field whose value ends at @vend: past the CRLF that is not
 * followed by WSP (trailing LWS and empty folds belong to the field).
 */
static uint32_t field_end(const struct tz_msg *msg, uint32_t vend)
{
	const char *b = msg->buf;
	uint32_t p = vend;

	for (;;) {
		const char *nl = memchr(b + p, '\n', msg->body.off - p);
		if (!nl)
			return msg->body.off -
			       2; /* cannot happen after parse */
		p = (uint32_t)(nl - b) + 1;
		if (b[p] != ' ' && b[p] != '\t')
			return p;
	}
}

int tz_edit_hdr_remove(struct tz_edits *ed, const struct tz_hdr *h)
{
	uint32_t end;

	if (!h)
		return set_err(ed, -EINVAL);
	end = field_end(ed->msg, h->value.off + h->value.len);
	return tz_edits_replace(ed, h->name.off, end - h->name.off, NULL, 0);
}

int tz_edit_list_pop(struct tz_edits *ed, const struct tz_hdr *h)
{
	uint32_t pos, end;
	struct tz_span first, next;

	if (!h)
		return -ENOENT;
	pos = h->value.off;
	end = h->value.off + h->value.len;
	/* RFC3261 7.3.1: the field is a comma list; drop its first element
	 * and the separator after it, or the whole field if it is alone
	 * (without a comma it is alone: no need to split) */
	if (!memchr(ed->msg->buf + pos, ',', end - pos) ||
	    tz_hdr_list_split(ed->msg->buf, &pos, end, &first) ||
	    tz_hdr_list_split(ed->msg->buf, &pos, end, &next) != 0)
		return tz_edit_hdr_remove(ed, h);
	return tz_edits_replace(ed, h->value.off, next.off - h->value.off, NULL,
	                        0);
}

int tz_edit_via_pop(struct tz_edits *ed)
{
	const struct tz_msg *m = ed->msg;
	const struct tz_hdr *h = tz_msg_hdr_find(m, TZ_HDR_VIA, 0);
	const char *b = m->buf;
	uint32_t q, end;

	/* The parse found where the top entry's parameters end: past them
	 * only LWS, then a comma and the next entry, or the field's end.
	 * Anything less plain (a fold, no parameters) takes the split. */
	if (h && m->via1.params.len) {
		q = m->via1.params.off + m->via1.params.len;
		end = h->value.off + h->value.len;
		while (q < end && (b[q] == ' ' || b[q] == '\t'))
			q++;
		if (q == end)
			return tz_edit_hdr_remove(ed, h);
		if (q < end && b[q] == ',') {
			for (q++; q < end && (b[q] == ' ' || b[q] == '\t'); q++)
				;
			if (q < end && b[q] != '\r' && b[q] != '\n')
				return tz_edits_replace(ed, h->value.off,
				                        q - h->value.off, NULL,
				                        0);
		}
	}
	return tz_edit_list_pop(ed, h);
}

int tz_edit_route_pop(struct tz_edits *ed)
{
	return tz_edit_list_pop(ed, tz_msg_hdr_find(ed->msg, TZ_HDR_ROUTE, 0));
}

int tz_edit_ruri(struct tz_edits *ed, const char *uri, size_t len)
{
	if (!ed->msg->request || len == 0)
		return set_err(ed, -EINVAL);
	return tz_edits_replace(ed, ed->msg->ruri.off, ed->msg->ruri.len, uri,
	                        len);
}

int tz_edit_max_forwards(struct tz_edits *ed, unsigned value)
{
	const struct tz_hdr *h =
	        tz_msg_hdr_find(ed->msg, TZ_HDR_MAX_FORWARDS, 0);
	char num[4];
	size_t n = 0;

	if (value > 255)
		return set_err(ed, -EINVAL); /* RFC3261 20.22: 0-255 */
	if (value >= 100)
		num[n++] = (char)('0' + value / 100);
	if (value >= 10)
		num[n++] = (char)('0' + value / 10 % 10);
	num[n++] = (char)('0' + value % 10);
	if (!h)
		return tz_edit_hdr_append(ed, "Max-Forwards", "%u", value);
	return tz_edits_replace(ed, h->value.off, h->value.len, num, n);
}

/*
 * Order the edits by offset; at one offset pure inserts first, in the
 * order recorded, then the one that deletes. Writes indexes to @ord.
 */
static int sorted(const struct tz_edits *ed, uint8_t *ord)
{
	unsigned i, j;
	uint32_t cursor = 0;

	for (i = 0; i < ed->n; i++) {
		const struct tz_edit *x = &ed->e[i];
		for (j = i; j > 0; j--) {
			const struct tz_edit *y = &ed->e[ord[j - 1]];
			bool before = x->off < y->off ||
			              (x->off == y->off &&
			               (x->del != 0) < (y->del != 0));
			if (!before)
				break;
			ord[j] = ord[j - 1];
		}
		ord[j] = (uint8_t)i;
	}
	for (i = 0; i < ed->n; i++) {
		const struct tz_edit *x = &ed->e[ord[i]];
		if (x->off < cursor)
			return -EINVAL; /* two edits touch the same bytes */
		cursor = x->off + x->del;
	}
	return 0;
}

size_t tz_edits_len(const struct tz_edits *ed)
{
	size_t len = ed->msg->len;
	unsigned i;

	for (i = 0; i < ed->n; i++)
		len = len - ed->e[i].del + ed->e[i].ins_len;
	return len;
}

uint32_t tz_edits_map(const struct tz_edits *ed, uint32_t off)
{
	int64_t to = off;

	for (unsigned i = 0; i < ed->n; i++) {
		const struct tz_edit *e = &ed->e[i];

		if (e->del && off >= e->off && off < e->off + e->del)
			return UINT32_MAX;
		if (e->off + e->del <= off)
			to += (int64_t)e->ins_len - e->del;
	}
	return (uint32_t)to;
}

int tz_edits_apply(const struct tz_edits *ed, struct tz_buf *out)
{
	struct iovec iov[2 * TZ_EDIT_MAX + 1];
	int n = tz_edits_iov(ed, iov, 2 * TZ_EDIT_MAX + 1), i;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		tz_buf_put(out, iov[i].iov_base, iov[i].iov_len);
	return out->err;
}

int tz_edits_iov(const struct tz_edits *ed, struct iovec *iov, int max)
{
	uint8_t ord[TZ_EDIT_MAX];
	uint32_t cursor = 0;
	unsigned i;
	int n = 0, err;

	if (ed->err)
		return ed->err;
	err = sorted(ed, ord);
	if (err)
		return err;
	for (i = 0; i <= ed->n; i++) {
		const struct tz_edit *x = i < ed->n ? &ed->e[ord[i]] : NULL;
		uint32_t upto = x ? x->off : ed->msg->len;
		if (upto > cursor) {
			if (n == max)
				return -EOVERFLOW;
			iov[n].iov_base = (void *)(ed->msg->buf + cursor);
			iov[n++].iov_len = upto - cursor;
		}
		if (!x)
			break;
		if (x->ins_len) {
			if (n == max)
				return -EOVERFLOW;
			iov[n].iov_base = (void *)(ed->text + x->ins_off);
			iov[n++].iov_len = x->ins_len;
		}
		cursor = x->off + x->del;
	}
	return n;
}
