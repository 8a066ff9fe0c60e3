/**
 * @file tz_sdp.h  Session descriptions: RFC 4566 parse and print, our own
 * offers, and the RFC 3264 offer/answer rules (answers, hold, resume).
 *
 * tz_sdp_parse() reads a description in one pass into a struct tz_sdp:
 * every field is a span relative to the parsed buffer, kept in bounded
 * arrays inside the struct (the limits below). Nothing is copied and
 * nothing is allocated: the description borrows the buffer, which must
 * outlive it. The struct is large (about 40 KiB); keep it off small stacks.
 *
 * Descriptions we originate are built from a struct tz_sdp_local, which
 * borrows C strings, and printed into a struct tz_buf (tz_buf.h); printing
 * allocates only through that buffer.
 */
#ifndef TZ_SDP_H
#define TZ_SDP_H

#include <stdbool.h>
#include <stdint.h>

#include "tz_buf.h"
#include "tz_span.h"

/** Media descriptions (m= lines) in one description. */
#define TZ_SDP_MAX_MEDIA 16
/** a= lines per level (the session, or one media description). */
#define TZ_SDP_MAX_ATTRS 64
/** Formats on one m= line. */
#define TZ_SDP_MAX_FMTS 32
/** b= lines per level. */
#define TZ_SDP_MAX_BW 4
/** t= lines in one description. */
#define TZ_SDP_MAX_TIMES 8
/** r= lines in one description, over all t= lines. */
#define TZ_SDP_MAX_REPEATS 8
/** e= lines, and p= lines, in one description. */
#define TZ_SDP_MAX_CONTACTS 4
/** c= lines in one media description (RFC 4566 5.7 layered multicast). */
#define TZ_SDP_MAX_CONNS 4

/** Media direction attributes (RFC 4566 6, RFC 3264 5.1). */
enum tz_sdp_dir {
	TZ_SDP_DIR_NONE = 0, /**< no direction attribute at this level */
	TZ_SDP_DIR_SENDRECV,
	TZ_SDP_DIR_SENDONLY,
	TZ_SDP_DIR_RECVONLY,
	TZ_SDP_DIR_INACTIVE,
};

/** Address types of c= and o= (RFC 4566 5.7). */
enum tz_sdp_atype {
	TZ_SDP_AT_OTHER = 0, /**< an extension addrtype, or another nettype */
	TZ_SDP_AT_IP4,       /**< "IN IP4" */
	TZ_SDP_AT_IP6,       /**< "IN IP6" (RFC 5118 4.6, 4.8, 4.9) */
};

/** o= (RFC 4566 5.2). */
struct tz_sdp_origin {
	struct tz_span username; /**< "-" when the host has no user ids */
	struct tz_span sess_id;  /**< digits, as written */
	struct tz_span sess_ver; /**< digits, as written */
	uint64_t version;        /**< sess-version as a number */
	struct tz_span nettype;  /**< "IN" */
	struct tz_span addrtype; /**< "IP4", "IP6", or an extension */
	struct tz_span address;  /**< unicast address or FQDN */
	enum tz_sdp_atype atype; /**< the address type, when known */
};

/** c= (RFC 4566 5.7). */
struct tz_sdp_conn {
	struct tz_span nettype;  /**< "IN" */
	struct tz_span addrtype; /**< "IP4", "IP6", or an extension */
	struct tz_span address;  /**< connection-address as written */
	struct tz_span host;     /**< the address without /ttl and /count */
	enum tz_sdp_atype atype; /**< the address type, when known */
	bool literal;            /**< @c host is an IP literal, not an FQDN */
	bool has_ttl;            /**< an IPv4 multicast TTL was written */
	uint8_t ttl;             /**< the TTL, when @c has_ttl */
	uint32_t count;          /**< number of addresses; 0 when not written */
};

/** b= (RFC 4566 5.8). */
struct tz_sdp_bw {
	struct tz_span type;  /**< bwtype: "CT", "AS", "TIAS", ... */
	struct tz_span value; /**< bandwidth digits */
};

/** t= (RFC 4566 5.9). */
struct tz_sdp_time {
	struct tz_span start_s; /**< start-time digits */
	struct tz_span stop_s;  /**< stop-time digits */
	uint64_t start;         /**< NTP seconds, 0 for unbounded */
	uint64_t stop;          /**< NTP seconds, 0 for unbounded */
};

/** r= (RFC 4566 5.10), kept as written. */
struct tz_sdp_repeat {
	struct tz_span value; /**< the text after "r=" */
	uint8_t time;         /**< index of the t= line it follows */
};

