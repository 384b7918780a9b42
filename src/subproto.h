/* SPDX-License-Identifier: ISC */
/*
 * subproto.h - PURE wire format of the system submission service, the
 * caller arguments it takes, and the Received: field it adds.
 *
 * One connection carries one message (internal protocol: both ends are
 * this binary, nothing else should speak it):
 *
 *   service -> caller   "ready\n"                    (go ahead), or a
 *                       status reply (refused: the caller sends nothing)
 *   caller -> service   "smtps-submit 1\n"
 *                       "size N\n"                   message bytes
 *                       "arg VALUE\n" ...            caller's arguments
 *                       "\n"                         end of the header
 *                       N bytes of message
 *   service -> caller   "status CODE LEN\n" and LEN bytes of text
 *
 * or, to list the system queue (mailq through the service):
 *
 *   service -> caller   "ready\n", or a refusal status: a caller that
 *                       submit_allow or submit_rate refuses may still
 *                       list its own entries, so the service keeps the
 *                       connection open for a list request after it
 *   caller -> service   "smtps-list 1\n"
 *                       "format text\n" or "format json\n"
 *                       "\n"
 *   service -> caller   "list CODE LEN\n" and LEN bytes of listing (at
 *                       most LIMIT_LIST_REPLY), or "status CODE LEN\n"
 *                       and an error text
 *
 * CODE is the sysexits code the caller exits with (0 = delivered or in
 * the system queue), the text (at most LIMIT_SUBMIT_REPLY bytes) the
 * line(s) it prints on stderr.  A header is at most LIMIT_SUBMIT_HEAD
 * bytes with at most LIMIT_SUBMIT_ARGS arguments of LIMIT_SUBMIT_ARG
 * bytes each (no LF, no NUL); N is 0..LIMIT_MESSAGE.  Anything else is
 * EX_PROTOCOL naming what was wrong.
 *
 * The parsers take what has arrived so far: they return the length of
 * the complete header or reply (> 0), 0 when more bytes are needed (and
 * allowed), -1 with e set on error.  They never read past len.
 *
 * A request is either kind: req->list is 1 for "smtps-list 1" (then
 * req->json says the format, size is 0 and argv holds only argv[0]), 0
 * for "smtps-submit 1".  subproto_list_req_build(): the list request.
 * subproto_list_build(): "list CODE LEN\n" + text (cut at
 * LIMIT_LIST_REPLY); subproto_list_head(): the "list CODE LEN" line at
 * the start of buf: its length (the LEN bytes follow it), 0 when more is
 * needed, -1 with e (EX_PROTOCOL) when it is not one.
 *
 * subproto_args(): the caller's arguments (argv[0] a program name that
 * flags_parse() sees: "sendmail" on the service's side) checked against
 * the allowlist: a message to send (no mode flag), and of the flags
 * only -t, -i/-oi, -f/-r, -F, -N, -R, -V, --read-envelope-from,
 * --read-recipients, and sendmail's ignored ones (-B, -o..., -X, -L,
 * -h, -O, -G, -U, -m, -Am/-Ac, -bm); -v, -d and -n are
 * accepted and dropped.  Anything that chooses a configuration, an
 * account, a keyword or a mode (-C, -a, --host=..., -q, -bs, ...) ->
 * EX_USAGE naming it.  subproto_child_argv() then builds the pipeline's
 * fixed argv from the checked options: "smtps --submitter SUB [-C CONF]
 * [-t] [--read-envelope-from] [-f X] [-F X] [-N X] [-R X] [-V X]
 * [-O smtputf8] [-O requiretls] -- RCPT..." (-O's other values
 * dropped), values always as separate elements.  *out is malloc'ed,
 * NULL-terminated; its strings point into the options and arguments
 * (keep argv alive while the options are used).
 *
 * subproto_submitter_ok(): "UID NAME" as the service writes it (digits,
 * one space, a user name of [A-Za-z0-9._-], at most LIMIT_USER_NAME).
 * subproto_received(): the trace field for that submitter, CRLF lines:
 * "Received: from uid UID (NAME)\r\n\tby HOST (smtps submission
 * service);\r\n\tDATE\r\n", DATE in RFC 5322 form at tzoff_min.
 */
#ifndef SMTPS_SUBPROTO_H
#define SMTPS_SUBPROTO_H

#include <stddef.h>
#include <time.h>

#include "err.h"
#include "flags.h"

struct subproto_req {
	int		 list;		/* "smtps-list 1": list the queue */
	int		 json;		/* list: "format json" */
	long long	 size;		/* message bytes that follow */
	int		 argc;		/* with argv[0] */
	char		*argv[LIMIT_SUBMIT_ARGS + 2];	/* argv[0]
					   "sendmail", then the caller's
					   arguments (into text), NULL */
	char		*text;		/* malloc'ed copy of the header */
};

struct subproto_reply {
	int		 ready;		/* "ready": the go-ahead */
	int		 code;		/* status: exit code 0..255 */
	char		 text[LIMIT_SUBMIT_REPLY + 1];	/* NUL-terminated */
	size_t		 len;
};

/* the request header; *len its length; malloc'ed */
char	*subproto_req_build(int argc, char *const *argv, long long size,
	    size_t *len, struct err *);
long	 subproto_req_parse(const char *buf, size_t len,
	    struct subproto_req *, struct err *);
void	 subproto_req_free(struct subproto_req *);

/* "status CODE LEN\n" + text (cut at LIMIT_SUBMIT_REPLY); malloc'ed */
char	*subproto_reply_build(int code, const char *text, size_t n,
	    size_t *len);
long	 subproto_reply_parse(const char *buf, size_t len,
	    struct subproto_reply *, struct err *);

char	*subproto_list_req_build(int json, size_t *len);
char	*subproto_list_build(int code, const char *text, size_t n,
	    size_t *len);
long	 subproto_list_head(const char *buf, size_t len, int *code,
	    size_t *n, struct err *);

int	 subproto_args(int argc, char **argv, struct opts *, struct err *);
int	 subproto_child_argv(const struct opts *, const char *conf,
	    const char *submitter, char ***out, struct err *);

int	 subproto_submitter_ok(const char *);
int	 subproto_received(char *buf, size_t sz, const char *submitter,
	    const char *host, time_t now, int tzoff_min);

#endif
