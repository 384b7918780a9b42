/* SPDX-License-Identifier: ISC */
/*
 * hdr.c - PURE header-block scanner and rewrite policy.
 *
 * Contract (see hdr.h): hdr_split() finds where the header block of CRLF
 * input ends; hdr_rewrite() copies the block field by field, drops Bcc,
 * collects To/Cc/Bcc recipients for -t (through addr_list_parse), and adds
 * Date, Message-ID and From when they are missing; hdr_has() looks for a
 * field.  No I/O, no clock, no environment, no globals: the time, the
 * offset and the unique part come from the caller's policy.
 *
 * A field is a line "name:value" (name: printable ASCII other than ':'
 * and space, at least one byte, optionally followed by SP/HT before the
 * colon: RFC 5322 4.5) and the continuation lines that follow it
 * (starting with SP or HT).  The same line rules are used by all three
 * functions, so a block accepted by hdr_split() is always rewritable.
 *
 * The added From field: the display name is written as plain words when
 * it is printable ASCII without RFC 5322 specials, as a quoted string when
 * it has specials (or "=?", which readers could take for an encoded word),
 * and as RFC 2047 encoded words (intl.h's intl_ew_encode: =?UTF-8?B?...?=,
 * at most 45 bytes of text each, never splitting a UTF-8 character) when
 * it has non-ASCII bytes or a word too long for one line.  The field is
 * folded before a word that would pass column 78.  A name that is not
 * valid UTF-8 or holds control characters is refused (EX_USAGE, the -F
 * flag is at fault).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdr.h"
#include "hdr_int.h"
#include "intl.h"
#include "limit.h"
#include "path.h"

/* RFC 5322 2.1.1: lines SHOULD be no longer than 78 characters */
#define LINE_SOFT	HDR_LINE_SOFT
#define SHOW_MAX	(LIMIT_ERR_MSG / 4)
/* longest word of a display name written as is; longer ones are encoded */
#define WORD_MAX	(LINE_SOFT - (int)sizeof("From: <>"))
/* the Date field is written with a four-digit year */
#define YEAR_MAX	9999

/* ---- buffers ----------------------------------------------------------- */

