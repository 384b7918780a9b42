/* SPDX-License-Identifier: ISC */
/*
 * flags.c - the sendmail/msmtp command line, decided by one table.
 *
 * Each row names a flag (the text after "-" or "--"), whether it takes a
 * value, what smtps does with it and the --help line.  Parsing follows
 * sendmail: options come first, the first non-option argument (or "--")
 * starts the recipients; an option-like argument after the recipients is
 * refused (it would otherwise be mailed to).  Single-letter flags without a
 * value may be
 * clustered ("-ti"); a value may be attached ("-fme@x") or separate
 * ("-f me@x").  Nothing here prints or exits.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "flags.h"

enum f_act { F_DO, F_IGNORE, F_REFUSE };
enum f_arg { A_NONE, A_VALUE, A_PREFIX,	/* PREFIX: -oX, anything after */
	A_OPTIONAL };			/* long only: --tls or --tls=off */

enum f_id {
	ID_T, ID_I, ID_OI, ID_F, ID_R, ID_FULLNAME, ID_V, ID_C, ID_A,
	ID_ACCOUNT, ID_BM, ID_O, ID_HELP, ID_VERSION, ID_B, ID_BODY,
	ID_BP, ID_Q, ID_QI, ID_QDELETE, ID_NOQUEUE, ID_DAEMON,
	ID_BS, ID_BI, ID_N, ID_RET, ID_ENVID, ID_IGNORE, ID_NOALIAS,
	ID_DEBUG, ID_PRETEND, ID_FILE, ID_READRCPT, ID_KW, ID_SERVERINFO,
	ID_BV, ID_READFROM, ID_AUTHORIZE, ID_JSON, ID_QCHECK, ID_QCOUNT,
	ID_SUBMITD, ID_SOCKET, ID_SUBMITTER, ID_DOCTOR, ID_CONFIGURE,
	ID_WRITE, ID_OPTION
};

struct flag {
	const char	*name;		/* after "-" (short) or "--" (long) */
	int		 is_long;
	enum f_arg	 arg;
	enum f_act	 act;
	enum f_id	 id;
	const char	*help;		/* NULL: not listed in --help */
};

