/* SPDX-License-Identifier: ISC */
/*
 * sublist.c - ask the submission service for the system queue's listing
 * (contract: sublist.h).  The service decides what the caller may see
 * from the kernel's word about the caller's uid (SO_PEERCRED), never
 * from anything sent here.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "io.h"
#include "mailq.h"
#include "sublist.h"
#include "submit.h"
#include "subproto.h"

struct rbuf {
	char	*b;
	size_t	 have;
};

#define RBUF_SIZE	(LIMIT_LIST_REPLY + 64)
#define LIST_TRAILER	512	/* room kept for a listing's first and
				   last lines */

/* more bytes into r; EOF is an error */
static int
more(int fd, struct rbuf *r, long long deadline, struct err *e)
{
	ssize_t n;

	if (r->have == RBUF_SIZE)
		return err_set(e, EX_PROTOCOL, "submission service: listing "
		    "too long");
	if ((n = submit_recv(fd, r->b + r->have, RBUF_SIZE - r->have,
	    deadline, e)) == -1)
		return -1;
	if (n == 0)
		return err_set(e, EX_TEMPFAIL, "the submission service closed "
		    "the connection without a listing");
	r->have += (size_t)n;
	return 0;
}

/* the go-ahead or a refusal, consumed (either way the list is asked) */
static int
first_reply(int fd, struct rbuf *r, struct err *e)
{
	struct subproto_reply *rp = xcalloc(1, sizeof(*rp));
	long long dl = io_now_ms() + LIMIT_SUBMIT_IO_TIMEOUT * 1000LL;
	long n;

	while ((n = subproto_reply_parse(r->b, r->have, rp, e)) == 0)
		if (more(fd, r, dl, e) == -1)
			break;
	free(rp);
	if (n <= 0)
		return -1;
	memmove(r->b, r->b + n, r->have - (size_t)n);
	r->have -= (size_t)n;
	return 0;
}

/* an error status instead of a listing: its text on stderr, its code */
static int
error_status(int fd, struct rbuf *r, long long dl, struct err *e)
{
	struct subproto_reply *rp = xcalloc(1, sizeof(*rp));
	char vis[LIMIT_SUBMIT_REPLY * 4 + 1];
	long n;
	int code = -1;

	while ((n = subproto_reply_parse(r->b, r->have, rp, e)) == 0)
		if (more(fd, r, dl, e) == -1)
			break;
	if (n > 0) {
		while (rp->len > 0 && rp->text[rp->len - 1] == '\n')
			rp->len--;
		err_visible(vis, sizeof(vis), rp->text, rp->len);
		fprintf(stderr, "%s\n", vis);
		code = rp->code != 0 ? rp->code : EX_SOFTWARE;
	}
	free(rp);
	return code;
}

/* the listing (or an error status) after the request */
static int
listing(int fd, struct rbuf *r, FILE *out, struct err *e)
{
	long long dl = io_now_ms() + LIMIT_SUBMIT_WAIT * 1000LL;
	size_t n = 0;
	long h;
	int code = 0;

	while (r->have < 7 && memcmp(r->b, "status ", r->have) == 0)
		if (more(fd, r, dl, e) == -1)
			return -1;
	if (r->have >= 7 && memcmp(r->b, "status ", 7) == 0)
		return error_status(fd, r, dl, e);
	while ((h = subproto_list_head(r->b, r->have, &code, &n, e)) == 0)
		if (more(fd, r, dl, e) == -1)
			return -1;
	if (h < 0)
		return -1;
	while (r->have < (size_t)h + n)
		if (more(fd, r, dl, e) == -1)
			return -1;
	if (fwrite(r->b + h, 1, n, out) != n || fflush(out) != 0)
		return err_set(e, EX_IOERR, "writing the listing: %s",
		    strerror(errno));
	return code;
}

static int
ask(const char *path, int json, FILE *out, struct err *e)
{
	struct rbuf r = { xmalloc(RBUF_SIZE), 0 };
	size_t len;
	char *req = subproto_list_req_build(json, &len);
	int fd, rc = -1;

	if ((fd = submit_connect(path, e)) != -1) {
		if (first_reply(fd, &r, e) == 0 && submit_send(fd, req, len,
		    io_now_ms() + LIMIT_SUBMIT_IO_TIMEOUT * 1000LL, e) == 0)
			rc = listing(fd, &r, out, e);
		close(fd);
	}
	free(req);
	free(r.b);
	return rc;
}

/* EX_UNAVAILABLE: the system queue is not root's and no service */
static int
err_fmt_set(struct err *e, const char *dir, const char *path)
{
	return err_set(e, EX_UNAVAILABLE, "the system queue %s is not root's "
	    "and no submission service listens on %s", dir, path);
}

/* root without a config of its own, the system queue another user's */
static int
root_needs_service(const struct opts *o, char *dir, size_t sz)
{
	struct account a;
	struct err e;
	struct stat st;
	int yes;

	if (geteuid() != 0 || account_load(o, &a, NULL, &e) == -1)
		return 0;
	yes = a.queue_dir != NULL && stat(a.queue_dir, &st) == 0 &&
	    st.st_uid != 0;
	if (yes)
		strlcpy(dir, a.queue_dir, sz);
	account_free(&a);
	return yes;
}

int
sublist_route(const struct opts *o, FILE *out, struct err *e)
{
	const char *path = submit_socket_path();
	char dir[LIMIT_PATH];
	struct stat st;
	int sock;

	if (o->mode != MODE_LIST || o->conffile != NULL ||
	    o->submitter != NULL || account_has_user_conf())
		return SUBMIT_SKIP;
	sock = stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
	if (sock && st.st_uid != geteuid())
		return ask(path, o->json, out, e);
	if (!root_needs_service(o, dir, sizeof(dir)))
		return SUBMIT_SKIP;
	if (!sock)
		return err_fmt_set(e, dir, path);
	return ask(path, o->json, out, e);
}

/* ---- the service's side ---- */

/* the error status sent instead of a listing */
static void
list_error(int fd, const struct err *le)
{
	char text[LIMIT_ERR_MSG + 16], *r;
	struct err e;
	size_t len;

	snprintf(text, sizeof(text), "smtps: %s", le->msg);
	r = subproto_reply_build(le->code, text, strlen(text), &len);
	(void)submit_send(fd, r, len, io_now_ms() + LIMIT_SUBMIT_IO_TIMEOUT *
	    1000LL, &e);
	free(r);
}

int
sublist_serve(int fd, const char *dir, long long uid, int json)
{
	struct mailq_view v = { json, uid, LIMIT_LIST_REPLY - LIST_TRAILER,
	    dir };
	char *buf = NULL, *r;
	size_t n = 0, len;
	struct err e;
	FILE *m;

	err_clear(&e);
	if ((m = open_memstream(&buf, &n)) == NULL)
		err_set(&e, EX_OSERR, "open_memstream: %s", strerror(errno));
	else if (mailq_list(dir, &v, m, &e) == -1)
		fclose(m);
	else if (fclose(m) == 0) {
		r = subproto_list_build(0, buf, n, &len);
		if (submit_send(fd, r, len, io_now_ms() +
		    LIMIT_SUBMIT_IO_TIMEOUT * 1000LL, &e) == -1)
			err_prefix(&e, "listing not delivered");
		free(r);
		free(buf);
		return e.code;
	}
	free(buf);
	list_error(fd, &e);
	return e.code;
}
