/* SPDX-License-Identifier: ISC */
/*
 * main.c - wires the pipeline and is the only place that exits.
 *
 * All local work happens before the first network byte: flags, config,
 * password, the message spooled to disk with its headers rewritten, the
 * envelope checked, and (queueing on, the default) the message committed
 * to the queue as an entry.  Then one SMTP session and ONE attempt,
 * run and settled by the delivery engine (deliver.h): it alone decides
 * what the outcome means (queued with one "queued" line and exit 0,
 * dead.letter, the exit code, the log line).  main.c keeps the flags,
 * the account, the spool, the commit, the stop signals, and after a
 * delivery sends the due entries of the same account over the same
 * session (queuerun_due) and starts a flusher for what is left.  -bs
 * relays each message through the same path (bs_relay).  The queue
 * commands (-bp/mailq, -q, -qI, --queue-delete, the internal
 * --flush-daemon) and the monitoring check (--queue-check, which exits
 * with Nagios codes) are dispatched here too.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acctready.h"
#include "addr.h"
#include "authorize.h"
#include "deliver.h"
#include "aliasfile.h"
#include "maillog.h"
#include "mailq.h"
#include "path.h"
#include "pretend.h"
#include "spoolhdr.h"
#include "flags.h"
#include "queuerun.h"
#include "flusher.h"
#include "hdr.h"
#include "io.h"
#include "diag.h"
#include "configure.h"
#include "doctor.h"
#include "msg.h"
#include "net.h"
#include "queue.h"
#include "cred.h"
#include "secret.h"
#include "bsserver.h"
#include "smtp.h"
#include "sublist.h"
#include "submit.h"
#include "submitd.h"
#include "tls.h"

struct run {
	struct opts	 o;
	struct account	 a;
	char		 from[LIMIT_ADDR + 1];
	struct cred	 cred;
	struct spool	 sp;
	struct qentry	 qe;
	int		 queueing;	/* the message is a queue entry */
	struct addr_list rcpts;
	char		 msgid_domain[LIMIT_DOMAIN + 1];
	int		 spooled;	/* the whole message is in the spool */
	int		 infd;		/* the message: 0 = stdin; -bs: a
					   file */
	int		 queued;	/* kept in the queue for a retry */
	int		 bs;		/* -bs: a message relayed by bs_relay */
	/* for the log line */
	int		 have_from;	/* from is checked */
	char		 msgid[LIMIT_MSGID + 1];
	char		 trace[LIMIT_ERR_MSG];	/* the service's Received: */
};

static int
die(const struct err *e)
{
	err_print(e);
	return e->code ? e->code : EX_SOFTWARE;
}