static const struct flag flags[] = {
	{ "t", 0, A_NONE, F_DO, ID_T,
	  "-t              add recipients from To, Cc and Bcc headers" },
	{ "i", 0, A_NONE, F_DO, ID_I,
	  "-i, -oi         accepted: input is always read to end of file" },
	{ "oi", 0, A_NONE, F_DO, ID_OI, NULL },
	{ "f", 0, A_VALUE, F_DO, ID_F,
	  "-f ADDR         envelope sender ('' or '<>' for the null sender)" },
	{ "r", 0, A_VALUE, F_DO, ID_R,
	  "-r ADDR         same as -f" },
	{ "F", 0, A_VALUE, F_DO, ID_FULLNAME,
	  "-F NAME         full name for an added From: header" },
	{ "v", 0, A_NONE, F_DO, ID_V,
	  "-v              show the SMTP transcript on stderr (secrets "
	    "hidden)" },
	{ "C", 0, A_VALUE, F_DO, ID_C,
	  "-C FILE         read this configuration file only" },
	{ "a", 0, A_VALUE, F_DO, ID_A,
	  "-a NAME         use this account (also --account=NAME)" },
	{ "account", 1, A_VALUE, F_DO, ID_ACCOUNT, NULL },
	{ "bm", 0, A_NONE, F_DO, ID_BM,
	  "-bm             read the message from stdin and send it (default)" },
	{ "bp", 0, A_NONE, F_DO, ID_BP,
	  "-bp             list the queue (same as mailq)" },
	{ "json", 1, A_NONE, F_DO, ID_JSON,
	  "--json          with -bp/mailq: one JSON object per entry and "
	    "line" },
	{ "queue-check", 1, A_VALUE, F_DO, ID_QCHECK,
	  "--queue-check WARN[,CRIT]  monitoring check (Nagios exit codes):\n"
	  "                  WARNING/CRITICAL when a message has waited this\n"
	  "                  long (30m, 2h, 1d)" },
	{ "queue-check-count", 1, A_VALUE, F_DO, ID_QCOUNT,
	  "--queue-check-count WARN[,CRIT]  the same for the number of "
	    "queued\n"
	  "                  messages" },
	{ "b", 0, A_PREFIX, F_REFUSE, ID_B, NULL },
	{ "q", 0, A_PREFIX, F_DO, ID_Q,
	  "-q              deliver every queued message now (-q30m: the "
	    "same)" },
	{ "qI", 0, A_VALUE, F_DO, ID_QI,
	  "-qI ID          deliver the queued message ID now" },
	{ "queue-delete", 1, A_VALUE, F_DO, ID_QDELETE,
	  "--queue-delete ID  remove the queued message ID (not delivered)" },
	{ "no-queue", 1, A_NONE, F_DO, ID_NOQUEUE,
	  "--no-queue      do not queue: a temporary failure exits 75 and\n"
	  "                  the message goes to dead.letter" },
	{ "flush-daemon", 1, A_VALUE, F_DO, ID_DAEMON, NULL },
	{ "B", 0, A_VALUE, F_IGNORE, ID_BODY,
	  "-B TYPE         body type (7BIT, 8BITMIME): accepted and ignored,\n"
	  "                  BODY=8BITMIME is sent when the body needs it" },
	{ "o", 0, A_PREFIX, F_IGNORE, ID_O,
	  "-o...           sendmail options (-oem, -odb): accepted and "
	    "ignored" },
	{ "bs", 0, A_NONE, F_DO, ID_BS,
	  "-bs             speak SMTP on stdin/stdout, relay each message" },
	{ "bv", 0, A_NONE, F_DO, ID_BV,
	  "-bv             ask the server about each recipient, send nothing" },
	{ "bi", 0, A_NONE, F_DO, ID_BI,
	  "-bi             check the aliases file (same as newaliases)" },
	{ "N", 0, A_VALUE, F_DO, ID_N,
	  "-N DSN          DSN notify: never, or success,failure,delay" },
	{ "R", 0, A_VALUE, F_DO, ID_RET,
	  "-R RET          DSN return: full or hdrs" },
	{ "V", 0, A_VALUE, F_DO, ID_ENVID,
	  "-V ENVID        DSN envelope ID" },
	{ "n", 0, A_NONE, F_DO, ID_NOALIAS,
	  "-n              do not expand aliases" },
	{ "X", 0, A_VALUE, F_IGNORE, ID_IGNORE,
	  "-X FILE         traffic log: accepted and ignored (use -v)" },
	{ "L", 0, A_VALUE, F_IGNORE, ID_IGNORE,
	  "-L TAG          syslog tag: accepted and ignored" },
	{ "h", 0, A_VALUE, F_IGNORE, ID_IGNORE,
	  "-h N            hop count: accepted and ignored" },
	{ "O", 0, A_VALUE, F_DO, ID_OPTION,
	  "-O smtputf8     require SMTPUTF8 (RFC 6531) for this message\n"
	  "  -O requiretls   require REQUIRETLS (RFC 8689) for this message\n"
	  "  -O OPT=VALUE    other sendmail options: accepted and ignored" },
	{ "G", 0, A_NONE, F_IGNORE, ID_IGNORE,
	  "-G              gateway submission: accepted and ignored" },
	{ "U", 0, A_NONE, F_IGNORE, ID_IGNORE,
	  "-U              initial submission: accepted and ignored" },
	{ "m", 0, A_NONE, F_IGNORE, ID_IGNORE,
	  "-m              send to me too: accepted and ignored" },
	{ "Am", 0, A_NONE, F_IGNORE, ID_IGNORE,
	  "-Am, -Ac        sendmail.cf choice: accepted and ignored" },
	{ "Ac", 0, A_NONE, F_IGNORE, ID_IGNORE, NULL },
	{ "d", 0, A_NONE, F_DO, ID_DEBUG,
	  "-d, --debug     same as -v" },
	{ "debug", 1, A_NONE, F_DO, ID_DEBUG, NULL },
	{ "P", 0, A_NONE, F_DO, ID_PRETEND,
	  "-P, --pretend   print the account that would be used, send "
	    "nothing" },
	{ "pretend", 1, A_NONE, F_DO, ID_PRETEND, NULL },
	{ "S", 0, A_NONE, F_DO, ID_SERVERINFO,
	  "-S, --serverinfo  print the server's TLS certificates and\n"
	  "                  capabilities (no AUTH, no mail)" },
	{ "serverinfo", 1, A_NONE, F_DO, ID_SERVERINFO, NULL },
	{ "doctor", 1, A_NONE, F_DO, ID_DOCTOR,
	  "--doctor        check every step a send needs (DNS, TCP, TLS,\n"
	  "                  EHLO, AUTH, sign-in, MAIL/RCPT then RSET,\n"
	  "                  queue) and say how to fix the first failure" },
	{ "configure", 1, A_VALUE, F_DO, ID_CONFIGURE,
	  "--configure ADDR  find ADDR's submission server (SRV records,\n"
	  "                  provider table, common names) and print an\n"
	  "                  account block for it" },
	{ "write", 1, A_NONE, F_DO, ID_WRITE,
	  "--write         with --configure: write the block to the\n"
	  "                  configuration file (never overwrites it)" },
	{ "authorize", 1, A_NONE, F_DO, ID_AUTHORIZE,
	  "--authorize     sign the account (-a NAME) in with OAuth2 once and\n"
	  "                  store its tokens (oauth2_* keywords)" },
	{ "submit-service", 1, A_NONE, F_DO, ID_SUBMITD,
	  "--submit-service [--socket PATH]  run the system submission\n"
	  "                  service in the foreground (see smtps(1))" },
	{ "socket", 1, A_VALUE, F_DO, ID_SOCKET, NULL },
	{ "submitter", 1, A_VALUE, F_DO, ID_SUBMITTER, NULL },
	{ "file", 1, A_VALUE, F_DO, ID_FILE,
	  "--file=FILE     same as -C FILE" },
	{ "read-recipients", 1, A_NONE, F_DO, ID_READRCPT,
	  "--read-recipients  same as -t" },
	{ "read-envelope-from", 1, A_NONE, F_DO, ID_READFROM,
	  "--read-envelope-from  the envelope sender is the From: address\n"
	  "                  (a Resent-From: before it wins)" },
	{ "host", 1, A_VALUE, F_DO, ID_KW,
	  "--host=HOST, --port=N, --tls[=on|off], --tls-starttls[=on|off],\n"
	  "  --tls-trust-file=FILE, --tls-fingerprint=FP, "
	    "--tls-certcheck[=on|off],\n"
	  "  --auth[=on|off|MECHANISM], --user=NAME, --passwordeval=CMD,\n"
	  "  --from=ADDR, --domain=NAME, --maildomain=NAME, --timeout=SEC,\n"
	  "  --aliases=FILE, --logfile=FILE, --syslog[=FACILITY],\n"
	  "  --dsn-notify=DSN, --dsn-return=RET, --logfile-time-format=FMT,\n"
	  "  --set-from-header[=auto|on|off], --set-date-header[=auto|off],\n"
	  "  --set-msgid-header[=auto|off], --remove-bcc-headers[=on|off],\n"
	  "  --set-to-header[=on|off|undisclosed_recipients],\n"
	  "  --undisclosed-recipients[=on|off]\n"
	  "                  msmtp's options: set that keyword for this run" },
	{ "port", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "tls", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "tls-starttls", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "tls-trust-file", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "tls-fingerprint", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "tls-certcheck", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "auth", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "user", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "passwordeval", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "from", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "domain", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "maildomain", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "timeout", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "aliases", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "logfile", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "syslog", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "dsn-notify", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "dsn-return", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "logfile-time-format", 1, A_VALUE, F_DO, ID_KW, NULL },
	{ "set-from-header", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "set-date-header", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "set-msgid-header", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "remove-bcc-headers", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "set-to-header", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "undisclosed-recipients", 1, A_OPTIONAL, F_DO, ID_KW, NULL },
	{ "help", 1, A_NONE, F_DO, ID_HELP,
	  "--help          show this help and exit" },
	{ "version", 1, A_NONE, F_DO, ID_VERSION,
	  "--version       show the version and exit" },
};

