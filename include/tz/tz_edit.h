/**
 * @file tz_edit.h  Forwarding through an edit list (Kamailio's "lumps"):
 * a proxy records what changes in a received message — a Via added or
 * removed, a Record-Route inserted, a Route popped, Max-Forwards or the
 * Request-URI rewritten, headers appended — and the output is the original
 * bytes with those edits applied in one pass. Unchanged bytes are copied
 * untouched; with no edits the output is the input (RFC 3261 16.6: a
 * proxy changes only what the RFC tells it to).
 */
#ifndef TZ_EDIT_H
#define TZ_EDIT_H

#include <sys/uio.h>

#include "tz_buf.h"
#include "tz_msg.h"

/** Most edits one message may carry. */
#define TZ_EDIT_MAX 32
/** Bytes of inserted text one message may carry. */
#define TZ_EDIT_TEXT 8448

/** One edit: at @c off of the original, drop @c del bytes, insert text. */
struct tz_edit {
	uint32_t off;     /**< offset in the original message */
	uint32_t del;     /**< original bytes removed from @c off */
	uint32_t ins_off; /**< inserted text: offset in tz_edits.text */
	uint32_t ins_len; /**< inserted text: length */
	uint16_t seq;     /**< order of recording; inserts at one offset
	                       come out in this order */
};

/**
 * The edits of one message. Errors are sticky: a recording call that fails
 * (-EOVERFLOW: too many edits or too much text; -EINVAL: bad arguments)
 * sets @c err and every later call, and tz_edits_apply(), returns it.
 * The struct is self-contained and may be copied.
 */
struct tz_edits {
	const struct tz_msg *msg; /**< borrowed; must outlive the edits */
	struct tz_edit e[TZ_EDIT_MAX];
	unsigned n;    /**< edits recorded */
	int err;       /**< first error, sticky */
	uint32_t tlen; /**< bytes used in @c text */
	char text[TZ_EDIT_TEXT];
};

/** Start an empty edit list over a parsed message (borrowed). */
void tz_edits_init(struct tz_edits *ed, const struct tz_msg *msg);

/**
 * Primitive: replace @p del bytes at @p off of the message with @p len
 * bytes of @p ins (copied). Edits must not overlap one another.
 * @return 0 or the sticky error.
 */
int tz_edits_replace(struct tz_edits *ed, uint32_t off, uint32_t del,
                     const char *ins, size_t len);

/** Insert a header field "NAME: VALUE\r\n" before every other header
 *  (where a proxy puts its Via and Record-Route, RFC 3261 16.6 steps 4
 *  and 8). @p value is printf-formatted. */
int tz_edit_hdr_prepend(struct tz_edits *ed, const char *name, const char *fmt,
                        ...) __attribute__((format(printf, 3, 4)));

/** Append a header field "NAME: VALUE\r\n" after the last one. */
int tz_edit_hdr_append(struct tz_edits *ed, const char *name, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));

/** Remove a whole header field (one of ed->msg's, borrowed), folds and
 *  CRLF included. */
int tz_edit_hdr_remove(struct tz_edits *ed, const struct tz_hdr *h);

/**
 * Remove the first element of a comma-separated header field; the whole
 * field when it holds only that element.
 * @return 0; -ENOENT when @p h is NULL; or the sticky error.
 */
int tz_edit_list_pop(struct tz_edits *ed, const struct tz_hdr *h);

/** Remove the topmost Via entry (RFC 3261 16.7 step 3: a proxy removes its
 *  own Via from a response). -ENOENT when there is none. */
int tz_edit_via_pop(struct tz_edits *ed);

/** Remove the topmost Route entry (RFC 3261 16.4: a proxy pops a Route
 *  that names itself). -ENOENT when there is none. */
int tz_edit_route_pop(struct tz_edits *ed);

/** Replace the Request-URI with @p len bytes of @p uri (RFC 3261 16.6
 *  step 2, 16.5). -EINVAL for a response. */
int tz_edit_ruri(struct tz_edits *ed, const char *uri, size_t len);

/** Set Max-Forwards to @p value: rewrite the value, or add the header when
 *  the request has none (RFC 3261 16.6 step 3). */
int tz_edit_max_forwards(struct tz_edits *ed, unsigned value);

/** Length of the edited message. */
size_t tz_edits_len(const struct tz_edits *ed);

/**
 * Where byte @p off of the original message lands in the edited one
 * (text inserted at @p off comes before it). @return the new offset, or
 * UINT32_MAX when an edit removed that byte.
 */
uint32_t tz_edits_map(const struct tz_edits *ed, uint32_t off);

/**
 * Write the edited message to @p out in one pass.
 * @return 0; -EINVAL when two edits overlap; the sticky error; or the
 *         buffer's error (-ENOMEM, -EOVERFLOW).
 */
int tz_edits_apply(const struct tz_edits *ed, struct tz_buf *out);

/**
 * Describe the edited message as an iovec for sendmsg(): pieces of the
 * original and of the inserted text, in order, borrowing both.
 * @return the number of entries used; -EOVERFLOW when @p max is too
 *         small; -EINVAL when two edits overlap; or the sticky error.
 */
int tz_edits_iov(const struct tz_edits *ed, struct iovec *iov, int max);

#endif
