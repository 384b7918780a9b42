/* SPDX-License-Identifier: ISC */
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
 * the mode is MODE_LIST, as "newaliases" MODE_ALIASES.  Queue modes (-bp,
 * -q, -qI, --queue-delete), -bs and -bi take no recipients; -q with a time
 * (-q30m, sendmail's daemon interval) means
 * "flush once now".  --json only goes with -bp (or mailq).
 * --queue-check and --queue-check-count set MODE_CHECK before their value
 * is parsed (qcheck_levels), so a bad value leaves that mode set: main
 * reports it as the check's UNKNOWN.  --socket goes only with
 * --submit-service, the hidden --submitter only with a message to send.
 *
 * -N, -R and -V are checked here (RFC 3461 syntax: -N never or a list of
 * success, failure, delay; -R full or hdrs; -V printable ASCII, at most
 * LIMIT_ENVID bytes).  msmtp's long options that name a config keyword
 * (--host, --port, --tls[=on|off], --auth[=...], --user, --from, ...) are
 * collected in ovr[] and applied by account_load() after the chosen
 * account's own keywords, so the secure defaults still follow them.
 */
#ifndef SMTPS_FLAGS_H
#define SMTPS_FLAGS_H

#include <stdio.h>
#include "err.h"
#include "qcheck.h"

enum opts_mode {
	MODE_SEND = 0,		/* default, also -bm */
	MODE_HELP,		/* --help */
	MODE_VERSION,		/* --version */
	MODE_LIST,		/* -bp, or invoked as mailq: list the queue */
	MODE_FLUSH,		/* -q, -qTIME: deliver every entry now */
	MODE_FLUSH_ONE,		/* -qI ID: deliver one entry now */
	MODE_DELETE,		/* --queue-delete ID */
	MODE_DAEMON,		/* --flush-daemon DIR (internal, hidden) */
	MODE_SMTP,		/* -bs: SMTP server on stdin/stdout */
	MODE_ALIASES,		/* -bi, or invoked as newaliases */
	MODE_PRETEND,		/* -P/--pretend: print the account, send
				   nothing */
	MODE_SERVERINFO,	/* -S/--serverinfo: TLS and capabilities */
	MODE_VERIFY,		/* -bv: ask the server about the recipients */
	MODE_DOCTOR,		/* --doctor: check each step of a send */
	MODE_CONFIGURE,		/* --configure ADDR: find the server */
	MODE_AUTHORIZE,		/* --authorize: OAuth2 first sign-in */
	MODE_CHECK,		/* --queue-check, --queue-check-count:
				   Nagios-style queue check */
	MODE_SUBMITD,		/* --submit-service: the system submission
				   service (submitd.h) */
};

/* msmtp long options that set a config keyword (--host=H -> host H) */
#define FLAGS_MAX_OVERRIDES	32
struct opts_override {
	const char	*name;		/* option name: "host",
					   "tls-starttls" */
	const char	*value;		/* "" for --tls without a value */
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
	const char	*dsn_notify;	/* -N: never or success,failure,delay */
	const char	*dsn_return;	/* -R: full or hdrs */
	const char	*envid;		/* -V: DSN envelope ID */
	int		 smtputf8;	/* -O smtputf8 */
	int		 requiretls;	/* -O requiretls */
	int		 no_aliases;	/* -n */
	int		 read_envelope_from; /* --read-envelope-from */
	int		 json;		/* --json: -bp as JSON lines */
	struct qcheck	 check;		/* the levels of MODE_CHECK */
	const char	*socket;	/* --socket PATH (--submit-service) */
	const char	*configure;	/* --configure ADDR */
	int		 configure_write; /* --write */
	const char	*submitter;	/* --submitter "UID NAME" (internal,
					   hidden: set by the service for the
					   pipeline it runs) */
	struct opts_override ovr[FLAGS_MAX_OVERRIDES];
	int		 novr;		/* applied in order after the config */
};

int	flags_parse(int argc, char **argv, struct opts *, struct err *);
void	flags_usage(FILE *);	/* --help text, generated from the table */

#endif