/* -O smtputf8, -O requiretls (Postfix's spellings); others are ignored */
static void
option(struct opts *o, const char *val)
{
	if (strcasecmp(val, "smtputf8") == 0)
		o->smtputf8 = 1;
	else if (strcasecmp(val, "requiretls") == 0)
		o->requiretls = 1;
}

#define NFLAGS	(sizeof(flags) / sizeof(flags[0]))

static const struct flag *
find(const char *s, int is_long, size_t len)
{
	size_t i;

	for (i = 0; i < NFLAGS; i++)
		if (flags[i].is_long == is_long &&
		    strlen(flags[i].name) == len &&
		    strncmp(flags[i].name, s, len) == 0)
			return &flags[i];
	return NULL;
}

/* "-q", "-q30m" (flush once now), "-qIID" (one entry) */
static int
apply_q(const char *val, struct opts *o, struct err *e)
{
	if (val[0] == 'I') {
		if (val[1] == '\0')
			return err_set(e, EX_USAGE, "option '-qI' needs a "
			    "queue ID");
		o->mode = MODE_FLUSH_ONE;
		o->queue_id = val + 1;
		return 0;
	}
	if (val[strspn(val, "0123456789smhdw")] != '\0')
		return err_set(e, EX_USAGE, "option '-q%s' is not supported "
		    "(use -q, -qTIME or -qI ID)", val);
	o->mode = MODE_FLUSH;
	return 0;
}