void
hdr_buf_add(struct hdr_buf *b, const char *p, size_t n)
{
	size_t need, cap;

	if (n >= SIZE_MAX / 2 - b->len)		/* fails as out of memory */
		b->p = xreallocarray(b->p, SIZE_MAX / 2, 4);
	need = b->len + n + 1;
	if (need > b->cap) {
		cap = b->cap ? b->cap : LINE_SOFT;
		while (cap < need)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
hdr_buf_str(struct hdr_buf *b, const char *s)
{
	hdr_buf_add(b, s, strlen(s));
}

void
hdr_buf_free(struct hdr_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- lines and fields -------------------------------------------------- */

/* index of the CR of the next CRLF at or after pos, or len */
static size_t
line_end(const char *b, size_t len, size_t pos)
{
	const char *p;

	while (pos < len && (p = memchr(b + pos, '\r', len - pos)) != NULL) {
		pos = (size_t)(p - b);
		if (pos + 1 < len && b[pos + 1] == '\n')
			return pos;
		pos++;
	}
	return len;
}

/*
 * Is the line p[0..n) the start of a field?  1 yes ("name:" seen), 0 no,
 * -1 not known yet (only name bytes so far, the line may continue).
 * *namelen gets the length of the name, *colon the offset of the colon:
 * white space may stand between the two (RFC 5322 4.5, obs-optional:
 * field-name *WSP ":"), but not inside the name.
 */
static int
field_start(const char *p, size_t n, size_t *namelen, size_t *colon)
{
	size_t i, name = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ':') {
			*namelen = name > 0 ? name : i;
			*colon = i;
			return i > 0;
		}
		if (i > 0 && (c == ' ' || c == '\t')) {
			if (name == 0)
				name = i;	/* white space after the name */
			continue;
		}
		if (name > 0 || c <= ' ' || c >= 0x7f)
			return 0;
	}
	return -1;
}

struct field {
	const char	*p;		/* the name */
	size_t		 namelen;	/* 0: the line is not a field */
	size_t		 colon;		/* offset of the colon */
	size_t		 len;		/* up to the end of its last line */
	size_t		 next;		/* offset of what follows (after
					   CRLF) */
	int		 crlf;		/* the last line ends with CRLF */
};

/* the field at pos: first line plus continuation lines */
static void
field_at(const char *b, size_t len, size_t pos, struct field *f)
{
	size_t eol = line_end(b, len, pos);

	f->p = b + pos;
	if (field_start(b + pos, eol - pos, &f->namelen, &f->colon) != 1)
		f->namelen = f->colon = 0;
	while (eol < len && eol + 2 < len &&
	    (b[eol + 2] == ' ' || b[eol + 2] == '\t'))
		eol = line_end(b, len, eol + 2);
	f->len = eol - pos;
	f->crlf = eol < len;
	f->next = eol < len ? eol + 2 : len;
}

static int
name_is(const struct field *f, const char *name)
{
	return f->namelen > 0 && f->namelen == strlen(name) &&
	    strncasecmp(f->p, name, f->namelen) == 0;
}

long
hdr_split(const char *buf, size_t len, int complete, size_t *bodyoff)
{
	size_t pos = 0, eol, nl, colon;
	int st;

	for (;;) {
		if (pos == len) {
			if (!complete)
				return -1;
			*bodyoff = len;
			return (long)len;
		}
		eol = line_end(buf, len, pos);
		if (eol == pos) {		/* the empty line */
			*bodyoff = pos + 2;
			return (long)pos;
		}
		if (buf[pos] == ' ' || buf[pos] == '\t') {
			if (pos == 0) {		/* no field to continue */
				*bodyoff = 0;
				return 0;
			}
			st = 1;
		} else if (eol == len && !complete && buf[len - 1] == '\r')
			/* the CR of a CRLF may be here, its LF not yet */
			st = field_start(buf + pos, eol - pos - 1, &nl,
			    &colon);
		else
			st = field_start(buf + pos, eol - pos, &nl, &colon);
		if (st == 0 || (st == -1 && (eol < len || complete))) {
			*bodyoff = pos;		/* a body line */
			return (long)pos;
		}
		if (eol == len && !complete)
			return -1;		/* the line may go on */
		pos = eol < len ? eol + 2 : len;
	}
}

int
hdr_get(const char *block, size_t len, const char *name, const char **val,
    size_t *vlen)
{
	struct field f;
	size_t pos = 0;

	while (pos < len) {
		field_at(block, len, pos, &f);
		if (name_is(&f, name)) {
			*val = f.p + f.colon + 1;
			*vlen = f.len - f.colon - 1;
			return 1;
		}
		pos = f.next;
	}
	return 0;
}

/* a field whose value is blanks only (msmtp skips an empty From) */
static int
blank_value(const struct field *f)
{
	size_t i;

	for (i = f->colon + 1; i < f->len; i++)
		if (strchr(" \t\r\n", f->p[i]) == NULL)
			return 0;
	return 1;
}

int
hdr_get_sender(const char *block, size_t len, const char **val,
    size_t *vlen)
{
	struct field f;
	size_t pos = 0;
	int resent = -1;	/* -1 before, 0 in, 1 after the first block */

	for (; pos < len; pos = f.next) {
		field_at(block, len, pos, &f);
		if (f.namelen > 7 && strncasecmp(f.p, "Resent-", 7) == 0)
			resent = resent == -1 ? 0 : resent;
		else if (resent == 0)
			resent = 1;
		if (blank_value(&f) || !(name_is(&f, "From") ||
		    (resent == 0 && name_is(&f, "Resent-From"))))
			continue;
		*val = f.p + f.colon + 1;
		*vlen = f.len - f.colon - 1;
		return 1;
	}
	return 0;
}

int
hdr_has(const char *block, size_t len, const char *name)
{
	const char *v;
	size_t n;

	return hdr_get(block, len, name, &v, &n);
}

/* ---- added fields ------------------------------------------------------ */

/* "Date: Sat, 28 Nov 2026 01:30:00 +0000" from the policy, no locale */
static int
add_date(struct hdr_buf *out, time_t now, int tzoff, struct err *e)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	char line[sizeof("Date: Www, dd Mmm yyyy hh:mm:ss +hhmm\r\n")];
	struct tm tm;
	time_t t;
	int off = tzoff < 0 ? -tzoff : tzoff, n;

	if (off >= 100 * 60 ||		/* +hhmm has two digits of hours */
	    __builtin_add_overflow(now, (time_t)tzoff * 60, &t) ||
	    gmtime_r(&t, &tm) == NULL || tm.tm_year < 0 ||
	    tm.tm_year > YEAR_MAX - 1900 ||
	    tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11)
		return err_set(e, EX_SOFTWARE, "cannot write a Date header "
		    "for time %lld offset %d", (long long)now, tzoff);
	n = snprintf(line, sizeof(line), "Date: %s, %d %s %04d "
	    "%02d:%02d:%02d %c%02d%02d\r\n", days[tm.tm_wday], tm.tm_mday,
	    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, tzoff < 0 ? '-' : '+', off / 60, off % 60);
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(e, EX_SOFTWARE, "cannot write a Date header "
		    "for time %lld", (long long)now);
	hdr_buf_add(out, line, (size_t)n);
	return 0;
}

