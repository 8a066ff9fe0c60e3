/**
 * @file tz_hval.h  Typed decoders for the header values the parser leaves
 * undecoded (RFC 3261 20 and 25.1, and the extensions named per decoder).
 *
 * Every decoder reads a header value span of a message buffer (struct
 * tz_hdr.value), may see folds (CRLF + WSP) and LWS around separators, and
 * writes spans relative to the same @c base. Nothing is copied and nothing
 * is allocated; sub-arrays are bounded and documented.
 *
 * Conventions:
 *  - Single values: int tz_X_decode(out, base, value). List headers:
 *    int tz_X_next(out, base, &pos, end) with pos starting at value.off and
 *    end = value.off + value.len; each call decodes one element and leaves
 *    pos at the ',' after it or at end; -ENOENT once no element is left.
 *    An empty value therefore gives -ENOENT at once: callers that need one
 *    element (Route, Contact) check that the first call succeeded.
 *  - Returns: 0; -EBADMSG malformed; -ERANGE a number over its limit;
 *    -EOVERFLOW a bounded array is full; -ENOENT end of a list. After an
 *    error @p out is unspecified and pos is not moved unless stated.
 *  - A span of a decoded quoted-string value (realm, charset, Reason text,
 *    Warning text, +sip.instance, ...) EXCLUDES the DQUOTEs and is still
 *    escaped: compare it as is when it has no '\\', or unescape it with
 *    tz_qstr_unescape(). Raw parameter spans (@c params, struct tz_param)
 *    are kept as written, quotes included.
 *  - Absent spans have len 0; a has_X flag tells absent from empty.
 */
#ifndef TZ_HVAL_H
#define TZ_HVAL_H

#include <stdint.h>

#include "tz_hdr.h"

/* ---- shared value grammar ---- */

/**
 * Start the next element of a comma-separated list at *posp: skip LWS and,
 * when a ',' is there (the one a previous element stopped at), the ',' and
 * the LWS after it.
 *
 * @param first set to true when no ',' was consumed (the first element).
 *              A ',' that starts the value is taken for a separator: the
 *              cursor alone cannot tell it from one after an element.
 * @return 0 with *posp at the element's first byte; -ENOENT at the end of
 *         the value; -EBADMSG when a ',' is followed by nothing or by
 *         another ',' (empty element).
 */
int tz_list_enter(const char *base, uint32_t *posp, uint32_t end, bool *first);

/**
 * Read the header parameters (*(SEMI generic-param)) at *posp and record
 * the span they cover, ";" first (len 0 when there are none).
 *
 * @param list true when a ',' may end the element (list headers).
 * @return 0 with *posp at the ',' or at end; -EBADMSG when a parameter
 *         is malformed or something else follows them.
 */
int tz_params_read(const char *base, uint32_t *posp, uint32_t end, bool list,
                   struct tz_span *params);

/**
 * Read "token *(SEMI generic-param)" at *posp, the shape of Reason,
 * Subscription-State, Content-Disposition and Accept-Encoding elements:
 * the token into @p tok, then the parameters as tz_params_read() does.
 *
 * @return 0 with *posp at the ',' or at end; -EBADMSG when there is no
 *         token or a parameter is malformed.
 */
int tz_token_params(const char *base, uint32_t *posp, uint32_t end, bool list,
                    struct tz_span *tok, struct tz_span *params);

/**
 * Find the parameter named @p name (case-insensitive, RFC 3261 7.3.1) in a
 * span of parameters such as tz_naddr.params or tz_mtype.params.
 *
 * @return 0 with @p out set (first match); -ENOENT when absent; -EBADMSG
 *         when the span does not hold parameters.
 */
int tz_param_find(const char *base, struct tz_span params, const char *name,
                  struct tz_param *out);

/** True when the span is a non-empty token (RFC 3261 25.1). */
bool tz_span_is_token(const char *base, struct tz_span s);

/**
 * The contents of a quoted-string span without its DQUOTEs; any other span
 * unchanged. The result is still escaped.
 */
