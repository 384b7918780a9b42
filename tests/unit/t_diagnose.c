/* SPDX-License-Identifier: ISC */
/*
 * t_diagnose.c - what a failure means: provider codes, RFC 3463 codes,
 * tls.c's and net.c's errors -> the fix; codes found only as whole codes
 * (5.7.1 is not 5.7.139); the first bytes of a port; step names.
 */
#include "t.h"
#include "diagnose.h"

/* the fix for (step, msg, reply) starts with want */
static void
fix_is(enum diagnose_step st, const char *msg, const char *reply,
    const char *want)
{
	const char *got = diagnose_fix(st, msg, reply);

	T_OK(got != NULL && strncmp(got, want, strlen(want)) == 0,
	    "%s / %s / %s: got \"%s\", want \"%s...\"",
	    diagnose_step_name(st), msg ? msg : "(null)",
	    reply ? reply : "(null)", got ? got : "(null)", want);
}

static void
test_fix(void)
{
	static const struct {
		enum diagnose_step st;
		const char *msg, *reply, *want;
	} tab[] = {
		{ DG_SIGNIN, "AUTH PLAIN: refused", "535 5.7.139 "
		  "Authentication unsuccessful, SmtpClientAuthentication is "
		  "disabled for the Tenant.",
		  "Microsoft 365 refused SMTP AUTH" },
		{ DG_SIGNIN, "AUTH: refused", "535 5.7.139 Authentication "
		  "unsuccessful, user is locked by your organization's "
		  "security defaults policy",
		  "Microsoft 365 refused SMTP AUTH" },
		{ DG_SIGNIN, "x", "550 5.7.30 Basic authentication is not "
		  "supported for Client Submission.",
		  "Microsoft 365 takes no password" },
		{ DG_SEND, "MAIL FROM", "530 5.7.57 Client not authenticated "
		  "to send mail", "Microsoft 365 takes mail only" },
		{ DG_SEND, "MAIL FROM", "554 5.2.252 SendAsDenied; 5.7.60",
		  "this mailbox may not send as" },
		{ DG_SIGNIN, "x", "534-5.7.9 Application-specific password "
		  "required.\\n534 5.7.9 https://support.google.com x - gsmtp",
		  "Gmail wants an app password" },
		{ DG_SIGNIN, "x", "535-5.7.8 Username and Password not "
		  "accepted. x - gsmtp", "Gmail refused the user name" },
		{ DG_SIGNIN, "x", "535 5.7.8 Error: authentication failed",
		  "the server refused the user name or password" },
		{ DG_SIGNIN, "x", "535 Authentication failed",
		  "the server refused the user name or password" },
		{ DG_SIGNIN, "x", "534 5.7.14 Please log in via your browser",
		  "the server wants a stronger sign-in" },
		{ DG_SEND, "x", "530 5.7.0 Must issue a STARTTLS command first",
		  "the server wants TLS first" },
		{ DG_SEND, "x", "530 5.7.0 Authentication required",
		  "the server takes mail only after a sign-in" },
		/* 5.7.1 is not 5.7.139, 5.7.13 or 15.7.1 */
		{ DG_SEND, "x", "550 5.7.1 Sender rejected",
		  "the server does not let this account send as" },
		{ DG_SEND, "x", "550 5.7.13 disabled", "check from" },
		{ DG_SEND, "x", "550 15.7.1 odd", "check from" },
		{ DG_SEND, "x", "553 5.1.8 Domain of sender does not exist",
		  "the server refused the sender's domain" },
		{ DG_SEND, "x", "501 5.1.7 Bad sender address syntax",
		  "the server refused the sender address as malformed" },
		{ DG_GREETING, "greeting", "554 5.7.1 you are listed",
		  "the server refuses connections" },
		{ DG_SIGNIN, "x", "421 4.7.0 Too many connections",
		  "the server is closing for now" },
		{ DG_SIGNIN, "x", "454 4.7.0 Temporary authentication failure",
		  "the server cannot sign anyone in" },
		{ DG_TLS, "TLS certificate verification failed: certificate "
		  "has expired", "", "the server's certificate has expired" },
		{ DG_TLS, "TLS certificate verification failed: certificate "
		  "is not yet valid", NULL,
		  "the certificate is not valid yet" },
		{ DG_TLS, "certificate does not match host localhost", "",
		  "the certificate does not name the host" },
		{ DG_TLS, "certificate signer is not trusted", "",
		  "no trusted authority signed" },
		{ DG_TLS, "certificate revoked", "", "the certificate is "
		  "revoked" },
		{ DG_TLS, "port 465 sends a plaintext SMTP greeting, not TLS",
		  "", "set tls_starttls on" },
		{ DG_TLS, "port 587 speaks TLS at once", "",
		  "set tls_starttls off" },
		{ DG_TCP, "cannot connect to h port 1: Connection refused", "",
		  "nothing listens there" },
		{ DG_TCP, "cannot connect to h port 25: timed out", "",
		  "no answer in time" },
		{ DG_DNS, "cannot resolve x.invalid: Name or service not known",
		  "", "the host name does not resolve" },
		{ DG_AUTH, "server h does not offer AUTH, but the account has "
		  "a user", "", "the server offers no AUTH here" },
		{ DG_TLS, "server h does not offer STARTTLS; refusing", "",
		  "the server offers no STARTTLS" },
		{ DG_AUTH, "no mechanism", "", "set auth to a mechanism" },
		{ DG_CONFIG, "mailrc:3: bad value", "", "fix the line named" },
		{ DG_TLS, "TLS handshake failed: odd", "", "check tls, "
		  "tls_starttls and port" },
		{ DG_SIGNIN, "odd", "", "check user, auth and the password" },
		{ DG_SEND, "odd", "", "check from" },
		{ DG_QUEUE, "cannot read", "", "smtps -bp lists the queue" },
		{ DG_EHLO, "odd", NULL, "smtps -v shows the whole exchange" },
		{ DG_EHLO, NULL, NULL, "smtps -v shows the whole exchange" },
		/* a code is the reply's first three digits and no more */
		{ DG_SIGNIN, "x", "5350 odd", "check user, auth" },
		{ DG_SIGNIN, "x", "53", "check user, auth" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		fix_is(tab[i].st, tab[i].msg, tab[i].reply, tab[i].want);
}

static void
test_bytes(void)
{
	static const struct {
		const char *in; size_t n; enum diagnose_bytes out;
	} tab[] = {
		{ "", 0, DG_BYTES_NONE },
		{ "220 mx ESMTP\r\n", 14, DG_BYTES_SMTP },
		{ "220-mx\r\n", 8, DG_BYTES_SMTP },
		{ "554 go away\r\n", 13, DG_BYTES_SMTP },
		{ "\x16\x03\x01\x00", 4, DG_BYTES_TLS },
		{ "\x15\x03\x03\x00\x02", 5, DG_BYTES_TLS },
		{ "\x16\x02", 2, DG_BYTES_OTHER },
		{ "220", 3, DG_BYTES_OTHER },
		{ "2200 x", 6, DG_BYTES_OTHER },
		{ "SSH-2.0-OpenSSH", 15, DG_BYTES_OTHER },
		{ "+OK POP3", 8, DG_BYTES_OTHER },
		{ "\x16", 1, DG_BYTES_OTHER },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		T_OK(diagnose_first_bytes((const unsigned char *)tab[i].in,
		    tab[i].n) == tab[i].out, "bytes %zu: got %d, want %d", i,
		    (int)diagnose_first_bytes((const unsigned char *)tab[i].in,
		    tab[i].n), (int)tab[i].out);
}

static void
test_names(void)
{
	int i;

	T_EQ_STR(diagnose_step_name(DG_CONFIG), "config");
	T_EQ_STR(diagnose_step_name(DG_SIGNIN), "sign-in");
	T_EQ_STR(diagnose_step_name(DG_QUEUE), "queue");
	T_EQ_STR(diagnose_step_name(DG_NSTEPS), "?");
	for (i = 0; i < DG_NSTEPS; i++)
		T_OK(strcmp(diagnose_step_name(i), "?") != 0, "step %d", i);
}

int
main(void)
{
	test_fix();
	test_bytes();
	test_names();
	return t_done("t_diagnose");
}
