/**
 * @file tz_msg.h  SIP message framing and one-pass zero-copy parse
 * (RFC 3261 7, 18.3, 20, 25).
 *
 * tz_msg_parse() reads one message with datagram semantics into a struct
 * tz_msg: the start line, a caller-owned bounded array of header spans, and
 * the routing headers decoded eagerly (every Via checked, the top one kept;
 * CSeq, Call-ID, From/To with tags, Max-Forwards, Content-Length, the top
 * Route). Nothing is copied and nothing is allocated: the message borrows
 * the buffer, which must outlive it.
 *
 * tz_frame_stream() finds message boundaries on a stream transport.
 */
#ifndef TZ_MSG_H
#define TZ_MSG_H

#include "tz_hdr.h"

/**
 * The top Via of a message as a caller decoded it before the parse (the
 * server compares it with the source address first, RFC 3261 18.2.1):
 * given in tz_msg_limits.via1, the parse takes it instead of decoding
 * that via-parm a second time. Used only when @c buf is the buffer parsed
 * and @c val is that first Via field's value, as tz_msg_top_via found it.
 */
struct tz_via_hint {
	const char *buf;    /**< the bytes it was decoded from; NULL: none */
	struct tz_span val; /**< the first Via field's value */
	uint32_t end;       /**< where tz_via_decode stopped in @c val */
	struct tz_via via;  /**< the decoded via-parm */
};

/** Parser limits (DESIGN.md). Exceeding one gives status 513. */
struct tz_msg_limits {
	uint32_t max_msg;  /**< whole message in bytes (default 65536) */
	uint32_t max_hdrs; /**< header fields (default 128) */
	uint32_t max_line; /**< one header field incl. folds (default 8192) */
	/** Streams only: accept a message with no Content-Length as having an
	 *  empty body. Off by default: RFC 3261 18.3 makes the header
	 *  mandatory on streams and without it the next message's start
	 *  cannot be found safely. */
	bool stream_no_cl;
	/** Optional: the top Via already decoded (see tz_via_hint). */
	const struct tz_via_hint *via1;
};

/** The defaults named above. */
extern const struct tz_msg_limits tz_msg_limits_default;

/** Default capacity of a header array; tz_msg_limits_default.max_hdrs. */
#define TZ_MSG_HDRS_DEFAULT 128

/** Typed decoding results a message caches (tz_msg_typed.h). */
#define TZ_MSG_CACHE 8

struct tz_arena;

/** A parsed message. All spans are relative to @c buf. */
struct tz_msg {
	const char *buf; /**< borrowed: the bytes parsed */
	uint32_t len;    /**< bytes of this message (start line to body end) */
	bool request;    /**< request (true) or response */

	struct tz_span method; /**< request method */
	struct tz_span ruri;   /**< Request-URI as written */
	struct tz_uri ruri_u;  /**< its parsed form */
	uint16_t status;       /**< response status code */
	struct tz_span reason; /**< response reason phrase (may be empty) */

	struct tz_hdr *hdr; /**< caller's array, filled in header order */
	uint32_t nhdr;      /**< headers found */
	uint32_t hdr_cap;   /**< capacity of @c hdr */
	/** A bit per header id met by the parse: lookups of an absent
	 *  header (most of them) answer without a scan. */
	uint64_t present[2];

	struct tz_span call_id;
	uint32_t cseq;
	struct tz_span cseq_method;
	struct tz_naddr from;
	struct tz_naddr to;
	int32_t max_forwards;   /**< -1 when absent */
	int64_t content_length; /**< -1 when absent */
	struct tz_via via1;     /**< topmost Via */
	uint32_t nvia;          /**< Via entries in all Via header fields */
	struct tz_naddr route1; /**< topmost Route entry, if has_route */
	bool has_route;
	struct tz_span body;

	/** After a failed parse: the status a server must answer (400, 505,
	 *  513), or 0 when the message is a response (dropped). */
	uint16_t err_status;
	/** After a failed parse: what is wrong, a static string fit for a
	 *  reason phrase ("malformed Via"). */
	const char *err_what;

	/** Where typed decoding results live (tz_msg_typed.h); borrowed,
	 *  kept across tz_msg_parse(); NULL until tz_msg_set_arena(). */
	struct tz_arena *arena;
	/** Typed results decoded so far, emptied by every parse. */
	struct tz_msg_cached {
		uint16_t id;     /**< enum tz_hdr_id */
		int16_t err;     /**< what decoding returned */
		const void *val; /**< the result, in @c arena */
	} cache[TZ_MSG_CACHE];
	uint8_t ncache; /**< entries used in @c cache */
};

/**
 * Prepare @p msg to be parsed into, with a header array of @p cap entries
 * (borrowed; must outlive the message).
 */
void tz_msg_init(struct tz_msg *msg, struct tz_hdr *hdrs, uint32_t cap);

/**
 * The value of the first Via header field of message @p buf, found by a
 * scan of its first 16 lines, without a parse (nothing is checked).
 * @return false when there is none there, or a line before or in it is
 *         folded: a full parse must decide then.
 */
bool tz_msg_top_via(const char *buf, size_t len, struct tz_span *val);

/**
 * Parse one SIP message with datagram semantics (RFC 3261 18.3): leading
 * CRLFs are skipped; with a Content-Length the body is that many bytes and
 * any further bytes are ignored (a shorter body is an error); without one
 * the body is the rest of the buffer.
 *
 * @param msg  initialised by tz_msg_init(); overwritten.
 * @param buf  borrowed for the life of @p msg.
 * @param lim  NULL for tz_msg_limits_default.
 * @return 0; -ENODATA when @p buf holds only CRLFs (a keep-alive);
 *         -EBADMSG malformed, -EPROTONOSUPPORT bad SIP version, -EOVERFLOW
 *         over a limit: msg->err_status and msg->err_what say which.
 */
int tz_msg_parse(struct tz_msg *msg, const char *buf, size_t len,
                 const struct tz_msg_limits *lim);

/**
 * Find the @p nth (0-based) header with id @p id.
 * @return the header, or NULL.
 */
const struct tz_hdr *tz_msg_hdr_find(const struct tz_msg *msg,
                                     enum tz_hdr_id id, unsigned nth);

/** Reason phrase for a status the parser can produce ("Bad Request"). */
const char *tz_msg_status_phrase(uint16_t status);

/** Where a stream holds its next message (tz_frame_stream()). */
struct tz_frame {
	size_t skip; /**< leading keep-alive CRLF bytes to discard */
	size_t len;  /**< bytes of the message after them */
	/** In/out: bytes of an unfinished header section already scanned, so a
	 *  caller feeding bytes one by one does not rescan; zero it when a new
	 *  message starts. */
	size_t hint;
};

/**
 * Find the first message in a stream buffer (RFC 3261 18.3): skip leading
 * CRLFs (RFC 3261 7.5, RFC 5626 3.5.1 keep-alives), find CRLFCRLF, then take
 * Content-Length bytes of body.
 *
 * @return 0 with fr->skip and fr->len set; -EAGAIN when more bytes are
 *         needed (fr->skip may already be > 0); -EBADMSG when the framing
 *         is broken (no or bad Content-Length); -EOVERFLOW when the message
 *         would exceed lim->max_msg. After -EBADMSG or -EOVERFLOW the
 *         stream cannot be resynchronised: close it.
 */
int tz_frame_stream(const char *buf, size_t len,
                    const struct tz_msg_limits *lim, struct tz_frame *fr);

#endif