/* envelope sender (-f, else the account's from) and the -F name */
static int
check_sender(struct run *r, struct err *e)
{
	const char *f = r->o.from != NULL && r->a.allow_from_override ?
	    r->o.from : r->a.from;
	const char *p;

	/* local mail: -f root (a daemon's) is no address a server takes */
	if (f != NULL && f == r->o.from && *f != '\0' && strcmp(f, "<>") &&
	    path_domain(f) == NULL && r->a.from != NULL &&
	    strpbrk(r->a.from, "?*[") == NULL &&
	    path_domain(r->a.from) != NULL) {
		diag_info("-f %s has no domain: the sender is %s", f,
		    r->a.from);
		f = r->a.from;
	}

	if (f != NULL && f == r->a.from && strpbrk(f, "?*[") != NULL)
		return err_set(e, EX_CONFIG, "the 'from' of account '%s' is a "
		    "pattern (%s): give the envelope sender with -f", r->a.name,
		    f);
	if (f == NULL)
		return err_set(e, EX_CONFIG, "no envelope sender: set 'from' "
		    "in account '%s' or use -f", r->a.name);
	if (path_check(f, strlen(f), 1, r->from, sizeof(r->from),
	    e) == -1)
		return err_prefix(e, "%s '%s'", r->o.from ? "-f" : "from",
		    r->o.from ? "(argument)" : r->a.name);
	for (p = r->o.fullname; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(e, EX_USAGE, "-F: full name contains a "
			    "control character");
	return 0;
}

static int
add_arg_rcpts(struct run *r, struct err *e)
{
	char buf[LIMIT_ADDR + 1];
	int i;

	for (i = 0; i < r->o.nrcpts; i++) {
		const char *s = r->o.rcpts[i];

		if (path_check(s, strlen(s), 0, buf, sizeof(buf), e) == -1)
			return err_prefix(e, "recipient argument %d", i + 1);
		addr_list_add(&r->rcpts, buf);
	}
	return 0;
}

/* -t recipients came from headers: check each for the envelope */
static int
check_hdr_rcpts(struct run *r, size_t from, struct err *e)
{
	char buf[LIMIT_ADDR + 1];
	size_t i;

	for (i = from; i < r->rcpts.n; i++) {
		const char *s = r->rcpts.v[i];

		if (path_check(s, strlen(s), 0, buf, sizeof(buf),
		    e) == -1) {
			e->code = EX_DATAERR;
			return err_prefix(e, "recipient '%s' from the headers",
			    s);
		}
	}
	if (r->rcpts.n == 0)
		return err_set(e, EX_USAGE, "no recipients: none given as "
		    "arguments%s", r->o.read_rcpts ? " and none in To, Cc or "
		    "Bcc (Resent-To, Resent-Cc or Resent-Bcc when the message "
		    "has Resent- fields)" : "");
	if (r->rcpts.n > LIMIT_RCPTS)
		return err_set(e, EX_USAGE, "too many recipients (limit %d)",
		    LIMIT_RCPTS);
	return 0;
}

/* the envelope from the arguments and -t: checked, aliases expanded */
struct rcpt_job {
	struct run		*r;
	size_t			 nargs;
	struct aliasfile_local	*loc;
	int			 done, rc;
	struct err		 e;
};

static int
make_envelope(struct rcpt_job *v)
{
	if (v->done)
		return v->rc;
	v->done = 1;
	err_clear(&v->e);
	v->rc = check_hdr_rcpts(v->r, v->nargs, &v->e);
	if (v->rc == 0)
		v->rc = aliasfile_expand(v->loc, &v->r->rcpts, &v->e);
	return v->rc;
}

/* set_to_header on: hdr_rewrite() asks for the envelope before its To */
static void
envelope_hook(void *ctx, struct addr_list *rcpts)
{
	(void)rcpts;			/* it is ctx's r->rcpts */
	(void)make_envelope(ctx);
}

/* the header policy of this run (hdr.h); unique must outlive it */
static void
policy_for(struct run *r, struct hdr_policy *pol, char *unique, size_t usz)
{
	struct tm tm;
	const char *dom;
	time_t now = time(NULL);

	/* msmtp 1.8.25: `domain`, unless it is msmtp's default localhost */
	dom = r->a.domain && strcmp(r->a.domain, "localhost") != 0 ?
	    r->a.domain : path_domain(r->from);
	if (dom != NULL)
		strlcpy(r->msgid_domain, dom, sizeof(r->msgid_domain));
	else
		smtp_local_name(r->msgid_domain, sizeof(r->msgid_domain));
	snprintf(unique, usz, "%llx.%lx.%08x%08x",
	    (unsigned long long)now, (long)getpid(), arc4random(),
	    arc4random());
	localtime_r(&now, &tm);
	memset(pol, 0, sizeof(*pol));
	pol->read_rcpts = r->o.read_rcpts;
	pol->from = r->from;
	pol->fullname = r->o.fullname ? r->o.fullname : r->a.from_full_name;
	pol->msgid_domain = r->msgid_domain;
	pol->unique = unique;
	pol->now = now;
	pol->tzoff_min = (int)(tm.tm_gmtoff / 60);
	pol->set_from = r->a.set_from_header;
	pol->set_date = r->a.set_date_header;
	pol->set_msgid = r->a.set_msgid_header;
	pol->keep_bcc = !r->a.remove_bcc_headers;
	pol->set_to = r->a.set_to_header;
	pol->trace = submit_trace(&r->o, &r->a, r->trace, sizeof(r->trace));
}

static int
spool_message(struct run *r, struct err *e)
{
	struct hdr_policy pol;
	char unique[64];
	struct aliasfile_local loc;
	struct rcpt_job job = { r, r->rcpts.n, &loc, 0, 0, { 0 } };
	struct err le;
	int rc, lrc;

	policy_for(r, &pol, unique, sizeof(unique));
	/* a broken aliases or mailname file: the message is still read and
	   kept (dead.letter), the error reported */
	err_clear(&le);
	lrc = aliasfile_local_load(&r->a, !r->o.no_aliases, &loc, &le);
	pol.local = lrc == 0 ? &loc.loc : NULL;
	if (lrc == 0) {
		pol.envelope = envelope_hook;
		pol.envelope_ctx = &job;
	}
	rc = queue_spool_create(r->a.queue_dir, &r->sp, e);
	r->sp.intl.smtputf8 = r->o.smtputf8;
	r->sp.intl.requiretls = r->o.requiretls;
	if (rc == 0 && (rc = msg_read(r->infd, &pol, &r->sp, &r->rcpts,
	    e)) >= 0)
		r->spooled = 1;	/* whole, also when refused (1): kept */
	if (rc == 1)
		rc = -1;
	if (rc == 0 && lrc == -1) {
		*e = le;
		rc = -1;
	}
	/* aliases, then bare names qualified: never RCPT TO:<root> */
	if (rc == 0 && make_envelope(&job) == -1) {
		*e = job.e;
		rc = -1;
	}
	aliasfile_local_free(&loc);
	return rc;
}

/* make the spooled message a queue entry, before any network byte */
static int
commit(struct run *r, struct err *e)
{
	char real[PATH_MAX];
	size_t i;

	queue_entry_init(&r->qe);
	r->qe.created = time(NULL);
	r->qe.next = r->qe.created;
	r->qe.config = xstrdup(realpath(r->a.file, real) ? real : r->a.file);
	r->qe.account = xstrdup(r->a.name);
	r->qe.from = xstrdup(r->from);
	r->qe.rcpts = xcalloc(r->rcpts.n, sizeof(char *));
	for (i = 0; i < r->rcpts.n; i++)
		r->qe.rcpts[i] = xstrdup(r->rcpts.v[i]);
	r->qe.nrcpts = r->rcpts.n;
	r->qe.size = (long long)r->sp.size;
	r->qe.eightbit = r->sp.eightbit;
	r->qe.intl = r->sp.intl;	/* -O smtputf8/requiretls, utf8hdr */
	/* -N/-R (already in the account) and -V, for the retries */
	r->qe.notify = r->a.dsn_notify ? xstrdup(r->a.dsn_notify) : NULL;
	r->qe.ret = r->a.dsn_return ? xstrdup(r->a.dsn_return) : NULL;
	r->qe.envid = r->o.envid ? xstrdup(r->o.envid) : NULL;
	r->qe.submitter = r->o.submitter ? xstrdup(r->o.submitter) : NULL;
	if (queue_commit(&r->sp, &r->qe, e) == -1)
		return -1;
	r->queueing = 1;
	return 0;
}

/*
 * SIGTERM, SIGHUP, SIGINT once the message is a queue entry: the session
 * is stopped at its next wait (io_interrupt) and unwinds as a temporary
 * failure, so the entry is updated (marked "possibly delivered" when the
 * dot was out) and a flusher started; then exit 75.  Before the entry
 * exists the default applies: nothing was promised.  A signal ignored
 * when smtps started (nohup) stays ignored; a second one kills.
 */
static void
on_stop_signal(int sig)
{
	io_interrupt(sig);
}

static void
catch_stop_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGHUP, SIGINT };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESETHAND;	/* no SA_RESTART: waits see EINTR */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			(void)sigaction(sigs[i], &sa, NULL);
}

