/**
 * @file tz_log.h  The server's log: one line per event on standard error,
 * "2026-11-21T10:15:02.123Z LEVEL [worker] message". Thread-safe: each
 * line is one write(2). The level can change at any time (SIGHUP).
 */
#ifndef TZ_LOG_H
#define TZ_LOG_H

#include <stdbool.h>

/** Log levels, "error" .. "trace". */
enum tz_log_level {
	TZ_LOG_ERROR = 0,
	TZ_LOG_WARN,
	TZ_LOG_INFO,
	TZ_LOG_DEBUG,
	TZ_LOG_TRACE,
};

/** Set the most verbose level written (default TZ_LOG_INFO). */
void tz_log_set_level(enum tz_log_level l);

/** Whether @p l is written now: test before costly formatting. */
bool tz_log_on(enum tz_log_level l);

/** Name this thread in its log lines ("main", "w0"); at most 15 chars. */
void tz_log_thread(const char *name);

/** Write a line at level @p l (a newline is added). */
void tz_log(enum tz_log_level l, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
