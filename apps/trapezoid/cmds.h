/*
 * cmds.h  The subcommands of the trapezoid binary (DESIGN.md contract).
 */
#ifndef TZ_APP_CMDS_H
#define TZ_APP_CMDS_H

/** `trapezoid parse [FILE|-]`; returns the exit status. */
int cmd_parse(int argc, char **argv);

#endif