struct tz_span tz_span_unquote(const char *base, struct tz_span s);

/**
 * Decode a qvalue (RFC 3261 25.1: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0")
 * ]) into thousandths, 0..1000. LWS around it is allowed.
 *
 * @return 0; -EBADMSG when not a qvalue (q=1.5, q=.5, q=0.1234).
 */
int tz_qvalue_decode(const char *base, struct tz_span v, uint16_t *q);

/**
 * Copy a quoted-string unescaped into @p dst (digest computation needs the
 * unescaped realm, username, nonce...). @p s is either the whole
 * quoted-string, DQUOTEs included, or its contents as the decoders here
 * return them. Each quoted-pair gives the byte it escapes (RFC 3261 25.1;
 * that byte may be NUL); a fold (CRLF WSP) gives its WSP (RFC 3261 7.3.1).
 *
 * @param dst  written on success with *lenp bytes and a NUL after them.
 * @param cap  size of @p dst; it must hold the bytes and the NUL.
 * @return 0; -EBADMSG when @p s is not a valid (contents of a)
 *         quoted-string; -EOVERFLOW when @p dst is too small.
 */
int tz_qstr_unescape(char *dst, size_t cap, size_t *lenp, const char *base,
                     struct tz_span s);

/**
 * Copy a URI component with its %HH escapes decoded (RFC 3986 2.1), e.g.
 * the Replaces header of a Refer-To URI. Same contract as
 * tz_qstr_unescape(); -EBADMSG for a '%' not followed by two hex digits.
 */
int tz_pct_unescape(char *dst, size_t cap, size_t *lenp, const char *base,
                    struct tz_span s);

/* ---- Contact, Route and other name-addr lists ---- */

/** One Contact element (RFC 3261 20.10, RFC 5626 4.1). */
struct tz_contact {
	bool star;               /**< the value is "*" (no address then) */
	struct tz_naddr na;      /**< address and all header params */
	uint32_t expires;        /**< expires param, if has_expires */
	uint16_t q;              /**< q param in thousandths; 1000 if absent */
	bool has_expires;        /**< an expires param was present and fits */
	bool has_q;              /**< a q param was present */
	bool has_instance;       /**< a +sip.instance param was present */
	bool has_reg_id;         /**< a reg-id param was present */
	struct tz_span instance; /**< +sip.instance value without DQUOTEs,
	                              e.g. "<urn:uuid:...>" */
	struct tz_span reg_id;   /**< reg-id value as written */
	uint32_t reg_id_value;   /**< reg-id as a number, 1..2^31-1 */
};

/**
 * Decode the next Contact element: STAR as the whole value, or name-addr /
 * addr-spec with contact-params (RFC 3261 20.10: c-p-q, c-p-expires;
 * RFC 5626 4.1: +sip.instance, reg-id). A repeated q, expires,
 * +sip.instance or reg-id is malformed, and so is a reg-id outside
 * 1..2^31-1 or a +sip.instance that is not a quoted "<...>".
 *
 * @return 0, -ENOENT, -EBADMSG as in the list convention above; -ERANGE
 *         when the expires param exceeds 2^32-1: the element is then
 *         otherwise decoded with has_expires false and *posp advanced, so
 *         a registrar may apply its default (RFC 4475 3.1.2.4) and go on.
 */
int tz_contact_next(struct tz_contact *out, const char *base, uint32_t *posp,
                    uint32_t end);

/**
 * Decode the next element of Route, Record-Route (RFC 3261 20.30, 20.34),
 * Path (RFC 3327) or Service-Route (RFC 3608): name-addr *(SEMI
 * generic-param); the addr-spec form is malformed in these headers.
 */
int tz_route_next(struct tz_naddr *out, const char *base, uint32_t *posp,
                  uint32_t end);

/**
 * Decode the next element of P-Asserted-Identity or P-Preferred-Identity
 * (RFC 3325 9.1, 9.2): name-addr / addr-spec. The grammar has no header
 * parameters; any present are kept in out->params rather than refused.
 */
