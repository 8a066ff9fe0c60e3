/**
 * @file tz_uri.h  URI reading: SIP and SIPS (RFC 3261 19.1, 25.1), tel
 * (RFC 3966), and any other absoluteURI as an opaque scheme + rest.
 *
 * The parser validates the grammar and records spans; it never unescapes
 * and never allocates. Spans are relative to the @c base the caller passes.
 */
#ifndef TZ_URI_H
#define TZ_URI_H

#include "tz_span.h"

/** URI schemes the stack knows by name. */
enum tz_uri_scheme {
	TZ_URI_OTHER = 0, /**< any other absoluteURI: read, not interpreted */
	TZ_URI_SIP,
	TZ_URI_SIPS,
	TZ_URI_TEL,
};

/** What kind of host a SIP URI or Via sent-by names. */
enum tz_host_type {
	TZ_HOST_NONE = 0,
	TZ_HOST_NAME, /**< hostname (RFC 3261 25.1) */
	TZ_HOST_IPV4, /**< dotted quad */
	TZ_HOST_IPV6, /**< IPv6reference; the span keeps the brackets */
};

/** A parsed URI. Absent parts have len 0; @c port is -1 when not written. */
struct tz_uri {
	enum tz_uri_scheme scheme;
	enum tz_host_type host_type;
	struct tz_span scheme_s; /**< scheme as written, without the ':' */
	struct tz_span user;     /**< user, or the tel number */
	struct tz_span password; /**< after ':' in userinfo */
	struct tz_span host;     /**< host as written; OTHER: the whole rest */
	struct tz_span params;   /**< ";a=b;c" without the leading ';' */
	struct tz_span headers;  /**< "h=v&h2=v2" without the leading '?' */
	int32_t port;            /**< 0..65535, or -1 when absent */
	bool has_userinfo;       /**< an '@' was present (the user is then
	                              never empty) */
};

/**
 * Parse the URI in base[off, off + len). The span must hold the URI only
 * (no angle brackets, no surrounding whitespace).
 *
 * @return 0, or -EBADMSG when the bytes are not a valid URI.
 */
int tz_uri_parse(struct tz_uri *uri, const char *base, uint32_t off,
                 uint32_t len);

/**
 * Check a host: hostname, IPv4address, or IPv6reference (brackets
 * required) per RFC 3261 25.1, tolerating the RFC 5118 4.10 triple colon.
 *
 * @return the host type, or TZ_HOST_NONE when invalid.
 */
enum tz_host_type tz_host_check(const char *p, size_t len);

/**
 * Scan the host that starts at b[i] and ends at the first byte that cannot
 * belong to it (for a bracketed IPv6 reference, after the ']').
 *
 * @param type set to the host's type, or TZ_HOST_NONE when the bytes
 *             scanned are not a valid host.
 * @return the position after the host.
 */
uint32_t tz_host_scan(const char *b, uint32_t i, uint32_t end,
                      enum tz_host_type *type);

/**
 * Check an IPv6 address without brackets (hex digits, colons, and an
 * optional trailing dotted quad). Liberal as RFC 5118 4.10 asks.
 */
bool tz_ipv6_check(const char *p, size_t len);

/** True when [p, p + len) is a dotted-quad IPv4 address. */
bool tz_ipv4_check(const char *p, size_t len);

/*
 * Escaping, comparison and printing (uri_esc.c, uri_cmp.c, uri_print.c).
 */

struct tz_buf;

/** The URI components whose bytes tz_uri_escape() knows. */
enum tz_uri_part {
	TZ_URI_PART_USER = 0, /**< user: unreserved / user-unreserved */
	TZ_URI_PART_PASSWORD, /**< password: unreserved / & = + $ , */
	TZ_URI_PART_PARAM,  /**< pname, pvalue: unreserved / param-unreserved */
	TZ_URI_PART_HEADER, /**< hname, hvalue: unreserved / hnv-unreserved */
};