/* --queue-check, --queue-check-count: the check mode and its levels */
static int
apply_check(enum f_id id, const char *val, struct opts *o, struct err *e)
{
	o->mode = MODE_CHECK;	/* set first: a bad value is UNKNOWN too */
	if (id == ID_QCHECK)
		return qcheck_levels(val, QCHECK_AGE, &o->check.age, e);
	return qcheck_levels(val, QCHECK_COUNT, &o->check.count, e);
}

/* RFC 3461: -N never | success,failure,delay; -R full|hdrs; -V xtext */
static int
check_dsn(enum f_id id, const char *v, struct err *e)
{
	const char *w;
	size_t n;
	int never = 0, other = 0;

	if (id == ID_RET)
		return strcasecmp(v, "full") == 0 || strcasecmp(v, "hdrs") ==
		    0 ?
		    0 : err_set(e, EX_USAGE, "-R: expected full or hdrs");
	if (id == ID_ENVID) {
		for (w = v; *w != '\0'; w++)
			if (*w <= ' ' || *w >= 0x7f)
				break;
		return *w == '\0' && *v != '\0' && w - v <= LIMIT_ENVID ? 0 :
		    err_set(e, EX_USAGE, "-V: the envelope ID must be 1-%d "
		    "printable ASCII characters", LIMIT_ENVID);
	}
	for (w = v; ; w += n + 1) {
		n = strcspn(w, ",");
		if (n == 5 && strncasecmp(w, "never", n) == 0)
			never++;
		else if ((n == 7 && (strncasecmp(w, "success", n) == 0 ||
		    strncasecmp(w, "failure", n) == 0)) ||
		    (n == 5 && strncasecmp(w, "delay", n) == 0))
			other++;
		else
			return err_set(e, EX_USAGE, "-N: expected never, or a "
			    "comma list of success, failure, delay");
		if (w[n] == '\0')
			break;
	}
	return never && (never > 1 || other) ? err_set(e, EX_USAGE,
	    "-N: 'never' cannot be combined") : 0;
}

static int
add_override(const struct flag *f, const char *val, struct opts *o,
    struct err *e)
{
	if (o->novr >= FLAGS_MAX_OVERRIDES)
		return err_set(e, EX_USAGE, "too many options (max %d)",
		    FLAGS_MAX_OVERRIDES);
	o->ovr[o->novr].name = f->name;
	o->ovr[o->novr++].value = val != NULL ? val : "";
	return 0;
}