int tz_pid_next(struct tz_naddr *out, const char *base, uint32_t *posp,
                uint32_t end);

/* ---- numbers and timers ---- */

/**
 * Decode a delta-seconds value: Expires, Min-Expires (RFC 3261 20.19,
 * 20.23), 0..2^32-1.
 * @return 0; -EBADMSG; -ERANGE when over 2^32-1.
 */
int tz_expires_decode(uint32_t *secs, const char *base, struct tz_span value);

/**
 * Decode RSeq (RFC 3262 7.1): response-num, 1..2^31-1.
 * @return 0; -EBADMSG; -ERANGE when 0 or over 2^31-1.
 */
int tz_rseq_decode(uint32_t *rseq, const char *base, struct tz_span value);

/** A decoded RAck value (RFC 3262 7.2). */
struct tz_rack {
	uint32_t rseq;         /**< response-num, 1..2^31-1 */
	uint32_t cseq;         /**< CSeq-num, 32 bits */
	struct tz_span method; /**< Method of the CSeq */
};

/**
 * Decode RAck: response-num LWS CSeq-num LWS Method.
 * @return 0; -EBADMSG; -ERANGE when a number is out of range.
 */
int tz_rack_decode(struct tz_rack *out, const char *base, struct tz_span value);

/** Who refreshes a session (RFC 4028 4). */
enum tz_refresher {
	TZ_REFRESHER_NONE = 0, /**< no refresher param */
	TZ_REFRESHER_UAC,
	TZ_REFRESHER_UAS,
};

/** A decoded Session-Expires value (RFC 4028 4). */
struct tz_session_expires {
	uint32_t delta;              /**< delta-seconds */
	enum tz_refresher refresher; /**< refresher param */
	struct tz_span params;       /**< all se-params, ";" first */
};

/**
 * Decode Session-Expires: delta-seconds *(SEMI se-params), refresher =
 * "uac" / "uas" (case-insensitive), at most once.
 * @return 0; -EBADMSG; -ERANGE when the delta exceeds 2^32-1.
 */
int tz_session_expires_decode(struct tz_session_expires *out, const char *base,
                              struct tz_span value);

/**
 * Decode Min-SE (RFC 4028 5): delta-seconds *(SEMI generic-param).
 * @return 0; -EBADMSG; -ERANGE when over 2^32-1.
 */
int tz_min_se_decode(uint32_t *secs, const char *base, struct tz_span value);

/** A decoded Timestamp value (RFC 3261 20.38). */
struct tz_timestamp {
	struct tz_span value; /**< 1*DIGIT [ "." *DIGIT ] as written */
	struct tz_span delay; /**< delay as written; len 0 when absent */
	uint64_t value_us;    /**< value in microseconds (finer digits cut) */
	uint64_t delay_us;    /**< delay in microseconds; 0 when absent */
	bool has_delay;       /**< a non-empty delay was written */
};

/**
 * Decode Timestamp: 1*DIGIT [ "." *DIGIT ] [ LWS delay ], delay =
 * *DIGIT [ "." *DIGIT ].
 * @return 0; -EBADMSG; -ERANGE when a value does not fit in microseconds.
 */
int tz_timestamp_decode(struct tz_timestamp *out, const char *base,
                        struct tz_span value);

/** A decoded Retry-After value (RFC 3261 20.33). */
struct tz_retry_after {
	uint32_t delta;         /**< delta-seconds */
	uint32_t duration;      /**< duration param, if has_duration */
	bool has_duration;      /**< a duration param was present */
	struct tz_span comment; /**< comment without the outer parentheses,
	                             as written (nested comments kept) */
	struct tz_span params;  /**< retry-params, ";" first */
};

/**
 * Decode Retry-After: delta-seconds [ comment ] *( SEMI retry-param ).
 * @return 0; -EBADMSG; -ERANGE when a number exceeds 2^32-1 (RFC 4475
 *         3.1.2.5).
 */
int tz_retry_after_decode(struct tz_retry_after *out, const char *base,
                          struct tz_span value);

