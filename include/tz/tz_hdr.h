/**
 * @file tz_hdr.h  Header field names and the typed decoders the parser runs
 * eagerly: Via, name-addr (From, To, Route), CSeq, Call-ID, numbers, and the
 * comma / parameter splitting every list header shares (RFC 3261 7.3, 25.1).
 *
 * Decoders read a header value span of a message buffer, may see folded
 * lines inside it (CRLF followed by SP or HTAB is LWS), and write spans
 * relative to that buffer. None allocates.
 */
#ifndef TZ_HDR_H
#define TZ_HDR_H

#include "tz_span.h"
#include "tz_uri.h"

/**
 * Header ids. Every RFC 3261 header plus the common extension headers of
 * later RFCs; anything else is TZ_HDR_OTHER and kept verbatim.
 */
enum tz_hdr_id {
	TZ_HDR_OTHER = 0,
	TZ_HDR_ACCEPT,
	TZ_HDR_ACCEPT_CONTACT, /* a, RFC 3841 */
	TZ_HDR_ACCEPT_ENCODING,
	TZ_HDR_ACCEPT_LANGUAGE,
	TZ_HDR_ALERT_INFO,
	TZ_HDR_ALLOW,
	TZ_HDR_ALLOW_EVENTS, /* u, RFC 6665 */
	TZ_HDR_AUTHENTICATION_INFO,
	TZ_HDR_AUTHORIZATION,
	TZ_HDR_CALL_ID, /* i */
	TZ_HDR_CALL_INFO,
	TZ_HDR_CONTACT, /* m */
	TZ_HDR_CONTENT_DISPOSITION,
	TZ_HDR_CONTENT_ENCODING, /* e */
	TZ_HDR_CONTENT_LANGUAGE,
	TZ_HDR_CONTENT_LENGTH, /* l */
	TZ_HDR_CONTENT_TYPE,   /* c */
	TZ_HDR_CSEQ,
	TZ_HDR_DATE,
	TZ_HDR_ERROR_INFO,
	TZ_HDR_EVENT, /* o, RFC 6665 */
	TZ_HDR_EXPIRES,
	TZ_HDR_FROM,     /* f */
	TZ_HDR_IDENTITY, /* y, RFC 8224 */
	TZ_HDR_IN_REPLY_TO,
	TZ_HDR_MAX_FORWARDS,
	TZ_HDR_MIME_VERSION,
	TZ_HDR_MIN_EXPIRES,
	TZ_HDR_MIN_SE,
	TZ_HDR_ORGANIZATION,
	TZ_HDR_P_ASSERTED_IDENTITY,
	TZ_HDR_P_PREFERRED_IDENTITY,
	TZ_HDR_PATH,
	TZ_HDR_PRIORITY,
	TZ_HDR_PRIVACY,
	TZ_HDR_PROXY_AUTHENTICATE,
	TZ_HDR_PROXY_AUTHORIZATION,
	TZ_HDR_PROXY_REQUIRE,
	TZ_HDR_RACK,
	TZ_HDR_REASON,
	TZ_HDR_RECORD_ROUTE,
	TZ_HDR_REFER_TO,       /* r, RFC 3515 */
	TZ_HDR_REFERRED_BY,    /* b, RFC 3892 */
	TZ_HDR_REJECT_CONTACT, /* j, RFC 3841 */
	TZ_HDR_REPLACES,
	TZ_HDR_REPLY_TO,
	TZ_HDR_REQUEST_DISPOSITION, /* d, RFC 3841 */
	TZ_HDR_REQUIRE,
	TZ_HDR_RETRY_AFTER,
	TZ_HDR_ROUTE,
	TZ_HDR_RSEQ,
	TZ_HDR_SERVER,
	TZ_HDR_SERVICE_ROUTE,
	TZ_HDR_SESSION_EXPIRES, /* x, RFC 4028 */
	TZ_HDR_SIP_ETAG,
	TZ_HDR_SIP_IF_MATCH,
	TZ_HDR_SUBJECT, /* s */
	TZ_HDR_SUBSCRIPTION_STATE,
	TZ_HDR_SUPPORTED, /* k */
	TZ_HDR_TIMESTAMP,
	TZ_HDR_TO, /* t */
	TZ_HDR_UNSUPPORTED,
	TZ_HDR_USER_AGENT,
	TZ_HDR_VIA, /* v */
	TZ_HDR_WARNING,
	TZ_HDR_WWW_AUTHENTICATE,
	TZ_HDR_COUNT_ /**< number of ids; not a header */
};

/**
 * Look a header name up, case-insensitively, compact forms included.
 * @return the id, or TZ_HDR_OTHER for an unknown name.
 */
enum tz_hdr_id tz_hdr_id_lookup(const char *name, size_t len);

/** Canonical spelling of a known header id ("Call-ID"); NULL for OTHER. */
const char *tz_hdr_name(enum tz_hdr_id id);

/** One header field: name and value spans into the message buffer. */
struct tz_hdr {
	struct tz_span name;  /**< as written */
	struct tz_span value; /**< from the first non-LWS byte to the last one;
	                           may contain folds (CRLF + WSP) */
	uint16_t id;          /**< enum tz_hdr_id */
};

