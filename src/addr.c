/* SPDX-License-Identifier: ISC */
/*
 * addr.c - PURE RFC 5322 address-list parser.
 *
 * Contract (see addr.h): addr_list_parse() appends the addr-spec of every
 * mailbox of a To/Cc/Bcc value to a list, without duplicates (compared
 * case-insensitively).  Whether a string is safe and valid as an
 * envelope address is path.c's (RFC 5321).  No I/O, no globals.
 *
 * How the list parser works: a lexer turns the value into tokens (atoms,
 * quoted strings, domain literals, the specials < > @ , ; : .) and skips
 * CFWS (spaces, CRLF/LF + WSP folding, nested comments) in between.  A
 * recursive-descent parser over those tokens reads each address: it first
 * scans a run of words; what follows decides the form ('<' name-addr,
 * ':' group, '@' addr-spec).  Every address found is rebuilt in canonical
 * form (comments and folding removed, a quoted local part unquoted when it
 * is a plain dot-atom, quoted with minimal escapes otherwise, an obsolete
 * source route dropped) and checked with the same rules as
 * path_check() (path.h), so everything in the list is safe for RCPT TO.
 *
 * Decisions beyond RFC 5322 (documented, tested):
 *  - an unqualified address ("root", "<root>") is accepted, as sendmail
 *    does; outside <> only when it is made of plain atoms, so a lone
 *    display name such as "John Smith" or "\"Jo\"" is an error;
 *  - a group whose ';' is missing at the very end of the value is accepted
 *    ("undisclosed-recipients:");
 *  - an empty value (or only commas) gives no address and no error;
 *  - 8-bit bytes (UTF-8, RFC 6532) are accepted in atoms, quoted strings
 *    and comments; control characters other than TAB are refused;
 *  - more than LIMIT_RCPTS distinct addresses in the list is an error.
 * On error the list is left as it was before the call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "limit.h"
#include "path.h"

/* room for an address made visible in a message, truncated */
#define SHOW_MAX	(LIMIT_ERR_MSG / 4)

/* ---- the list ---------------------------------------------------------- */

int
addr_list_has(const struct addr_list *l, const char *addr)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], addr) == 0)
			return 1;
	return 0;
}

void
addr_list_add(struct addr_list *l, const char *addr)
{
	if (addr_list_has(l, addr))
		return;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(addr);
}

/* drop entries after the first n (used to undo a failed parse) */
static void
list_truncate(struct addr_list *l, size_t n)
{
	while (l->n > n)
		free(l->v[--l->n]);
}