/* entries left: make sure a flusher retries them, or say it will not */
static void
spawn_flusher(const char *dir)
{
	struct err fe;

	err_clear(&fe);
	if (flusher_spawn(dir, &fe) == -1)
		fprintf(stderr, "smtps: %s\n", fe.msg);
}

/* the first attempt settled: due entries over its session (delivered),
   the entry unlocked, a flusher for what is left */
static void
after_first(struct run *r, struct smtp *s, int delivered)
{
	if (delivered && smtp_usable(s))
		queuerun_due(s, &r->a, r->qe.config, r->sp.dir);
	smtp_close(s);
	close(r->sp.fd);
	r->sp.fd = -1;
	/* entries left (ours, or one a killed smtps left): make sure a
	   flusher will retry them */
	queue_unlock(&r->qe);
	spawn_flusher(r->sp.dir);
}

/* everything before the first network byte */
static int
prepare(struct run *r, struct err *e)
{
	char how[LIMIT_ERR_MSG / 2];
	int rc;

	if (check_sender(r, e) == -1)
		return -1;
	r->have_from = 1;
	if (add_arg_rcpts(r, e) == -1 || tls_global_init(e) == -1)
		return -1;
	net_describe(&r->a, how, sizeof(how));
	diag_info("account %s: %s, %s", r->a.name, how, !r->a.tls ? "no TLS" :
	    r->a.tls_starttls ? "STARTTLS" : "implicit TLS");
	rc = spool_message(r, e);
	if (r->spooled && maillog_on(&r->a))	/* only the log line needs it */
		spoolhdr_msgid(r->sp.fd, r->msgid, sizeof(r->msgid));
	if (rc == -1)
		return -1;
	if (r->a.queue && !r->o.no_queue && commit(r, e) == -1) {
		queue_spool_remove(&r->sp);
		return err_prefix(e, "nothing was sent or kept");
	}
	if (r->queueing)
		catch_stop_signals();
	return 0;
}