/* one side of a msg-id: printable ASCII, no specials that break <a@b> */
static int
msgid_part_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n == 0 || n > LIMIT_ADDR)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>@\"(),;:\\", s[i]) != NULL)
			return 0;
	return 1;
}

static int
add_msgid(struct hdr_buf *out, const struct hdr_policy *pol, struct err *e)
{
	char vis[SHOW_MAX], vis2[SHOW_MAX];

	if (!msgid_part_ok(pol->unique) || !msgid_part_ok(pol->msgid_domain)) {
		err_visible(vis, sizeof(vis), pol->unique ? pol->unique : "",
		    pol->unique ? strlen(pol->unique) : 0);
		err_visible(vis2, sizeof(vis2), pol->msgid_domain ?
		    pol->msgid_domain : "", pol->msgid_domain ?
		    strlen(pol->msgid_domain) : 0);
		return err_set(e, EX_SOFTWARE, "cannot write a Message-ID "
		    "from '%s' and domain '%s'", vis, vis2);
	}
	hdr_buf_str(out, "Message-ID: <");
	hdr_buf_str(out, pol->unique);
	hdr_buf_str(out, "@");
	hdr_buf_str(out, pol->msgid_domain);
	hdr_buf_str(out, ">\r\n");
	return 0;
}

enum name_form { NAME_PLAIN, NAME_QUOTED, NAME_ENCODED };

/* how the display name s[0..n) must be written; -1 if it cannot be */
static int
name_form(const char *s, size_t n, enum name_form *form, struct err *e)
{
	size_t i, k, run = 0;
	int specials = 0, high = 0;

	for (i = 0; i < n; i += k) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' || c == '\n')
			return err_set(e, EX_USAGE, "-F: full name contains "
			    "a line break");
		if (c < 0x20 || c == 0x7f)
			return err_set(e, EX_USAGE, "-F: full name contains "
			    "control character 0x%02x", c);
		if ((k = intl_utf8_len((const unsigned char *)s + i,
		    n - i)) == 0)
			return err_set(e, EX_USAGE, "-F: full name is not "
			    "valid UTF-8");
		high |= c >= 0x80;
		specials |= strchr("()<>[]:;@\\,.\"", c) != NULL ||
		    (c == '=' && i + 1 < n && s[i + 1] == '?');
		/*
		 * run: the spaces before a word and the word, as quoted
		 * (escapes double); one that cannot fit on a folded line
		 * is written as encoded words instead
		 */
		if (c == ' ' && i > 0 && s[i - 1] != ' ')
			run = 0;
		run += c == '"' || c == '\\' ? 2 : 1;
		if (run + 2 > WORD_MAX)
			high = 1;
	}
	*form = high ? NAME_ENCODED : specials ? NAME_QUOTED : NAME_PLAIN;
	return 0;
}

/*
 * The display name as space-separated words in *w: encoded words, or the
 * name itself (quoted when needed).  Folding may happen at any space.
 */
static void
name_words(struct hdr_buf *w, const char *s, size_t n, enum name_form form)
{
	size_t i, need;
	char *ew;

	if (form == NAME_PLAIN) {
		hdr_buf_add(w, s, n);
		return;
	}
	if (form == NAME_QUOTED) {
		hdr_buf_str(w, "\"");
		for (i = 0; i < n; i++) {
			if (s[i] == '"' || s[i] == '\\')
				hdr_buf_str(w, "\\");
			hdr_buf_add(w, s + i, 1);
		}
		hdr_buf_str(w, "\"");
		return;
	}
	need = intl_ew_encode(s, n, NULL, 0);
	ew = xmalloc(need + 1);
	intl_ew_encode(s, n, ew, need + 1);
	hdr_buf_add(w, ew, need);
	free(ew);
}

/*
 * Append s[0..n), which starts with a space, as pieces "spaces word";
 * fold (CRLF before the spaces) when a piece would pass LINE_SOFT.
 */
static void
put_folded(struct hdr_buf *out, const char *s, size_t n, size_t col)
{
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j < n && s[j] == ' '; j++)
			;
		for (; j < n && s[j] != ' '; j++)
			;
		if (i > 0 && col + (j - i) > LINE_SOFT) {
			hdr_buf_str(out, "\r\n");
			col = 0;
		}
		hdr_buf_add(out, s + i, j - i);
		col += j - i;
		i = j;
	}
}