/**
 * Decode Date (RFC 3261 20.17): rfc1123-date with "GMT" as the only zone
 * (RFC 4475 3.1.2.12: "EST", "UT", "UTC" are malformed). The weekday must
 * match the date. The message parser never calls this: a bad Date only
 * matters to whoever reads it.
 *
 * @param secs seconds since 1970-01-01T00:00:00Z (negative before).
 * @return 0; -EBADMSG.
 */
int tz_date_decode(int64_t *secs, const char *base, struct tz_span value);

/* ---- token lists ---- */

/**
 * Decode the next token of Allow (Methods), Supported, Require,
 * Proxy-Require, Unsupported (option-tags, RFC 3261 19.2, 20.5, 20.29,
 * 20.32, 20.37, 20.40), Content-Encoding, or Allow-Events (where
 * tz_allow_events_next() also splits the event type): token *(COMMA token).
 */
int tz_toklist_next(struct tz_span *tok, const char *base, uint32_t *posp,
                    uint32_t end);

/**
 * True when a token list value holds @p tok. Comparison: Methods are
 * case-sensitive (RFC 3261 25.1 spells them with %x, 7.1), and so are event
 * types (RFC 6665 8.2.1: byte by byte): pass @p exact true for Allow and
 * Allow-Events. RFC 3261 19.2 says nothing of case for option-tags, so
 * 7.3.1 applies ("Tokens are always case-insensitive"): pass false for
 * Supported, Require, Proxy-Require, Unsupported. Only the elements before
 * a malformed one are seen; validate with tz_toklist_next().
 */
bool tz_toklist_has(const char *base, struct tz_span value, const char *tok,
                    bool exact);

/**
 * Decode the next priv-value of Privacy (RFC 3323 4.2): priv-value *(";"
 * priv-value), priv-value = "header" / "session" / "user" / "none" /
 * "critical" / token. Here ';' separates elements and *posp stops at it.
 */
int tz_privacy_next(struct tz_span *tok, const char *base, uint32_t *posp,
                    uint32_t end);

/** True when a Privacy value holds @p tok (case-insensitive, 7.3.1). */
bool tz_privacy_has(const char *base, struct tz_span value, const char *tok);

/** One element of Accept-Encoding or Accept-Language (RFC 3261 20.2, 20.3). */
struct tz_qtok {
	struct tz_span tok;    /**< content-coding, language-range or "*" */
	struct tz_span params; /**< accept-params, ";" first */
	uint16_t q;            /**< q in thousandths; 1000 when absent */
	bool has_q;            /**< a q param was present */
};

/**
 * Decode the next element of Accept-Encoding or Accept-Language: token
 * *(SEMI accept-param), accept-param = ("q" EQUAL qvalue) / generic-param.
 */
int tz_qtok_next(struct tz_qtok *out, const char *base, uint32_t *posp,
                 uint32_t end);

/* ---- media types ---- */

/** A media type (RFC 3261 20.15 media-type, 20.1 media-range). */
struct tz_mtype {
	struct tz_span type;     /**< m-type, or "*" in an Accept range */
	struct tz_span subtype;  /**< m-subtype, or "*" */
	struct tz_span params;   /**< m-parameters, ";" first; in Accept only
	                              those before q */
	struct tz_span charset;  /**< charset param value, DQUOTEs excluded */
	struct tz_span boundary; /**< boundary param value, DQUOTEs excluded */
	struct tz_span accept_params; /**< Accept: q and after, ";" first */
	uint16_t q; /**< Accept: q in thousandths; 1000 absent */
	bool has_q; /**< Accept: a q param was present */
};

/**
 * Decode Content-Type (RFC 3261 20.15): m-type SLASH m-subtype *(SEMI
 * m-parameter), m-parameter = m-attribute EQUAL (token / quoted-string).
 * A repeated charset or boundary is malformed.
 */
int tz_ctype_decode(struct tz_mtype *out, const char *base,
                    struct tz_span value);

/**
 * Decode the next Accept element (RFC 3261 20.1): media-range *(SEMI
 * accept-param), media-range = "*\/\*" / m-type "/" "*" / m-type "/"
 * m-subtype with m-parameters. Parameters before q belong to the range.
 */