/* the session of the first attempt; due entries may follow over it */
static struct smtp *
open_session(struct run *r, struct err *e)
{
	struct smtp *s = deliver_open(&r->a, &r->cred, e);

	/* due entries follow over this session: no QUIT with our dot */
	if (s != NULL && r->queueing && queuerun_any_due(&r->a, r->qe.config,
	    r->sp.dir, r->sp.id))
		smtp_keep_open(s, 1);
	return s;
}

/* the engine's view of this message, whatever prepare() got to */
static void
first_job(struct run *r, struct deliver_job *j, struct envelope *env)
{
	memset(env, 0, sizeof(*env));
	env->from = r->have_from ? r->from : NULL;
	env->rcpts = r->rcpts.v;
	env->nrcpts = r->rcpts.n;
	env->envid = r->o.envid;
	memset(j, 0, sizeof(*j));
	j->who = r->bs ? DELIVER_BS : DELIVER_FIRST;
	/* the message not on stdin (-bs, --read-envelope-from): no log
	   line to stdout */
	j->no_stdout_log = r->infd != 0;
	j->a = &r->a;
	j->env = env;
	j->sp = &r->sp;
	j->spooled = r->spooled;
	j->qe = r->queueing ? &r->qe : NULL;
	j->dir = r->sp.dir;
	strlcpy(j->msgid, r->msgid, sizeof(j->msgid));
}

/* the first attempt: the engine decides; then due entries of this
   account over the same session, and a flusher for what is left */
static int
attempt(struct run *r, struct err *e)
{
	struct envelope env;
	struct deliver_job j;
	struct deliver_outcome o;
	struct smtp *s = NULL;
	int ready, code;

	ready = prepare(r, e) == 0;
	first_job(r, &j, &env);
	deliver_outcome_init(&o);
	if (ready) {
		s = open_session(r, e);
		deliver_attempt(&j, s, &o, e);
	}
	if (!r->queueing) {	/* no entries follow: done with it */
		smtp_close(s);
		s = NULL;
	}
	code = deliver_settle(&j, &o, e);
	r->queued = code == 0 && o.res == DELIVER_QUEUED;
	deliver_outcome_free(&o);
	if (r->queueing)
		after_first(r, s, code == 0 && o.res == DELIVER_DELIVERED);
	return code == 0 ? 0 : -1;
}

/* the From: (or Resent-From:) address read once, for -f and %F */
static char hfrom[LIMIT_ADDR + 1];

/* is the account's `from` used?  Not when -f replaces it (check_sender) */
static int
from_used(const struct run *r)
{
	const char *f = r->o.from;

	if (f == NULL || !r->a.allow_from_override)
		return 1;
	return *f != '\0' && strcmp(f, "<>") != 0 && path_domain(f) == NULL;
}

/*
 * `from` with %F (msmtp 1.8.29): each %F becomes the From: (or
 * Resent-From:) address of the message, read here unless
 * --read-envelope-from did already
 */
static int
from_percent_f(struct run *r, struct err *e)
{
	char out[LIMIT_ADDR + 1] = "", *f = r->a.from, *p;
	size_t n;

	if (f == NULL || strstr(f, "%F") == NULL || !from_used(r))
		return 0;
	if (r->bs)
		return err_set(e, EX_USAGE, "from %%F (account '%s'): not "
		    "available with -bs", r->a.name);
	if (hfrom[0] == '\0' && spoolhdr_envelope_from(&r->infd, hfrom,
	    sizeof(hfrom), "from %F", e) == -1)
		return -1;
	for (n = 0; (p = strstr(f, "%F")) != NULL && n < sizeof(out); f = p + 2)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%.*s%s",
		    (int)(p - f), f, hfrom);
	if (n >= sizeof(out) ||
	    strlcat(out, f, sizeof(out)) >= sizeof(out))
		return err_set(e, EX_DATAERR, "from %%F (account '%s'): the "
		    "sender would be longer than %d bytes", r->a.name,
		    LIMIT_ADDR);
	free(r->a.from);
	r->a.from = xstrdup(out);
	return 0;
}

