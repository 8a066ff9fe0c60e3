/* config_int.h  Internals shared by config.c (keys and values) and
 * config_file.c (files and command-line flags). */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz/tz_config.h"

enum kind {
	K_LISTEN, /* list of PROTO:ADDR[:PORT] */
	K_DOMAIN, /* list of host names */
	K_DB,     /* sqlite:PATH or postgres://... */
	K_STR,    /* any text, empty allowed (a path) */
	K_HTTP,   /* ADDR:PORT or empty */
	K_DNS,    /* IP[:PORT],... or empty */
	K_COUNT,  /* plain integer */
	K_LEVEL,  /* log level name */
	K_MS,     /* duration with a unit, stored in ms */
	K_SIZE,   /* bytes, optional k */
	K_BOOL,   /* on/off, yes/no, true/false */
	K_SECS,   /* duration with a unit, stored in whole seconds */
	K_MODE,   /* proxy mode name */
	K_PEER,   /* list of ADDR[/BITS] */
	K_GW,     /* list of "PREFIX URI" */
};

struct key {
	const char *name;
	enum kind kind;
	size_t off;  /* offset of the field in struct tz_config */
	size_t size; /* bytes of the field */
	uint32_t min, max;
};

/* Where an error message goes: the caller's buffer (may be NULL). */
struct ebuf {
	char *s;
	size_t n;
};

/* Write the message into @p e (when there is room) and return @p rc. */
int cfg_fail(struct ebuf *e, int rc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* The key named by the @p n bytes at @p name, or NULL. */
const struct key *cfg_key_find(const char *name, size_t n);

/* The position of @p k in the key table, below 64 (a bit in a mask of
 * the keys a source has set). */
unsigned cfg_key_index(const struct key *k);

/* A list key (listen, domain): repeated, it accumulates. */
bool cfg_is_list(const struct key *k);

#endif
