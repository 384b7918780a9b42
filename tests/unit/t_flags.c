/* SPDX-License-Identifier: ISC */
/*
 * t_flags.c - the command-line table: each flag form, clustering,
 * attached and separate values, errors.
 */
#include "t.h"
#include "flags.h"

static int
parse(struct opts *o, struct err *e, const char *const *args)
{
	static char *argv[32];	/* opts point into it after the return */
	int argc = 0;

	argv[argc++] = (char *)"smtps";
	while (*args != NULL && argc < 31)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	err_clear(e);
	return flags_parse(argc, argv, o, e);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

int
main(void)
{
	struct opts o;
	struct err e;

	T_EQ_INT(parse(&o, &e, ARGS("a@x")), 0);
	T_EQ_INT(o.nrcpts, 1);
	T_EQ_STR(o.rcpts[0], "a@x");
	T_EQ_INT(o.read_rcpts, 0);

	T_EQ_INT(parse(&o, &e, ARGS("-t", "-i", "-oi", "-oem", "-bm")), 0);
	T_EQ_INT(o.read_rcpts, 1);
	T_EQ_INT(o.nrcpts, 0);

	T_EQ_INT(parse(&o, &e, ARGS("-ti")), 0);
	T_EQ_INT(o.read_rcpts, 1);

	T_EQ_INT(parse(&o, &e, ARGS("-f", "me@x", "b@y")), 0);
	T_EQ_STR(o.from, "me@x");
	T_EQ_INT(parse(&o, &e, ARGS("-fme@x", "b@y")), 0);
	T_EQ_STR(o.from, "me@x");
	T_EQ_INT(parse(&o, &e, ARGS("-r", "", "b@y")), 0);
	T_EQ_STR(o.from, "");
	T_EQ_INT(parse(&o, &e, ARGS("-F", "Jo Doe", "-v", "-v", "b@y")), 0);
	T_EQ_STR(o.fullname, "Jo Doe");
	T_EQ_INT(o.verbose, 2);

	T_EQ_INT(parse(&o, &e, ARGS("-C", "/tmp/rc", "-a", "work", "b@y")), 0);
	T_EQ_STR(o.conffile, "/tmp/rc");
	T_EQ_STR(o.account, "work");
	T_EQ_INT(parse(&o, &e, ARGS("--account=home", "b@y")), 0);
	T_EQ_STR(o.account, "home");
	T_EQ_INT(parse(&o, &e, ARGS("--account", "home2", "b@y")), 0);
	T_EQ_STR(o.account, "home2");

	/* "--" ends options: a recipient may start with "-" */
	T_EQ_INT(parse(&o, &e, ARGS("-i", "--", "-odd@x", "b@y")), 0);
	T_EQ_INT(o.nrcpts, 2);
	T_EQ_STR(o.rcpts[0], "-odd@x");
	/* first non-option starts the recipients; options after it: refused */
	T_EQ_INT(parse(&o, &e, ARGS("a@x", "-t")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_STR(e.msg, "option '-t' after the recipients: put options first "
	    "(recipients that start with '-' go after '--')");
	T_EQ_INT(parse(&o, &e, ARGS("a@x", "b@y")), 0);
	T_EQ_INT(o.nrcpts, 2);

	T_EQ_INT(parse(&o, &e, ARGS("--help")), 0);
	T_EQ_INT(o.mode, MODE_HELP);
	T_EQ_INT(parse(&o, &e, ARGS("--version")), 0);
	T_EQ_INT(o.mode, MODE_VERSION);

	/* cron: -FCronDaemon -i -B8BITMIME -oem root; systemd-cron: -B
	   8BITMIME */
	T_EQ_INT(parse(&o, &e, ARGS("-FCronDaemon", "-i", "-B8BITMIME", "-oem",
	    "root")), 0);
	T_EQ_STR(o.fullname, "CronDaemon");
	T_EQ_INT(o.nrcpts, 1);
	T_EQ_STR(o.rcpts[0], "root");
	T_EQ_INT(parse(&o, &e, ARGS("-B", "8BITMIME", "root")), 0);
	T_EQ_INT(o.nrcpts, 1);

	/* errors */
	T_EQ_INT(parse(&o, &e, ARGS("-Z", "a@x")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_STR(e.msg, "unknown option '-Z' (see smtps --help)");
	T_EQ_INT(parse(&o, &e, ARGS("--frobnicate", "a@x")), -1);
	T_EQ_STR(e.msg, "unknown option '--frobnicate' (see smtps --help)");
	T_EQ_INT(parse(&o, &e, ARGS("-f")), -1);
	T_EQ_STR(e.msg, "option '-f' needs a value");
	T_EQ_INT(parse(&o, &e, ARGS("--account")), -1);
	T_EQ_STR(e.msg, "option '--account' needs a value");
	T_EQ_INT(parse(&o, &e, ARGS("--help=x")), -1);
	T_EQ_INT(parse(&o, &e, ARGS("-bx")), -1);
	T_EQ_STR(e.msg, "mode '-bx' is not supported");
	/* drop-in extras: -bs, -bi, DSN, ignored sendmail flags, msmtp
	   options */
	T_EQ_INT(parse(&o, &e, ARGS("-bs")), 0);
	T_EQ_INT(o.mode, MODE_SMTP);
	T_EQ_INT(parse(&o, &e, ARGS("-bs", "a@x")), -1);
	T_EQ_INT(parse(&o, &e, ARGS("-bv", "a@x")), 0);
	T_EQ_INT(o.mode, MODE_VERIFY);
	T_EQ_INT(parse(&o, &e, ARGS("-bv")), -1);
	T_EQ_STR(e.msg, "-bv needs recipients");
	T_EQ_INT(parse(&o, &e, ARGS("-bi")), 0);
	T_EQ_INT(o.mode, MODE_ALIASES);
	/* OAuth2 sign-in: --authorize [-a NAME], no recipients */
	T_EQ_INT(parse(&o, &e, ARGS("--authorize", "-a", "work")), 0);
	T_EQ_INT(o.mode, MODE_AUTHORIZE);
	T_EQ_STR(o.account, "work");
	T_EQ_INT(parse(&o, &e, ARGS("--authorize", "a@x")), -1);
	T_EQ_STR(e.msg, "queue commands (-bp, -q, -qI, --queue-delete, "
	    "--queue-check), -bs, -bi, -S, --doctor, --configure, "
	    "--authorize and --submit-service take no recipients");
	T_EQ_INT(parse(&o, &e, ARGS("--authorize=x")), -1);
	/* --doctor [-a NAME], no recipients */
	T_EQ_INT(parse(&o, &e, ARGS("--doctor", "-a", "work")), 0);
	T_EQ_INT(o.mode, MODE_DOCTOR);
	T_EQ_STR(o.account, "work");
	T_EQ_INT(parse(&o, &e, ARGS("--doctor", "a@x")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("--doctor=x")), -1);
	/* --configure ADDR [--write] */
	T_EQ_INT(parse(&o, &e, ARGS("--configure", "me@x.example")), 0);
	T_EQ_INT(o.mode, MODE_CONFIGURE);
	T_EQ_STR(o.configure, "me@x.example");
	T_EQ_INT(o.configure_write, 0);
	T_EQ_INT(parse(&o, &e, ARGS("--configure", "me@x", "--write")), 0);
	T_EQ_INT(o.configure_write, 1);
	T_EQ_INT(parse(&o, &e, ARGS("--write")), -1);
	T_EQ_STR(e.msg, "--write goes with --configure only");
	T_EQ_INT(parse(&o, &e, ARGS("--configure")), -1);
	T_EQ_INT(parse(&o, &e, ARGS("-N", "success,FAILURE,delay", "-R", "hdrs",
	    "-V", "id-1", "a@x")), 0);
	T_EQ_STR(o.dsn_notify, "success,FAILURE,delay");
	T_EQ_STR(o.dsn_return, "hdrs");
	T_EQ_STR(o.envid, "id-1");
	T_EQ_INT(parse(&o, &e, ARGS("-Nnever", "a@x")), 0);
	T_EQ_STR(o.dsn_notify, "never");
	T_EQ_INT(parse(&o, &e, ARGS("-N", "never,success", "a@x")), -1);
	T_EQ_STR(e.msg, "-N: 'never' cannot be combined");
	T_EQ_INT(parse(&o, &e, ARGS("-N", "sometimes", "a@x")), -1);
	T_EQ_STR(e.msg, "-N: expected never, or a comma list of success, "
	    "failure, delay");
	T_EQ_INT(parse(&o, &e, ARGS("-N", "success,", "a@x")), -1);
	T_EQ_INT(parse(&o, &e, ARGS("-R", "body", "a@x")), -1);
	T_EQ_STR(e.msg, "-R: expected full or hdrs");
	T_EQ_INT(parse(&o, &e, ARGS("-V", "a b", "a@x")), -1);
	/* -O smtputf8 / requiretls (Postfix's spellings, any case); any
	   other -O is accepted and ignored */
	T_EQ_INT(parse(&o, &e, ARGS("-O", "smtputf8", "a@x")), 0);
	T_EQ_INT(o.smtputf8, 1);
	T_EQ_INT(o.requiretls, 0);
	T_EQ_INT(parse(&o, &e, ARGS("-ORequireTLS", "-O", "SMTPUTF8",
	    "a@x")), 0);
	T_EQ_INT(o.smtputf8, 1);
	T_EQ_INT(o.requiretls, 1);
	T_EQ_INT(parse(&o, &e, ARGS("-O", "smtputf8=no", "-O", "x=y",
	    "a@x")), 0);
	T_EQ_INT(o.smtputf8, 0);
	T_EQ_INT(o.requiretls, 0);
	T_EQ_INT(parse(&o, &e, ARGS("-X", "/tmp/log", "-L", "tag", "-h", "5",
	    "-O", "DeliveryMode=b", "-G", "-U", "-Am", "-Ac", "-m", "-n",
	    "a@x")),
	    0);
	T_EQ_INT(o.no_aliases, 1);
	T_EQ_INT(o.nrcpts, 1);
	T_EQ_INT(parse(&o, &e, ARGS("-d", "--debug", "-P", "a@x")), 0);
	T_EQ_INT(o.verbose, 2);
	T_EQ_INT(o.mode, MODE_PRETEND);
	T_EQ_INT(parse(&o, &e, ARGS("--read-envelope-from", "a@x")), 0);
	T_EQ_INT(o.read_envelope_from, 1);
	T_EQ_INT(parse(&o, &e, ARGS("--file=/x", "--read-recipients")), 0);
	T_EQ_STR(o.conffile, "/x");
	T_EQ_INT(o.read_rcpts, 1);
	T_EQ_INT(parse(&o, &e, ARGS("--host=h.example", "--port", "2525",
	    "--tls", "--tls-starttls=off", "--auth=plain", "a@x")), 0);
	T_EQ_INT(o.novr, 5);
	T_EQ_STR(o.ovr[0].name, "host");
	T_EQ_STR(o.ovr[0].value, "h.example");
	T_EQ_STR(o.ovr[1].value, "2525");
	T_EQ_STR(o.ovr[2].name, "tls");
	T_EQ_STR(o.ovr[2].value, "");
	T_EQ_STR(o.ovr[3].value, "off");
	T_EQ_STR(o.ovr[4].value, "plain");
	T_EQ_INT(parse(&o, &e, ARGS("--tls", "on", "a@x")), 0);
	T_EQ_INT(o.nrcpts, 2);		/* --tls takes its value only with = */
	{
		char *na[] = { (char *)"/usr/sbin/newaliases", NULL };

		err_clear(&e);
		T_EQ_INT(flags_parse(1, na, &o, &e), 0);
		T_EQ_INT(o.mode, MODE_ALIASES);
	}
	T_EQ_INT(parse(&o, &e, ARGS("-i")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("-tZ")), -1);
	T_EQ_STR(e.msg, "unknown option '-Z' (see smtps --help)");
	/* the queue commands */
	T_EQ_INT(parse(&o, &e, ARGS("-bp")), 0);
	T_EQ_INT(o.mode, MODE_LIST);
	T_EQ_INT(parse(&o, &e, ARGS("-q")), 0);
	T_EQ_INT(o.mode, MODE_FLUSH);
	T_EQ_INT(parse(&o, &e, ARGS("-q30m")), 0);
	T_EQ_INT(o.mode, MODE_FLUSH);
	T_EQ_INT(parse(&o, &e, ARGS("-qI", "0abc.12.ff")), 0);
	T_EQ_INT(o.mode, MODE_FLUSH_ONE);
	T_EQ_STR(o.queue_id, "0abc.12.ff");
	T_EQ_INT(parse(&o, &e, ARGS("-qI0abc")), 0);
	T_EQ_INT(o.mode, MODE_FLUSH_ONE);
	T_EQ_STR(o.queue_id, "0abc");
	T_EQ_INT(parse(&o, &e, ARGS("-qI")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("-qRbob")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("--queue-delete", "0abc")), 0);
	T_EQ_INT(o.mode, MODE_DELETE);
	T_EQ_STR(o.queue_id, "0abc");
	T_EQ_INT(parse(&o, &e, ARGS("--no-queue", "b@y")), 0);
	T_EQ_INT(o.no_queue, 1);
	T_EQ_INT(o.mode, MODE_SEND);
	T_EQ_INT(parse(&o, &e, ARGS("-bp", "b@y")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("--flush-daemon", "/q")), 0);
	T_EQ_INT(o.mode, MODE_DAEMON);
	T_EQ_STR(o.flush_dir, "/q");
	/* --json with -bp; the check and its levels */
	T_EQ_INT(parse(&o, &e, ARGS("-bp", "--json")), 0);
	T_EQ_INT(o.mode, MODE_LIST);
	T_EQ_INT(o.json, 1);
	T_EQ_INT(parse(&o, &e, ARGS("--json")), -1);
	T_EQ_STR(e.msg, "--json goes with -bp (mailq) only");
	T_EQ_INT(parse(&o, &e, ARGS("--json", "-q")), -1);
	T_EQ_INT(parse(&o, &e, ARGS("-bp")), 0);
	T_EQ_INT(o.json, 0);
	T_EQ_INT(o.check.age.warn, -1);
	T_EQ_INT(o.check.count.warn, -1);
	T_EQ_INT(parse(&o, &e, ARGS("--queue-check", "30m,2h")), 0);
	T_EQ_INT(o.mode, MODE_CHECK);
	T_EQ_INT(o.check.age.warn, 1800);
	T_EQ_INT(o.check.age.crit, 7200);
	T_EQ_INT(o.check.count.warn, -1);
	T_EQ_INT(parse(&o, &e, ARGS("--queue-check-count=5,20")), 0);
	T_EQ_INT(o.mode, MODE_CHECK);
	T_EQ_INT(o.check.age.warn, -1);
	T_EQ_INT(o.check.count.warn, 5);
	T_EQ_INT(o.check.count.crit, 20);
	T_EQ_INT(parse(&o, &e, ARGS("-C", "/f", "--queue-check=1h",
	    "--queue-check-count", "9")), 0);
	T_EQ_INT(o.check.age.warn, 3600);
	T_EQ_INT(o.check.age.crit, -1);
	T_EQ_INT(o.check.count.warn, 9);
	/* a bad value: EX_USAGE, the mode already set (main: UNKNOWN) */
	T_EQ_INT(parse(&o, &e, ARGS("--queue-check", "2h,1h")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(o.mode, MODE_CHECK);
	T_EQ_INT(parse(&o, &e, ARGS("--queue-check")), -1);
	T_EQ_INT(parse(&o, &e, ARGS("--queue-check", "1h", "b@y")), -1);
	T_EQ_INT(o.mode, MODE_CHECK);
	{
		char *mq[] = { (char *)"/usr/bin/mailq", NULL };

		err_clear(&e);
		T_EQ_INT(flags_parse(1, mq, &o, &e), 0);
		T_EQ_INT(o.mode, MODE_LIST);
	}

	return t_done("t_flags");
}
