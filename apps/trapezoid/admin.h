/*
 * admin.h  What the admin commands (user, forward, cdr) share: their
 * words split into positional ones, the command's own options and the
 * configuration's (--db, --config, --control, ...); the database opened
 * from that configuration; AOR arguments; and the word to a running
 * server that a user changed (DESIGN.md "Interfaces").
 */
#ifndef TZ_APP_ADMIN_H
#define TZ_APP_ADMIN_H

#include "tz/tz_config.h"
#include "tz/tz_store.h"

#define ADMIN_POS_MAX 8
#define ADMIN_OWN_MAX 8

/** The words of an admin command, split by admin_split(). */
struct admin_args {
	char *pos[ADMIN_POS_MAX]; /**< positional words, in order */
	int npos;
	/** The command's own options: own[i] is the value of the i-th name
	 *  given to admin_split, NULL when absent. */
	const char *own[ADMIN_OWN_MAX];
	char *opt[128]; /**< every other "--key [value]", for tz_config_args */
	int nopt;
};

/**
 * Split argv[1..argc) (argv[0] is the command name). "--" ends the
 * options (a password that starts with '-'). An option's value is the
 * next word unless that starts with "--", or follows '=' ("--key=value").
 * A first word "help", "--help" or "-h" asks for @p usage.
 * @param names  the command's own option names ("--dnd", ...), NULL-ended,
 *               at most ADMIN_OWN_MAX; they take a value.
 * @return -1 to go on; else the exit status after printing: 0 with
 *         @p usage on stdout for help; 2 with "ME: what" for an own
 *         option without its value or given twice, or with @p usage on
 *         stderr for too many words.
 */
int admin_split(const char *me, const char *usage, int argc, char **argv,
                const char *const *names, struct admin_args *a);

/**
 * The configuration from @p a's options (defaults, --config file, then
 * the rest), then its database opened.
 * @return 0; else the exit status after printing "ME: what": 2 for a bad
 *         option, 1 when the database cannot be opened.
 */
int admin_open(const char *me, struct admin_args *a, struct tz_config *cfg,
               struct tz_store **s);

/** Canonicalise AOR argument @p in (tz_aor_canon).
 *  @return 0; 1 after printing "ME: bad AOR "in": why". */
int admin_aor(const char *me, char aor[TZ_AOR_MAX + 1], const char *in);

/**
 * Tell the server on @p control that user @p aor (NULL: every user)
 * changed ("user-changed"). No server listening is normal and silent;
 * anything else is a warning on stderr, since the database change is
 * done.
 */
void admin_notify(const char *me, const char *control, const char *aor);

#endif