/* one message: a log line for every attempt once the account is known */
static int
run(struct run *r, struct err *e)
{
	if (acctready_load(&r->o, &r->a, e) == -1 ||
	    from_percent_f(r, e) == -1)
		return -1;
	return attempt(r, e);
}

/* -bs: relay one message received on stdin through run() */
static int
bs_relay(void *ctx, const char *from, const struct addr_list *rcpts,
    int fd, char *text, size_t textsz)
{
	struct run *base = ctx, r;
	struct err e;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	err_clear(&e);
	r.o = base->o;
	r.o.mode = MODE_SEND;
	r.o.from = from;
	r.o.read_rcpts = 0;
	r.o.nrcpts = 0;
	r.infd = fd;
	r.bs = 1;
	r.sp.fd = -1;
	queue_entry_init(&r.qe);
	for (i = 0; i < rcpts->n; i++)
		addr_list_add(&r.rcpts, rcpts->v[i]);
	rc = run(&r, &e);
	if (rc == 0)
		snprintf(text, textsz, "%s", r.queued ? "queued for a retry "
		    "(temporary failure)" : "delivered");
	else
		snprintf(text, textsz, "%s%s%s", e.msg, e.reply[0] ?
		    " [server said: " : "", e.reply[0] ? e.reply : "");
	queue_entry_free(&r.qe);
	cred_free(&r.cred);
	addr_list_free(&r.rcpts);
	account_free(&r.a);
	return rc == 0 ? 0 : e.code ? e.code : EX_SOFTWARE;
}

/* -bv: one line per recipient, "addr: deliverable|refused (reply)" */
static int
run_verify(struct run *r, struct err *e)
{
	struct envelope env = { r->from, r->rcpts.v, r->rcpts.n, NULL, NULL,
	    NULL };
	int *codes = xcalloc(r->rcpts.n, sizeof(*codes)), worst = 0;
	char **texts = xcalloc(r->rcpts.n, sizeof(*texts));
	struct smtp *s;
	size_t i;

	if (cred_get(&r->a, &r->cred, e) == -1 ||
	    tls_global_init(e) == -1 ||
	    cred_ready(&r->cred, &r->a, e) == -1 ||
	    (s = smtp_open(&r->a, &r->cred, e)) == NULL)
		worst = -1;
	else {
		if (smtp_verify(s, &env, codes, texts, e) == -1)
			worst = -1;
		smtp_close(s);
	}
	for (i = 0; worst != -1 && i < r->rcpts.n; i++) {
		printf("%s: %s (%d %s)\n", r->rcpts.v[i], codes[i] / 100 == 2 ?
		    "deliverable" : codes[i] / 100 == 4 ? "refused for now" :
		    "refused", codes[i], texts[i] ? texts[i] : "");
		if (codes[i] / 100 == 5)
			worst = EX_NOUSER;
		else if (codes[i] / 100 != 2 && worst == 0)
			worst = EX_TEMPFAIL;
	}
	for (i = 0; i < r->rcpts.n; i++)
		free(texts[i]);
	free(texts);
	free(codes);
	if (worst > 0)
		return err_set(e, worst, "-bv: %s", worst == EX_NOUSER ?
		    "some recipients were refused" : "some recipients were "
		    "refused for now");
	return worst;
}

/* the recipients after aliases, qualified (aliasfile.h) */
static int
expand_rcpts(struct run *r, struct err *e)
{
	struct aliasfile_local loc;
	int rc;

	if (aliasfile_local_load(&r->a, !r->o.no_aliases, &loc, e) == -1)
		return -1;
	rc = aliasfile_expand(&loc, &r->rcpts, e);
	aliasfile_local_free(&loc);
	return rc;
}

