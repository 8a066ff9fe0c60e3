/*
 * main.c  The trapezoid command: dispatch to subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

#ifndef TZ_VERSION
#define TZ_VERSION "0.0.0"
#endif

static const char usage[] =
        "usage: trapezoid COMMAND [ARGS]\n"
        "\n"
        "commands:\n"
        "  serve [--config FILE] [--listen PROTO:ADDR:PORT]... [--KEY "
        "VALUE]...\n"
        "                   run the server (keys: docs/configuration.md);\n"
        "                   default udp+tcp 127.0.0.1:5060\n"
        "  status [--config FILE] [--control PATH]\n"
        "                   counters of the running server, as JSON\n"
        "  ping URI [--worker N] [--rport]\n"
        "                   the running server sends OPTIONS to URI\n"
        "  dialog list | end CALL-ID\n"
        "                   the calls of a dialog-stateful proxy; end:\n"
        "                   a BYE to each side (the prepaid case)\n"
        "  user add AOR PASSWORD | passwd AOR PASSWORD | del AOR\n"
        "  user list [DOMAIN] | import FILE\n"
        "  user set AOR [--reject-anonymous on|off] [--dnd on|off]\n"
        "                   the users of the database (AOR: user@domain;\n"
        "                   import: CSV lines aor,password, all or nothing);\n"
        "                   each also takes --db URL, --config FILE\n"
        "  forward set AOR [--always URI] [--busy URI] [--no-answer URI]\n"
        "                  [--after SECONDS] | clear AOR | show AOR\n"
        "                   a user's call forwarding\n"
        "  cdr [--since TIME] [--format csv|json]\n"
        "                   the call detail records (TIME: Unix seconds,\n"
        "                   2026-11-21T10:00:00Z, or an age: 2h, 7d)\n"
        "  parse [FILE|-]   check one SIP message (datagram semantics);\n"
        "                   prints \"ok {json}\" (exit 0) or\n"
        "                   \"reject CODE REASON\" (exit 1)\n"
        "  version          print the version\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ping"))
		return cmd_ping(argc - 1, argv + 1);
	if (!strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	if (!strcmp(argv[1], "dialog"))
		return cmd_dialog(argc - 1, argv + 1);
	if (!strcmp(argv[1], "user"))
		return cmd_user(argc - 1, argv + 1);
	if (!strcmp(argv[1], "forward"))
		return cmd_forward(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cdr"))
		return cmd_cdr(argc - 1, argv + 1);
	if (!strcmp(argv[1], "parse"))
		return cmd_parse(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("trapezoid %s\n", TZ_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "trapezoid: unknown command '%s'\n\n%s", argv[1],
	        usage);
	return 2;
}
