/*
 * testdata.h  Reading ../shared/testdata in place for the corpus tests:
 * binary file reads, TSV rows, and invariants every parse result must hold.
 */
#ifndef TZ_TESTDATA_H
#define TZ_TESTDATA_H

#include <stddef.h>

#include "tz/tz_msg.h"

/** A file's bytes (malloc'd; free it) or NULL with a message on stderr. */
char *td_read(const char *path, size_t *len);

/** Root of the test data: argv[1], or a clear failure when absent. */
const char *td_root(int argc, char **argv);

/** Split a TSV line in place into at most @max fields; returns the count. */
int td_tsv_split(char *line, char **fields, int max);

/**
 * Check that a successful parse only points inside its buffer and that its
 * counts are consistent. Returns the number of violations (printed).
 */
int td_check_invariants(const struct tz_msg *msg, size_t len);

#endif
