/* SPDX-License-Identifier: ISC */
/*
 * authorize.c - `smtps --authorize` (contract: authorize.h).
 *
 * The code grant's loopback listener answers one HTTP GET with a short
 * page and reads at most LIMIT_HTTP_HEAD bytes of it; other paths (a
 * browser's /favicon.ico) get a 404 and the wait goes on.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authorize.h"
#include "io.h"
#include "oauth2.h"
#include "tls.h"
#include "tokstore.h"
#include "url.h"

#define PKCE_RAND	48	/* random bytes -> 64 base64url characters */
#define STATE_RAND	16
#define PAGE_OK		"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n" \
			"Connection: close\r\n\r\nsmtps: signed in, you can " \
			"close this window.\n"
#define PAGE_404	"HTTP/1.0 404 Not Found\r\nConnection: close\r\n\r\n"

struct pkce {
	char	verifier[LIMIT_OAUTH2_VERIFIER + 8];
	char	challenge[64];
	char	state[32];
	char	redirect[64];
	int	port;
	int	lfd;		/* loopback listener */
};

/* the tokens on disk, under the lock */
static int
store(const struct oauth2 *o, const char *path, const struct tok *t,
    FILE *out, struct err *e)
{
	int fd, rc;

	if ((fd = tokstore_lock(path, e)) == -1)
		return -1;
	rc = tokstore_write(path, t, e);
	tokstore_unlock(fd);
	if (rc == 0)
		fprintf(out, "smtps: account %s is signed in (OAuth2, %s "
		    "grant); tokens stored in %s; access token valid for "
		    "%lld s%s\n", o->name, o->grant, path, t->expires -
		    (long long)time(NULL), t->refresh != NULL ? ", refreshed "
		    "automatically" : "");
	return rc;
}

static int
device(const struct oauth2 *o, struct tok *t, FILE *out, struct err *e)
{
	struct oauth2_device dv;
	struct timespec ts;
	int rc, was;

	if (oauth2_device_start(o, &dv, e) == -1)
		return -1;
	fprintf(out, "smtps: to sign in account %s, open %s in a browser "
	    "and enter the code %s\n", o->name, dv.uri, dv.user_code);
	if (dv.uri_complete != NULL)
		fprintf(out, "smtps: (or open %s)\n", dv.uri_complete);
	fflush(out);
	do {
		if ((long long)time(NULL) + dv.interval > dv.expires) {
			oauth2_device_free(&dv);
			err_set(e, EX_NOPERM, "account %s: the code was not "
			    "entered in time; run smtps --authorize again",
			    o->name);
			return -1;
		}
		ts.tv_sec = was = dv.interval;
		ts.tv_nsec = 0;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		if ((rc = oauth2_device_poll(o, &dv, t, e)) == 1 &&
		    dv.interval != was)
			fprintf(out, "smtps: the provider asked to slow down: "
			    "polling every %d s\n", dv.interval);
	} while (rc == 1);
	oauth2_device_free(&dv);
	return rc;
}

static int
listen_loopback(struct pkce *p, int port, struct err *e)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(p->lfd, 4) == -1 ||
	    getsockname(p->lfd, (struct sockaddr *)&sa, &len) == -1)
		return err_set(e, port ? EX_CONFIG : EX_OSERR, "cannot listen "
		    "on 127.0.0.1 port %d for the OAuth2 redirect: %s", port,
		    strerror(errno));
	p->port = ntohs(sa.sin_port);
	snprintf(p->redirect, sizeof(p->redirect), "http://127.0.0.1:%d/",
	    p->port);
	return 0;
}

