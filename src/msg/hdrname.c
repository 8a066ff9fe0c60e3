/*
 * hdrname.c  Header names: ids, canonical spellings and compact forms
 * (RFC 3261 7.3.3 and 20; RFC 3515, 3841, 3892, 4028, 6665, 8224).
 */
#include <string.h>

#include "tz/tz_hdr.h"

struct hname {
	const char *name;
	uint8_t len;
	uint8_t id;
};

#define H(s, id)                                                               \
	{                                                                      \
		s, sizeof(s) - 1, id                                           \
	}

/* Compact forms first, so tz_hdr_name() ends on the long form. */
static const struct hname names[] = {
        /* RFC3261 7.3.3 and later RFCs: compact forms */
        H("a", TZ_HDR_ACCEPT_CONTACT),
        H("b", TZ_HDR_REFERRED_BY),
        H("c", TZ_HDR_CONTENT_TYPE),
        H("d", TZ_HDR_REQUEST_DISPOSITION),
        H("e", TZ_HDR_CONTENT_ENCODING),
        H("f", TZ_HDR_FROM),
        H("i", TZ_HDR_CALL_ID),
        H("j", TZ_HDR_REJECT_CONTACT),
        H("k", TZ_HDR_SUPPORTED),
        H("l", TZ_HDR_CONTENT_LENGTH),
        H("m", TZ_HDR_CONTACT),
        H("o", TZ_HDR_EVENT),
        H("r", TZ_HDR_REFER_TO),
        H("s", TZ_HDR_SUBJECT),
        H("t", TZ_HDR_TO),
        H("u", TZ_HDR_ALLOW_EVENTS),
        H("v", TZ_HDR_VIA),
        H("x", TZ_HDR_SESSION_EXPIRES),
        H("y", TZ_HDR_IDENTITY),
        H("To", TZ_HDR_TO),
        H("Via", TZ_HDR_VIA),
        H("CSeq", TZ_HDR_CSEQ),
        H("Date", TZ_HDR_DATE),
        H("From", TZ_HDR_FROM),
        H("Path", TZ_HDR_PATH),
        H("RAck", TZ_HDR_RACK),
        H("RSeq", TZ_HDR_RSEQ),
        H("Allow", TZ_HDR_ALLOW),
        H("Event", TZ_HDR_EVENT),
        H("Route", TZ_HDR_ROUTE),
        H("Accept", TZ_HDR_ACCEPT),
        H("Min-SE", TZ_HDR_MIN_SE),
        H("Reason", TZ_HDR_REASON),
        H("Server", TZ_HDR_SERVER),
        H("Call-ID", TZ_HDR_CALL_ID),
        H("Contact", TZ_HDR_CONTACT),
        H("Expires", TZ_HDR_EXPIRES),
        H("Privacy", TZ_HDR_PRIVACY),
        H("Require", TZ_HDR_REQUIRE),
        H("Subject", TZ_HDR_SUBJECT),
        H("Warning", TZ_HDR_WARNING),
        H("Identity", TZ_HDR_IDENTITY),
        H("Priority", TZ_HDR_PRIORITY),
        H("Refer-To", TZ_HDR_REFER_TO),
        H("Replaces", TZ_HDR_REPLACES),
        H("Reply-To", TZ_HDR_REPLY_TO),
        H("SIP-ETag", TZ_HDR_SIP_ETAG),
        H("Supported", TZ_HDR_SUPPORTED),
        H("Timestamp", TZ_HDR_TIMESTAMP),
        H("Call-Info", TZ_HDR_CALL_INFO),
        H("Alert-Info", TZ_HDR_ALERT_INFO),
        H("Error-Info", TZ_HDR_ERROR_INFO),
        H("User-Agent", TZ_HDR_USER_AGENT),
        H("Min-Expires", TZ_HDR_MIN_EXPIRES),
        H("In-Reply-To", TZ_HDR_IN_REPLY_TO),
        H("Referred-By", TZ_HDR_REFERRED_BY),
        H("Retry-After", TZ_HDR_RETRY_AFTER),
        H("Unsupported", TZ_HDR_UNSUPPORTED),
        H("SIP-If-Match", TZ_HDR_SIP_IF_MATCH),
        H("MIME-Version", TZ_HDR_MIME_VERSION),
        H("Max-Forwards", TZ_HDR_MAX_FORWARDS),
        H("Organization", TZ_HDR_ORGANIZATION),
        H("Allow-Events", TZ_HDR_ALLOW_EVENTS),
        H("Content-Type", TZ_HDR_CONTENT_TYPE),
        H("Record-Route", TZ_HDR_RECORD_ROUTE),
        H("Authorization", TZ_HDR_AUTHORIZATION),
        H("Proxy-Require", TZ_HDR_PROXY_REQUIRE),
        H("Service-Route", TZ_HDR_SERVICE_ROUTE),
        H("Accept-Contact", TZ_HDR_ACCEPT_CONTACT),
        H("Reject-Contact", TZ_HDR_REJECT_CONTACT),
        H("Content-Length", TZ_HDR_CONTENT_LENGTH),
        H("Accept-Encoding", TZ_HDR_ACCEPT_ENCODING),
        H("Accept-Language", TZ_HDR_ACCEPT_LANGUAGE),
        H("Session-Expires", TZ_HDR_SESSION_EXPIRES),
        H("Content-Encoding", TZ_HDR_CONTENT_ENCODING),
        H("Content-Language", TZ_HDR_CONTENT_LANGUAGE),
        H("WWW-Authenticate", TZ_HDR_WWW_AUTHENTICATE),
        H("Proxy-Authenticate", TZ_HDR_PROXY_AUTHENTICATE),
        H("Subscription-State", TZ_HDR_SUBSCRIPTION_STATE),
        H("Authentication-Info", TZ_HDR_AUTHENTICATION_INFO),
        H("Content-Disposition", TZ_HDR_CONTENT_DISPOSITION),
        H("P-Asserted-Identity", TZ_HDR_P_ASSERTED_IDENTITY),
        H("Proxy-Authorization", TZ_HDR_PROXY_AUTHORIZATION),
        H("Request-Disposition", TZ_HDR_REQUEST_DISPOSITION),
        H("P-Preferred-Identity", TZ_HDR_P_PREFERRED_IDENTITY),
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

static uint64_t load8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

static uint32_t load4(const char *p)
{
	uint32_t x;

	memcpy(&x, p, 4);
	return x;
}

/*
 * Compare a table name with a field name of the same length, 8 (or 4)
 * bytes at a time, the last load overlapping the one before it rather than
 * a byte loop for the tail. OR-ing 0x20 folds case exactly here: table
 * names hold only letters and '-', and the only byte that folds onto one
 * of those is CR (onto '-'), which is not a token character and so never
 * in a field name.
 */
static bool eqi_token(const char *a, const char *b, size_t len)
{
	const uint64_t fold = 0x2020202020202020ull;
	const uint32_t fold4 = 0x20202020u;
	size_t i;

	if (len >= 8) {
		for (i = 0; i + 8 < len; i += 8)
			if ((load8(a + i) | fold) != (load8(b + i) | fold))
				return false;
		return (load8(a + len - 8) | fold) ==
		       (load8(b + len - 8) | fold);
	}
	if (len >= 4)
		return (load4(a) | fold4) == (load4(b) | fold4) &&
		       (load4(a + len - 4) | fold4) ==
		               (load4(b + len - 4) | fold4);
	for (i = 0; i < len; i++)
		if ((a[i] | 0x20) != (b[i] | 0x20))
			return false;
	return true;
}

/*
 * Open-addressing hash over the names, built once at load time: a lookup
 * is one hash and, on average, little more than one compare (the linear
 * scan it replaces cost ~500 instructions per header).
 */
#define HSLOTS 256

static uint8_t slots[HSLOTS]; /* index + 1 into names[]; 0 is empty */
static const char *long_name[TZ_HDR_COUNT_]; /* by id: tz_hdr_name() */

static unsigned hname_hash(const char *n, size_t len)
{
	return ((unsigned)len * 37u + (unsigned)(n[0] | 0x20) * 11u +
	        (unsigned)(n[len - 1] | 0x20)) &
	       (HSLOTS - 1);
}

__attribute__((constructor)) static void hname_build(void)
{
	size_t i;

	for (i = 0; i < NNAMES; i++) {
		unsigned h = hname_hash(names[i].name, names[i].len);
		while (slots[h])
			h = (h + 1) & (HSLOTS - 1);
		slots[h] = (uint8_t)(i + 1);
		/* long forms follow the compact ones: the last one stays */
		long_name[names[i].id] = names[i].name;
	}
}

enum tz_hdr_id tz_hdr_id_lookup(const char *name, size_t len)
{
	unsigned h, s;

	if (len == 0 || len > 255)
		return TZ_HDR_OTHER;
	/* RFC3261 7.3.1: field names are case-insensitive. */
	for (h = hname_hash(name, len); (s = slots[h]);
	     h = (h + 1) & (HSLOTS - 1)) {
		const struct hname *e = &names[s - 1];
		if (e->len == len && eqi_token(e->name, name, len))
			return (enum tz_hdr_id)e->id;
	}
	return TZ_HDR_OTHER;
}

const char *tz_hdr_name(enum tz_hdr_id id)
{
	return (unsigned)id < TZ_HDR_COUNT_ ? long_name[id] : NULL;
}
