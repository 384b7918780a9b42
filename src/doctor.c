/* SPDX-License-Identifier: ISC */
/*
 * doctor.c - smtps --doctor (contract: doctor.h): the walk and its
 * report.  The session steps are smtp.c's own (smtp_open_look,
 * smtp_sign_in, smtp_verify): the doctor is no second SMTP client.
 * What a failure means comes from diagnose.c; what speaks on the port
 * from probe.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "acctready.h"
#include "cred.h"
#include "diagnose.h"
#include "doctor.h"
#include "mailq.h"
#include "net.h"
#include "probe.h"
#include "qcheck.h"
#include "sasl.h"
#include "serverinfo.h"
#include "smtp.h"
#include "tls.h"

struct walk {
	struct account	 a;
	struct cred	 cred;
	struct smtp	*s;
	int		 implicit;	/* TLS at once */
	int		 failed;	/* a step failed */
	enum diagnose_step first;	/* the first that did */
	int		 code;		/* and its exit code */
};

static void	ok(enum diagnose_step, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
ok(enum diagnose_step st, const char *fmt, ...)
{
	va_list ap;

	printf("ok   %s: ", diagnose_step_name(st));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* FAIL line for e; the first failure's code is kept.  Returns -1. */
static int
fail(struct walk *w, enum diagnose_step st, const struct err *e)
{
	printf("FAIL %s: %s%s%s%s - %s\n", diagnose_step_name(st), e->msg,
	    e->reply[0] ? " [server said: " : "", e->reply,
	    e->reply[0] ? "]" : "", diagnose_fix(st, e->msg, e->reply));
	if (!w->failed) {
		w->failed = 1;
		w->first = st;
		w->code = e->code != 0 ? e->code : EX_SOFTWARE;
	}
	return -1;
}

static const char *
tls_mode(const struct account *a)
{
	return !a->tls ? "no TLS" : a->tls_starttls ? "STARTTLS" :
	    "TLS at once";
}

static int
step_config(struct walk *w, const struct opts *o, struct err *e)
{
	char how[LIMIT_ERR_MSG / 2];

	if (acctready_load(o, &w->a, e) == -1 || tls_global_init(e) == -1)
		return fail(w, DG_CONFIG, e);
	w->implicit = w->a.tls && !w->a.tls_starttls;
	net_describe(&w->a, how, sizeof(how));
	ok(DG_CONFIG, "account %s: %s, %s, %s%s", w->a.name, how,
	    tls_mode(&w->a), account_auth_on(&w->a) ? "sign-in as " :
	    "no sign-in", account_auth_on(&w->a) ? w->a.user : "");
	return 0;
}

static int
step_dns(struct walk *w, struct err *e)
{
	char addrs[LIMIT_ERR_MSG / 2];

	if (w->a.socket != NULL) {
		ok(DG_DNS, "not needed (socket %s)", w->a.socket);
		return 0;
	}
	if (w->a.proxy_host != NULL) {
		ok(DG_DNS, "left to the proxy %s", w->a.proxy_host);
		return 0;
	}
	if (probe_resolve(w->a.host, addrs, sizeof(addrs), e) == -1)
		return fail(w, DG_DNS, e);
	ok(DG_DNS, "%s is %s", w->a.host, addrs);
	return 0;
}

/* a STARTTLS or plain account: does the port greet, or speak TLS? */
static int
step_look(struct walk *w, struct err *e)
{
	enum diagnose_bytes b;

	if (w->implicit)
		return 0;
	if (probe_first_bytes(&w->a, LIMIT_TIMEOUT_PROBE, &b, e) == -1)
		return fail(w, DG_TCP, e);
	if (b == DG_BYTES_SMTP || probe_tls_at_once(&w->a, e) != 1)
		return 0;	/* the session says the rest */
	ok(DG_TCP, "connected to port %d", w->a.port);
	err_set(e, EX_CONFIG, "port %d speaks TLS at once: no plaintext "
	    "greeting for %s", w->a.port, w->a.tls ? "STARTTLS" : "tls off");
	return fail(w, DG_TLS, e);
}

/* the implicit TLS handshake failed: a plaintext greeting there? */
static int
tls_failed(struct walk *w, struct err *e)
{
	enum diagnose_bytes b;
	struct err pe;

	err_clear(&pe);
	if (strstr(e->msg, "certificate") == NULL &&
	    probe_first_bytes(&w->a, LIMIT_TIMEOUT_PROBE, &b, &pe) == 0 &&
	    b == DG_BYTES_SMTP)
		err_set(e, EX_CONFIG, "port %d sends a plaintext SMTP "
		    "greeting, not TLS (tls_starttls off expects TLS at once)",
		    w->a.port);
	return fail(w, DG_TLS, e);
}

/* the session failed after reaching st: which step that was */
static int
session_failed(struct walk *w, enum smtp_stage st, struct err *e)
{
	if (st >= SMTP_ST_CONNECTED)
		ok(DG_TCP, "connected to port %d", w->a.port);
	if ((w->implicit && st >= SMTP_ST_TLS) || st >= SMTP_ST_STARTTLS)
		ok(DG_TLS, "established (%s), certificate verified",
		    tls_mode(&w->a));
	if (st == SMTP_ST_NONE)
		return fail(w, DG_TCP, e);
	if (st == SMTP_ST_CONNECTED && w->implicit)
		return tls_failed(w, e);
	if (st <= SMTP_ST_TLS)
		return fail(w, DG_GREETING, e);
	if (st == SMTP_ST_EHLO)
		return fail(w, DG_TLS, e);	/* STARTTLS */
	return fail(w, DG_EHLO, e);
}

/* "TLS1.3 (...), certificate CN=x, valid until 2030-01-01" */
static void
show_tls(struct walk *w)
{
	struct serverinfo_peer p;
	char subj[LIMIT_ERR_MSG / 4] = "(none)", until[32] = "(unknown)";
	struct tm tm;

	if (!smtp_peer(w->s, &p)) {
		ok(DG_TLS, "not used (tls off)");
		return;
	}
	if (p.n > 0 && p.cert[0].status == SERVERINFO_CERT_OK) {
		if (p.cert[0].subject != NULL)
			err_visible(subj, sizeof(subj), p.cert[0].subject,
			    p.cert[0].subject_len);
		if (p.cert[0].until != (time_t)-1 &&
		    gmtime_r(&p.cert[0].until, &tm) != NULL)
			strftime(until, sizeof(until), "%Y-%m-%d", &tm);
	}
	ok(DG_TLS, "%s (%s), certificate %s, valid until %s, verified",
	    p.desc, tls_mode(&w->a), subj, until);
	serverinfo_peer_free(&p);
}

static int
step_session(struct walk *w, struct err *e)
{
	enum smtp_stage st = SMTP_ST_NONE;
	char caps[LIMIT_ERR_MSG / 2];

	if ((w->s = smtp_open_look(&w->a, &st, e)) == NULL)
		return session_failed(w, st, e);
	ok(DG_TCP, "connected to port %d", w->a.port);
	show_tls(w);
	smtp_caps_text(w->s, caps, sizeof(caps));
	ok(DG_EHLO, "%s", caps[0] ? caps : "(no capabilities)");
	return 0;
}

static int
step_auth(struct walk *w, struct err *e)
{
	char offered[LIMIT_SASL_LIST];
	int mech;

	mech = smtp_auth_choice(w->s, offered, sizeof(offered), e);
	if (!account_auth_on(&w->a)) {
		ok(DG_AUTH, "not used (no user%s%s)", offered[0] ?
		    "; the server offers " : "", offered);
		return 0;
	}
	if (mech == 0)
		err_set(e, EX_UNAVAILABLE, "server %s does not offer AUTH, "
		    "but the account has a user", account_server(&w->a));
	if (mech <= 0)
		return fail(w, DG_AUTH, e);
	ok(DG_AUTH, "offered %s; smtps uses %s", offered, sasl_name(mech));
	return 0;
}

static int
step_signin(struct walk *w, struct err *e)
{
	if (!account_auth_on(&w->a))
		return 0;
	if (cred_get(&w->a, &w->cred, e) == -1 ||
	    cred_ready(&w->cred, &w->a, e) == -1 ||
	    smtp_sign_in(w->s, &w->cred, e) == -1)
		return fail(w, DG_SIGNIN, e);
	ok(DG_SIGNIN, "%s accepted with %s", w->a.user,
	    smtp_auth_mech(w->s));
	return 0;
}

/* MAIL FROM and RCPT TO with the account's address, then RSET */
static int
step_send(struct walk *w, struct err *e)
{
	static char none[] = "";
	char *from = w->a.from != NULL ? w->a.from : none, *text = NULL;
	struct envelope env = { from, &from, 1, NULL, NULL, NULL };
	int code = 0;

	if (smtp_verify(w->s, &env, &code, &text, e) == -1) {
		free(text);
		return fail(w, DG_SEND, e);
	}
	if (code / 100 != 2) {
		err_set(e, code / 100 == 4 ? EX_TEMPFAIL : EX_NOUSER,
		    "RCPT TO:<%s> refused", from);
		snprintf(e->reply, sizeof(e->reply), "%d %s", code,
		    text != NULL ? text : "");
		free(text);
		return fail(w, DG_SEND, e);
	}
	free(text);
	ok(DG_SEND, "MAIL FROM:<%s> and RCPT TO:<%s> accepted, then RSET "
	    "(nothing sent)", from, from);
	return 0;
}

static void
step_queue(struct walk *w, struct err *e)
{
	struct mailq_health h;
	char age[32];

	if (w->a.queue_dir == NULL || !w->a.queue) {
		ok(DG_QUEUE, "off (queue off: a failed send is not retried)");
		return;
	}
	if (mailq_health(w->a.queue_dir, &h, e) == -1) {
		(void)fail(w, DG_QUEUE, e);
		return;
	}
	if (h.n == 0) {
		ok(DG_QUEUE, "empty (%s)", w->a.queue_dir);
		return;
	}
	qcheck_age(age, sizeof(age), h.oldest);
	ok(DG_QUEUE, "%zu waiting (%zu unreadable), oldest %s%s%s", h.n,
	    h.unreadable, age, h.last_error[0] ? ", last error: " : "",
	    h.last_error);
}

int
doctor_run(const struct opts *o, struct err *e)
{
	static struct walk w;

	if (step_config(&w, o, e) == 0) {
		if (step_dns(&w, e) == 0 && step_look(&w, e) == 0 &&
		    step_session(&w, e) == 0 && step_auth(&w, e) == 0 &&
		    step_signin(&w, e) == 0)
			(void)step_send(&w, e);
		smtp_close(w.s);
		step_queue(&w, e);
	}
	cred_free(&w.cred);
	account_free(&w.a);
	if (!w.failed)
		return 0;
	err_clear(e);
	return err_set(e, w.code, "--doctor: the %s step failed",
	    diagnose_step_name(w.first));
}