static int
apply(const struct flag *f, const char *val, struct opts *o, struct err *e)
{
	switch (f->id) {
	case ID_BS:		o->mode = MODE_SMTP; break;
	case ID_BI:		o->mode = MODE_ALIASES; break;
	case ID_BV:		o->mode = MODE_VERIFY; break;
	case ID_READFROM:	o->read_envelope_from = 1; break;
	case ID_N: case ID_RET: case ID_ENVID:
		if (check_dsn(f->id, val, e) == -1)
			return -1;
		*(f->id == ID_N ? &o->dsn_notify : f->id == ID_RET ?
		    &o->dsn_return : &o->envid) = val;
		break;
	case ID_IGNORE:		break;
	case ID_OPTION:		option(o, val); break;
	case ID_NOALIAS:	o->no_aliases = 1; break;
	case ID_DEBUG:		o->verbose++; break;
	case ID_PRETEND:	o->mode = MODE_PRETEND; break;
	case ID_SERVERINFO:	o->mode = MODE_SERVERINFO; break;
	case ID_DOCTOR:		o->mode = MODE_DOCTOR; break;
	case ID_CONFIGURE:	o->mode = MODE_CONFIGURE; o->configure = val;
				break;
	case ID_WRITE:		o->configure_write = 1; break;
	case ID_AUTHORIZE:	o->mode = MODE_AUTHORIZE; break;
	case ID_SUBMITD:	o->mode = MODE_SUBMITD; break;
	case ID_SOCKET:		o->socket = val; break;
	case ID_SUBMITTER:	o->submitter = val; break;
	case ID_FILE:		o->conffile = val; break;
	case ID_READRCPT:	o->read_rcpts = 1; break;
	case ID_KW:		return add_override(f, val, o, e);
	case ID_T:		o->read_rcpts = 1; break;
	case ID_I: case ID_OI: case ID_BM: case ID_O: case ID_BODY: break;
	case ID_F: case ID_R:	o->from = val; break;
	case ID_FULLNAME:	o->fullname = val; break;
	case ID_V:		o->verbose++; break;
	case ID_C:		o->conffile = val; break;
	case ID_A: case ID_ACCOUNT: o->account = val; break;
	case ID_HELP:		o->mode = MODE_HELP; break;
	case ID_VERSION:	o->mode = MODE_VERSION; break;
	case ID_B:
		return err_set(e, EX_USAGE, "mode '-b%s' is not supported",
		    val);
	case ID_BP:		o->mode = MODE_LIST; break;
	case ID_JSON:		o->json = 1; break;
	case ID_QCHECK: case ID_QCOUNT: return apply_check(f->id, val, o, e);
	case ID_Q:		return apply_q(val, o, e);
	case ID_QI:
		o->mode = MODE_FLUSH_ONE;
		o->queue_id = val;
		break;
	case ID_QDELETE:	o->mode = MODE_DELETE; o->queue_id = val; break;
	case ID_NOQUEUE:	o->no_queue = 1; break;
	case ID_DAEMON:
		o->mode = MODE_DAEMON;
		o->flush_dir = val;
		break;
	}
	return 0;
}

/* "--name", "--name=value", "--name value" */
static int
parse_long(int argc, char **argv, int *i, struct opts *o, struct err *e)
{
	const char *s = argv[*i] + 2, *eq = strchr(s, '=');
	size_t len = eq ? (size_t)(eq - s) : strlen(s);
	const struct flag *f = find(s, 1, len);
	const char *val = NULL;

	if (f == NULL)
		return err_set(e, EX_USAGE, "unknown option '--%.*s' "
		    "(see smtps --help)", (int)len, s);
	if (f->arg == A_NONE && eq)
		return err_set(e, EX_USAGE, "option '--%s' takes no value",
		    f->name);
	if (f->arg == A_OPTIONAL)
		val = eq ? eq + 1 : "";
	if (f->arg == A_VALUE) {
		if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return err_set(e, EX_USAGE,
			    "option '--%s' needs a value", f->name);
	}
	return apply(f, val, o, e);
}

/* "-t", "-ti", "-oi", "-bm", "-fADDR", "-f ADDR", "-oem" */
static int
parse_short(int argc, char **argv, int *i, struct opts *o, struct err *e)
{
	const char *s = argv[*i] + 1;
	const struct flag *f;

	/* whole-word sendmail flags first: -oi, -bm, -bp, -qI ID */
	if ((f = find(s, 0, strlen(s))) != NULL && strlen(s) > 1) {
		if (f->arg != A_VALUE)
			return apply(f, NULL, o, e);
		if (*i + 1 >= argc)
			return err_set(e, EX_USAGE, "option '-%s' needs a "
			    "value", s);
		return apply(f, argv[++*i], o, e);
	}
	while (*s != '\0') {
		if ((f = find(s, 0, 1)) == NULL)
			return err_set(e, EX_USAGE, "unknown option '-%c' "
			    "(see smtps --help)", *s);
		if (f->arg == A_PREFIX) {
			if (f->act == F_IGNORE)
				return 0;
			return apply(f, s + 1, o, e);
		}
		if (f->arg == A_VALUE) {
			if (s[1] != '\0')
				return apply(f, s + 1, o, e);
			if (*i + 1 >= argc)
				return err_set(e, EX_USAGE,
				    "option '-%c' needs a value", *s);
			return apply(f, argv[++*i], o, e);
		}
		if (apply(f, NULL, o, e) == -1)
			return -1;
		s++;
	}
	return 0;
}

