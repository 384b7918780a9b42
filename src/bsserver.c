/* SPDX-License-Identifier: ISC */
/*
 * bsserver.c - the -bs session loop around the bsproto.c state machine
 * (contract: bsserver.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bsproto.h"
#include "bsserver.h"

struct sv {
	int		 in, out;
	struct bsproto	 b;
	FILE		*msg;		/* the current message, or NULL */
	serve_relay_fn	 relay;
	void		*ctx;
	int		 quit;
	int		 failed;	/* a write to msg failed */
};

static int
put(struct sv *v, const char *p, size_t n, struct err *e)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(v->out, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return err_set(e, EX_IOERR, "-bs: writing the reply: "
			    "%s", strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
message_end(struct sv *v, struct bsproto_out *o)
{
	char text[LIMIT_ERR_MSG + LIMIT_ERR_REPLY];
	int code;

	text[0] = '\0';
	if (v->failed || fflush(v->msg) == EOF || fseek(v->msg, 0, SEEK_SET)) {
		snprintf(text, sizeof(text), "cannot store the message: %s",
		    strerror(errno));
		code = EX_IOERR;
	} else
		code = v->relay(v->ctx, v->b.from, &v->b.rcpts,
		    fileno(v->msg), text, sizeof(text));
	fclose(v->msg);
	v->msg = NULL;
	v->failed = 0;
	bsproto_result(&v->b, code, text, o);
}

/* one line (or piece of one) through the state machine */
static int
feed(struct sv *v, const char *p, size_t n, int eol, struct err *e)
{
	struct bsproto_out o;

	bsproto_line(&v->b, p, n, eol, &o);
	switch (o.act) {
	case BSPROTO_DATA:
		if ((v->msg = tmpfile()) == NULL)
			return err_set(e, EX_CANTCREAT, "-bs: cannot create a "
			    "temporary file: %s", strerror(errno));
		break;
	case BSPROTO_BODY:
		if (fwrite(o.data, 1, o.datalen, v->msg) != o.datalen ||
		    (o.eol && putc('\n', v->msg) == EOF))
			v->failed = 1;
		break;
	case BSPROTO_MESSAGE:
		message_end(v, &o);
		break;
	case BSPROTO_QUIT:
		v->quit = 1;
		break;
	case BSPROTO_NONE:
		break;
	}
	if (o.reply != NULL)
		return put(v, o.reply, o.replylen, e);
	return 0;
}

/* the complete lines in buf[0..*len); a partial one stays unless full */
static int
lines(struct sv *v, char *buf, size_t *len, struct err *e)
{
	size_t off = 0;
	char *nl;

	while (!v->quit && (nl = memchr(buf + off, '\n', *len - off)) != NULL) {
		if (feed(v, buf + off, (size_t)(nl - (buf + off)), 1, e) == -1)
			return -1;
		off = (size_t)(nl - buf) + 1;
	}
	if (!v->quit && off == 0 && *len == LIMIT_BS_BUF) {
		/* keep a CR at the end: it may belong to the CRLF */
		size_t n = buf[*len - 1] == '\r' ? *len - 1 : *len;

		if (feed(v, buf, n, 0, e) == -1)
			return -1;
		off = n;
	}
	memmove(buf, buf + off, *len - off);
	*len -= off;
	return 0;
}

int
bsserver_run(int in, int out, const char *host, serve_relay_fn relay,
    void *ctx, struct err *e)
{
	static char buf[LIMIT_BS_BUF];
	struct sv v;
	struct bsproto_out o;
	size_t len = 0;
	ssize_t r;
	int rc = 0;

	memset(&v, 0, sizeof(v));
	v.in = in;
	v.out = out;
	v.relay = relay;
	v.ctx = ctx;
	bsproto_init(&v.b, host, &o);
	if (put(&v, o.reply, o.replylen, e) == -1)
		return -1;
	while (rc == 0 && !v.quit) {
		r = read(in, buf + len, sizeof(buf) - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			rc = err_set(e, EX_IOERR, "-bs: reading commands: %s",
			    strerror(errno));
			break;
		}
		if (r == 0) {		/* client closed: drop an open mail */
			if (len > 0 && !v.quit)	/* a last line without LF */
				rc = feed(&v, buf, len, 1, e);
			break;
		}
		len += (size_t)r;
		rc = lines(&v, buf, &len, e);
	}
	if (v.msg != NULL)
		fclose(v.msg);
	bsproto_free(&v.b);
	return rc;
}
