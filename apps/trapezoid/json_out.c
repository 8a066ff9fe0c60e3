/*
 * json_out.c  JSON string writer for raw message bytes.
 *
 * Not jansson: jansson refuses strings that are not UTF-8, and the parse
 * contract wants such bytes written one by one as \u00XX while valid UTF-8
 * stays literal, which its ensure-ASCII mode cannot express. json_text()
 * gives jansson the same reading of such bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

/* Length of the valid UTF-8 sequence at p (RFC 3629 4), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t len)
{
	unsigned char c = p[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	/* exclude overlongs, surrogates and values above U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

void json_str(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	fputc('"', f);
	while (i < len) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c >= 0x20 && c < 0x7f) {
			fputc(c, f);
			i++;
		} else if (c >= 0x80 && (n = utf8_seq(p + i, len - i))) {
			fwrite(p + i, 1, n, f);
			i += n;
		} else {
			fprintf(f, "\\u%04x", c);
			i++;
		}
	}
	fputc('"', f);
}

void json_span(FILE *f, const char *base, struct tz_span s, bool present)
{
	if (!present)
		fputs("null", f);
	else
		json_str(f, base + s.off, s.len);
}

json_t *json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0, n;
	char *fixed = malloc(2 * len + 1); /* an invalid byte: 2 at most */
	json_t *j;

	if (!fixed)
		return NULL;
	for (size_t i = 0; i < len; i += n) {
		n = p[i] < 0x80 ? 1 : utf8_seq(p + i, len - i);
		if (n) {
			memcpy(fixed + o, p + i, n);
			o += n;
		} else { /* byte c as U+00c */
			fixed[o++] = (char)(0xc0 | p[i] >> 6);
			fixed[o++] = (char)(0x80 | (p[i] & 0x3f));
			n = 1;
		}
	}
	j = json_stringn(fixed, o);
	free(fixed);
	return j;
}