/*
 * "From: name <addr>" (or "From: addr" without a name), CRLF, folded; addr
 * already checked.  An unusable name (control characters, not UTF-8) ->
 * EX_USAGE and nothing written.
 */
int
hdr_put_from(struct hdr_buf *out, const char *addr, const char *s, size_t n,
    struct err *e)
{
	struct hdr_buf w = { NULL, 0, 0 };
	enum name_form form = NAME_PLAIN;

	while (n > 0 && s[0] == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n > 0 && name_form(s, n, &form, e) == -1)
		return -1;
	hdr_buf_str(out, "From:");
	if (n == 0) {
		hdr_buf_str(out, " ");
		hdr_buf_str(out, addr);
		hdr_buf_str(out, "\r\n");
		return 0;
	}
	hdr_buf_str(&w, " ");
	name_words(&w, s, n, form);
	hdr_buf_str(&w, " <");
	hdr_buf_str(&w, addr);
	hdr_buf_str(&w, ">");
	put_folded(out, w.p, w.len, sizeof("From:") - 1);
	hdr_buf_str(out, "\r\n");
	hdr_buf_free(&w);
	return 0;
}

static int
add_from(struct hdr_buf *out, const struct hdr_policy *pol, struct err *e)
{
	char addr[LIMIT_ADDR + 1];
	const char *s = pol->fullname ? pol->fullname : "";

	if (pol->from == NULL || pol->from[0] == '\0' ||
	    strcmp(pol->from, "<>") == 0)
		return 0;		/* null sender: no From is made up */
	if (path_check(pol->from, strlen(pol->from), 0, addr,
	    sizeof(addr), e) == -1)
		return err_prefix(e, "From header");
	return hdr_put_from(out, addr, s, strlen(s), e);
}

/* ---- rewrite ----------------------------------------------------------- */

/* name of a field for messages: up to ':', NUL or the end of the line */
static const char *
field_show(const struct field *f, char *buf, size_t sz)
{
	size_t n;

	for (n = 0; n < f->len && f->p[n] != ':' && f->p[n] != '\0' &&
	    f->p[n] != '\r'; n++)
		;
	if (f->namelen > 0 && f->namelen < n)
		n = f->namelen;		/* "Bcc :" shows as 'Bcc' */
	err_visible(buf, sz, f->p, n);
	return buf;
}

/*
 * Is the block a resent message?  It is when it has one of the resent
 * fields of RFC 5322 3.6.6, or Resent-Reply-To (sendmail and Postfix
 * count that one too).
 */
static int
is_resent(const char *block, size_t len)
{
	static const char *const names[] = { "Resent-Date", "Resent-From",
	    "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Bcc",
	    "Resent-Message-ID", "Resent-Reply-To" };
	struct field f;
	size_t pos = 0, i;

	while (pos < len) {
		field_at(block, len, pos, &f);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (name_is(&f, names[i]))
				return 1;
		pos = f.next;
	}
	return 0;
}

/* a field -t reads: Resent-To/Cc/Bcc in a resent message, else To/Cc/Bcc */
static int
rcpt_field(const struct field *f, int resent)
{
	if (resent)
		return name_is(f, "Resent-To") || name_is(f, "Resent-Cc") ||
		    name_is(f, "Resent-Bcc");
	return name_is(f, "To") || name_is(f, "Cc") || name_is(f, "Bcc");
}

/*
 * Local mail (hdr.h): an address field with bare names rewritten; 1 when
 * the field was written here.  Never an error: a field that does not parse
 * or a name that resolves nowhere is left as written (-t reports the one,
 * the envelope's expansion the other).
 */
static int
local_field(const struct field *f, const struct hdr_policy *pol,
    struct hdr_buf *out)
{
	static const char *const lists[] = { "To", "Cc", "Bcc", "Resent-To",
	    "Resent-Cc", "Resent-Bcc" };
	const char *v = f->p + f->colon + 1;
	size_t i, vlen = f->len - f->colon - 1;
	struct err e;
	int done = 0;