/** a= (RFC 4566 5.13): "a=name" or "a=name:value". */
struct tz_sdp_attr {
	struct tz_span name;  /**< att-field */
	struct tz_span value; /**< att-value; len 0 for a property attribute */
};

/** One format of an m= line, with what its rtpmap and fmtp say. */
struct tz_sdp_fmt {
	struct tz_span fmt;      /**< as written on the m= line */
	int16_t pt;              /**< RTP payload type 0..127, or -1 */
	bool has_rtpmap;         /**< an a=rtpmap names this format */
	bool has_fmtp;           /**< an a=fmtp names this format */
	struct tz_span encoding; /**< rtpmap encoding name */
	uint32_t rate;           /**< rtpmap clock rate; 0 when not written */
	uint16_t channels;       /**< rtpmap encoding parameters; 0 if none */
	struct tz_span fmtp;     /**< fmtp format-specific parameters */
};

/** One media description: an m= line and the lines up to the next. */
struct tz_sdp_media {
	struct tz_span media;    /**< "audio", "video", ... */
	struct tz_span port_s;   /**< port digits */
	struct tz_span nports_s; /**< "/<number of ports>" digits, or len 0 */
	uint16_t port;           /**< transport port; 0 rejects the stream */
	uint16_t nports;         /**< number of ports; 0 when not written */
	struct tz_span proto;    /**< "RTP/AVP", "RTP/SAVP", "udptl", ... */
	bool rtp;     /**< an RTP profile: formats are payload types */
	uint8_t nfmt; /**< entries used in @c fmts (at least 1) */
	struct tz_sdp_fmt fmts[TZ_SDP_MAX_FMTS]; /**< formats, in order */

	bool has_info;       /**< an i= line was present */
	struct tz_span info; /**< i= text */
	uint8_t nconn;       /**< entries used in @c conns */
	struct tz_sdp_conn conns[TZ_SDP_MAX_CONNS]; /**< c= lines */
	uint8_t nbw;                                /**< entries in @c bw */
	struct tz_sdp_bw bw[TZ_SDP_MAX_BW];         /**< b= lines */
	bool has_key;       /**< a k= line was present */
	struct tz_span key; /**< k= value */
	uint8_t nattr;      /**< entries used in @c attrs */
	struct tz_sdp_attr attrs[TZ_SDP_MAX_ATTRS]; /**< a= lines, in order */

	uint32_t ptime;      /**< a=ptime in milliseconds; 0 when absent */
	enum tz_sdp_dir dir; /**< direction attribute of this media only */
};

/** A parsed session description. All spans are relative to @c buf. */
struct tz_sdp {
	const char *buf; /**< borrowed: the bytes parsed */
	uint32_t len;    /**< bytes of @c buf */

	struct tz_sdp_origin origin; /**< o= */
	struct tz_span name; /**< s= text (may be empty: RFC 5118 4.8) */
	bool has_info;       /**< an i= line was present */
	struct tz_span info; /**< i= text */
	bool has_uri;        /**< a u= line was present */
	struct tz_span uri;  /**< u= value */
	uint8_t nemail;      /**< entries used in @c emails */
	struct tz_span emails[TZ_SDP_MAX_CONTACTS]; /**< e= values */
	uint8_t nphone;                             /**< entries in @c phones */
	struct tz_span phones[TZ_SDP_MAX_CONTACTS]; /**< p= values */
	bool has_conn;                              /**< a session c= line */
	struct tz_sdp_conn conn;                    /**< session c= */
	uint8_t nbw;                                /**< entries in @c bw */
	struct tz_sdp_bw bw[TZ_SDP_MAX_BW];         /**< session b= lines */
	uint8_t ntime;                              /**< entries in @c times */
	struct tz_sdp_time times[TZ_SDP_MAX_TIMES]; /**< t= lines (>= 1) */
	uint8_t nrepeat; /**< entries used in @c repeats */
	struct tz_sdp_repeat repeats[TZ_SDP_MAX_REPEATS]; /**< r= lines */
	bool has_zone;                                    /**< a z= line */
	struct tz_span zone;                              /**< z= value */
	bool has_key;                                     /**< a k= line */
	struct tz_span key;                               /**< k= value */
	uint8_t nattr; /**< entries used in @c attrs */
	struct tz_sdp_attr attrs[TZ_SDP_MAX_ATTRS]; /**< session a= lines */
	enum tz_sdp_dir dir; /**< session-level direction attribute */

	uint8_t nmedia; /**< entries used in @c media */
	struct tz_sdp_media media[TZ_SDP_MAX_MEDIA]; /**< m= sections */
};