static int
pkce_init(struct pkce *p, int port, struct err *e)
{
	unsigned char r[PKCE_RAND], h[32];

	memset(p, 0, sizeof(*p));
	p->lfd = -1;
	if (tls_random(r, sizeof(r), e) == -1 ||
	    tls_b64url(r, sizeof(r), p->verifier, sizeof(p->verifier)) < 0)
		return -1;
	tls_sha256(p->verifier, strlen(p->verifier), h);
	if (tls_b64url(h, sizeof(h), p->challenge, sizeof(p->challenge)) < 0 ||
	    tls_random(r, STATE_RAND, e) == -1 ||
	    tls_b64url(r, STATE_RAND, p->state, sizeof(p->state)) < 0)
		return err_set(e, EX_SOFTWARE, "PKCE: encoding failed");
	return listen_loopback(p, port, e);
}

static char *
auth_url(const struct oauth2 *o, const struct pkce *p)
{
	char *f = NULL, *u;

	url_form_add(&f, "response_type", "code");
	url_form_add(&f, "client_id", o->client_id);
	url_form_add(&f, "redirect_uri", p->redirect);
	if (o->scope[0] != '\0')
		url_form_add(&f, "scope", o->scope);
	url_form_add(&f, "state", p->state);
	url_form_add(&f, "code_challenge", p->challenge);
	url_form_add(&f, "code_challenge_method", "S256");
	if (strcmp(o->provider, "google") == 0) {
		/* a refresh token, also when signing in again */
		url_form_add(&f, "access_type", "offline");
		url_form_add(&f, "prompt", "consent");
	}
	xasprintf(&u, "%s%c%s", o->auth_url, strchr(o->auth_url, '?') ?
	    '&' : '?', f);
	free(f);
	return u;
}