void
addr_list_free(struct addr_list *l)
{
	list_truncate(l, 0);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- lexer ------------------------------------------------------------- */

enum tk { TK_END, TK_ATOM, TK_QSTR, TK_DLIT, TK_SPEC };

struct tok {
	enum tk		 kind;
	int		 ch;		/* TK_SPEC: the special character */
	size_t		 off, len;	/* ATOM/DLIT text; QSTR inside quotes */
	size_t		 raw;	/* where the token starts in the input */
};

struct lex {
	const char	*s;
	size_t		 len, pos;
	size_t		 prev_end;	/* where the previous token ended */
	struct tok	 t;		/* current token */
	struct addr_list *list;
	struct err	*e;
	addr_walk_fn	 fn;		/* addr_list_walk: called per mailbox */
	void		*ctx;
	struct addr_mbox mb;		/* the mailbox being read */
	char		 last[LIMIT_ADDR + 1];	/* its addr-spec */
};

static int
lex_fail(struct lex *lx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
lex_fail(struct lex *lx, const char *fmt, ...)
{
	char why[LIMIT_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err_set(lx->e, EX_DATAERR, "%s", why);
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Bytes of a line break at pos that is folding (CRLF or LF followed by
 * WSP, or ending the value), 0 when there is no line break at pos, -1 for
 * a line break that is not folding.
 */
static int
fold_len(const struct lex *lx, size_t pos)
{
	size_t n;

	if (lx->s[pos] == '\r' && pos + 1 < lx->len && lx->s[pos + 1] == '\n')
		n = 2;
	else if (lx->s[pos] == '\n')
		n = 1;
	else if (lx->s[pos] == '\r')
		return -1;
	else
		return 0;
	if (pos + n == lx->len || is_wsp(lx->s[pos + n]))
		return (int)n;
	return -1;
}

/* a byte that may not appear in a comment, quoted string or literal */
static int
lex_badbyte(struct lex *lx, unsigned char c, const char *where)
{
	char cb[8];

	if (c == '\0')
		return lex_fail(lx, "NUL byte in %s", where);
	if (c == '\r' || c == '\n')
		return lex_fail(lx, "line break without folding whitespace "
		    "in %s", where);
	return lex_fail(lx, "control character %s in %s",
	    path_show_char(cb, sizeof(cb), c), where);
}

/*
 * Scan a delimited run starting after the opener at lx->pos: a quoted
 * string (close '"') or a comment (close ')', nesting '(').  Quoted pairs
 * and folding are allowed; *end = index of the closing character.
 */
static int
lex_delimited(struct lex *lx, size_t pos, int comment, size_t *end)
{
	const char *what = comment ? "comment" : "quoted string";
	int depth = 1, f;

	for (; pos < lx->len; pos++) {
		unsigned char c = (unsigned char)lx->s[pos];

		if ((f = fold_len(lx, pos)) > 0) {
			pos += (size_t)f - 1;
			continue;
		}
		if (f < 0 || (path_is_ctl(c) && c != '\t'))
			return lex_badbyte(lx, c, what);
		if (c == '\\') {
			if (++pos == lx->len)
				break;
			c = (unsigned char)lx->s[pos];
			if (path_is_ctl(c) && c != '\t')
				return lex_badbyte(lx, c, what);
		} else if (comment && c == '(')
			depth++;
		else if ((comment && c == ')' && --depth == 0) ||
		    (!comment && c == '"')) {
			*end = pos;
			return 0;
		}
	}
	return lex_fail(lx, "unterminated %s", what);
}

/* skip whitespace, folding and comments */
static int
lex_cfws(struct lex *lx)
{
	size_t end = 0;
	int f;

	while (lx->pos < lx->len) {
		char c = lx->s[lx->pos];

		if (is_wsp(c))
			lx->pos++;
		else if ((f = fold_len(lx, lx->pos)) > 0)
			lx->pos += (size_t)f;
		else if (f < 0)
			return lex_badbyte(lx, (unsigned char)c,
			    "address list");
		else if (c == '(') {
			if (lex_delimited(lx, lx->pos + 1, 1, &end) == -1)
				return -1;
			lx->pos = end + 1;
		} else if (c == ')')
			return lex_fail(lx, "unbalanced ')'");
		else
			break;
	}
	return 0;
}

/* a domain literal "[...]" at lx->pos */
static int
lex_dlit(struct lex *lx)
{
	size_t pos;

	for (pos = lx->pos + 1; pos < lx->len; pos++) {
		unsigned char c = (unsigned char)lx->s[pos];

		if (c == ']') {
			lx->t.len = pos + 1 - lx->t.off;
			lx->pos = pos + 1;
			return 0;
		}
		if (c == '[' || c == '\\')
			return lex_fail(lx, "'%c' inside a domain literal", c);
		if (path_is_ctl(c) && c != '\t')
			return lex_badbyte(lx, c, "domain literal");
	}
	return lex_fail(lx, "unterminated domain literal");
}

static int
lex_next(struct lex *lx)
{
	unsigned char c;
	size_t end = 0;
	char cb[8];

	lx->prev_end = lx->pos;
	if (lex_cfws(lx) == -1)
		return -1;
	memset(&lx->t, 0, sizeof(lx->t));
	lx->t.off = lx->t.raw = lx->pos;
	if (lx->pos == lx->len) {
		lx->t.kind = TK_END;
		return 0;
	}
	c = (unsigned char)lx->s[lx->pos];
	if (c == '"') {
		if (lex_delimited(lx, lx->pos + 1, 0, &end) == -1)
			return -1;
		lx->t.kind = TK_QSTR;
		lx->t.off = lx->pos + 1;
		lx->t.len = end - lx->t.off;
		lx->pos = end + 1;
		return 0;
	}
	if (c == '[') {
		lx->t.kind = TK_DLIT;
		return lex_dlit(lx);
	}
	if (c != '\0' && strchr("<>@,;:.", c) != NULL) {
		lx->t.kind = TK_SPEC;
		lx->t.ch = c;
		lx->t.len = 1;
		lx->pos++;
		return 0;
	}
	if (path_is_atext(c)) {
		while (lx->pos < lx->len &&
		    path_is_atext((unsigned char)lx->s[lx->pos]))
			lx->pos++;
		lx->t.kind = TK_ATOM;
		lx->t.len = lx->pos - lx->t.off;
		return 0;
	}
	if (c == ']')
		return lex_fail(lx, "unbalanced ']'");
	if (c == '\\')
		return lex_fail(lx, "'\\' outside a quoted string");
	if (c == '\0')
		return lex_fail(lx, "NUL byte in address list");
	return lex_fail(lx, "control character %s in address list",
	    path_show_char(cb, sizeof(cb), c));
}

static int
is_spec(const struct lex *lx, int ch)
{
	return lx->t.kind == TK_SPEC && lx->t.ch == ch;
}

static int
is_word(const struct lex *lx)
{
	return lx->t.kind == TK_ATOM || lx->t.kind == TK_QSTR;
}

/* the current token, described for an error message */
static const char *
tok_show(const struct lex *lx, char *buf, size_t sz)
{
	char vis[SHOW_MAX];

	switch (lx->t.kind) {
	case TK_END:
		return "the end";
	case TK_SPEC:
		snprintf(buf, sz, "'%c'", lx->t.ch);
		return buf;
	case TK_QSTR:
		return "a quoted string";
	case TK_DLIT:
		return "a domain literal";
	case TK_ATOM:
		break;
	}
	err_visible(vis, sizeof(vis), lx->s + lx->t.off, lx->t.len);
	snprintf(buf, sz, "'%s'", vis);
	return buf;
}

/* ---- parser ------------------------------------------------------------ */

struct abuf {
	char	s[LIMIT_ADDR + 1];
	size_t	n;
	int	over;		/* more than LIMIT_ADDR bytes were offered */
};

static void
ab_put(struct abuf *b, const char *p, size_t n)
{
	if (n > LIMIT_ADDR - b->n) {
		b->over = 1;
		return;
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
}

/* append the current word, a quoted string decoded */
static void
ab_word(struct abuf *b, const struct lex *lx)
{
	const char *p = lx->s + lx->t.off;
	size_t i;

	if (lx->t.kind == TK_ATOM) {
		ab_put(b, p, lx->t.len);
		return;
	}
	for (i = 0; i < lx->t.len; i++) {
		if (p[i] == '\r' || p[i] == '\n')
			continue;		/* folding: CRLF is removed */
		if (p[i] == '\\')
			i++;
		ab_put(b, p + i, 1);
	}
}

/* local-part = word *("." word), decoded into b */
static int
parse_local(struct lex *lx, struct abuf *b)
{
	char tb[SHOW_MAX + 8];

	for (;;) {
		if (!is_word(lx))
			return lex_fail(lx, "misplaced '.' in address");
		ab_word(b, lx);
		if (lex_next(lx) == -1)
			return -1;
		if (!is_spec(lx, '.'))
			break;
		ab_put(b, ".", 1);
		if (lex_next(lx) == -1)
			return -1;
	}
	if (is_word(lx))
		return lex_fail(lx, "expected '@' or '.' in address, found %s",
		    tok_show(lx, tb, sizeof(tb)));
	return 0;
}

/* domain = dot-atom / domain-literal, appended to b */
static int
parse_domain(struct lex *lx, struct abuf *b)
{
	char tb[SHOW_MAX + 8];

	if (lx->t.kind == TK_DLIT) {
		ab_put(b, lx->s + lx->t.off, lx->t.len);
		return lex_next(lx);
	}
	if (lx->t.kind == TK_END)
		return lex_fail(lx, "empty domain after '@'");
	for (;;) {
		if (lx->t.kind != TK_ATOM && (is_spec(lx, '.') ||
		    (b->n > 0 && b->s[b->n - 1] == '.')))
			return lex_fail(lx, "misplaced '.' in domain");
		if (lx->t.kind != TK_ATOM)
			return lex_fail(lx, "expected a domain after '@', "
			    "found %s", tok_show(lx, tb, sizeof(tb)));
		ab_put(b, lx->s + lx->t.off, lx->t.len);
		if (lex_next(lx) == -1)
			return -1;
		if (!is_spec(lx, '.'))
			return 0;
		ab_put(b, ".", 1);
		if (lex_next(lx) == -1)
			return -1;
	}
}

/* add a finished address after the envelope checks */
static int
add_checked(struct lex *lx, const char *a, size_t n)
{
	if (path_valid(a, n, EX_DATAERR, lx->e) == -1)
		return -1;
	memcpy(lx->last, a, n + 1);
	if (addr_list_has(lx->list, a))
		return 0;
	if (lx->list->n >= LIMIT_RCPTS)
		return lex_fail(lx, "more than %d recipients", LIMIT_RCPTS);
	addr_list_add(lx->list, a);
	return 0;
}

/* addr-spec = local-part ["@" domain]; canonicalised, checked, added */
static int
parse_addrspec(struct lex *lx)
{
	struct abuf local, full;

	local.n = full.n = 0;
	local.over = full.over = 0;
	lx->mb.a0 = lx->t.raw;
	if (parse_local(lx, &local) == -1)
		return -1;
	if (path_is_dot_atom(local.s, local.n))
		ab_put(&full, local.s, local.n);
	else {
		size_t i;

		ab_put(&full, "\"", 1);
		for (i = 0; i < local.n; i++) {
			if (local.s[i] == '"' || local.s[i] == '\\')
				ab_put(&full, "\\", 1);
			ab_put(&full, local.s + i, 1);
		}
		ab_put(&full, "\"", 1);
	}
	if (is_spec(lx, '@')) {
		ab_put(&full, "@", 1);
		if (lex_next(lx) == -1 || parse_domain(lx, &full) == -1)
			return -1;
	}
	if (local.over || full.over)
		return lex_fail(lx, "address longer than %d bytes", LIMIT_ADDR);
	full.s[full.n] = '\0';
	lx->mb.a1 = lx->prev_end;
	return add_checked(lx, full.s, full.n);
}

/* obs-route: "@a.example,@b.example:" before the addr-spec, dropped */
static int
skip_route(struct lex *lx)
{
	char tb[SHOW_MAX + 8];
	struct abuf scratch;

	while (is_spec(lx, '@') || is_spec(lx, ',')) {
		int at = is_spec(lx, '@');

		scratch.n = 0;
		scratch.over = 0;
		if (lex_next(lx) == -1 || (at && parse_domain(lx, &scratch)
		    == -1))
			return -1;
	}
	if (!is_spec(lx, ':'))
		return lex_fail(lx, "expected ':' after the source route, "
		    "found %s", tok_show(lx, tb, sizeof(tb)));
	return lex_next(lx);
}

/* angle-addr: the current token is '<' */
static int
parse_angle(struct lex *lx)
{
	char tb[SHOW_MAX + 8];

	if (lex_next(lx) == -1)
		return -1;
	if (is_spec(lx, '>'))
		return lex_fail(lx, "empty address '<>'");
	if ((is_spec(lx, '@') || is_spec(lx, ',')) && skip_route(lx) == -1)
		return -1;
	if (lx->t.kind == TK_END)
		return lex_fail(lx, "unbalanced '<'");
	if (!is_word(lx))
		return lex_fail(lx, "expected an address after '<', found %s",
		    tok_show(lx, tb, sizeof(tb)));
	if (parse_addrspec(lx) == -1)
		return -1;
	if (lx->t.kind == TK_END)
		return lex_fail(lx, "unbalanced '<'");
	if (!is_spec(lx, '>'))
		return lex_fail(lx, "expected '>' after the address, found %s",
		    tok_show(lx, tb, sizeof(tb)));
	lx->mb.m1 = lx->pos;
	return lex_next(lx);
}

/* the mailbox just read, to addr_list_walk's function */
static int
report(struct lex *lx)
{
	lx->mb.addr = lx->last;
	lx->mb.c0 = lx->mb.m1;
	lx->mb.c1 = lx->t.kind == TK_END ? lx->len : lx->t.raw;
	if (lx->fn == NULL)
		return 0;
	if (lx->fn(lx->ctx, &lx->mb, lx->e) == -1)
		return -1;
	return 0;
}

/* after an address: ',' or the end (or ';' inside a group) must follow */
static int
at_separator(const struct lex *lx, int in_group)
{
	return lx->t.kind == TK_END || is_spec(lx, ',') ||
	    (in_group && is_spec(lx, ';'));
}

static int
want_separator(struct lex *lx, int in_group)
{
	char tb[SHOW_MAX + 8];

	if (at_separator(lx, in_group))
		return 0;
	if (is_spec(lx, '>'))
		return lex_fail(lx, "unbalanced '>'");
	if (is_spec(lx, '@'))
		return lex_fail(lx, "more than one '@' in address");
	if (is_spec(lx, '<'))
		return lex_fail(lx, "unexpected '<' after an address");
	if (is_spec(lx, ';'))
		return lex_fail(lx, "';' outside a group");
	return lex_fail(lx, "expected ',' between addresses, found %s",
	    tok_show(lx, tb, sizeof(tb)));
}

static int parse_address(struct lex *, int);

/* group: the current token is the ':' after the display name */
static int
parse_group(struct lex *lx)
{
	if (lex_next(lx) == -1)
		return -1;
	for (;;) {
		if (lx->t.kind == TK_END)
			return 0;	/* missing ';' at the end: accepted */
		if (is_spec(lx, ';'))
			return lex_next(lx);
		if (is_spec(lx, ',')) {
			if (lex_next(lx) == -1)
				return -1;
			continue;
		}
		if (parse_address(lx, 1) == -1 ||
		    want_separator(lx, 1) == -1)
			return -1;
	}
}

/*
 * One address: a run of words (and dots) decides by what follows it.
 * in_group: inside a group, where ';' ends the list and groups cannot nest.
 */
static int
parse_address(struct lex *lx, int in_group)
{
	struct lex save = *lx;
	size_t nword = 0, start = lx->t.raw, end = lx->t.raw;
	int plain = 1;			/* only atoms joined by single dots */
	int dot_last = 1;
	char tb[SHOW_MAX + 8], vis[SHOW_MAX];

	while (is_word(lx) || is_spec(lx, '.')) {
		if (is_spec(lx, '.')) {
			if (dot_last)
				plain = 0;
			dot_last = 1;
		} else {
			if (!dot_last || lx->t.kind == TK_QSTR)
				plain = 0;
			dot_last = 0;
			nword++;
		}
		end = lx->pos;
		if (lex_next(lx) == -1)
			return -1;
	}
	memset(&lx->mb, 0, sizeof(lx->mb));
	if (is_spec(lx, '<')) {
		lx->mb.m0 = nword > 0 ? start : lx->t.raw;
		lx->mb.d0 = start;
		lx->mb.d1 = nword > 0 ? end : start;
		if (parse_angle(lx) == -1)
			return -1;
		return report(lx);
	}
	if (is_spec(lx, ':')) {
		if (in_group)
			return lex_fail(lx, "group inside a group");
		if (nword == 0)
			return lex_fail(lx, "missing group name before ':'");
		return parse_group(lx);
	}
	if (nword > 0 && (is_spec(lx, '@') || (plain && !dot_last &&
	    at_separator(lx, in_group)))) {
		*lx = save;
		memset(&lx->mb, 0, sizeof(lx->mb));
		lx->mb.m0 = lx->t.raw;
		if (parse_addrspec(lx) == -1)
			return -1;
		lx->mb.m1 = lx->mb.a1;
		return report(lx);
	}
	if (nword == 0)
		return lex_fail(lx, "expected an address, found %s",
		    tok_show(lx, tb, sizeof(tb)));
	err_visible(vis, sizeof(vis), lx->s + start, end - start);
	return lex_fail(lx, "'%s' is not an address (no '@' or <...>)", vis);
}

static int
parse_list(struct lex *lx)
{
	size_t n0 = lx->list->n;

	if (lex_next(lx) == -1)
		goto fail;
	while (lx->t.kind != TK_END) {
		if (is_spec(lx, ',')) {
			if (lex_next(lx) == -1)
				goto fail;
			continue;
		}
		if (parse_address(lx, 0) == -1 ||
		    want_separator(lx, 0) == -1)
			goto fail;
	}
	return 0;
fail:
	list_truncate(lx->list, n0);
	return -1;
}

int
addr_list_parse(const char *value, size_t len, struct addr_list *list,
    struct err *e)
{
	struct lex lx;

	memset(&lx, 0, sizeof(lx));
	lx.s = value;
	lx.len = len;
	lx.list = list;
	lx.e = e;
	return parse_list(&lx);
}

int
addr_list_walk(const char *value, size_t len, addr_walk_fn fn, void *ctx,
    struct err *e)
{
	struct addr_list seen = { NULL, 0 };
	struct lex lx;
	int rc;

	memset(&lx, 0, sizeof(lx));
	lx.s = value;
	lx.len = len;
	lx.list = &seen;
	lx.e = e;
	lx.fn = fn;
	lx.ctx = ctx;
	rc = parse_list(&lx);
	addr_list_free(&seen);
	return rc;
}