/**
 * Decode the %HH escapes of in[0, len) into @p out (RFC 3261 25.1
 * escaped). The result may hold NUL bytes (%00), so it is counted by
 * *@p outlen and never NUL-terminated. @p out may equal @p in (decoding
 * only shrinks); it may be NULL when @p cap is 0, to ask for the size.
 * Borrows all pointers.
 *
 * @return 0 with *outlen the decoded length; -EBADMSG when a '%' is not
 *         followed by two hex digits (checked before anything else);
 *         -EOVERFLOW when @p cap is too small, *outlen then the size
 *         needed and @p out unspecified.
 */
int tz_uri_unescape(char *out, size_t cap, const char *in, size_t len,
                    size_t *outlen);

/**
 * Append in[0, len) to @p b with every byte that may not appear unescaped
 * in @p part written as %HH (upper-case hex): exactly the bytes outside
 * that component's grammar, '%' itself included. Borrows @p in.
 *
 * @return 0, the sticky error of @p b, or -EINVAL for an unknown @p part.
 */
int tz_uri_escape(struct tz_buf *b, const char *in, size_t len,
                  enum tz_uri_part part);

/**
 * URI equivalence (RFC 3261 19.1.4 for sip and sips, RFC 3966 4 for tel,
 * case-insensitive scheme and exact rest for any other scheme). @p a and
 * @p b are parsed URIs with spans relative to @p abase and @p bbase
 * (borrowed). Choices where the RFC is silent or inconsistent: transport,
 * like maddr, must be in both URIs or neither (the RFC's own example pair
 * "sip:bob@biloxi.com" / "...;transport=udp" differs); IPv6 hosts compare
 * as addresses; header components compare names as header names (case,
 * compact forms) and values case-sensitively; lists longer than 64
 * parameters or headers must match in order (bounded work on hostile
 * input).
 *
 * @return true when the URIs are equivalent. Reflexive and symmetric, not
 *         transitive (as the RFC says).
 */
bool tz_uri_equal(const char *abase, const struct tz_uri *a, const char *bbase,
                  const struct tz_uri *b);

/**
 * Append the canonical form of parsed URI @p u (spans relative to @p base,
 * borrowed): scheme and host in lower case, the port in decimal, escapes
 * in upper-case hex, escapes of unreserved bytes allowed in place decoded
 * (reserved ones kept as written: they are not equivalent). The output
 * parses back to a URI tz_uri_equal() to @p u, and printing it again gives
 * the same bytes.
 *
 * @return 0 or the sticky error of @p b.
 */
int tz_uri_print(struct tz_buf *b, const char *base, const struct tz_uri *u);

/**
 * Append @p u as tz_uri_print() does, for use as a Request-URI made from a
 * Contact or a redirect target: the headers component and the method
 * uri-parameter are left out, every other uri-parameter is kept (RFC 3261
 * 19.1.5, 8.1.1.1). Borrows @p base and @p u.
 *
 * @return 0 or the sticky error of @p b.
 */
int tz_uri_print_ruri(struct tz_buf *b, const char *base,
                      const struct tz_uri *u);

/**
 * Append a name-addr (RFC 3261 20.10, 25.1): an optional display name,
 * then "<" uri ">" (always bracketed), then @p params. The display name
 * dname[0, dlen) is raw text (no quotes, no escapes; NULL or 0 for none);
 * it is written bare when it is a sequence of tokens separated by single
 * spaces, otherwise as a quoted-string with '"', '\\' and control bytes
 * escaped by a backslash; bytes above 0x7f are copied (UTF-8 is the
 * caller's business). @p params (header parameters, e.g. ";tag=x") is
 * copied verbatim, a ';' put before it when it does not start with one.
 * Borrows every pointer.
 *
 * @return 0, the sticky error of @p b, or -EINVAL when the display name
 *         holds CR or LF (no quoted-string can carry them); nothing is
 *         appended then.
 */
int tz_naddr_print(struct tz_buf *b, const char *dname, size_t dlen,
                   const char *base, const struct tz_uri *u, const char *params,
                   size_t plen);

#endif
