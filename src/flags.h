/*
 * flags.h - the sendmail/msmtp command line.
 *
 * One table in flags.c lists every flag: its letter, long name, whether it
 * takes an argument, and what smtps does with it (implement, accept and
 * ignore, refuse).  --help is printed from the same table.
 *
 * flags_parse() never exits and never prints: it fills struct opts or the
 * error (EX_USAGE with one line naming the bad flag).  Strings in opts point
 * into argv (not copied).  Invoked as "mailq" (argv[0]'s last component)
 * the mode is MODE_LIST.  Queue modes (-bp, -q, -qI, --queue-delete) take
 * no recipients; -q with a time (-q30m, sendmail's daemon interval) means
 * "flush once now".
 */
#ifndef SMTPS_FLAGS_H
#define SMTPS_FLAGS_H

#include <stdio.h>
#include "err.h"

enum opts_mode {
	MODE_SEND = 0,		/* default, also -bm */
	MODE_HELP,		/* --help */
	MODE_VERSION,		/* --version */
	MODE_LIST,		/* -bp, or invoked as mailq: list the queue */
	MODE_FLUSH,		/* -q, -qTIME: deliver every entry now */
	MODE_FLUSH_ONE,		/* -qI ID: deliver one entry now */
	MODE_DELETE,		/* --queue-delete ID */
	MODE_DAEMON,		/* --flush-daemon DIR (internal, hidden) */
};

struct opts {
	enum opts_mode	 mode;
	int		 read_rcpts;	/* -t: add To/Cc/Bcc recipients */
	const char	*from;		/* -f/-r; NULL = not given */
	const char	*fullname;	/* -F; NULL = not given */
	int		 verbose;	/* -v (counted) */
	const char	*conffile;	/* -C FILE; NULL = default search */
	const char	*account;	/* -a NAME / --account=NAME */
	char	       **rcpts;		/* recipient arguments (into argv) */
	int		 nrcpts;
	int		 no_queue;	/* --no-queue: temporary failure = 75 */
	const char	*queue_id;	/* -qI ID, --queue-delete ID */
	const char	*flush_dir;	/* --flush-daemon DIR */
};

int	flags_parse(int argc, char **argv, struct opts *, struct err *);
void	flags_usage(FILE *);	/* --help text, generated from the table */

#endif
