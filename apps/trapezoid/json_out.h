/*
 * json_out.h  JSON text for the command line: strings from raw message
 * bytes, where valid UTF-8 passes through and every other byte is written
 * as \u00XX (the `trapezoid parse` contract).
 */
#ifndef TZ_APP_JSON_OUT_H
#define TZ_APP_JSON_OUT_H

#include <jansson.h>
#include <stdio.h>

#include "tz/tz_span.h"

/** Write bytes [p, p + len) as a JSON string, quotes included. */
void json_str(FILE *f, const char *p, size_t len);

/** Write a span of @p base as a JSON string, or null when @p present is
 *  false. */
void json_span(FILE *f, const char *base, struct tz_span s, bool present);

/** A jansson string of C string @p s, where a byte that is not part of
 *  valid UTF-8 stands for the code point U+00XX (as json_str writes it);
 *  a new reference, NULL when out of memory. */
json_t *json_text(const char *s);

#endif