int tz_accept_next(struct tz_mtype *out, const char *base, uint32_t *posp,
                   uint32_t end);

/** A decoded Content-Disposition value (RFC 3261 20.11). */
struct tz_cdisp {
	struct tz_span type;     /**< disp-type: render, session, ... */
	struct tz_span handling; /**< handling param value; len 0 if absent */
	struct tz_span params;   /**< disp-params, ";" first */
	bool optional;           /**< handling=optional (default required) */
};

/** Decode Content-Disposition: disp-type *( SEMI disp-param ). */
int tz_cdisp_decode(struct tz_cdisp *out, const char *base,
                    struct tz_span value);

/* ---- authentication ---- */

/** Digest algorithms (RFC 7616 3.2, 6.1; RFC 3261 25.1). */
enum tz_digest_alg {
	TZ_DIGEST_ALG_NONE = 0, /**< no algorithm param (MD5 applies) */
	TZ_DIGEST_MD5,
	TZ_DIGEST_MD5_SESS,
	TZ_DIGEST_SHA256,
	TZ_DIGEST_SHA256_SESS,
	TZ_DIGEST_SHA512_256,
	TZ_DIGEST_SHA512_256_SESS,
	TZ_DIGEST_ALG_OTHER, /**< a token we do not know */
};

/** qop values (struct tz_auth.qops bits). */
enum tz_qop {
	TZ_QOP_AUTH = 1 << 0,
	TZ_QOP_AUTH_INT = 1 << 1,
	TZ_QOP_OTHER = 1 << 2, /**< some token other than the two above */
};

/** Which digest parameters were present (struct tz_auth.has). */
enum tz_auth_flag {
	TZ_AUTH_USERNAME = 1 << 0,
	TZ_AUTH_USERNAME_STAR = 1 << 1,
	TZ_AUTH_REALM = 1 << 2,
	TZ_AUTH_NONCE = 1 << 3,
	TZ_AUTH_URI = 1 << 4,
	TZ_AUTH_RESPONSE = 1 << 5,
	TZ_AUTH_ALGORITHM = 1 << 6,
	TZ_AUTH_CNONCE = 1 << 7,
	TZ_AUTH_OPAQUE = 1 << 8,
	TZ_AUTH_QOP = 1 << 9,
	TZ_AUTH_NC = 1 << 10,
	TZ_AUTH_USERHASH = 1 << 11,
	TZ_AUTH_STALE = 1 << 12,
	TZ_AUTH_DOMAIN = 1 << 13,
};

/** Unknown auth-params kept per Digest value; more give -EOVERFLOW. */
#define TZ_AUTH_OTHER_MAX 8

/**
 * A decoded credentials or challenge value. Quoted values are spans of the
 * contents without DQUOTEs, still escaped (see tz_qstr_unescape()); a
 * value a sender wrote as a token is the token. RFC 7235 2.1 lets either
 * form carry any auth-param, so both are accepted for every parameter.
 */
struct tz_auth {
	struct tz_span scheme;   /**< auth-scheme as written */
	struct tz_span params;   /**< everything after the scheme, raw: the
	                              only content kept for a non-Digest scheme */
	bool digest;             /**< the scheme is Digest (case-insensitive) */
	uint32_t has;            /**< enum tz_auth_flag bits */
	struct tz_span username; /**< username (quoted) */
	struct tz_span username_star; /**< username* ext-value as written
	                                   (RFC 7616 3.4.4, RFC 8187) */
	struct tz_span realm;         /**< realm */
	struct tz_span nonce;         /**< nonce */
	struct tz_span uri;           /**< digest-uri */
	struct tz_span response;      /**< response: hex digits */
	struct tz_span algorithm;     /**< algorithm as written */
	struct tz_span cnonce;        /**< cnonce */
	struct tz_span opaque;        /**< opaque */
	struct tz_span qop;           /**< qop as written, DQUOTEs excluded */
	struct tz_span nc;            /**< nonce-count: 8 hex digits */
	struct tz_span domain;        /**< domain: URIs separated by SP */
	enum tz_digest_alg alg;       /**< algorithm decoded */
	uint8_t qops;                 /**< enum tz_qop bits of qop */
	bool userhash;                /**< userhash=true (RFC 7616 3.4.4) */
	bool stale;                   /**< stale=true (challenge) */
	uint32_t nc_value;            /**< nc decoded */
	uint8_t nother;               /**< entries used in @c other */
	/** Unknown auth-params in order, values as written (quotes kept). */
	struct tz_param other[TZ_AUTH_OTHER_MAX];
};