	err_clear(&e);
	if (name_is(f, "From")) {
		if (pol->set_from != HDR_AUTO || pol->from == NULL ||
		    pol->from[0] == '\0' || strcmp(pol->from, "<>") == 0)
			return 0;
		(void)hdr_local_from(v, vlen, pol->from, out, &done, &e);
		return done;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (name_is(f, lists[i]))
			(void)hdr_local_rcpts(f->p, f->namelen, v, vlen,
			    pol->local, out, &done, &e);
	return done;
}

/* one field: check it, collect recipients, copy it unless it is Bcc */
static int
rewrite_field(const struct field *f, const struct hdr_policy *pol,
    int resent, struct hdr_buf *out, struct addr_list *rcpts, struct err *e)
{
	char show[SHOW_MAX];
	int bcc = name_is(f, "Bcc") || name_is(f, "Resent-Bcc");

	if (memchr(f->p, '\0', f->len) != NULL)
		return err_set(e, EX_DATAERR, "NUL byte in header '%s'",
		    field_show(f, show, sizeof(show)));
	if (f->namelen == 0)
		return err_set(e, EX_DATAERR, "malformed header line '%s'",
		    field_show(f, show, sizeof(show)));
	if (pol->read_rcpts && rcpts != NULL && rcpt_field(f, resent) &&
	    addr_list_parse(f->p + f->colon + 1, f->len - f->colon - 1,
	    rcpts, e) == -1)
		return err_prefix(e, "header '%s'",
		    field_show(f, show, sizeof(show)));
	if ((bcc && !pol->keep_bcc) || (pol->set_to != HDR_TO_OFF && (bcc ||
	    name_is(f, "To") || name_is(f, "Cc"))) ||
	    (pol->set_from == HDR_ON && name_is(f, "From")))
		return 0;
	if (pol->local != NULL && local_field(f, pol, out))
		return 0;
	/* "Name :" is written "Name:" (RFC 5322 4: obsolete syntax is
	   read, never generated) */
	hdr_buf_add(out, f->p, f->namelen);
	hdr_buf_add(out, f->p + f->colon, f->len - f->colon);
	hdr_buf_str(out, "\r\n");
	return 0;
}

/* set_to_header on: "To: a@x, b@y" from the envelope (hdr.h) */
static void
add_to_list(struct hdr_buf *out, const struct addr_list *rcpts)
{
	size_t i, col = 3, len;

	if (rcpts->n == 0)
		return;
	hdr_buf_str(out, "To:");
	for (i = 0; i < rcpts->n; i++) {
		len = strlen(rcpts->v[i]);
		if (i > 0) {
			hdr_buf_str(out, ",");
			col++;
		}
		if (i > 0 && col + 1 + len > HDR_LINE_SOFT) {
			hdr_buf_str(out, "\r\n");
			col = 0;
		}
		hdr_buf_str(out, " ");
		hdr_buf_str(out, rcpts->v[i]);
		col += 1 + len;
	}
	hdr_buf_str(out, "\r\n");
}

/* the To that set_to_header adds, after the other fields */
static void
add_to(struct hdr_buf *out, const struct hdr_policy *pol,
    struct addr_list *rcpts)
{
	static struct addr_list none;

	if (pol->set_to == HDR_TO_UNDISCLOSED)
		hdr_buf_str(out, "To: undisclosed-recipients:;\r\n");
	if (pol->set_to != HDR_TO_ON)
		return;
	if (pol->envelope != NULL && rcpts != NULL)
		pol->envelope(pol->envelope_ctx, rcpts);
	add_to_list(out, rcpts != NULL ? rcpts : &none);
}

int
hdr_rewrite(const char *block, size_t len, const struct hdr_policy *pol,
    struct hdr_buf *out, struct addr_list *rcpts, struct err *e)
{
	struct field f;
	size_t pos = 0;
	int date = 0, msgid = 0, from = 0, resent = is_resent(block, len);

	if (pol->trace != NULL)
		hdr_buf_str(out, pol->trace);
	while (pos < len) {
		field_at(block, len, pos, &f);
		if (rewrite_field(&f, pol, resent, out, rcpts, e) == -1)
			return -1;
		date |= name_is(&f, "Date");
		msgid |= name_is(&f, "Message-ID");
		from |= name_is(&f, "From");
		pos = f.next;
	}
	if (pol->set_from == HDR_ON)
		from = 0;			/* the old one was dropped */
	add_to(out, pol, rcpts);
	if (!date && pol->set_date != HDR_OFF &&
	    add_date(out, pol->now, pol->tzoff_min, e) == -1)
		return -1;
	if (!msgid && pol->set_msgid != HDR_OFF && add_msgid(out, pol, e) == -1)
		return -1;
	if (!from && pol->set_from != HDR_OFF && add_from(out, pol, e) == -1)
		return -1;
	return 0;
}