/* -bi/newaliases, -P/--pretend, -S/--serverinfo: look, send nothing */
static int
run_info(struct run *r, struct err *e)
{
	if (r->o.mode == MODE_ALIASES && account_conf_missing(&r->o)) {
		diag_info("no configuration file: no aliases file to rebuild");
		return 0;
	}
	if (acctready_load(&r->o, &r->a, e) == -1)
		return -1;
	if (r->o.mode == MODE_ALIASES)
		return aliasfile_check(&r->a, stdout, e);
	if (r->o.mode == MODE_SERVERINFO) {
		char *info;

		if (tls_global_init(e) == -1 ||
		    (info = smtp_serverinfo(&r->a, e)) == NULL)
			return -1;
		fputs(info, stdout);
		free(info);
		return 0;
	}
	/* -P reads no message: %F is shown as written unless
	   --read-envelope-from read the From: */
	if (hfrom[0] != '\0' && from_percent_f(r, e) == -1)
		return -1;
	if (check_sender(r, e) == -1 || add_arg_rcpts(r, e) == -1 ||
	    expand_rcpts(r, e) == -1)
		return -1;
	if (r->o.mode == MODE_VERIFY)
		return run_verify(r, e);
	pretend_print(&r->a, r->from, &r->rcpts, r->o.read_rcpts, stdout);
	return 0;
}

/* --doctor, --configure: each reads (or writes) the account itself */
static int
run_setup(const struct opts *o, struct err *e)
{
	return o->mode == MODE_DOCTOR ? doctor_run(o, e) :
	    configure_run(o, e);
}

/* --authorize: the first OAuth2 sign-in of the account */
static int
run_authorize(struct run *r, struct err *e)
{
	if (acctready_load(&r->o, &r->a, e) == -1 || tls_global_init(e) == -1)
		return -1;
	return authorize_run(&r->a, STDIN_FILENO, stdout, e);
}

/* the queue directory for the queue commands: the account's, else the
   default one (so mailq works without a config file); the check with -C
   fails instead (a config it cannot read must not look like an empty
   queue) */
static char *
queue_dir_for(struct run *r, struct err *e)
{
	const char *st = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	struct err le;
	char *d = NULL;

	err_clear(&le);
	if (acctready_load(&r->o, &r->a, &le) == 0)
		return xstrdup(r->a.queue_dir);
	if (r->o.mode == MODE_CHECK && r->o.conffile != NULL) {
		*e = le;
		return NULL;
	}
	if (st != NULL && *st == '/')
		xasprintf(&d, "%s/smtps/queue", st);
	else if (h != NULL && *h != '\0')
		xasprintf(&d, "%s/.local/state/smtps/queue", h);
	else
		err_set(e, EX_CONFIG, "no queue directory: no config and no "
		    "home directory");
	return d;
}

static int
run_queue_cmd(struct run *r, struct err *e)
{
	char *dir;
	int rc = 0;

	if (r->o.mode == MODE_DAEMON) {
		if (tls_global_init(e) == -1)
			return -1;
		catch_stop_signals();
		return flusher_main(r->o.flush_dir);
	}
	if ((dir = queue_dir_for(r, e)) == NULL)
		return -1;
	if (r->o.mode == MODE_LIST) {
		struct mailq_view v = { r->o.json, -1, 0, NULL };

		rc = mailq_list(dir, &v, stdout, e);
	}
	else if (r->o.mode == MODE_DELETE)
		rc = queuerun_delete(dir, r->o.queue_id, e);
	else if (tls_global_init(e) == 0) {
		catch_stop_signals();	/* -q: the entry being sent is kept */
		rc = queuerun_run(dir, r->o.mode == MODE_FLUSH_ONE ?
		    r->o.queue_id : NULL, stdout, e);
		if (rc > 0) {	/* per-entry outcomes are on stdout */
			err_set(e, rc, "some messages were not delivered");
			rc = -1;
		}
		spawn_flusher(dir);
	} else
		rc = -1;
	free(dir);
	return rc;
}

/* the check could not look: its UNKNOWN line on stdout, Nagios code 3 */
static int
check_unknown(const struct err *e)
{
	char line[LIMIT_ERR_MSG + 64];
	int st = qcheck_unknown(e->msg, line, sizeof(line));

	printf("%s\n", line);
	return st;
}

/* --queue-check: one Nagios status line on stdout; the exit code is the
   Nagios state (0-3), never a sysexits code */
