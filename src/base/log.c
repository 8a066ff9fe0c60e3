/*
 * log.c  One line per event on standard error, written with one write(2)
 * so lines of several threads never interleave.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tz/tz_log.h"

static atomic_int level = TZ_LOG_INFO;
static _Thread_local char thread_name[16] = "main";
static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

void tz_log_set_level(enum tz_log_level l)
{
	atomic_store_explicit(&level, (int)l, memory_order_relaxed);
}

bool tz_log_on(enum tz_log_level l)
{
	return (int)l <= atomic_load_explicit(&level, memory_order_relaxed);
}

void tz_log_thread(const char *name)
{
	snprintf(thread_name, sizeof(thread_name), "%s", name);
}

void tz_log(enum tz_log_level l, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n, m;

	if (!tz_log_on(l))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	             "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s [%s] ",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	             tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
	             names[(unsigned)l < 5 ? l : 4], thread_name);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2; /* truncated line */
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