/**
 * Decode Authorization / Proxy-Authorization (RFC 3261 20.7, 20.28, 25.1
 * credentials; RFC 7616 3.4): "Digest" LWS dig-resp *(COMMA dig-resp), or
 * another scheme kept as scheme + raw params (RFC 4475 3.3.7). In
 * credentials, qop holds one value. username and username* together, a
 * repeated parameter, an nc other than 8 hex digits, or a response that is
 * not hex are malformed.
 *
 * @return 0; -EBADMSG; -EOVERFLOW over TZ_AUTH_OTHER_MAX unknown params.
 */
int tz_credentials_decode(struct tz_auth *out, const char *base,
                          struct tz_span value);

/**
 * Decode WWW-Authenticate / Proxy-Authenticate (RFC 3261 20.27, 20.44,
 * 25.1 challenge; RFC 7616 3.3): as tz_credentials_decode(), except that
 * qop is a list ("auth,auth-int") and stale is expected.
 */
int tz_challenge_decode(struct tz_auth *out, const char *base,
                        struct tz_span value);

/* ---- events (RFC 6665) ---- */

/** An event-type split into package and templates (RFC 6665 8.4). */
struct tz_event_type {
	struct tz_span type;      /**< event-type as written */
	struct tz_span package;   /**< event-package (before the first '.') */
	struct tz_span templates; /**< after the first '.', e.g. "winfo";
	                               len 0 when none */
};

/**
 * Decode the next element of Allow-Events (RFC 6665 8.2.2): event-type
 * *(COMMA event-type).
 */
int tz_allow_events_next(struct tz_event_type *out, const char *base,
                         uint32_t *posp, uint32_t end);

/** A decoded Event value (RFC 6665 8.2.1). */
struct tz_event {
	struct tz_event_type type; /**< event-type */
	struct tz_span id;         /**< id param value; has_id tells */
	struct tz_span params;     /**< event-params, ";" first */
	bool has_id;               /**< an id param was present */
};

/** Decode Event: event-type *( SEMI event-param ); id = token, once. */
int tz_event_decode(struct tz_event *out, const char *base,
                    struct tz_span value);

/** Subscription states (RFC 6665 8.2.3). */
enum tz_substate {
	TZ_SUBSTATE_OTHER = 0, /**< extension-substate */
	TZ_SUBSTATE_ACTIVE,
	TZ_SUBSTATE_PENDING,
	TZ_SUBSTATE_TERMINATED,
};

/** A decoded Subscription-State value. */
struct tz_subscription_state {
	enum tz_substate state; /**< substate-value decoded */
	struct tz_span value;   /**< substate-value as written */
	struct tz_span reason;  /**< reason param value; len 0 if absent */
	struct tz_span params;  /**< subexp-params, ";" first */
	uint32_t expires;       /**< expires param, if has_expires */
	uint32_t retry_after;   /**< retry-after param, if has_retry_after */
	bool has_expires;       /**< an expires param was present */
	bool has_retry_after;   /**< a retry-after param was present */
};

/**
 * Decode Subscription-State: substate-value *( SEMI subexp-params ),
 * reason = token, expires and retry-after = delta-seconds, each at most
 * once.
 * @return 0; -EBADMSG; -ERANGE when a delta exceeds 2^32-1.
 */
int tz_subscription_state_decode(struct tz_subscription_state *out,
                                 const char *base, struct tz_span value);

