/*
 * chars.h  Byte classes of the RFC 3261 25.1 grammar and the LWS scanner
 * shared by the message-layer decoders. Private to src/msg.
 */
#ifndef TZ_MSG_CHARS_H
#define TZ_MSG_CHARS_H

#include <stdbool.h>
#include <stdint.h>

enum {
	C_DIGIT = 1 << 0,
	C_ALPHA = 1 << 1,
	C_HEX = 1 << 2,
	C_TOKEN = 1 << 3, /* token: alphanum - . ! % * _ + ` ' ~ */
	C_WORD = 1 << 4,  /* word (Call-ID): token ( ) < > : \ " / [ ] ? { } */
	C_UNRES = 1 << 5, /* unreserved: alphanum mark */
	C_USER = 1 << 6,  /* user-unreserved: & = + $ , ; ? / */
	C_PARAM = 1 << 7, /* param-unreserved: [ ] / : & + $ */
	C_HNV = 1 << 8,   /* hnv-unreserved: [ ] / ? : + $ */
	C_PASS = 1 << 9,  /* password extras: & = + $ , */
	C_RESERVED = 1 << 10, /* reserved: ; / ? : @ & = + $ , */
	C_PHONE = 1 << 11,    /* tel: phonedigit-hex + visual separators */
	C_GENVAL = 1 << 12,   /* gen-value unquoted: token, host ([ ] :) */
	C_QDTEXT = 1 << 13,   /* qdtext but LWS's CR LF: HTAB, %x20-7E
	                         but DQUOTE and "\", UTF8 bytes %x80-FF */
	C_ALNUM = 1 << 14,    /* alphanum: ALPHA / DIGIT */
};

extern const uint16_t tz_chr[256];

static inline bool chr_is(unsigned char c, uint16_t cls)
{
	return (tz_chr[c] & cls) != 0;
}

static inline bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Skip LWS = [*WSP CRLF] 1*WSP inside a header value. The line scanner only
 * leaves a CR inside a value when CRLF WSP follows (a fold), so a CR seen
 * here with LF and WSP after it is always a fold.
 */
static inline uint32_t skip_lws(const char *b, uint32_t p, uint32_t end)
{
	/* most calls meet a byte above SP at once: SP, HTAB and CR are all
	 * at or below it (one compare instead of five) */
	if (p < end && (unsigned char)b[p] > ' ')
		return p;
	for (;;) {
		if (p < end && is_wsp(b[p]))
			p++;
		else if (p + 2 < end && b[p] == '\r' && b[p + 1] == '\n' &&
		         is_wsp(b[p + 2]))
			p += 3;
		else
			return p;
	}
}

/*
 * Skip a run of bytes of class @cls; returns the first other position.
 * Four bytes per step where there is room: this loop reads most of every
 * message (names, tokens, values), and the bound check per byte showed.
 */
static inline uint32_t skip_cls(const char *b, uint32_t p, uint32_t end,
                                uint16_t cls)
{
	for (; p + 4 <= end; p += 4) {
		if (!chr_is((unsigned char)b[p], cls))
			return p;
		if (!chr_is((unsigned char)b[p + 1], cls))
			return p + 1;
		if (!chr_is((unsigned char)b[p + 2], cls))
			return p + 2;
		if (!chr_is((unsigned char)b[p + 3], cls))
			return p + 3;
	}
	while (p < end && chr_is((unsigned char)b[p], cls))
		p++;
	return p;
}

/* Value of a hex digit, or -1 (RFC 3261 25.1 HEXDIG, either case). */
static inline int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Skip a quoted-string starting at the opening DQUOTE (RFC 3261 25.1:
 * qdtext and quoted-pair; a quoted-pair may escape any byte but CR and LF).
 * Returns the position after the closing DQUOTE, or 0 when unterminated.
 */
uint32_t tz_skip_quoted(const char *b, uint32_t p, uint32_t end);

#endif
