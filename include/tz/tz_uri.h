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
	bool has_userinfo;       /**< an '@' was present (user may be empty) */
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
 * Check an IPv6 address without brackets (hex digits, colons, and an
 * optional trailing dotted quad). Liberal as RFC 5118 4.10 asks.
 */
bool tz_ipv6_check(const char *p, size_t len);

/** True when [p, p + len) is a dotted-quad IPv4 address. */
bool tz_ipv4_check(const char *p, size_t len);

#endif
