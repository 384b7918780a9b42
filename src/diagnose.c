/* SPDX-License-Identifier: ISC */
/*
 * diagnose.c - PURE the known meanings of failures (contract:
 * diagnose.h).  One table, read top to bottom: the first row that fits
 * gives the fix.  Provider rows cite the provider's own page; the rest
 * name the keyword of smtps-mailrc(5) to change.
 */
#include <string.h>
#include <strings.h>

#include "diagnose.h"

#define ANY	(-1)

struct row {
	int		 step;		/* enum diagnose_step or ANY */
	int		 code;		/* reply code, 0: any */
	const char	*reply1, *reply2;	/* in the reply, or NULL */
	const char	*msg;		/* in smtps's error text, or NULL */
	const char	*fix;
};

static const struct row rows[] = {
	/* Microsoft 365 / Outlook.com */
	{ ANY, 0, "5.7.139", NULL, NULL,
	  "Microsoft 365 refused SMTP AUTH for this mailbox (5.7.139: turned "
	  "off for the organisation or the mailbox, or blocked by security "
	  "defaults) - an administrator turns on Authenticated SMTP for the "
	  "mailbox, or sign in with OAuth2 (oauth2_provider microsoft, then "
	  "smtps --authorize); see https://learn.microsoft.com/exchange/"
	  "clients-and-mobile-in-exchange-online/"
	  "authenticated-client-smtp-submission" },
	{ ANY, 0, "5.7.30", NULL, NULL,
	  "Microsoft 365 takes no password for SMTP any more (5.7.30: basic "
	  "authentication is not supported for client submission) - sign in "
	  "with OAuth2: oauth2_provider microsoft, then smtps --authorize; "
	  "see https://techcommunity.microsoft.com/blog/exchange/"
	  "exchange-online-to-retire-basic-auth-for-client-submission-"
	  "smtp-auth/4114750" },
	{ ANY, 0, "5.7.57", NULL, NULL,
	  "Microsoft 365 takes mail only from a signed-in client (5.7.57) - "
	  "set auth on, user (the mailbox address) and a password source" },
	{ ANY, 0, "5.7.60", NULL, NULL,
	  "this mailbox may not send as the from address (5.7.60, Send As "
	  "denied) - set from to the mailbox's own address, or have an "
	  "administrator grant Send As" },
	/* Gmail */
	{ ANY, 534, "5.7.9", NULL, NULL,
	  "Gmail wants an app password (534-5.7.9: 2-Step Verification is "
	  "on) - create one (Google account, Security, App passwords) and "
	  "give it as the password, or sign in with OAuth2 "
	  "(oauth2_provider google); see "
	  "https://support.google.com/accounts/answer/185833" },
	{ ANY, 535, "5.7.8", "gsmtp", NULL,
	  "Gmail refused the user name or password (535-5.7.8) - user is the "
	  "full address and the password an app password, not the account's "
	  "own; see https://support.google.com/mail/?p=BadCredentials" },
	/* RFC 3463 and RFC 4954 */
	{ ANY, 535, NULL, NULL, NULL,
	  "the server refused the user name or password - check user and "
	  "the password source (password, passwordeval, ~/.netrc, keyring); "
	  "-v shows the exchange with the secret hidden" },
	{ ANY, 534, NULL, NULL, NULL,
	  "the server wants a stronger sign-in than this mechanism - set auth "
	  "to another mechanism it offers, or use OAuth2 (oauth2_provider)" },
	{ ANY, 538, NULL, NULL, NULL,
	  "the server wants TLS before this mechanism - set tls on" },
	{ ANY, 530, "5.7.0", "starttls", NULL,
	  "the server wants TLS first - set tls on (tls_starttls on for "
	  "port 587, off for 465)" },
	{ ANY, 530, NULL, NULL, NULL,
	  "the server takes mail only after a sign-in - set auth on, user "
	  "and a password source" },
	{ DG_SEND, 0, "5.7.1", NULL, NULL,
	  "the server does not let this account send as the from address "
	  "(5.7.1) - set from to an address of the account" },
	{ DG_SEND, 0, "5.1.7", NULL, NULL,
	  "the server refused the sender address as malformed - set from to "
	  "a valid address" },
	{ DG_SEND, 0, "5.1.8", NULL, NULL,
	  "the server refused the sender's domain - set from to an address "
	  "of a domain that exists" },
	{ DG_SEND, 0, "5.1.0", NULL, NULL,
	  "the server refused the sender address - set from to an address "
	  "of the account" },
	{ DG_GREETING, 554, NULL, NULL, NULL,
	  "the server refuses connections from this address (block list, or "
	  "not allowed here) - ask its administrator; a submission port "
	  "(587, 465) may take authenticated clients" },
	{ ANY, 421, NULL, NULL, NULL,
	  "the server is closing for now (busy, rate limit) - try again "
	  "later; queued messages are retried by themselves" },
	{ ANY, 454, NULL, NULL, NULL,
	  "the server cannot sign anyone in for now - try again later" },
	/* what tls.c and net.c say */
	{ ANY, 0, NULL, NULL, "plaintext SMTP greeting",
	  "set tls_starttls on for this port (STARTTLS after the greeting), "
	  "or use port 465 for TLS at once" },
	{ ANY, 0, NULL, NULL, "speaks TLS at once",
	  "set tls_starttls off (and tls on) for this port: TLS at once; or "
	  "use port 587 for STARTTLS" },
	{ ANY, 0, NULL, NULL, "certificate has expired",
	  "the server's certificate has expired (or this machine's clock is "
	  "wrong: check date) - its administrator must renew it; do not turn "
	  "tls_certcheck off for this" },
	{ ANY, 0, NULL, NULL, "not yet valid",
	  "the certificate is not valid yet: this machine's clock is probably "
	  "wrong - set the time (NTP), then try again" },
	{ ANY, 0, NULL, NULL, "does not match host",
	  "the certificate does not name the host you set - set host to a "
	  "name it carries (smtps -S shows them), or tls_host_override NAME "
	  "when you connect by address" },
	{ ANY, 0, NULL, NULL, "signer is not trusted",
	  "no trusted authority signed the certificate - give its CA with "
	  "tls_trust_file FILE (PEM), or pin it with tls_fingerprint "
	  "(smtps -S shows it)" },
	{ ANY, 0, NULL, NULL, "revoked",
	  "the certificate is revoked - its administrator must replace it" },
	{ ANY, 0, NULL, NULL, "tls_priorities",
	  "set tls_priorities to a GnuTLS priority string the server can "
	  "meet, or remove it" },
	{ ANY, 0, NULL, NULL, "connection refused",
	  "nothing listens there - check host and port (465: TLS at once, "
	  "tls_starttls off; 587: STARTTLS, tls_starttls on)" },
	{ ANY, 0, NULL, NULL, "timed out",
	  "no answer in time: a firewall drops it, or host or port is wrong "
	  "- try port 587 or 465 (many networks block 25), or raise timeout" },
	{ DG_DNS, 0, NULL, NULL, NULL,
	  "the host name does not resolve - check the spelling of host and "
	  "this machine's DNS (/etc/resolv.conf)" },
	{ ANY, 0, NULL, NULL, "does not offer AUTH",
	  "the server offers no AUTH here - many offer it only after TLS "
	  "(tls on) or on port 587 or 465; a relay that needs no sign-in: "
	  "remove user" },
	{ ANY, 0, NULL, NULL, "does not offer STARTTLS",
	  "the server offers no STARTTLS - use port 465 with tls_starttls "
	  "off; tls off only on a network you trust" },
	{ DG_AUTH, 0, NULL, NULL, NULL,
	  "set auth to a mechanism the server offers (smtps-mailrc(5): auth), "
	  "or auth on to let smtps choose" },
	{ DG_CONFIG, 0, NULL, NULL, NULL,
	  "fix the line named (smtps-mailrc(5)); smtps -P shows the account" },
	{ DG_TLS, 0, NULL, NULL, NULL,
	  "check tls, tls_starttls and port against the provider's settings; "
	  "smtps -S -v shows the handshake" },
	{ DG_SIGNIN, 0, NULL, NULL, NULL,
	  "check user, auth and the password source; -v shows the exchange "
	  "with the secret hidden" },
	{ DG_SEND, 0, NULL, NULL, NULL,
	  "check from (the envelope sender) against what the account may "
	  "use" },
	{ DG_QUEUE, 0, NULL, NULL, NULL,
	  "smtps -bp lists the queue; smtps -q sends it now" },
	{ ANY, 0, NULL, NULL, NULL,
	  "smtps -v shows the whole exchange" },
};

