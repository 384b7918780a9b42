/* SPDX-License-Identifier: ISC */
/*
 * smtp.c - SMTP submission sessions (contract: smtp.h), read top to bottom
 * in smtp_open() and connect_and_greet(): connect, greeting, EHLO/LHLO,
 * STARTTLS, AUTH; keep-open, usable, close; -S serverinfo; --doctor's
 * step-by-step session (smtp_open_look, smtp_sign_in).  The mail
 * transaction is in smtptx.c; the session struct and the command/reply
 * helpers both files use are in smtp_int.h (private to the two).
 *
 * Every step is small and names its phase, so a failure says where it
 * happened.  Each reply is read against a deadline (io_deadline); replies
 * are classified temporary/permanent by err_from_reply() only.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "account.h"
#include "cred.h"
#include "io.h"
#include "diag.h"
#include "net.h"
#include "reply.h"
#include "sasl.h"
#include "secret.h"
#include "serverinfo.h"
#include "smtp.h"
#include "smtp_int.h"
#include "tls.h"

static struct smtp *new_session(const struct account *, struct cred *);

void
smtp_local_name(char *out, size_t outsz)
{
	struct addrinfo hints, *res = NULL;
	char host[LIMIT_DOMAIN + 1];
	const char *p;

	strlcpy(out, "localhost", outsz);
	if (gethostname(host, sizeof(host)) == -1)
		return;
	host[sizeof(host) - 1] = '\0';
	if (strchr(host, '.') == NULL) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_CANONNAME;
		if (getaddrinfo(host, NULL, &hints, &res) == 0 &&
		    res->ai_canonname != NULL)
			strlcpy(host, res->ai_canonname, sizeof(host));
		if (res != NULL)
			freeaddrinfo(res);
	}
	if (strchr(host, '.') == NULL)
		return;
	for (p = host; *p != '\0'; p++)
		if (!(*p == '-' || *p == '.' || (*p >= '0' && *p <= '9') ||
		    ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
			return;
	strlcpy(out, host, outsz);
}

/* bytes waiting on the socket right now (without reading them) */
static int
socket_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static int	read_reply(struct smtp *, int, const char *, struct err *);

/*
 * The server's replies no longer match the commands: end the session
 * (nothing more is sent, no QUIT) with EX_PROTOCOL.
 */
static int
out_of_step(struct smtp *s, struct err *e, const char *what)
{
	s->broken = 1;
	s->desync = 1;
	return err_set(e, EX_PROTOCOL, "%s: its replies are out of step "
	    "with the commands; session ended", what);
}

/*
 * A reply no command asked for: received bytes waiting when every reply
 * due has been read.  Under TLS only what TLS has decrypted counts (the
 * socket may hold a session ticket).  0, or -1 with e (the session ends).
 */
int
smtp_no_stray(struct smtp *s, const char *after, struct err *e)
{
	char what[LIMIT_ERR_MSG / 2];

	if (s->io == NULL || s->due > 0)
		return 0;
	if (io_pending(s->io) == 0 && (s->tls != NULL ||
	    !socket_readable(s->fd)))
		return 0;
	/* the server closed, or sent garbage: that error */
	if (read_reply(s, LIMIT_TIMEOUT_QUIT, after, e) == -1)
		return -1;
	/* RFC 5321 3.8: a 421 may come at any time (the server closes) */
	if (s->r.code == 421) {
		s->broken = 1;
		return err_from_reply(e, PH_MAIL, s->r.code, s->r.text,
		    s->r.len, "the server is closing the connection");
	}
	snprintf(what, sizeof(what), "the server sent a reply no command "
	    "asked for (after %s)", after);
	return out_of_step(s, e, what);
}

/* queue one command line (CRLF added); `secret` hides it in -v output */
int
smtp_cmd(struct smtp *s, int secret, struct err *e, const char *fmt, ...)
{
	char line[LIMIT_REPLY_LINE + 3 * LIMIT_PASSWORD];
	va_list ap;
	int n;

	if (smtp_no_stray(s, "its last reply", e) == -1)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2)
		return err_set(e, EX_SOFTWARE, "command line too long");
	diag_proto(1, line, (size_t)n, secret);
	memcpy(line + n, "\r\n", 2);
	n = io_write(s->io, line, (size_t)n + 2, e);
	if (secret)
		secret_wipe(line, sizeof(line));
	s->due++;
	return n;
}

/* the complete reply in s->r: one that command `to` can get? */
static int
check_reply(struct smtp *s, enum reply_to to, const char *what,
    struct err *e)
{
	char msg[LIMIT_ERR_MSG / 2], line[LIMIT_ERR_REPLY];