/* ---- transfer (RFC 3515, 3891, 3892) ---- */

/** A decoded Refer-To value (RFC 3515 2.1). */
struct tz_refer_to {
	struct tz_naddr na;      /**< the refer target and header params */
	struct tz_span replaces; /**< value of a Replaces header embedded in
	                              the URI (still %-escaped: decode it with
	                              tz_pct_unescape(), then
	                              tz_replaces_decode()); has_replaces */
	bool has_replaces;       /**< the URI carries ?Replaces= */
};

/**
 * Decode Refer-To: ( name-addr / addr-spec ) *(SEMI generic-param). A URI
 * with headers (?Replaces=...) needs the name-addr form (RFC 3261 20.10).
 */
int tz_refer_to_decode(struct tz_refer_to *out, const char *base,
                       struct tz_span value);

/** A decoded Referred-By value (RFC 3892 3). */
struct tz_referred_by {
	struct tz_naddr na; /**< referrer-uri and header params */
	struct tz_span cid; /**< cid param contents, DQUOTEs excluded */
	bool has_cid;       /**< a cid param was present */
};

/**
 * Decode Referred-By: referrer-uri *( SEMI (referredby-id-param /
 * generic-param) ); cid = LDQUOT dot-atom "@" (dot-atom / host) RDQUOT.
 */
int tz_referred_by_decode(struct tz_referred_by *out, const char *base,
                          struct tz_span value);

/** A decoded Replaces value (RFC 3891 6.1). */
struct tz_replaces {
	struct tz_span call_id;  /**< callid */
	struct tz_span to_tag;   /**< to-tag value */
	struct tz_span from_tag; /**< from-tag value */
	struct tz_span params;   /**< replaces-params, ";" first */
	bool early_only;         /**< early-only flag present */
};

/**
 * Decode Replaces: callid *(SEMI replaces-param). Exactly one to-tag and
 * one from-tag are required (RFC 3891 6.1).
 */
int tz_replaces_decode(struct tz_replaces *out, const char *base,
                       struct tz_span value);

/* ---- Reason, Warning, Call-Info ---- */

/** One Reason element (RFC 3326 2). */
struct tz_reason {
	struct tz_span protocol; /**< "SIP", "Q.850" or another token */
	struct tz_span text;     /**< text param, DQUOTEs excluded */
	struct tz_span params;   /**< reason-params, ";" first */
	uint32_t cause;          /**< cause param, if has_cause */
	bool has_cause;          /**< a cause param was present */
	bool has_text;           /**< a text param was present */
};

/**
 * Decode the next Reason element: protocol *(SEMI reason-params); cause =
 * 1*DIGIT, text = quoted-string, each at most once.
 * @return as the list convention; -ERANGE when cause exceeds 2^32-1.
 */
int tz_reason_next(struct tz_reason *out, const char *base, uint32_t *posp,
                   uint32_t end);

/** One Warning element (RFC 3261 20.43). */
struct tz_warning {
	uint16_t code;        /**< warn-code, 3 digits */
	struct tz_span agent; /**< warn-agent: hostport or pseudonym */
	struct tz_span text;  /**< warn-text, DQUOTEs excluded */
};

/**
 * Decode the next Warning element: warn-code SP warn-agent SP warn-text.
 * A code of other than 3 digits is malformed (RFC 4475 3.1.2.5).
 */
int tz_warning_next(struct tz_warning *out, const char *base, uint32_t *posp,
                    uint32_t end);

/** One Call-Info, Alert-Info or Error-Info element (RFC 3261 20.4, 20.9,
 *  20.18). */
struct tz_info {
	struct tz_span uri;     /**< absoluteURI without the angle brackets */
	struct tz_span params;  /**< params, ";" first */
	struct tz_span purpose; /**< Call-Info purpose value; len 0 absent */
	struct tz_uri u;        /**< the parsed URI */
};

/** Decode the next element: LAQUOT absoluteURI RAQUOT *( SEMI param ). */
int tz_info_next(struct tz_info *out, const char *base, uint32_t *posp,
                 uint32_t end);

#endif