static int
run_check(struct run *r)
{
	struct err e;
	char *dir;
	int st;

	err_clear(&e);
	if ((dir = queue_dir_for(r, &e)) == NULL)
		return check_unknown(&e);
	st = mailq_check(dir, &r->o.check, stdout);
	free(dir);
	return st;
}

/* --read-envelope-from (sending and -P): -f is the From: header's address */
static int
header_from(struct run *r, struct err *e)
{
	if (!r->o.read_envelope_from)
		return 0;
	if (spoolhdr_envelope_from(&r->infd, hfrom, sizeof(hfrom),
	    "--read-envelope-from", e) == -1)
		return -1;
	r->o.from = hfrom;
	return 0;
}

/* the system submission service: a message of a caller without a
   config (submit.h), or the system queue's listing (sublist.h); its
   code, or SUBMIT_SKIP, or -1 with e */
static int
via_service(struct run *r, int argc, char **argv, struct err *e)
{
	if (r->o.mode == MODE_LIST)
		return sublist_route(&r->o, stdout, e);
	return submit_route(&r->o, argc, argv, e);
}

/*
 * Started with fd 0, 1 or 2 closed (cron, daemons, `<&- >&- 2>&-`): the
 * spool, a queue entry or the socket would take it, and a log line meant
 * for stderr would land in the message or the SMTP stream.  /dev/null
 * takes every closed one before anything else is opened.
 */
static void
std_fds_open(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(EX_OSERR);	/* cannot make it safe */
	}
}

/*
 * Passwords and tokens live in this process's memory from the config
 * (password, eval) on: no core file, and no other process of the user
 * may read its memory or /proc files (not dumpable also forbids ptrace
 * by the same user).  Set for every mode, before anything is read.
 */
static void
secrets_private(void)
{
	struct rlimit rl;

	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur = 0;
		(void)setrlimit(RLIMIT_CORE, &rl);
	}
}

int
main(int argc, char **argv)
{
	static struct run r;
	struct err e;
	int rc;

	std_fds_open();
	secrets_private();
	err_clear(&e);
	signal(SIGPIPE, SIG_IGN);
	umask(077);
	if (flags_parse(argc, argv, &r.o, &e) == -1)
		return r.o.mode == MODE_CHECK ? check_unknown(&e) : die(&e);
	if (r.o.mode == MODE_HELP) {
		flags_usage(stdout);
		return 0;
	}
	if (r.o.mode == MODE_VERSION) {
		printf("smtps %s\n", SMTPS_VERSION);
		return 0;
	}
	diag_init(r.o.verbose);
	r.sp.fd = -1;
	queue_entry_init(&r.qe);
	if ((rc = via_service(&r, argc, argv, &e)) >= 0)
		return rc;		/* the service's answer, printed */
	if (rc == -1)
		return die(&e);
	if (r.o.mode == MODE_SMTP) {
		char host[LIMIT_DOMAIN + 1];

		smtp_local_name(host, sizeof(host));
		rc = bsserver_run(STDIN_FILENO, STDOUT_FILENO, host, bs_relay,
		    &r, &e);
	} else if (r.o.mode == MODE_PRETEND) {
		if ((rc = header_from(&r, &e)) == 0)
			rc = run_info(&r, &e);
	} else if (r.o.mode == MODE_AUTHORIZE)
		rc = run_authorize(&r, &e);
	else if (r.o.mode == MODE_CHECK)
		rc = run_check(&r);
	else if (r.o.mode == MODE_SUBMITD)
		rc = submitd_run(&r.o, &e);
	else if (r.o.mode == MODE_DOCTOR || r.o.mode == MODE_CONFIGURE)
		rc = run_setup(&r.o, &e);
	else if (r.o.mode == MODE_ALIASES || r.o.mode == MODE_SERVERINFO ||
	    r.o.mode == MODE_VERIFY)
		rc = run_info(&r, &e);
	else if (r.o.mode != MODE_SEND) {
		rc = run_queue_cmd(&r, &e);
		if (r.o.mode == MODE_DAEMON)
			return rc == -1 ? die(&e) : rc;
	} else if ((rc = header_from(&r, &e)) == 0)
		rc = run(&r, &e);
	queue_entry_free(&r.qe);
	cred_free(&r.cred);
	addr_list_free(&r.rcpts);
	account_free(&r.a);
	tls_global_deinit();
	if (r.o.mode == MODE_CHECK)	/* Nagios codes, not sysexits */
		return rc;
	return rc == 0 ? 0 : die(&e);
}