/**
 * Parse a session description (RFC 4566 5): lines "<type>=<value>" in the
 * order of RFC 4566 5, ended by CRLF or a bare LF; the last line may lack
 * its end, and empty lines may trail. The typed fields o=, c=, m=, b=, t=
 * and the attributes rtpmap, fmtp, ptime, sendrecv, sendonly, recvonly and
 * inactive are checked and decoded; other values are kept as written.
 *
 * @param sdp  overwritten; on failure its contents are unspecified.
 * @param buf  borrowed for the life of @p sdp.
 * @return 0; -EBADMSG when malformed; -EOVERFLOW when over a TZ_SDP_MAX_*
 *         limit or 4 GiB.
 */
int tz_sdp_parse(struct tz_sdp *sdp, const char *buf, size_t len);

/**
 * Print a parsed description, every line ended by CRLF, fields in the
 * order they were parsed. A description read with CRLF line ends prints
 * byte-identical, but for a missing last line end and empty trailing lines.
 *
 * @param b  appended to; its sticky error is returned.
 * @return 0, or -ENOMEM / -EOVERFLOW from @p b.
 */
int tz_sdp_print(struct tz_buf *b, const struct tz_sdp *sdp);

/**
 * True when @p a and @p b describe the same fields with the same bytes
 * (their buffers may differ; line ends do not matter).
 */
bool tz_sdp_equal(const struct tz_sdp *a, const struct tz_sdp *b);

/**
 * The @p nth (0-based) session-level attribute named @p name (ASCII case
 * ignored). @return the attribute (borrowed from @p sdp), or NULL.
 */
const struct tz_sdp_attr *tz_sdp_session_attr(const struct tz_sdp *sdp,
                                              const char *name, unsigned nth);

/**
 * The @p nth (0-based) attribute named @p name (ASCII case ignored) of
 * media description @p media. @return the attribute, or NULL (also when
 * @p media is out of range).
 */
const struct tz_sdp_attr *tz_sdp_media_attr(const struct tz_sdp *sdp,
                                            unsigned media, const char *name,
                                            unsigned nth);

/**
 * The connection data in effect for media description @p media: its first
 * c= line, else the session c= (RFC 4566 5.7).
 * @return the connection (borrowed from @p sdp), or NULL when neither.
 */
const struct tz_sdp_conn *tz_sdp_media_conn(const struct tz_sdp *sdp,
                                            unsigned media);

/**
 * The direction in effect for media description @p media: its own
 * attribute, else the session's, else sendrecv (RFC 3264 5.1).
 * TZ_SDP_DIR_NONE when @p media is out of range.
 */
enum tz_sdp_dir tz_sdp_media_dir(const struct tz_sdp *sdp, unsigned media);

/**
 * The format with RTP payload type @p pt on media description @p media.
 * @return the format (borrowed from @p sdp), or NULL.
 */
const struct tz_sdp_fmt *tz_sdp_media_fmt(const struct tz_sdp *sdp,
                                          unsigned media, int pt);

/**
 * True when a received offer puts media description @p media on hold
 * (RFC 3264 8.4): the stream is not rejected and its direction is sendonly
 * or inactive, or its connection address is the RFC 2543 "0.0.0.0".
 */
bool tz_sdp_media_held(const struct tz_sdp *sdp, unsigned media);

/**
 * True when a received offer puts the call on hold: it has at least one
 * stream with a non-zero port, and every such stream is held
 * (tz_sdp_media_held()).
 */
bool tz_sdp_held(const struct tz_sdp *sdp);

/** The attribute name of a direction ("sendrecv"), or "" for NONE. */
const char *tz_sdp_dir_name(enum tz_sdp_dir dir);

/** Codecs per stream in a description we build. */
#define TZ_SDP_LOCAL_CODECS 16
/** Media streams in a description we build. */
#define TZ_SDP_LOCAL_MEDIA 8

/** One codec we offer or accept. Strings are borrowed. */
struct tz_sdp_codec {
	uint8_t pt;       /**< RTP payload type 0..127 (static < 96) */
	const char *name; /**< encoding name: "PCMU", "telephone-event" */
	uint32_t rate;    /**< clock rate: 8000 */
	uint8_t channels; /**< audio channels; 0 or 1 is not printed */
	const char *fmtp; /**< format parameters ("0-16"), or NULL */
};

