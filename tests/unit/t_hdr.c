/* SPDX-License-Identifier: ISC */
/*
 * t_hdr.c - table tests for the header scanner and rewrite policy
 * (src/hdr.c): where the header block ends (also when the input arrives
 * in pieces), the exact rewritten block for each policy, -t recipients,
 * the errors, and properties of the added From field (line lengths, the
 * RFC 2047 encoded words decode back to the name).
 *
 * Golden files (t.h's t_golden): tests/unit/data/hdr/NAME.in is the start
 * of a message as smtps sees it (CRLF lines), NAME.out its dump: where
 * hdr_split ends the header block, then with default_policy() and -t
 * either "error CODE: MESSAGE" or the recipients ("rcpt ADDR") and the
 * rewritten block, a "| " line per line.  The .in files are also
 * fuzz_hdr's seeds (tests/fuzz/run.sh).
 *
 * Expected Date values were computed with GNU date(1), e.g.
 *   TZ=UTC-01:00 LC_ALL=C date -d @1709251199 '+%a, %-d %b %Y %T %z'
 */
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "t.h"

#define NOW	((time_t)1795829400)	/* Sat, 28 Nov 2026 01:30:00 UTC */
#define D	"Date: Sat, 28 Nov 2026 01:30:00 +0000\r\n"
#define M	"Message-ID: <u1.2@host.example>\r\n"
#define F	"From: me@example.org\r\n"
#define HAVE	"Date: x\r\nMessage-ID: <x@y>\r\nFrom: x@y\r\n"

/* ---- hdr_split ---------------------------------------------------------- */

struct scase {
	const char	*in;
	size_t		 len;		/* 0: strlen */
	long		 want;		/* with complete = 1 */
	size_t		 bodyoff;
};

static const struct scase scases[] = {
	{ "Subject: x\r\n\r\nbody\r\n", 0, 12, 14 },
	{ "Subject: x\r\nTo: a@b\r\n\r\n", 0, 21, 23 },
	{ "body only\r\n", 0, 0, 0 },
	{ "\r\nbody after a blank first line\r\n", 0, 0, 2 },
	{ "", 0, 0, 0 },
	{ "Subject: x\r\n", 0, 12, 12 },
	{ "Subject: x", 0, 10, 10 },
	{ "Subject: x\r\n folded\r\n\tagain\r\n\r\nb", 0, 29, 31 },
	{ "Subject: x\r\nnot a header\r\nbody\r\n", 0, 12, 12 },
	{ "Subject: x\r\n\r", 0, 12, 12 },
	{ " leading space\r\n\r\nbody", 0, 0, 0 },
	{ "\tleading tab: x\r\n", 0, 0, 0 },
	{ "From nobody Mon Jan  1 00:00:00 2024\r\n", 0, 0, 0 },
	{ "Sub ject: x\r\n\r\n", 0, 0, 0 },
	/* RFC 5322 4.5 obs-optional: white space before the colon */
	{ "Subject : x\r\n\r\n", 0, 13, 15 },
	{ "Bcc\t :x@example.org\r\nTo: a@b\r\n\r\nb", 0, 30, 32 },
	{ "Sub ject : x\r\n\r\n", 0, 0, 0 },
	{ "Subject \r\n: x\r\n\r\n", 0, 0, 0 },
	{ " : x\r\n\r\n", 0, 0, 0 },
	{ ": no name\r\n\r\n", 0, 0, 0 },
	{ "X-No-Colon-At-All", 0, 0, 0 },
	{ "X-No-Colon\r\nSubject: x\r\n", 0, 0, 0 },
	{ "a:b\r\n\tc\r\nd:e\r\n\r\n", 0, 14, 16 },
	{ "Subject: caf\xc3\xa9\r\n\r\n", 0, 16, 18 },
	{ "Sub\xc3\xa9ject: x\r\n\r\n", 0, 0, 0 },
	{ "Subject: a\0b\r\n\r\n", 16, 14, 16 },
	{ "Subject: a\rb\r\n\r\n", 0, 14, 16 },
	{ "Subject: x\r\n\r\n\r\nsecond blank is body", 0, 12, 14 },
	{ "http://example.com/ is a header by the rules\r\n\r\n", 0, 46, 48 },
	{ "Subject: x\r\n.\r\n", 0, 12, 12 },
};

/* the whole input at once, then every prefix as if still arriving */
static void
test_split_case(const struct scase *c)
{
	size_t len = c->len ? c->len : strlen(c->in), off = 999, k;
	long r;

	r = hdr_split(c->in, len, 1, &off);
	T_OK(r == c->want && off == c->bodyoff, "split [%.*s]: %ld/%zu, "
	    "expected %ld/%zu", (int)len, c->in, r, off, c->want, c->bodyoff);
	for (k = 0; k <= len; k++) {
		off = 999;
		r = hdr_split(c->in, k, 0, &off);
		T_OK(r == -1 || (r == c->want && off == c->bodyoff),
		    "split [%.*s] prefix %zu: %ld/%zu, expected -1 or %ld/%zu",
		    (int)len, c->in, k, r, off, c->want, c->bodyoff);
	}
}

/* input still arriving: decided as soon as the bytes allow, not before */
static void
test_split_partial(void)
{
	static const struct { const char *in; long want; } pc[] = {
		{ "Subject: x\r\n\r\n", 12 },
		{ "Subject: x\r\n\r", -1 },
		{ "Subject: x\r\n", -1 },
		{ "Subject: x\r\n more", -1 },
		{ "Subject: x\r\nTo", -1 },
		{ "Subject: x\r\nTo b", 12 },
		{ "Subject: x\r\nbody\r\n", 12 },
		{ "body line", 0 },
		{ "X-No-Colon\r\n", 0 },
		{ "X-No-Colon", -1 },
		{ "Subject: x\r\nBcc ", -1 },
		{ "Subject: x\r\nBcc \t", -1 },
		{ "Subject: x\r\nBcc x", 12 },
		{ " folded first", 0 },
		{ "\r", -1 },
		{ "", -1 },
	};
	size_t i, off;

	for (i = 0; i < sizeof(pc) / sizeof(pc[0]); i++)
		T_OK(hdr_split(pc[i].in, strlen(pc[i].in), 0, &off) ==
		    pc[i].want, "partial [%s] expected %ld", pc[i].in,
		    pc[i].want);
}