	if (s->due > 0)
		s->due--;
	if (reply_allowed(to, s->r.code))
		return 0;
	snprintf(msg, sizeof(msg), "the server replied %d to %s, a reply "
	    "RFC 5321 does not allow for %s", s->r.code, what,
	    reply_to_name(to));
	out_of_step(s, e, msg);
	snprintf(line, sizeof(line), "%d %.*s", s->r.code, (int)(s->r.len >
	    200 ? 200 : s->r.len), s->r.text);
	err_set_reply(e, line, strlen(line));
	return -1;
}

/* flush, then read one complete reply into s->r within ms */
static int
read_reply(struct smtp *s, int ms, const char *what, struct err *e)
{
	const char *line;
	size_t len;
	int rc;

	if (io_flush(s->io, e) == -1) {
		s->broken = 1;
		return err_prefix(e, "%s", what);
	}
	io_deadline(s->io, ms);
	reply_init(&s->r);
	do {
		if (io_readline(s->io, &line, &len, e) == -1) {
			s->broken = 1;
			return err_prefix(e, "%s", what);
		}
		/* a SCRAM server signature would allow guessing the
		   password offline: -v shows it as *** */
		diag_proto(0, line, len, s->hide_334 && len >= 3 &&
		    memcmp(line, "334", 3) == 0);
		rc = reply_feed(&s->r, line, len, e);
		if (rc == -1) {
			s->broken = 1;
			return err_prefix(e, "%s", what);
		}
	} while (rc == 0);
	return 0;
}

/* read_reply(), then check it answers command `to` */
int
smtp_get_reply(struct smtp *s, enum reply_to to, int ms, const char *what,
    struct err *e)
{
	if (read_reply(s, ms, what, e) == -1)
		return -1;
	return check_reply(s, to, what, e);
}

/* read a reply and demand class `want` (2 or 3) */
int
smtp_expect(struct smtp *s, enum reply_to to, int want, enum err_phase ph,
    int ms, const char *what, struct err *e)
{
	if (smtp_get_reply(s, to, ms, what, e) == -1)
		return -1;
	if (s->r.code / 100 == want)
		return 0;
	return err_from_reply(e, ph, s->r.code, s->r.text, s->r.len, what);
}

static int
ehlo(struct smtp *s, struct err *e)
{
	const char *hello = s->lmtp ? "LHLO" : "EHLO";

	if (smtp_cmd(s, 0, e, "%s %s", hello, s->name) == -1 ||
	    smtp_expect(s, REPLY_TO_EHLO, 2, PH_EHLO, s->timeout_ms, hello,
	    e) == -1)
		return -1;
	reply_caps(&s->r, &s->caps);
	return 0;
}

static int
start_tls(struct smtp *s, struct err *e)
{
	const struct account *a = s->a;
	struct tls_conf tc;
	char id[LIMIT_DOMAIN * 2 + 32];
	int pinned = conf_keys_has(&a->set, K_TLS_FINGERPRINT);

	memset(&tc, 0, sizeof(tc));
	tc.verify_name = a->tls_host_override ? a->tls_host_override : a->host;
	tc.trust_file = a->tls_trust_file && strcmp(a->tls_trust_file,
	    "system") != 0 ? a->tls_trust_file : NULL;
	/* as in msmtp, a pinned certificate is trusted on its own */
	tc.fingerprint = pinned ? a->tls_fingerprint : NULL;
	tc.certcheck = a->tls_certcheck && !pinned;
	tc.priorities = a->tls_priorities;
	tc.cert_file = a->tls_cert_file;
	tc.key_file = a->tls_key_file;
	tc.crl_file = a->tls_crl_file;
	/* -S shows a full handshake's certificates */
	tc.resume = a->tls_resume && !s->noauth;
	snprintf(id, sizeof(id), "%s\n%s\n%d", a->name ? a->name : "",
	    a->host, a->port);
	tc.session_id = id;
	if (!a->tls_certcheck && !pinned)
		diag_warn("tls_certcheck is off: the server's identity is not "
		    "verified");
	if ((s->tls = tls_start(s->fd, &tc, s->timeout_ms, e)) == NULL)
		return -1;
	io_set_transport(s->io, tls_transport(s->tls));
	diag_info("TLS established: %s", tls_describe(s->tls));
	return 0;
}

