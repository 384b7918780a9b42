/* SPDX-License-Identifier: ISC */
/*
 * t_smtpauth.c - the AUTH exchange (smtpauth.c) against a scripted peer
 * on a socketpair: a refused OAuth2 token is renewed once through
 * cred->renew and AUTH retried in the same session (also after an RFC
 * 7628 error challenge); never a second renewal; a failing renew is the
 * error; a 4xx is not renewed.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "cred.h"
#include "io.h"
#include "net.h"
#include "sasl.h"
#include "secret.h"
#include "smtp_int.h"

static int renews;

static int
renew_ok(struct cred *c, const struct account *a, struct err *e)
{
	(void)a;
	(void)e;
	renews++;
	secret_free(c->secret);
	c->secret = xstrdup("tok2");
	return 0;
}

static int
renew_fail(struct cred *c, const struct account *a, struct err *e)
{
	(void)c;
	(void)a;
	renews++;
	return err_set(e, EX_NOPERM, "oauth2: invalid_grant");
}

/* the peer: each client line goes to log, then the next reply */
static void
peer(int fd, FILE *log, const char *const *replies)
{
	char line[8192];
	size_t n = 0;

	for (;;) {
		char c;

		if (read(fd, &c, 1) != 1)
			_exit(0);
		if (c != '\n' && n + 1 < sizeof(line)) {
			line[n++] = c;
			continue;
		}
		line[n > 0 && line[n - 1] == '\r' ? n - 1 : n] = '\0';
		n = 0;
		fprintf(log, "%s\n", line);
		fflush(log);
		if (*replies == NULL)
			_exit(0);
		dprintf(fd, "%s\r\n", *replies++);
	}
}

/* run smtp_auth with renew against the replies; the client lines in out */
static int
run(int (*renew)(struct cred *, const struct account *, struct err *),
    const char *const *replies, char *out, size_t outsz, struct err *e)
{
	struct account a;
	struct cred c;
	struct smtp s;
	FILE *log = tmpfile();
	int sv[2], rc;
	pid_t pid;
	size_t n;

	static char name[] = "t", host[] = "mail.example", user[] = "alice",
	    auth[] = "xoauth2";

	memset(&a, 0, sizeof(a));
	a.name = name;
	a.host = host;
	a.port = 587;
	a.user = user;
	a.auth = auth;
	memset(&c, 0, sizeof(c));
	c.secret = xstrdup("tok1");
	c.oauth = 1;
	c.renew = renew;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		peer(sv[1], log, replies);
	}
	close(sv[1]);
	memset(&s, 0, sizeof(s));
	s.a = &a;
	s.cred = &c;
	s.fd = sv[0];
	s.io = xcalloc(1, sizeof(*s.io));
	io_init(s.io, net_transport(&s.fd));
	s.io->timeout_ms = s.timeout_ms = 5000;
	s.caps.flags = CAP_AUTH;
	s.caps.auth = AUTH_XOAUTH2;
	renews = 0;
	err_clear(e);
	rc = smtp_auth(&s, e);
	close(sv[0]);
	waitpid(pid, NULL, 0);
	rewind(log);
	n = fread(out, 1, outsz - 1, log);
	out[n] = '\0';
	fclose(log);
	free(s.io);
	secret_free(c.secret);
	return rc;
}

/* "AUTH XOAUTH2 " + the initial response for token tok, then "\n" */
static const char *
line(const char *tok)
{
	static char buf[2][256];
	static int i;
	char raw[128];
	int n = snprintf(raw, sizeof(raw),
	    "user=alice\001auth=Bearer %s\001\001",
	    tok);

	i ^= 1;
	strlcpy(buf[i], "AUTH XOAUTH2 ", sizeof(buf[i]));
	sasl_b64((unsigned char *)raw, (size_t)n, buf[i] + 13,
	    sizeof(buf[i]) - 14);
	strlcat(buf[i], "\n", sizeof(buf[i]));
	return buf[i];
}

int
main(void)
{
	static const char *const renewed[] = { "535 5.7.8 no", "235 ok", NULL };
	static const char *const twice[] = { "535 5.7.8 no",
	    "535 5.7.8 still no",
	    NULL };
	static const char *const once[] = { "535 5.7.8 no", NULL };
	static const char *const temp[] = { "454 4.7.0 later", NULL };
	/* {"status":"401","scope":"s"} */
	static const char *const chal[] = {
	    "334 eyJzdGF0dXMiOiI0MDEiLCJzY29wZSI6InMifQ==", "535 5.7.8 no",
	    "235 ok", NULL };
	char out[4096], want[1024];
	struct err e;

	T_EQ_INT(run(renew_ok, renewed, out, sizeof(out), &e), 0);
	T_EQ_INT(renews, 1);
	snprintf(want, sizeof(want), "%s%s", line("tok1"), line("tok2"));
	T_EQ_STR(out, want);

	T_EQ_INT(run(renew_ok, twice, out, sizeof(out), &e), -1);
	T_EQ_INT(renews, 1);
	T_EQ_INT(e.code, EX_NOPERM);
	T_EQ_STR(e.reply, "535 5.7.8 still no");

	T_EQ_INT(run(renew_fail, once, out, sizeof(out), &e), -1);
	T_EQ_INT(renews, 1);
	T_EQ_STR(e.msg, "oauth2: invalid_grant");
	T_EQ_STR(out, line("tok1"));

	T_EQ_INT(run(NULL, once, out, sizeof(out), &e), -1);
	T_EQ_INT(e.code, EX_NOPERM);
	T_EQ_STR(out, line("tok1"));

	T_EQ_INT(run(renew_ok, temp, out, sizeof(out), &e), -1);
	T_EQ_INT(renews, 0);
	T_EQ_INT(e.code, EX_TEMPFAIL);

	/* error challenge: the dummy (empty) response, 535, renew, retry */
	T_EQ_INT(run(renew_ok, chal, out, sizeof(out), &e), 0);
	T_EQ_INT(renews, 1);
	snprintf(want, sizeof(want), "%s\n%s", line("tok1"), line("tok2"));
	T_EQ_STR(out, want);
	return t_done("t_smtpauth");
}