/** A generic parameter: "name" or "name=value" (value may be quoted). */
struct tz_param {
	struct tz_span name;
	struct tz_span value; /**< len 0 when written without a value */
	bool has_value;       /**< an '=' was present */
};

/**
 * Read the parameter at *posp in base[.., end): expects SEMI (";" with LWS
 * around it), then a token, then optionally EQUAL and a gen-value (token,
 * host, or quoted-string). On success *posp moves past it.
 *
 * @return 0; -ENOENT when the next non-LWS byte is not ';' (*posp then at
 *         that byte); -EBADMSG for a malformed parameter.
 */
int tz_param_next(const char *base, uint32_t *posp, uint32_t end,
                  struct tz_param *param);

/** A name-addr or addr-spec with its header parameters (From, To, Route,
 *  Contact, ...: RFC 3261 20.10, 20.20, 20.39). */
struct tz_naddr {
	struct tz_span dname;  /**< display name as written (quotes kept) */
	struct tz_span uri;    /**< the URI without the angle brackets */
	struct tz_span params; /**< header params after the URI, ";" first */
	struct tz_span tag;    /**< value of the tag param; len 0 if none */
	bool angle;            /**< name-addr form (<...> written) */
	bool has_tag;          /**< a tag param is present */
	struct tz_uri u;       /**< the parsed URI */
};

/**
 * Decode one name-addr / addr-spec element with its parameters starting at
 * *posp. With @p list set, a ',' ends the element (list headers such as
 * Route and Contact); otherwise anything left is an error.
 *
 * @return 0 with *posp after the element (at the ',' or at end);
 *         -EBADMSG when malformed.
 */
int tz_naddr_decode(struct tz_naddr *na, const char *base, uint32_t *posp,
                    uint32_t end, bool list);

/** Which Via parameters were present (struct tz_via.has). */
enum tz_via_flag {
	TZ_VIA_BRANCH = 1 << 0,
	TZ_VIA_RECEIVED = 1 << 1,
	TZ_VIA_RPORT = 1 << 2,
	TZ_VIA_RPORT_VALUE = 1 << 3,
	TZ_VIA_MADDR = 1 << 4,
	TZ_VIA_TTL = 1 << 5,
};

/** One via-parm (RFC 3261 20.42, RFC 3581). */
struct tz_via {
	struct tz_span proto;     /**< protocol-name, e.g. "SIP" */
	struct tz_span version;   /**< protocol-version, e.g. "2.0" */
	struct tz_span transport; /**< e.g. "UDP"; any token is kept */
	struct tz_span host;      /**< sent-by host as written */
	struct tz_span branch;
	struct tz_span received;
	struct tz_span maddr;
	struct tz_span params; /**< all via-params, ";" first */
	int32_t port;          /**< sent-by port, -1 when not written */
	int32_t rport;         /**< rport value when TZ_VIA_RPORT_VALUE */
	uint16_t ttl;
	uint8_t has; /**< enum tz_via_flag bits */
	enum tz_host_type host_type;
};

/**
 * Decode the via-parm at *posp of a Via header value ending at @p end.
 *
 * @return 0 with *posp after the element (at the ',' that separates it from
 *         the next one, or at end); -EBADMSG when malformed.
 */
int tz_via_decode(struct tz_via *via, const char *base, uint32_t *posp,
                  uint32_t end);

/**
 * Step past a list separator: LWS, ',' and LWS.
 * @return true if a ',' was consumed: an element must follow (decoding it
 *         fails on a trailing ','); false at the end of the value.
 */
bool tz_list_next(const char *base, uint32_t *posp, uint32_t end);

/**
 * Split any comma-separated header value (RFC 3261 7.3.1) without knowing
 * its grammar: commas inside quoted strings (with \-escapes) and inside
 * <...> do not separate. Use it for list headers only: in Date or in a
 * digest challenge a comma is not an element separator.
 *
 * @param posp in: where to start (0-based offset into base, within the
 *             value); out: past the element and its separator.
 * @param elem the element, without surrounding LWS.
 * @return 0 for an element (possibly empty: "a,,b"); -ENOENT when *posp
 *         is at the end; -EBADMSG for an unterminated quote or '<'.
 */
int tz_hdr_list_split(const char *base, uint32_t *posp, uint32_t end,
                      struct tz_span *elem);

/**
 * Read 1*DIGIT with optional surrounding LWS as the whole of
 * base[off, off + len), refusing values above @p max.
 *
 * @return 0; -EBADMSG when not a number; -ERANGE when above max.
 */
int tz_hdr_uint(const char *base, struct tz_span val, uint64_t max,
                uint64_t *out);

/** True when the span is a Call-ID: word [ "@" word ] (RFC 3261 25.1). */
bool tz_callid_check(const char *base, struct tz_span val);

/**
 * Decode a CSeq value: 1*DIGIT LWS Method. The number must fit 32 bits
 * (RFC 3261 8.1.1.5).
 *
 * @return 0; -EBADMSG when malformed; -ERANGE when too large.
 */
int tz_cseq_decode(const char *base, struct tz_span val, uint32_t *num,
                   struct tz_span *method);

#endif