static int
starttls(struct smtp *s, struct err *e)
{
	if (!(s->caps.flags & CAP_STARTTLS))
		return err_set(e, EX_UNAVAILABLE, "server %s does not offer "
		    "STARTTLS; refusing to continue without TLS",
		    account_server(s->a));
	if (smtp_cmd(s, 0, e, "STARTTLS") == -1 ||
	    smtp_expect(s, REPLY_TO_STARTTLS, 2, PH_STARTTLS, s->timeout_ms,
	    "STARTTLS", e) == -1)
		return -1;
	if (io_pending(s->io) > 0 || socket_readable(s->fd))
		return err_set(e, EX_PROTOCOL, "server sent data after its "
		    "STARTTLS reply, before the TLS handshake (possible "
		    "injection attack); nothing was sent");
	if (start_tls(s, e) == -1)
		return -1;
	s->stage = SMTP_ST_STARTTLS;
	memset(&s->caps, 0, sizeof(s->caps));	/* forget pre-TLS caps */
	return ehlo(s, e);
}

static int
connect_and_greet(struct smtp *s, struct err *e)
{
	const struct account *a = s->a;
	int implicit = a->tls && !a->tls_starttls;
	char how[LIMIT_ERR_MSG / 2];

	s->fd = net_open(a, s->timeout_ms, e);
	if (s->fd == -1)
		return -1;
	s->stage = SMTP_ST_CONNECTED;
	s->io = xcalloc(1, sizeof(*s->io));
	io_init(s->io, net_transport(&s->fd));
	s->io->timeout_ms = s->timeout_ms;
	net_describe(a, how, sizeof(how));
	diag_info("connected to %s%s", how, implicit ? " (implicit TLS)" : "");
	if (implicit && start_tls(s, e) == -1)
		return -1;
	s->stage = implicit ? SMTP_ST_TLS : s->stage;
	if (smtp_expect(s, REPLY_TO_GREETING, 2, PH_GREETING, s->timeout_ms,
	    "greeting", e) == -1)
		return -1;
	s->stage = SMTP_ST_GREETED;
	if (ehlo(s, e) == -1)
		return -1;
	s->stage = SMTP_ST_EHLO;
	if (a->tls && a->tls_starttls && starttls(s, e) == -1)
		return -1;
	s->stage = SMTP_ST_READY;
	if (!s->noauth && account_auth_on(a) && smtp_auth(s, e) == -1)
		return -1;
	return 0;
}

int
smtp_usable(const struct smtp *s)
{
	return s != NULL && !s->broken && !s->quit_sent && s->io != NULL;
}

void
smtp_keep_open(struct smtp *s, int on)
{
	if (s != NULL)
		s->keep_open = on;
}

void
smtp_tls_version(const struct smtp *s, char *out, size_t outsz)
{
	const char *d = s != NULL && s->tls != NULL ? tls_describe(s->tls) :
	    "";

	snprintf(out, outsz, "%.*s", (int)strcspn(d, " "), d);
}

const char *
smtp_auth_mech(const struct smtp *s)
{
	return s != NULL && s->mech != 0 ? sasl_name(s->mech) : NULL;
}

void
smtp_last_reply(const struct smtp *s, char *out, size_t outsz)
{
	char line[LIMIT_ERR_REPLY];

	out[0] = '\0';
	if (s == NULL || s->r.code == 0)
		return;
	snprintf(line, sizeof(line), "%d %.*s", s->r.code, (int)(s->r.len >
	    LIMIT_REPLY_QUOTED ? LIMIT_REPLY_QUOTED : s->r.len), s->r.text);
	err_visible(out, outsz, line, strlen(line));
}

void
smtp_close(struct smtp *s)
{
	struct err ignore;
	int quit;

	if (s == NULL)
		return;
	err_clear(&ignore);
	quit = smtp_usable(s);
	if (quit && smtp_cmd(s, 0, &ignore, "QUIT") == 0)
		(void)smtp_get_reply(s, REPLY_TO_QUIT, LIMIT_TIMEOUT_QUIT,
		    "QUIT", &ignore);
	else if (s->quit_sent && !s->broken && s->due > 0)
		(void)smtp_get_reply(s, REPLY_TO_QUIT, LIMIT_TIMEOUT_QUIT,
		    "QUIT", &ignore);
	quit = quit || (s->quit_sent && !s->broken);
	if (s->tls != NULL)
		tls_close(s->tls, quit ? LIMIT_TIMEOUT_TLS_CLOSE : 0);
	if (s->fd != -1)
		close(s->fd);
	free(s->io);
	free(s);
}