/** One media stream we offer or accept. Strings are borrowed. */
struct tz_sdp_local_media {
	const char *type;  /**< media type: "audio", "video" */
	const char *proto; /**< transport protocol; NULL for "RTP/AVP" */
	uint16_t port;     /**< our RTP port; 0 offers a rejected stream */
	uint8_t ncodec;    /**< entries used in @c codecs (at least 1) */
	struct tz_sdp_codec codecs[TZ_SDP_LOCAL_CODECS]; /**< by preference */
	uint32_t ptime;      /**< packet time in ms; 0 prints none */
	enum tz_sdp_dir dir; /**< what we want; NONE means sendrecv */
};

/**
 * A description we originate (RFC 3264 5): one session address, media with
 * their codecs. Strings are borrowed C strings; none may hold CR or LF, and
 * only @c name and the fmtp strings may hold spaces.
 */
struct tz_sdp_local {
	const char *user;      /**< o= username; NULL prints "-" */
	uint64_t sess_id;      /**< o= sess-id */
	uint64_t sess_version; /**< o= sess-version (RFC 3264 8) */
	const char *name;      /**< s= text; NULL prints "-" */
	const char *addr;      /**< IPv4 or IPv6 literal, or a host name */
	bool held;      /**< we put the call on hold (tz_sdp_local_hold()) */
	uint8_t nmedia; /**< entries used in @c media */
	struct tz_sdp_local_media media[TZ_SDP_LOCAL_MEDIA]; /**< streams */
};

/**
 * Print an offer from @p l (RFC 3264 5): v, o, s, c, t=0 0, then per
 * stream m=, an a=rtpmap for every codec (static ones too), a=fmtp,
 * a=ptime and the direction (reduced for hold when @c l->held).
 *
 * @return 0; -EINVAL when @p l is not a valid description; -ENOMEM or
 *         -EOVERFLOW from @p b.
 */
int tz_sdp_local_print(struct tz_buf *b, const struct tz_sdp_local *l);

/**
 * Print a hold offer (RFC 3264 8.4): every stream sendonly, or inactive
 * where we wanted recvonly or inactive. The first hold sets @c l->held and
 * increments @c l->sess_version (RFC 3264 8); @p l changes only on success.
 *
 * @return as tz_sdp_local_print().
 */
int tz_sdp_local_hold(struct tz_buf *b, struct tz_sdp_local *l);

/**
 * Print a resume offer: the streams with the directions we want. When the
 * call was held, clears @c l->held and increments @c l->sess_version (RFC
 * 3264 8); @p l changes only on success.
 *
 * @return as tz_sdp_local_print().
 */
int tz_sdp_local_resume(struct tz_buf *b, struct tz_sdp_local *l);

/** What an answer decided for one offered stream. */
struct tz_sdp_neg_media {
	bool accepted;       /**< false: port 0 in the answer */
	uint8_t local;       /**< the caps stream used, when accepted */
	enum tz_sdp_dir dir; /**< the direction we answered */
	int16_t pt;          /**< first common payload type, or -1 */
	int16_t dtmf_pt;     /**< common telephone-event type, or -1 */
};

/** What an answer decided, per offered m= line. */
struct tz_sdp_neg {
	uint8_t nmedia;    /**< offered m= lines (entries in @c media) */
	uint8_t naccepted; /**< streams accepted */
	struct tz_sdp_neg_media media[TZ_SDP_MAX_MEDIA]; /**< in offer order */
};

/**
 * Print the answer to @p offer from our capabilities @p caps (RFC 3264 6):
 * one m= line per offered one, in order. A stream is accepted when @p caps
 * has an unused stream of the same media type and transport sharing a
 * codec with it; the answer lists the common formats under the offerer's
 * payload numbers, in the offerer's order. Dynamic types match by encoding
 * name (ASCII case ignored), clock rate and channels; static ones without
 * an rtpmap by number. A telephone-event format alone is no codec. Other
 * streams are rejected with port 0. Directions follow RFC 3264 6.1.
 *
 * The o= line is ours. With @p prev NULL its version is @c
 * caps->sess_version; otherwise @p prev is the description we sent last in
 * this session and the version is @p prev's when the answer is the same
 * below the o= line, else one more (RFC 3264 8).
 *
 * @param neg  filled when not NULL.
 * @return 0; -EINVAL when @p caps is not a valid description; -EOVERFLOW
 *         when @p prev's version cannot be incremented; -ENOMEM or
 *         -EOVERFLOW from @p out.
 */
int tz_sdp_answer(struct tz_buf *out, const struct tz_sdp *offer,
                  const struct tz_sdp_local *caps, const struct tz_sdp *prev,
                  struct tz_sdp_neg *neg);

#endif
