/*
 * fuzz_uricmp.c  libFuzzer target: URI comparison and printing. The input
 * is split in two at its first NUL byte (or in the middle); both halves
 * are parsed, and tz_uri_equal must be reflexive and symmetric. Every URI
 * that parses must print to one that parses back equal, and print the same
 * bytes again; the Request-URI form must parse and lose its headers. The
 * raw bytes must survive tz_uri_escape + tz_uri_unescape in every part.
 */
#include <stdlib.h>
#include <string.h>

#include "tz/tz_buf.h"
#include "tz/tz_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_print(const char *base, const struct tz_uri *u)
{
	struct tz_buf b, again;
	struct tz_uri v;

	tz_buf_init(&b);
	tz_buf_init(&again);
	check(tz_uri_print(&b, base, u) == 0);
	check(tz_uri_parse(&v, b.p, 0, (uint32_t)b.len) == 0);
	check(tz_uri_equal(base, u, b.p, &v));
	check(tz_uri_equal(b.p, &v, base, u));
	check(tz_uri_print(&again, b.p, &v) == 0);
	check(again.len == b.len && memcmp(again.p, b.p, b.len) == 0);

	tz_buf_reset(&b);
	check(tz_uri_print_ruri(&b, base, u) == 0);
	check(tz_uri_parse(&v, b.p, 0, (uint32_t)b.len) == 0);
	check(v.headers.len == 0);
	tz_buf_free(&again);
	tz_buf_free(&b);
}

static void check_escape(const char *p, size_t n)
{
	struct tz_buf b;
	size_t got;
	char *out;
	int part;

	out = malloc(n ? n : 1);
	if (!out)
		return;
	tz_buf_init(&b);
	for (part = TZ_URI_PART_USER; part <= TZ_URI_PART_HEADER; part++) {
		tz_buf_reset(&b);
		check(tz_uri_escape(&b, p, n, (enum tz_uri_part)part) == 0);
		check(tz_uri_unescape(out, n, b.p, b.len, &got) == 0);
		check(got == n && (n == 0 || memcmp(out, p, n) == 0));
	}
	/* decoding the raw bytes: either fails cleanly or shrinks */
	if (tz_uri_unescape(out, n, p, n, &got) == 0)
		check(got <= n);
	tz_buf_free(&b);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nul;
	struct tz_uri a, b;
	size_t an, boff;
	bool aok, bok;

	if (size > 8192)
		return 0;
	nul = memchr(s, '\0', size);
	an = nul ? (size_t)(nul - s) : size / 2;
	boff = nul ? an + 1 : an;
	aok = tz_uri_parse(&a, s, 0, (uint32_t)an) == 0;
	bok = tz_uri_parse(&b, s, (uint32_t)boff, (uint32_t)(size - boff)) == 0;
	if (aok) {
		check(tz_uri_equal(s, &a, s, &a));
		check_print(s, &a);
	}
	if (bok) {
		check(tz_uri_equal(s, &b, s, &b));
		check_print(s, &b);
	}
	if (aok && bok)
		check(tz_uri_equal(s, &a, s, &b) == tz_uri_equal(s, &b, s, &a));
	check_escape(s, an);
	return 0;
}