struct smtp *
smtp_open(const struct account *a, struct cred *c, struct err *e)
{
	struct smtp *s;

	if (a->user != NULL && a->auth != NULL &&
	    strcmp(a->auth, "external") == 0 &&
	    (!a->tls || a->tls_cert_file == NULL)) {
		err_set(e, EX_CONFIG, "account '%s': auth external needs TLS "
		    "and a client certificate (tls on, tls_cert_file, "
		    "tls_key_file): the certificate is the credential",
		    a->name);
		return NULL;
	}
	if (account_auth_on(a) && !a->tls && !a->allow_plaintext_auth) {
		err_set(e, EX_CONFIG, "account '%s': refusing to send the "
		    "password over a connection without TLS (set 'tls on', or "
		    "'allow_plaintext_auth on' if you really mean it)",
		    a->name);
		return NULL;
	}
	s = new_session(a, c);
	if (connect_and_greet(s, e) == -1) {
		s->broken = 1;
		smtp_close(s);
		return NULL;
	}
	return s;
}

char *
smtp_serverinfo(const struct account *a, struct err *e)
{
	struct smtp *s = new_session(a, NULL);
	struct serverinfo_peer peer;
	char *out = NULL, *tls, *ehlo_text, *plan, how[LIMIT_ERR_MSG / 2];
	const char *p, *nl;

	s->noauth = 1;
	if (connect_and_greet(s, e) == -1) {
		s->broken = 1;
		smtp_close(s);
		return NULL;
	}
	if (s->tls != NULL) {
		tls_peer(s->tls, &peer);
		tls = serverinfo_tls(&peer);
		serverinfo_peer_free(&peer);
	} else
		tls = serverinfo_tls(NULL);
	net_describe(a, how, sizeof(how));
	xasprintf(&out, "%s server:    %s (%s)\n%scapabilities:\n",
	    s->lmtp ? "LMTP" : "SMTP", how, !a->tls ? "no TLS" :
	    a->tls_starttls ? "STARTTLS" : "implicit TLS", tls);
	free(tls);
	/* the EHLO reply after its first line, one capability per line */
	ehlo_text = xstrndup(s->r.text, s->r.len);
	for (p = strchr(ehlo_text, '\n'); p != NULL; p = nl) {
		char vis[LIMIT_REPLY_LINE * 4 + 1], *old = out;

		nl = strchr(++p, '\n');
		err_visible(vis, sizeof(vis), p, nl ? (size_t)(nl - p) :
		    strlen(p));
		xasprintf(&out, "%s    %s\n", old, vis);
		free(old);
	}
	free(ehlo_text);
	plan = smtp_auth_plan(s);
	ehlo_text = out;	/* everything so far, then the AUTH plan */
	xasprintf(&out, "%s%s", ehlo_text, plan);
	free(ehlo_text);
	free(plan);
	smtp_close(s);
	return out;
}

struct smtp *
smtp_open_look(const struct account *a, enum smtp_stage *stage,
    struct err *e)
{
	struct smtp *s = new_session(a, NULL);

	s->noauth = 1;
	if (connect_and_greet(s, e) == -1) {
		*stage = s->stage;
		s->broken = 1;
		smtp_close(s);
		return NULL;
	}
	*stage = s->stage;
	return s;
}

int
smtp_sign_in(struct smtp *s, struct cred *c, struct err *e)
{
	s->cred = c;
	s->noauth = 0;
	return smtp_auth(s, e);
}

int
smtp_peer(struct smtp *s, struct serverinfo_peer *p)
{
	if (s->tls == NULL)
		return 0;
	tls_peer(s->tls, p);
	return 1;
}

void
smtp_caps_text(const struct smtp *s, char *out, size_t outsz)
{
	const char *p = memchr(s->r.text, '\n', s->r.len), *end, *nl;
	size_t n = 0;

	out[0] = '\0';
	end = s->r.text + s->r.len;
	for (; p != NULL && n + 2 < outsz; p = nl) {
		p++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (n > 0)
			out[n++] = ',', out[n++] = ' ';
		n += err_visible(out + n, outsz - n, p, nl != NULL ?
		    (size_t)(nl - p) : (size_t)(end - p));
	}
}

static struct smtp *
new_session(const struct account *a, struct cred *c)
{
	struct smtp *s;

	s = xcalloc(1, sizeof(*s));
	s->a = a;
	s->cred = c;
	s->fd = -1;
	s->due = 1;		/* the greeting */
	s->timeout_ms = a->timeout > 0 ? a->timeout * 1000 :
	    LIMIT_TIMEOUT_DEFAULT;
	s->data_ms = a->timeout > 0 ? a->timeout * 1000 :
	    LIMIT_TIMEOUT_DATA_END;
	s->lmtp = a->protocol != NULL && strcmp(a->protocol, "lmtp") == 0;
	if (a->domain != NULL)
		strlcpy(s->name, a->domain, sizeof(s->name));
	else
		smtp_local_name(s->name, sizeof(s->name));
	return s;
}
