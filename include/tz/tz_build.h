/**
 * @file tz_build.h  Printing the requests and responses we originate
 * (RFC 3261 8.1.1, 8.2.6): the builder refuses to print a message that
 * lacks a mandatory header, and always writes a correct Content-Length.
 */
#ifndef TZ_BUILD_H
#define TZ_BUILD_H

#include "tz_buf.h"
#include "tz_msg.h"

/** What a new request says. Strings are borrowed C strings. */
struct tz_req_build {
	const char *method;       /**< required; a token */
	const char *ruri;         /**< required */
	const char *via;          /**< required: "SIP/2.0/UDP host:port" */
	const char *branch;       /**< required; starts with z9hG4bK */
	bool rport;               /**< add ;rport (RFC 3581 3) */
	const char *from;         /**< required: name-addr, e.g. "<sip:a@b>" */
	const char *from_tag;     /**< required (RFC 3261 8.1.1.3) */
	const char *to;           /**< required: name-addr */
	const char *to_tag;       /**< optional: inside a dialog */
	const char *call_id;      /**< required */
	uint32_t cseq;            /**< below 2**31 (RFC 3261 8.1.1.5) */
	int max_forwards;         /**< 0-255; -1 for the default 70 */
	const char *contact;      /**< optional name-addr */
	const char *const *route; /**< optional Route values, in order */
	size_t nroute;
	const char *headers; /**< optional extra fields, each ending CRLF */
	const char *ctype;   /**< Content-Type; required with a body */
	const char *body;    /**< optional body (borrowed, @c body_len bytes) */
	size_t body_len;
};

/**
 * Print a request.
 * @return 0; -EINVAL when a required field is missing or malformed (the
 *         buffer is then untouched); or the buffer's error.
 */
int tz_build_request(struct tz_buf *b, const struct tz_req_build *r);

/** Where the To tag of a built response is (tz_resp_build.tag_out). */
struct tz_resp_tag {
	struct tz_span tag; /**< offset from the response's first byte */
	bool has;           /**< the To has a tag */
};

/** What a response to a received request says. */
struct tz_resp_build {
	uint16_t status;     /**< 100-699 */
	const char *reason;  /**< NULL for the standard phrase */
	const char *to_tag;  /**< added to To when it has none, but never to
	                          a 100 (RFC 3261 8.2.6.2) */
	bool record_route;   /**< copy Record-Route (RFC 3261 12.1.1: in
	                          responses that create a dialog) */
	const char *contact; /**< optional name-addr */
	const char *headers; /**< optional extra fields, each ending CRLF */
	const char *ctype;   /**< Content-Type; required with a body */
	const char *body;
	size_t body_len;
	/** Optional: receives where the To tag went, so the response need
	 *  not be parsed again (tz_tsx_reply_known). */
	struct tz_resp_tag *tag_out;
};

/**
 * Print a response to @p req (a parsed request, borrowed): Via fields,
 * From, To, Call-ID and CSeq copied (RFC 3261 8.2.6.2), Timestamp too in a
 * 100 (8.2.6.1).
 * @return 0; -EINVAL for a bad status, a response as @p req, or a body
 *         without type; or the buffer's error.
 */
int tz_build_response(struct tz_buf *b, const struct tz_msg *req,
                      const struct tz_resp_build *r);

/** The standard reason phrase of a status code (RFC 3261 21 and later
 *  RFCs); "Unknown" for codes without one. */
const char *tz_status_phrase(uint16_t status);

#endif