/* one browser request: its target into buf; 1 got one, 0 not ours */
static int
take_request(int lfd, char *buf, size_t sz)
{
	long long deadline = io_now_ms() + LIMIT_TIMEOUT_DEFAULT;
	size_t len = 0;
	ssize_t n;
	char *sp, *end;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd == -1)
		return 0;
	while (len + 1 < sz && memmem(buf, len, "\r\n\r\n", 4) == NULL &&
	    memmem(buf, len, "\n\n", 2) == NULL &&
	    io_wait_fd(fd, POLLIN, deadline) == 0 &&
	    (n = read(fd, buf + len, sz - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	end = buf + strcspn(buf, "\r\n");
	*end = '\0';
	if (strncmp(buf, "GET /", 5) != 0 || (sp = strchr(buf + 4, ' ')) ==
	    NULL || strchr(buf + 4, '?') == NULL) {
		(void)io_write_fd(fd, PAGE_404, strlen(PAGE_404));
		close(fd);
		return 0;
	}
	*sp = '\0';
	memmove(buf, buf + 4, strlen(buf + 4) + 1);
	(void)io_write_fd(fd, PAGE_OK, strlen(PAGE_OK));
	close(fd);
	return 1;
}

/* a pasted line from in: 1 complete, 0 not yet, -1 EOF */
static int
take_line(int in, char *line, size_t sz, size_t *len)
{
	ssize_t n = read(in, line + *len, sz - 1 - *len);

	if (n <= 0)
		return n == -1 && (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	*len += (size_t)n;
	line[*len] = '\0';
	if (strchr(line, '\n') == NULL && *len + 1 < sz)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return 1;
}

/* wait for the redirect or the pasted URL, into buf */
static int
wait_redirect(struct pkce *p, int in, char *buf, size_t sz, struct err *e)
{
	long long deadline = io_now_ms() + LIMIT_OAUTH2_CODE_WAIT * 1000LL;
	struct pollfd pf[2];
	size_t len = 0;
	int n, r;

	pf[0].fd = p->lfd;
	pf[1].fd = in;
	pf[0].events = pf[1].events = POLLIN;
	for (;;) {
		long long left = deadline - io_now_ms();

		if (left <= 0)
			return err_set(e, EX_TEMPFAIL, "no OAuth2 redirect "
			    "within %d s; run smtps --authorize again",
			    LIMIT_OAUTH2_CODE_WAIT);
		n = poll(pf, pf[1].fd >= 0 ? 2 : 1, (int)(left >
		    LIMIT_POLL_TICK ?
		    LIMIT_POLL_TICK : left));
		if (n > 0 && (pf[0].revents & POLLIN) &&
		    take_request(p->lfd, buf, sz))
			return 0;
		if (n > 0 && pf[1].fd >= 0 && pf[1].revents) {
			if ((r = take_line(in, buf, sz, &len)) == 1 &&
			    buf[0] != '\0')
				return 0;
			if (r != 0)
				pf[1].fd = -1;	/* EOF: the listener only */
		}
	}
}

static int
redirect_code(const struct oauth2 *o, const struct pkce *p, const char *u,
    char *code, size_t sz, struct err *e)
{
	char v[LIMIT_URL], d[LIMIT_QUOTE] = "", vv[LIMIT_QUOTE_SHORT];
	char vd[LIMIT_QUOTE];

	if (url_query_get(u, "error", v, sizeof(v)) == 1) {
		if (url_query_get(u, "error_description", d, sizeof(d)) != 1)
			d[0] = '\0';
		err_visible(vd, sizeof(vd), d, strlen(d));
		err_visible(vv, sizeof(vv), v, strlen(v));
		return err_set(e, EX_NOPERM, "account %s: the provider refused "
		    "the sign-in: %s%s%s", o->name, vv, vd[0] ? ": " : "", vd);
	}
	if (url_query_get(u, "state", v, sizeof(v)) != 1 ||
	    strcmp(v, p->state) != 0)
		return err_set(e, EX_PROTOCOL, "account %s: the redirect's "
		    "state does not match this sign-in (an old or forged "
		    "URL); run smtps --authorize again", o->name);
	if (url_query_get(u, "code", code, sz) != 1 || code[0] == '\0')
		return err_set(e, EX_PROTOCOL, "account %s: the redirect has "
		    "no code", o->name);
	return 0;
}

static int
code_grant(const struct oauth2 *o, int in, struct tok *t, FILE *out,
    struct err *e)
{
	char buf[LIMIT_HTTP_HEAD], code[LIMIT_URL], *url;
	struct pkce p;
	int rc = -1;

	if (pkce_init(&p, o->redirect_port, e) == 0) {
		url = auth_url(o, &p);
		fprintf(out, "smtps: to sign in account %s, open this URL in "
		    "a browser:\n%s\nsmtps: waiting for the redirect to %s "
		    "(from another machine: ssh -L %d:127.0.0.1:%d to this "
		    "one), or paste the URL the browser ended on here:\n",
		    o->name, url, p.redirect, p.port, p.port);
		fflush(out);
		free(url);
		if (wait_redirect(&p, in, buf, sizeof(buf), e) == 0 &&
		    redirect_code(o, &p, buf, code, sizeof(code), e) == 0)
			rc = oauth2_code(o, code, p.verifier, p.redirect, t, e);
		explicit_bzero(code, sizeof(code));
		explicit_bzero(buf, sizeof(buf));
	}
	if (p.lfd >= 0)
		close(p.lfd);
	explicit_bzero(&p, sizeof(p));
	return rc;
}

int
authorize_run(const struct account *a, int in, FILE *out, struct err *e)
{
	struct oauth2 o;
	struct tok t;
	char *path = NULL;
	int rc;

	memset(&t, 0, sizeof(t));
	if (!oauth2_enabled(a))
		return err_set(e, EX_CONFIG, "account '%s' (%s:%d) has no "
		    "oauth2_provider: nothing to authorize", a->name,
		    a->file ? a->file : "?", a->line);
	if (oauth2_setup(a, &o, e) == -1)
		return -1;
	if ((path = tokstore_path(a, e)) == NULL)
		rc = -1;
	else if (strcmp(o.grant, "device") == 0)
		rc = device(&o, &t, out, e);
	else if (strcmp(o.grant, "code") == 0)
		rc = code_grant(&o, in, &t, out, e);
	else
		rc = oauth2_client_creds(&o, &t, e);
	if (rc == 0)
		rc = store(&o, path, &t, out, e);
	tokstore_clear(&t);
	free(path);
	oauth2_free(&o);
	return rc;
}