static const char *const names[DG_NSTEPS] = {
	"config", "dns", "tcp", "tls", "greeting", "ehlo", "auth",
	"sign-in", "send", "queue"
};

const char *
diagnose_step_name(enum diagnose_step st)
{
	return (unsigned)st < DG_NSTEPS ? names[st] : "?";
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* needle in hay, case-insensitive, not inside a longer number or code */
static int
has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	const char *p;

	if (hay == NULL)
		return 0;
	for (p = strcasestr(hay, needle); p != NULL;
	    p = strcasestr(p + 1, needle))
		if ((p == hay || !(is_digit(p[-1]) || (p[-1] == '.' &&
		    is_digit(needle[0])))) && !is_digit(p[n]) &&
		    !(p[n] == '.' && is_digit(p[n + 1])))
			return 1;
	return 0;
}

/* the reply's code: its first three digits, 0 when it has none */
static int
reply_code(const char *reply)
{
	if (reply == NULL || !is_digit(reply[0]) || !is_digit(reply[1]) ||
	    !is_digit(reply[2]) || is_digit(reply[3]))
		return 0;
	return (reply[0] - '0') * 100 + (reply[1] - '0') * 10 +
	    (reply[2] - '0');
}

static int
fits(const struct row *r, enum diagnose_step st, int code, const char *msg,
    const char *reply)
{
	return (r->step == ANY || r->step == (int)st) &&
	    (r->code == 0 || r->code == code) &&
	    (r->reply1 == NULL || has(reply, r->reply1)) &&
	    (r->reply2 == NULL || has(reply, r->reply2)) &&
	    (r->msg == NULL || has(msg, r->msg));
}

const char *
diagnose_fix(enum diagnose_step st, const char *msg, const char *reply)
{
	int code = reply_code(reply);
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (fits(&rows[i], st, code, msg, reply))
			return rows[i].fix;
	return rows[sizeof(rows) / sizeof(rows[0]) - 1].fix;
}

enum diagnose_bytes
diagnose_first_bytes(const unsigned char *b, size_t n)
{
	if (n == 0)
		return DG_BYTES_NONE;
	if (n >= 2 && (b[0] == 0x15 || b[0] == 0x16) && b[1] == 0x03)
		return DG_BYTES_TLS;
	if (n >= 4 && is_digit((char)b[0]) && is_digit((char)b[1]) &&
	    is_digit((char)b[2]) && (b[3] == ' ' || b[3] == '-'))
		return DG_BYTES_SMTP;
	return DG_BYTES_OTHER;
}