/* options that go with one mode only */
static int
companions(const struct opts *o, struct err *e)
{
	if (o->json && o->mode != MODE_LIST)
		return err_set(e, EX_USAGE, "--json goes with -bp (mailq) "
		    "only");
	if (o->configure_write && o->mode != MODE_CONFIGURE)
		return err_set(e, EX_USAGE, "--write goes with --configure "
		    "only");
	if (o->socket != NULL && o->mode != MODE_SUBMITD)
		return err_set(e, EX_USAGE, "--socket goes with "
		    "--submit-service only");
	if (o->submitter != NULL && o->mode != MODE_SEND)
		return err_set(e, EX_USAGE, "--submitter is internal to the "
		    "submission service");
	return 0;
}

int
flags_parse(int argc, char **argv, struct opts *o, struct err *e)
{
	int i, dashdash = 0;

	memset(o, 0, sizeof(*o));
	qcheck_init(&o->check);
	if (argc > 0 && argv[0] != NULL) {
		const char *base = strrchr(argv[0], '/');

		base = base != NULL ? base + 1 : argv[0];
		if (strcmp(base, "mailq") == 0)
			o->mode = MODE_LIST;
		else if (strcmp(base, "newaliases") == 0)
			o->mode = MODE_ALIASES;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			dashdash = 1;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (a[1] == '-') {
			if (parse_long(argc, argv, &i, o, e) == -1)
				return -1;
		} else if (parse_short(argc, argv, &i, o, e) == -1)
			return -1;
	}
	o->rcpts = argv + i;
	o->nrcpts = argc - i;
	/* "bob@x -f me" would mail "-f": refuse instead of guessing */
	for (; i < argc && !dashdash; i++)
		if (argv[i][0] == '-')
			return err_set(e, EX_USAGE, "option '%s' after the "
			    "recipients: put options first (recipients that "
			    "start with '-' go after '--')", argv[i]);
	if (o->mode != MODE_SEND && o->mode != MODE_HELP &&
	    o->mode != MODE_VERSION && o->mode != MODE_PRETEND &&
	    o->mode != MODE_VERIFY && o->nrcpts > 0)
		return err_set(e, EX_USAGE, "queue commands (-bp, -q, -qI, "
		    "--queue-delete, --queue-check), -bs, -bi, -S, "
		    "--doctor, --configure, --authorize and --submit-service "
		    "take no recipients");
	if (companions(o, e) == -1)
		return -1;
	if (o->mode == MODE_VERIFY && o->nrcpts == 0)
		return err_set(e, EX_USAGE, "-bv needs recipients");
	if (o->mode == MODE_SEND && o->nrcpts == 0 && !o->read_rcpts)
		return err_set(e, EX_USAGE, "no recipients given "
		    "(name them as arguments or use -t)");
	return 0;
}

void
flags_usage(FILE *fp)
{
	size_t i;

	fputs("usage: smtps [options] [--] recipient ...\n"
	    "       smtps -t [options] < message\n"
	    "       smtps -bp | -q | -qI ID | --queue-delete ID  (mailq)\n"
	    "       smtps --queue-check WARN[,CRIT]  (monitoring)\n\n"
	    "Reads a message on stdin and submits it over TLS, as sendmail"
	    " does.\n\noptions:\n", fp);
	for (i = 0; i < NFLAGS; i++)
		if (flags[i].help != NULL)
			fprintf(fp, "  %s\n", flags[i].help);
	fputs("\nconfiguration: ~/.config/smtps/mailrc or /etc/smtps/mailrc,"
	    " msmtp syntax;\nsee smtps(1) and smtps-mailrc(5).\n", fp);
}