/* ---- hdr_rewrite ------------------------------------------------------- */

struct rcase {
	const char	*in;
	size_t		 len;		/* 0: strlen */
	int		 t;		/* -t */
	const char	*from;		/* NULL: "me@example.org" */
	const char	*name;		/* -F */
	const char	*want;		/* exact output, or NULL on error */
	const char	*rcpts[6];	/* -t recipients, NULL-ended */
	int		 code;		/* expected error code */
	const char	*err;		/* expected error text */
};

static const struct rcase rcases[] = {
	/* added fields, in order, after the existing ones */
	{ "", 0, 0, NULL, NULL, D M F, { NULL }, 0, NULL },
	{ "Subject: hi\r\n", 0, 0, NULL, NULL, "Subject: hi\r\n" D M F,
	  { NULL }, 0, NULL },
	{ "Subject: no final CRLF", 0, 0, NULL, NULL,
	  "Subject: no final CRLF\r\n" D M F, { NULL }, 0, NULL },
	{ HAVE, 0, 0, NULL, NULL, HAVE, { NULL }, 0, NULL },
	{ "FROM: x@y\r\ndate: d\r\nmessage-id: <a@b>\r\n", 0, 0, NULL, NULL,
	  "FROM: x@y\r\ndate: d\r\nmessage-id: <a@b>\r\n", { NULL }, 0, NULL },
	{ "From: x@y\r\n", 0, 0, NULL, NULL, "From: x@y\r\n" D M, { NULL }, 0,
	  NULL },
	{ "Message-ID: <k@y>\r\n", 0, 0, NULL, NULL,
	  "Message-ID: <k@y>\r\n" D F, { NULL }, 0, NULL },
	{ "X-Date: no\r\nFromage: no\r\nMessage-IDs: no\r\n", 0, 0, NULL,
	  NULL, "X-Date: no\r\nFromage: no\r\nMessage-IDs: no\r\n" D M F,
	  { NULL }, 0, NULL },
	/* Bcc removed, all of them, with their continuation lines */
	{ HAVE "To: a@x\r\nBcc: secret@x,\r\n  other@x\r\nSubject: s\r\n"
	  "BCC: more@x\r\nbcc:\r\n", 0, 0, NULL, NULL,
	  HAVE "To: a@x\r\nSubject: s\r\n", { NULL }, 0, NULL },
	{ "Bcc: only@x", 0, 0, NULL, NULL, D M F, { NULL }, 0, NULL },
	/* obsolete "Name WSP :": the field it names, written "Name:" */
	{ HAVE "Bcc :x@example.org\r\nTo : a@x\r\nBCC\t: y@x,\r\n z@x\r\n"
	  "Subject \t : s\r\n", 0, 0, NULL, NULL,
	  HAVE "To: a@x\r\nSubject: s\r\n", { NULL }, 0, NULL },
	{ "To : a@x\r\nCc\t:b@x\r\nBcc  : c@x\r\n", 0, 1, NULL, NULL,
	  "To: a@x\r\nCc:b@x\r\n" D M F, { "a@x", "b@x", "c@x" }, 0, NULL },
	{ "Date : d\r\nMessage-ID : <a@b>\r\nFrom : x@y\r\n", 0, 0, NULL,
	  NULL, "Date: d\r\nMessage-ID: <a@b>\r\nFrom: x@y\r\n", { NULL }, 0,
	  NULL },
	{ HAVE "To : John <john@x\r\n", 0, 1, NULL, NULL, NULL, { NULL },
	  EX_DATAERR, "header 'To': unbalanced '<'" },
	{ HAVE "Bcc-Not: kept\r\nX-Bcc: kept\r\n", 0, 0, NULL, NULL,
	  HAVE "Bcc-Not: kept\r\nX-Bcc: kept\r\n", { NULL }, 0, NULL },
	/* -t: To, Cc and Bcc, all occurrences, duplicates once */
	{ HAVE "To: A <a@x>, b@x\r\nCc: c@x\r\nBcc: d@x\r\n", 0, 1, NULL,
	  NULL, HAVE "To: A <a@x>, b@x\r\nCc: c@x\r\n",
	  { "a@x", "b@x", "c@x", "d@x" }, 0, NULL },
	{ HAVE "To: a@x\r\nTO: A@X, b@x\r\ncc: B@x\r\n", 0, 1, NULL, NULL,
	  HAVE "To: a@x\r\nTO: A@X, b@x\r\ncc: B@x\r\n", { "a@x", "b@x" }, 0,
	  NULL },
	{ HAVE "To: a@x,\r\n \"Doe, J\" <j@x>\r\n", 0, 1, NULL, NULL,
	  HAVE "To: a@x,\r\n \"Doe, J\" <j@x>\r\n", { "a@x", "j@x" }, 0,
	  NULL },
	{ HAVE "To: undisclosed-recipients:;\r\nBcc: hidden@x\r\n", 0, 1,
	  NULL, NULL, HAVE "To: undisclosed-recipients:;\r\n",
	  { "hidden@x" }, 0, NULL },
	{ HAVE "X-Resent-To: r@x\r\nTo-Do: t@x\r\nReply-To: p@x\r\nTo:t@x\r\n",
	  0, 1, NULL, NULL,
	  HAVE "X-Resent-To: r@x\r\nTo-Do: t@x\r\nReply-To: p@x\r\nTo:t@x\r\n",
	  { "t@x" }, 0, NULL },
	/* a resent message: -t reads Resent-To/Cc/Bcc only (sendmail) */
	{ HAVE "Resent-To: r@x\r\nTo-Do: t@x\r\nReply-To: p@x\r\nTo:t@x\r\n",
	  0, 1, NULL, NULL,
	  HAVE "Resent-To: r@x\r\nTo-Do: t@x\r\nReply-To: p@x\r\nTo:t@x\r\n",
	  { "r@x" }, 0, NULL },
	{ HAVE "To: t@x\r\nCc: c@x\r\nBcc: b@x\r\nResent-Cc: rc@x\r\n"
	  "resent-bcc: rb@x,\r\n rb2@x\r\nRESENT-TO : rt@x\r\n", 0, 1, NULL,
	  NULL, HAVE "To: t@x\r\nCc: c@x\r\nResent-Cc: rc@x\r\n"
	  "RESENT-TO: rt@x\r\n", { "rc@x", "rb@x", "rb2@x", "rt@x" }, 0,
	  NULL },
	{ "Resent-Date: d\r\nTo: t@x\r\n", 0, 1, NULL, NULL,
	  "Resent-Date: d\r\nTo: t@x\r\n" D M F, { NULL }, 0, NULL },
	{ "Resent-Message-ID: <m@x>\r\nResent-Foo: no\r\n", 0, 1, NULL,
	  NULL, "Resent-Message-ID: <m@x>\r\nResent-Foo: no\r\n" D M F,
	  { NULL }, 0, NULL },
	{ "Resent-Foo: not resent\r\nTo: t@x\r\n", 0, 1, NULL, NULL,
	  "Resent-Foo: not resent\r\nTo: t@x\r\n" D M F, { "t@x" }, 0,
	  NULL },
	/* Resent-Bcc is removed like Bcc, with or without -t */
	{ HAVE "Resent-From: r@x\r\nResent-Bcc: hidden@x\r\n"
	  "Resent-Bcc-Not: kept\r\n", 0, 0, NULL, NULL,
	  HAVE "Resent-From: r@x\r\nResent-Bcc-Not: kept\r\n", { NULL }, 0,
	  NULL },
	{ HAVE "Resent-To: a@x\r\nResent-Bcc: \"open\r\n", 0, 1, NULL, NULL,
	  NULL, { NULL }, EX_DATAERR,
	  "header 'Resent-Bcc': unterminated quoted string" },
	{ "To: a@x\r\nBcc: b@x", 0, 1, NULL, NULL, "To: a@x\r\n" D M F,
	  { "a@x", "b@x" }, 0, NULL },
	/* without -t, address syntax is not our business */
	{ HAVE "To: John <john@x\r\n", 0, 0, NULL, NULL,
	  HAVE "To: John <john@x\r\n", { NULL }, 0, NULL },
	/* -t errors name the header as written */
	{ HAVE "To: John <john@x\r\n", 0, 1, NULL, NULL, NULL, { NULL },
	  EX_DATAERR, "header 'To': unbalanced '<'" },
	{ HAVE "cc: a@b@c\r\n", 0, 1, NULL, NULL, NULL, { NULL },
	  EX_DATAERR, "header 'cc': more than one '@'" },
	{ HAVE "Bcc: \"open\r\n", 0, 1, NULL, NULL, NULL, { NULL },
	  EX_DATAERR, "header 'Bcc': unterminated quoted string" },
	{ HAVE "To: a@x\r\n\tb@x\r\n", 0, 1, NULL, NULL, NULL, { NULL },
	  EX_DATAERR, "header 'To': expected ',' between addresses" },
	/* NUL bytes, with or without -t */
	{ "Subject: a\0b\r\n", 14, 0, NULL, NULL, NULL, { NULL }, EX_DATAERR,
	  "NUL byte in header 'Subject'" },
	{ "To: a@x\r\nBcc: a@x,\r\n b\0@x\r\n", 27, 1, NULL, NULL, NULL,
	  { NULL }, EX_DATAERR, "NUL byte in header 'Bcc'" },
	{ "X-\0: y\r\n", 8, 0, NULL, NULL, NULL, { NULL }, EX_DATAERR,
	  "NUL byte in header 'X-'" },
	/* not a header block at all */
	{ " leading\r\n", 0, 0, NULL, NULL, NULL, { NULL }, EX_DATAERR,
	  "malformed header line ' leading'" },
	{ "Subject: x\r\nno colon\r\n", 0, 0, NULL, NULL, NULL, { NULL },
	  EX_DATAERR, "malformed header line 'no colon'" },
	/* the null sender: no From is made up */
	{ "", 0, 0, "", NULL, D M, { NULL }, 0, NULL },
	{ "", 0, 0, "<>", "Name", D M, { NULL }, 0, NULL },
	/* From with a -F name */
	{ HAVE, 0, 0, NULL, NULL, HAVE, { NULL }, 0, NULL },
	{ "", 0, 0, "<me@example.org>", NULL, D M F, { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "John Doe", D M
	  "From: John Doe <me@example.org>\r\n", { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "  John  Doe  ", D M
	  "From: John  Doe <me@example.org>\r\n", { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "   ", D M F, { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "", D M F, { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "Doe, John", D M
	  "From: \"Doe, John\" <me@example.org>\r\n", { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "J. Doe", D M
	  "From: \"J. Doe\" <me@example.org>\r\n", { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "a \"b\" \\c", D M
	  "From: \"a \\\"b\\\" \\\\c\" <me@example.org>\r\n", { NULL }, 0,
	  NULL },
	{ "", 0, 0, NULL, "=?x?=", D M
	  "From: \"=?x?=\" <me@example.org>\r\n", { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "O'Brien-Smith", D M
	  "From: O'Brien-Smith <me@example.org>\r\n", { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "J\xc3\xb6rg M\xc3\xbcller", D M
	  "From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <me@example.org>\r\n",
	  { NULL }, 0, NULL },
	{ "", 0, 0, NULL, "\"Stra\xc3\x9f" "e\"", D M
	  "From: =?UTF-8?B?IlN0cmHDn2Ui?= <me@example.org>\r\n", { NULL }, 0,
	  NULL },
	/* -F and -f that cannot be written */
	{ "", 0, 0, NULL, "Evil\r\nBcc: x@y", NULL, { NULL }, EX_USAGE,
	  "line break" },
	{ "", 0, 0, NULL, "Evil\nBcc: x@y", NULL, { NULL }, EX_USAGE,
	  "line break" },
	{ "", 0, 0, NULL, "Bell\x07", NULL, { NULL }, EX_USAGE,
	  "control character 0x07" },
	{ "", 0, 0, NULL, "Tab\there", NULL, { NULL }, EX_USAGE,
	  "control character 0x09" },
	{ "", 0, 0, NULL, "Latin1 J\xf6rg", NULL, { NULL }, EX_USAGE,
	  "not valid UTF-8" },
	{ "", 0, 0, NULL, "overlong \xc0\xaf", NULL, { NULL }, EX_USAGE,
	  "not valid UTF-8" },
	{ "", 0, 0, NULL, "surrogate \xed\xa0\x80", NULL, { NULL },
	  EX_USAGE, "not valid UTF-8" },
	{ "", 0, 0, NULL, "cut \xe2\x82", NULL, { NULL }, EX_USAGE,
	  "not valid UTF-8" },
	{ "", 0, 0, "me@example.org\r\nBcc: x@y", NULL, NULL, { NULL },
	  EX_USAGE, "From header: invalid address" },
	{ "", 0, 0, "a b@example.org", NULL, NULL, { NULL }, EX_USAGE,
	  "unquoted space" },
};

static void
default_policy(struct hdr_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->from = "me@example.org";
	p->msgid_domain = "host.example";
	p->unique = "u1.2";
	p->now = NOW;
}

static void
test_rewrite_case(const struct rcase *c)
{
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct addr_list l = { NULL, 0 };
	struct err e;
	size_t len = c->len ? c->len : strlen(c->in), n = 0, i, off;
	int rc;

	default_policy(&pol);
	pol.read_rcpts = c->t;
	if (c->from != NULL)
		pol.from = c->from;
	pol.fullname = c->name;
	err_clear(&e);
	rc = hdr_rewrite(c->in, len, &pol, &out, &l, &e);
	if (c->want == NULL) {
		T_OK(rc == -1, "rewrite [%s]: no error, expected '%s'", c->in,
		    c->err);
		T_EQ_INT(e.code, c->code);
		T_OK(strstr(e.msg, c->err) != NULL, "rewrite [%s]: error "
		    "'%s', expected '%s'", c->in, e.msg, c->err);
		T_OK(strpbrk(e.msg, "\r\n\x07") == NULL, "raw bytes in '%s'",
		    e.msg);
		goto done;
	}
	T_OK(rc == 0, "rewrite [%s] failed: %s", c->in, e.msg);
	T_EQ_MEM(out.len ? out.p : "", out.len, c->want, strlen(c->want));
	while (n < 6 && c->rcpts[n] != NULL)
		n++;
	T_OK(l.n == n, "rewrite [%s]: %zu recipients, expected %zu", c->in,
	    l.n, n);
	for (i = 0; i < n && i < l.n; i++)
		T_EQ_STR(l.v[i], c->rcpts[i]);
	/* the output is itself a complete header block */
	hdr_buf_add(&out, "\r\n", 2);
	T_EQ_INT(hdr_split(out.p, out.len, 1, &off), (long)out.len - 2);
done:
	hdr_buf_free(&out);
	addr_list_free(&l);
}

/* ---- Date and Message-ID ----------------------------------------------- */

struct dcase {
	time_t		 now;
	int		 tzoff;
	const char	*want;		/* NULL: error */
};

static const struct dcase dcases[] = {
	{ NOW, 0, "Sat, 28 Nov 2026 01:30:00 +0000" },
	{ 1709251199, 0, "Thu, 29 Feb 2024 23:59:59 +0000" },
	{ 1709251199, 60, "Fri, 1 Mar 2024 00:59:59 +0100" },
	{ 1709251199, -330, "Thu, 29 Feb 2024 18:29:59 -0530" },
	{ 1767226200, -210, "Wed, 31 Dec 2025 20:40:00 -0330" },
	{ 951868800, 345, "Wed, 1 Mar 2000 05:45:00 +0545" },
	{ 0, 0, "Thu, 1 Jan 1970 00:00:00 +0000" },
	{ NOW, 6000, NULL },
	{ NOW, -6000, NULL },
	{ 253402300799, 0, "Fri, 31 Dec 9999 23:59:59 +0000" },
	{ 253402300799, 1, NULL },		/* year 10000 */
	{ (time_t)-1, -1, "Wed, 31 Dec 1969 23:58:59 -0001" },
	{ -2208988801, 0, NULL },		/* 1899 */
	{ (time_t)-9000000000000000000LL, 0, NULL },
};

static void
test_date(void)
{
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct err e;
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
		default_policy(&pol);
		pol.now = dcases[i].now;
		pol.tzoff_min = dcases[i].tzoff;
		out.len = 0;
		if (dcases[i].want == NULL) {
			T_EQ_INT(hdr_rewrite(&HAVE[9], strlen(HAVE) - 9, &pol,
			    &out, NULL, &e), -1);
			T_EQ_INT(e.code, EX_SOFTWARE);
			continue;
		}
		T_EQ_INT(hdr_rewrite("Message-ID: <a@b>\r\nFrom: x@y\r\n", 30,
		    &pol, &out, NULL, &e), 0);
		snprintf(want, sizeof(want), "Message-ID: <a@b>\r\nFrom: x@y"
		    "\r\nDate: %s\r\n", dcases[i].want);
		T_EQ_MEM(out.p, out.len, want, strlen(want));
	}
	hdr_buf_free(&out);
}

static void
test_msgid(void)
{
	static const char *bad[] = { "", "a b", "a>b", "a@b", "x\r\ny",
	    "<x>", NULL };
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct err e;
	size_t i;

	default_policy(&pol);
	pol.msgid_domain = "[192.0.2.1]";
	T_EQ_INT(hdr_rewrite("Date: d\r\nFrom: f@x\r\n", 20, &pol, &out,
	    NULL, &e), 0);
	T_OK(out.p != NULL && strstr(out.p, "\r\nMessage-ID: <u1.2@[192.0.2."
	    "1]>\r\n") != NULL, "literal domain: %s", out.p);
	for (i = 0; i <= sizeof(bad) / sizeof(bad[0]); i++) {
		default_policy(&pol);
		if (i < sizeof(bad) / sizeof(bad[0]))
			pol.unique = bad[i];
		else
			pol.msgid_domain = "bad domain";
		out.len = 0;
		T_EQ_INT(hdr_rewrite("", 0, &pol, &out, NULL, &e), -1);
		T_EQ_INT(e.code, EX_SOFTWARE);
		T_OK(strstr(e.msg, "Message-ID") != NULL, "%s", e.msg);
	}
	hdr_buf_free(&out);
}

/* ---- the From field with long and non-ASCII names ---------------------- */

static int
b64val(char c)
{
	const char *a =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(a, c) : NULL;

	return p ? (int)(p - a) : -1;
}

/* decode base64 s[0..n) into out; -1 on bad input */
static long
b64dec(const char *s, size_t n, unsigned char *out)
{
	size_t i, o = 0;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		int a = b64val(s[i]), b = b64val(s[i + 1]);
		int c = s[i + 2] == '=' ? 0 : b64val(s[i + 2]);
		int d = s[i + 3] == '=' ? 0 : b64val(s[i + 3]);

		if (a < 0 || b < 0 || c < 0 || d < 0)
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		if (s[i + 2] != '=')
			out[o++] = (unsigned char)(b << 4 | c >> 2);
		if (s[i + 3] != '=')
			out[o++] = (unsigned char)(c << 6 | d);
	}
	return (long)o;
}

/* starts with a UTF-8 continuation byte: a character was split */
static int
starts_mid_char(const unsigned char *p, long n)
{
	return n > 0 && (p[0] & 0xc0) == 0x80;
}

/*
 * Write From for name; check the lines fit, unfold, and get the display
 * name back (decoding encoded words, unquoting).
 */
static void
check_from(const char *name, int want_encoded)
{
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct err e;
	char unf[4096], got[4096];
	size_t i, u = 0, g = 0, col = 0, maxcol = 0;
	const char *p, *lt;

	default_policy(&pol);
	pol.fullname = name;
	T_EQ_INT(hdr_rewrite(&HAVE[9], strlen(HAVE) - 9 - 11, &pol, &out,
	    NULL, &e), 0);
	p = strstr(out.p, "From: ");
	T_OK(p != NULL, "no From in %s", out.p);
	if (p == NULL)
		return;
	/* line lengths, and unfolding: CRLF before WSP is removed */
	for (i = 0; p[i] != '\0' && u < sizeof(unf) - 1; i++) {
		if (p[i] == '\r' && p[i + 1] == '\n') {
			if (col > maxcol)
				maxcol = col;
			col = 0;
			if (p[i + 2] != '\0')
				T_OK(p[i + 2] == ' ', "fold without space");
			i++;
			continue;
		}
		col++;
		unf[u++] = p[i];
	}
	unf[u] = '\0';
	T_OK(maxcol <= 78, "From line of %zu columns for '%s'", maxcol, name);
	lt = strrchr(unf, '<');
	T_OK(lt != NULL && strcmp(lt, "<me@example.org>") == 0, "addr: %s",
	    unf);
	if (lt == NULL)
		return;
	p = unf + 6;
	T_EQ_INT(strncmp(p, "=?UTF-8?B?", 10) == 0, want_encoded);
	while (p < lt - 1) {
		if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
			const char *end = strstr(p + 10, "?=");
			long n;

			T_OK(end != NULL && end - p <= 75, "encoded word");
			if (end == NULL)
				break;
			n = b64dec(p + 10, (size_t)(end - p - 10),
			    (unsigned char *)got + g);
			T_OK(n > 0 && !starts_mid_char((unsigned char *)got + g,
			    n), "bad encoded word in %s", unf);
			g += n > 0 ? (size_t)n : 0;
			p = end + 2;
			if (*p == ' ')
				p++;	/* between encoded words: ignored */
		} else if (*p == '"') {
			for (p++; *p != '"' && *p != '\0'; p++) {
				if (*p == '\\')
					p++;
				got[g++] = *p;
			}
			p++;
		} else
			got[g++] = *p++;
	}
	got[g] = '\0';
	T_OK(strcmp(got, name) == 0, "name '%s' came back as '%s'", name,
	    got);
	hdr_buf_free(&out);
}

static void
test_from_names(void)
{
	char name[600];
	size_t i;

	check_from("John Doe", 0);
	check_from("Doe, John Q.", 0);
	check_from("J\xc3\xb6rg M\xc3\xbcller", 1);
	/* 60 two-byte characters: 120 bytes, several encoded words */
	for (i = 0; i < 60; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[120] = '\0';
	check_from(name, 1);
	/* 3- and 4-byte characters never split between words */
	for (i = 0; i < 40; i++)
		memcpy(name + 7 * i, i % 2 ? "\xe2\x82\xac" "abc" "d" :
		    "\xf0\x9f\x98\x80" "ab" "c", 7);
	name[280] = '\0';
	check_from(name, 1);
	/* long ASCII names with spaces fold at the spaces */
	name[0] = '\0';
	for (i = 0; i < 30; i++)
		strlcat(name, i ? " Word" : "Word", sizeof(name));
	check_from(name, 0);
	strlcat(name, ", Jr.", sizeof(name));
	check_from(name, 0);
	/* runs of spaces are kept (quoted), folding before a run */
	name[0] = '\0';
	for (i = 0; i < 20; i++)
		strlcat(name, i ? "  Wo:rd" : "Wo:rd", sizeof(name));
	check_from(name, 0);
	memset(name, ' ', 100);
	memcpy(name, "A", 1);
	memcpy(name + 99, "B", 2);
	check_from(name, 1);
	/* a word too long for one line is encoded */
	memset(name, 'x', 100);
	name[100] = '\0';
	check_from(name, 1);
	memset(name, '"', 40);
	name[40] = '\0';
	check_from(name, 1);
}

static void
test_has(void)
{
	static const char b[] = "Subject: s\r\nX-Bcc: y\r\n folded-Bcc: z\r\n"
	    "to: a@b\r\nDate: now";

	T_OK(hdr_has(b, sizeof(b) - 1, "subject"), "subject");
	T_OK(hdr_has(b, sizeof(b) - 1, "TO"), "to");
	T_OK(hdr_has(b, sizeof(b) - 1, "Date"), "last line, no CRLF");
	T_OK(!hdr_has(b, sizeof(b) - 1, "Bcc"), "not in a value or fold");
	T_OK(!hdr_has(b, sizeof(b) - 1, "folded-Bcc"), "continuation");
	T_OK(!hdr_has(b, sizeof(b) - 1, "Subj"), "prefix");
	T_OK(!hdr_has(b, 20, "to"), "length respected");
	T_OK(!hdr_has("", 0, "Date"), "empty");
}

/* hdr_get: the first field's value, folding kept, obsolete names too */
static void
test_get(void)
{
	static const struct { const char *block, *name, *want; } g[] = {
		{ "From: a@b\r\n", "From", " a@b" },
		{ "from:a@b", "FROM", "a@b" },
		{ "X: 1\r\nFrom : Ann\r\n <a@b>\r\nFrom: second\r\n", "From",
		  " Ann\r\n <a@b>" },
		{ "From\t \t:x\r\n", "From", "x" },
		{ "Message-ID:\r\n\t<id@x>\r\n", "Message-ID", "\r\n\t<id@x>" },
		{ "Subject: From: no\r\n", "From", NULL },
		{ "X-From: no\r\nFromage: no\r\n", "From", NULL },
		{ "Subject: s\r\n From: folded, not a field\r\n", "From",
		    NULL },
	};
	const char *v;
	size_t i, n;

	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		int found = hdr_get(g[i].block, strlen(g[i].block), g[i].name,
		    &v, &n);

		T_OK(found == (g[i].want != NULL), "get [%s] %s: found %d",
		    g[i].block, g[i].name, found);
		if (found && g[i].want != NULL)
			T_EQ_MEM(v, n, g[i].want, strlen(g[i].want));
	}
}

static void
test_buf(void)
{
	struct hdr_buf b = { NULL, 0, 0 };
	size_t i;

	hdr_buf_add(&b, "", 0);
	T_OK(b.p != NULL && b.len == 0 && b.p[0] == '\0', "empty add");
	for (i = 0; i < 1000; i++)
		hdr_buf_add(&b, "0123456789", 10);
	T_EQ_INT(b.len, 10000);
	T_OK(b.cap > b.len && b.p[b.len] == '\0', "terminated");
	T_EQ_MEM(b.p + 9990, 10, "0123456789", 10);
	hdr_buf_free(&b);
	T_OK(b.p == NULL && b.len == 0 && b.cap == 0, "freed");
}

/* msmtp's header keywords: set_*_header, remove_bcc_headers,
   set_to_header (set_to) */
static void
one_policy(const char *in, int set_from, int set_date, int set_msgid,
    int keep_bcc, int set_to, const char *want, size_t nrcpt)
{
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct addr_list l = { NULL, 0 };
	struct err e;

	default_policy(&pol);
	pol.read_rcpts = 1;
	pol.set_from = set_from;
	pol.set_date = set_date;
	pol.set_msgid = set_msgid;
	pol.keep_bcc = keep_bcc;
	pol.set_to = set_to;
	T_EQ_INT(hdr_rewrite(in, strlen(in), &pol, &out, &l, &e), 0);
	T_EQ_MEM(out.len ? out.p : "", out.len, want, strlen(want));
	T_EQ_INT((long)l.n, (long)nrcpt);
	hdr_buf_free(&out);
	addr_list_free(&l);
}

static void
test_policies(void)
{
	static const char in[] = "From: Old <old@example.org>\r\n"
	    "To: a@x\r\nCc: b@x\r\nBcc: c@x\r\nSubject: s\r\n";

	one_policy(in, HDR_ON, HDR_AUTO, HDR_AUTO, 0, 0,
	    "To: a@x\r\nCc: b@x\r\nSubject: s\r\n" D M F, 3);
	one_policy(in, HDR_OFF, HDR_OFF, HDR_OFF, 0, 0,
	    "From: Old <old@example.org>\r\nTo: a@x\r\nCc: b@x\r\n"
	    "Subject: s\r\n", 3);
	one_policy("Subject: s\r\n", HDR_OFF, HDR_OFF, HDR_OFF, 0, 0,
	    "Subject: s\r\n", 0);
	one_policy(in, HDR_AUTO, HDR_OFF, HDR_AUTO, 1, 0,
	    "From: Old <old@example.org>\r\nTo: a@x\r\nCc: b@x\r\n"
	    "Bcc: c@x\r\nSubject: s\r\n" M, 3);
	one_policy(in, HDR_AUTO, HDR_AUTO, HDR_AUTO, 0, HDR_TO_UNDISCLOSED,
	    "From: Old <old@example.org>\r\nSubject: s\r\n"
	    "To: undisclosed-recipients:;\r\n" D M, 3);
	/* set_to_header on: To/Cc/Bcc out (Bcc even when kept), one To with
	   the recipients -t read; Resent-To/Cc stay (msmtp keeps them) */
	one_policy(in, HDR_AUTO, HDR_AUTO, HDR_AUTO, 1, HDR_TO_ON,
	    "From: Old <old@example.org>\r\nSubject: s\r\n"
	    "To: a@x, b@x, c@x\r\n" D M, 3);
	one_policy("Subject: s\r\nResent-To: r@x\r\nTo: t@x\r\n", HDR_OFF,
	    HDR_OFF, HDR_OFF, 0, HDR_TO_ON,
	    "Subject: s\r\nResent-To: r@x\r\nTo: r@x\r\n", 1);
	/* no recipients: no To at all */
	one_policy("To: undisclosed-recipients:;\r\n", HDR_OFF, HDR_OFF,
	    HDR_OFF, 0, HDR_TO_ON, "", 0);
}

/* set_to_header on: the envelope hook runs once, before the To */
static void
grow(void *ctx, struct addr_list *rcpts)
{
	(*(int *)ctx)++;
	addr_list_add(rcpts, "added@example.net");
}

static void
test_set_to(void)
{
	static const char *const four[] = { "aaaaaaaaaaaaaaaaaaaa@example.com",
	    "bbbbbbbbbbbbbbbbbbbb@example.com", "c@x",
	    "dddddddddddddddddddddddddddddddddddddd@example.com" };
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct addr_list l = { NULL, 0 };
	struct err e;
	size_t i;
	int calls = 0;

	default_policy(&pol);
	pol.set_from = pol.set_date = pol.set_msgid = HDR_OFF;
	pol.set_to = HDR_TO_ON;
	pol.envelope = grow;
	pol.envelope_ctx = &calls;
	for (i = 0; i < 4; i++)
		addr_list_add(&l, four[i]);
	T_EQ_INT(hdr_rewrite("To: x@y\r\n", 9, &pol, &out, &l, &e), 0);
	T_EQ_INT(calls, 1);
	/* folded before an address that would pass column 78 */
	T_EQ_STR(out.p, "To: aaaaaaaaaaaaaaaaaaaa@example.com, "
	    "bbbbbbbbbbbbbbbbbbbb@example.com, c@x,\r\n"
	    " dddddddddddddddddddddddddddddddddddddd@example.com, "
	    "added@example.net\r\n");
	hdr_buf_free(&out);
	/* off and undisclosed never call it */
	pol.set_to = HDR_TO_UNDISCLOSED;
	T_EQ_INT(hdr_rewrite("To: x@y\r\n", 9, &pol, &out, &l, &e), 0);
	T_EQ_INT(calls, 1);
	T_EQ_STR(out.p, "To: undisclosed-recipients:;\r\n");
	hdr_buf_free(&out);
	addr_list_free(&l);
}

/* the sender field of --read-envelope-from and %F (msmtp 1.8.26) */
static void
one_sender(const char *in, const char *want)
{
	const char *v = NULL;
	size_t n = 0;
	int found = hdr_get_sender(in, strlen(in), &v, &n);

	T_EQ_INT(found, want != NULL);
	if (found && want != NULL)
		T_EQ_MEM(v, n, want, strlen(want));
}

static void
test_sender(void)
{
	one_sender("Subject: s\r\nFrom: a@x\r\nFrom: b@x\r\n", " a@x");
	one_sender("Resent-From: r@x\r\nFrom: a@x\r\n", " r@x");
	one_sender("resent-date: d\r\nRESENT-FROM :r@x\r\nFrom: a@x\r\n",
	    "r@x");
	/* after the From: not used */
	one_sender("From: a@x\r\nResent-From: r@x\r\n", " a@x");
	/* the newest (first) block only; a later block's is not used */
	one_sender("Resent-From: r1@x\r\nResent-To: t@x\r\nReceived: x\r\n"
	    "Resent-From: r2@x\r\nFrom: a@x\r\n", " r1@x");
	one_sender("Resent-To: t@x\r\nReceived: x\r\nResent-From: r2@x\r\n"
	    "From: a@x\r\n", " a@x");
	/* an empty From is skipped, as msmtp does */
	one_sender("From:\r\nFrom:  \r\n \r\nFrom: b@x\r\n", " b@x");
	one_sender("From: \r\nSubject: s\r\n", NULL);
	one_sender("Resent-To: t@x\r\n", NULL);
	one_sender("", NULL);
	one_sender("From: a@x,\r\n b@x\r\n", " a@x,\r\n b@x");
}

/* ---- local mail (hdrlocal.c) -------------------------------------------- */

#define ME	"<me@example.org>"

struct lcase {
	const char	*in;
	int		 dom;		/* 1: domain d.example */
	int		 admin;		/* 1: admin adm@example.org */
	int		 set_from;
	int		 keep_bcc;
	const char	*from;		/* NULL: me@example.org */
	const char	*want;		/* exact output, or NULL on error */
	const char	*err;
};

static const struct lcase lcases[] = {
	/* cron's From, both forms: the sender's address, who wrote kept */
	{ "From: root (Cron Daemon)\r\nTo: root\r\n", 0, 1, HDR_AUTO, 0,
	  NULL, "From: \"Cron Daemon (root)\" " ME "\r\n"
	  "To: admin@example.net\r\n", NULL },
	{ "From: Cron Daemon <root>\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: \"Cron Daemon (root)\" " ME "\r\n", NULL },
	{ "From: root\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: root " ME "\r\n", NULL },
	{ "From: root\r\n (Cron\r\n Daemon)\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: \"Cron Daemon (root)\" " ME "\r\n", NULL },
	{ "From: \"Cron, Daemon\" <cron>\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: \"Cron, Daemon (cron)\" " ME "\r\n", NULL },
	{ "From: \"A \\\"B\\\" (c)\" <x>\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: \"A \\\"B\\\" (c) (x)\" " ME "\r\n", NULL },
	{ "From: root (outer (inner) end)\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: \"outer (inner) end (root)\" " ME "\r\n", NULL },
	{ "From: =?UTF-8?B?w4lyaWM=?= <eric>\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: =?UTF-8?B?w4lyaWM=?= (eric) " ME "\r\n", NULL },
	{ "From: Ren\xc3\xa9 <rene>\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: =?UTF-8?B?UmVuw6kgKHJlbmUp?= " ME "\r\n", NULL },
	/* a name that is not UTF-8 is dropped, the address stays */
	{ "From: root (\xff)\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: root " ME "\r\n", NULL },
	{ "From: Fr.\xbcorg\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: me@example.org\r\n", NULL },	/* fuzz_hdr */
	/* a qualified From is not touched, nor one with a domain-less
	   second mailbox after a qualified one... it is: one mailbox */
	{ "From: Alice <alice@example.org>\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: Alice <alice@example.org>\r\n", NULL },
	{ "From: a@example.org, root\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "From: root " ME "\r\n", NULL },
	/* set_from_header on: msmtp's rule, off: as written */
	{ "From: root (Cron Daemon)\r\n", 0, 1, HDR_ON, 0, NULL,
	  "From: me@example.org\r\n", NULL },
	{ "From: root (Cron Daemon)\r\n", 0, 1, HDR_OFF, 0, NULL,
	  "From: root (Cron Daemon)\r\n", NULL },
	/* the null sender: nothing to put in From */
	{ "From: root\r\n", 0, 1, HDR_AUTO, 0, "<>", "From: root\r\n", NULL },
	/* recipients: aliases, then the domain, then the admin address */
	{ "To: staff, x@example.net\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "To: a@example.net, b@example.net, x@example.net\r\n" F, NULL },
	{ "To: www-data\r\nCc: Ops <ops> (night)\r\n", 1, 1, HDR_AUTO, 0,
	  NULL, "To: www-data@d.example\r\n"
	  "Cc: Ops <ops@d.example> (night)\r\n" F, NULL },
	{ "TO :nobody\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "TO:adm@example.org\r\n" F, NULL },
	{ "To: team: root, x@y.example;\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "To: team: admin@example.net, x@y.example;\r\n" F, NULL },
	{ "Resent-From: a@b.example\r\nResent-Cc: root\r\n", 0, 1, HDR_AUTO,
	  0, NULL, "Resent-From: a@b.example\r\n"
	  "Resent-Cc: admin@example.net\r\n" F, NULL },
	{ "Bcc: root\r\nTo: x@y.example\r\n", 0, 1, HDR_AUTO, 1, NULL,
	  "Bcc: admin@example.net\r\nTo: x@y.example\r\n" F, NULL },
	{ "Bcc: root\r\nTo: x@y.example\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "To: x@y.example\r\n" F, NULL },
	/* qualified only: byte for byte, folding and comments kept */
	{ "To: x@y.example (a),\r\n\tz@y.example\r\n", 0, 0, HDR_AUTO, 0,
	  NULL, "To: x@y.example (a),\r\n\tz@y.example\r\n" F, NULL },
	/* a rewritten mailbox that would pass column 78 starts a line */
	{ "To: aaaaaaaaaaaaaaaaaaaa@example.net, bbbbbbbbbbbbbbbbbbbb@example"
	  ".net, staff\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "To: aaaaaaaaaaaaaaaaaaaa@example.net, bbbbbbbbbbbbbbbbbbbb@example"
	  ".net, \r\n a@example.net, b@example.net\r\n" F, NULL },
	/* nowhere to send a bare name, a field that does not parse: as
	   written (the envelope's expansion reports the one, -t the other) */
	{ "To: nobody, root\r\n", 0, 0, HDR_AUTO, 0, NULL,
	  "To: nobody, root\r\n" F, NULL },
	{ "Cc: <root\r\nFrom: root (\r\n", 0, 1, HDR_AUTO, 0, NULL,
	  "Cc: <root\r\nFrom: root (\r\n", NULL },
};

static void
test_local_case(const struct alias_tab *tab, const struct lcase *c)
{
	struct alias_local loc = { NULL, NULL, NULL };
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct addr_list l = { NULL, 0 };
	struct err e;
	size_t off;
	int rc;

	default_policy(&pol);
	loc.tab = tab;
	loc.domain = c->dom ? "d.example" : NULL;
	loc.admin = c->admin ? "adm@example.org" : NULL;
	pol.local = &loc;
	pol.set_from = c->set_from;
	pol.set_date = pol.set_msgid = HDR_OFF;
	pol.keep_bcc = c->keep_bcc;
	if (c->from != NULL)
		pol.from = c->from;
	err_clear(&e);
	rc = hdr_rewrite(c->in, strlen(c->in), &pol, &out, &l, &e);
	if (c->want == NULL) {
		T_OK(rc == -1 && strstr(e.msg, c->err) != NULL, "local [%s]: "
		    "got '%s', expected '%s'", c->in, e.msg, c->err);
	} else {
		T_OK(rc == 0, "local [%s] failed: %s", c->in, e.msg);
		T_EQ_MEM(out.len ? out.p : "", out.len, c->want,
		    strlen(c->want));
		hdr_buf_add(&out, "\r\n", 2);
		T_EQ_INT(hdr_split(out.p, out.len, 1, &off),
		    (long)out.len - 2);
	}
	hdr_buf_free(&out);
	addr_list_free(&l);
}

/* -t reads the fields as written: the envelope expands them (alias.h) */
static void
test_local_rcpts(const struct alias_tab *tab)
{
	struct alias_local loc = { NULL, NULL, "adm@example.org" };
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct addr_list l = { NULL, 0 };
	struct err e;

	default_policy(&pol);
	loc.tab = tab;
	pol.local = &loc;
	pol.read_rcpts = 1;
	err_clear(&e);
	T_EQ_INT(hdr_rewrite("To: root, staff\r\n", 17, &pol, &out, &l, &e),
	    0);
	T_EQ_INT((long)l.n, 2);
	T_EQ_STR(l.v[0], "root");
	T_EQ_STR(l.v[1], "staff");
	hdr_buf_free(&out);
	addr_list_free(&l);
}

/* a display name longer than LIMIT_ADDR is dropped, never cut */
static void
test_local_long(void)
{
	struct alias_local loc = { NULL, NULL, "adm@example.org" };
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct err e;
	char in[LIMIT_ADDR + 64];
	size_t n;

	n = (size_t)snprintf(in, sizeof(in), "From: root (%0*d)\r\n",
	    LIMIT_ADDR + 1, 7);
	default_policy(&pol);
	pol.local = &loc;
	pol.set_date = pol.set_msgid = HDR_OFF;
	err_clear(&e);
	T_EQ_INT(hdr_rewrite(in, n, &pol, &out, NULL, &e), 0);
	T_EQ_STR(out.p, "From: root " ME "\r\n");
	hdr_buf_free(&out);
}

static void
test_local(void)
{
	static const char aliases[] = "root: admin@example.net\n"
	    "staff: a@example.net, b@example.net\n";
	struct alias_tab tab;
	struct err e;
	size_t i;

	err_clear(&e);
	T_EQ_INT(alias_parse(aliases, sizeof(aliases) - 1, "t", &tab, &e), 0);
	for (i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++)
		test_local_case(&tab, &lcases[i]);
	test_local_rcpts(&tab);
	test_local_long();
	alias_free(&tab);
}

/* golden files: split, then rewrite with -t, as the canonical dump */
static void
dump_head(const char *in, size_t len, FILE *f)
{
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct addr_list l = { NULL, 0 };
	struct err e;
	const char *nl;
	size_t body, i, j;
	long n;

	n = hdr_split(in, len, 1, &body);
	fprintf(f, "header block %ld bytes, body at %zu\n", n, body);
	default_policy(&pol);
	pol.read_rcpts = 1;
	err_clear(&e);
	if (n < 0 || hdr_rewrite(in, (size_t)n, &pol, &out, &l, &e) == -1)
		fprintf(f, "error %d: %s\n", e.code, e.msg);
	else {
		for (i = 0; i < l.n; i++)
			fprintf(f, "rcpt %s\n", l.v[i]);
		for (i = 0; i < out.len; i = j + 2) {
			nl = memmem(out.p + i, out.len - i, "\r\n", 2);
			j = nl != NULL ? (size_t)(nl - out.p) : out.len;
			fputs("| ", f);
			t_put_escaped(f, out.p + i, j - i);
			fputc('\n', f);
		}
	}
	hdr_buf_free(&out);
	addr_list_free(&l);
}

int
main(void)
{
	size_t i;

	test_policies();
	test_set_to();
	test_sender();
	for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++)
		test_split_case(&scases[i]);
	test_split_partial();
	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++)
		test_rewrite_case(&rcases[i]);
	test_date();
	test_msgid();
	test_from_names();
	test_has();
	test_get();
	test_buf();
	test_local();
	t_golden("tests/unit/data/hdr", dump_head);
	return t_done("t_hdr");
}
