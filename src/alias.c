/* SPDX-License-Identifier: ISC */
/*
 * alias.c - PURE aliases file parser and recursive recipient expansion.
 * The contract is in alias.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alias.h"
#include "path.h"

/* ---- parsing ----------------------------------------------------------- */

struct entry {			/* one logical entry, continuation lines
				   joined */
	char	*p;
	size_t	 len, cap;
	int	 line;
};

static void
entry_add(struct entry *en, const char *s, size_t n)
{
	if (en->len + n + 2 > en->cap) {
		en->cap = (en->len + n + 2) * 2;
		en->p = xreallocarray(en->p, en->cap, 1);
	}
	memcpy(en->p + en->len, s, n);
	en->len += n;
	en->p[en->len] = '\0';
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
bad_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > LIMIT_ADDR)
		return 1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f ||
		    s[i] == '@' || s[i] == '"' || s[i] == '\\')
			return 1;
	return 0;
}

/* check the addresses of one entry: nothing that cannot be relayed */
static int
check_targets(const struct alias *a, const char *file, struct err *e)
{
	size_t i;

	if (a->to.n == 0)
		return err_set(e, EX_CONFIG, "%s:%d: alias '%s' has no "
		    "addresses", file, a->line, a->name);
	for (i = 0; i < a->to.n; i++)
		if (a->to.v[i][0] == '|' || a->to.v[i][0] == '/')
			return err_set(e, EX_CONFIG, "%s:%d: alias '%s': "
			    "'%s': pipes and files cannot be relayed", file,
			    a->line, a->name, a->to.v[i]);
	return 0;
}

static int
parse_entry(struct alias_tab *t, const struct entry *en, const char *file,
    struct err *e)
{
	const char *s = en->p, *colon = memchr(s, ':', en->len), *v;
	size_t n;
	struct alias a;

	if (colon == NULL)
		return err_set(e, EX_CONFIG, "%s:%d: missing ':' after the "
		    "alias name", file, en->line);
	n = (size_t)(colon - s);
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	if (bad_name(s, n)) {
		char vis[64 * 4 + 1];

		err_visible(vis, sizeof(vis), s, n > 64 ? 64 : n);
		return err_set(e, EX_CONFIG, "%s:%d: bad alias name '%s'",
		    file, en->line, vis);
	}
	for (v = colon + 1; is_blank(*v); v++)
		;
	if (strncasecmp(v, ":include:", 9) == 0)
		return err_set(e, EX_CONFIG, "%s:%d: ':include:' is not "
		    "supported", file, en->line);
	memset(&a, 0, sizeof(a));
	a.name = xstrndup(s, n);
	a.line = en->line;
	if (addr_list_parse(v, strlen(v), &a.to, e) == -1) {
		e->code = EX_CONFIG;
		err_prefix(e, "%s:%d: alias '%s'", file, en->line, a.name);
		goto fail;
	}
	if (check_targets(&a, file, e) == -1)
		goto fail;
	if (alias_find(t, a.name) != NULL) {
		if (t->dup_name == NULL) {
			t->dup_name = xstrdup(a.name);
			t->dup_line = a.line;
		}
		free(a.name);
		addr_list_free(&a.to);
		return 0;
	}
	if (t->n >= LIMIT_ALIASES) {
		err_set(e, EX_CONFIG, "%s:%d: more than %d aliases", file,
		    en->line, LIMIT_ALIASES);
		goto fail;
	}
	t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
	t->v[t->n++] = a;
	return 0;
fail:
	free(a.name);
	addr_list_free(&a.to);
	return -1;
}

/* one physical line: comment removed, CR stripped; into the entry */
static int
take_line(struct alias_tab *t, struct entry *en, const char *s, size_t n,
    int lineno, const char *file, struct err *e)
{
	const char *hash = memchr(s, '#', n);
	size_t i;

	if (hash != NULL)
		n = (size_t)(hash - s);
	while (n > 0 && (s[n - 1] == '\r' || is_blank(s[n - 1])))
		n--;
	for (i = 0; i < n && is_blank(s[i]); i++)
		;
	if (i == n)
		return 0;			/* blank or comment */
	if (i > 0) {				/* continuation */
		if (en->line == 0)
			return err_set(e, EX_CONFIG, "%s:%d: continuation "
			    "line without an alias before it", file, lineno);
		entry_add(en, " ", 1);
		entry_add(en, s + i, n - i);
		return 0;
	}
	if (en->line != 0 && parse_entry(t, en, file, e) == -1)
		return -1;
	en->len = 0;
	en->line = lineno;
	entry_add(en, s, n);
	return 0;
}

int
alias_parse(const char *buf, size_t len, const char *file,
    struct alias_tab *t, struct err *e)
{
	struct entry en = { NULL, 0, 0, 0 };
	size_t off = 0;
	int lineno = 0, rc = 0;

	memset(t, 0, sizeof(*t));
	if (memchr(buf, '\0', len) != NULL)
		return err_set(e, EX_CONFIG, "%s: NUL byte in the aliases "
		    "file", file);
	while (off < len && rc == 0) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

		rc = take_line(t, &en, buf + off, n, ++lineno, file, e);
		off += n + (nl != NULL);
	}
	if (rc == 0 && en.line != 0)
		rc = parse_entry(t, &en, file, e);
	free(en.p);
	if (rc == -1)
		alias_free(t);
	return rc;
}

const struct alias *
alias_find(const struct alias_tab *t, const char *name)
{
	size_t i;

	if (t == NULL)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (strcasecmp(t->v[i].name, name) == 0)
			return &t->v[i];
	return NULL;
}

void
alias_free(struct alias_tab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].name);
		addr_list_free(&t->v[i].to);
	}
	free(t->v);
	free(t->dup_name);
	memset(t, 0, sizeof(*t));
}

/* ---- expansion --------------------------------------------------------- */

struct xp {
	const struct alias_tab	*tab;
	const char		*domain;
	const char		*admin;
	struct addr_list	*out;
	const char		*chain[2 * LIMIT_ALIAS_DEPTH + 2];
	size_t			 nchain;
	long			 steps;
};

static int
in_chain(const struct xp *x, const char *name)
{
	size_t i;

	for (i = 0; i < x->nchain; i++)
		if (strcasecmp(x->chain[i], name) == 0)
			return 1;
	return 0;
}

static int
emit(struct xp *x, const char *addr, struct err *e)
{
	char q[LIMIT_ADDR + 1], chk[LIMIT_ADDR + 1];

	if (path_domain(addr) == NULL && (x->domain == NULL ||
	    x->domain[0] == '\0')) {
		if (x->admin == NULL || x->admin[0] == '\0')
			return err_set(e, EX_USAGE, "recipient '%s' has no "
			    "domain: set maildomain or admin_address in the "
			    "account, or give a full address", addr);
		addr = x->admin;
	} else if (path_domain(addr) == NULL) {
		if ((size_t)snprintf(q, sizeof(q), "%s@%s", addr, x->domain)
		    >= sizeof(q))
			return err_set(e, EX_USAGE, "recipient '%s@%s' is too "
			    "long", addr, x->domain);
		if (path_check(q, strlen(q), 0, chk, sizeof(chk), e) == -1)
			return err_prefix(e, "recipient '%s' qualified with "
			    "'%s'", addr, x->domain);
		addr = q;
	}
	if (!addr_list_has(x->out, addr) && x->out->n >= LIMIT_RCPTS)
		return err_set(e, EX_USAGE, "more than %d recipients after "
		    "alias expansion", LIMIT_RCPTS);
	addr_list_add(x->out, addr);
	return 0;
}

static int
expand_one(struct xp *x, const char *addr, int depth, struct err *e)
{
	const struct alias *a;
	size_t i, mark = x->nchain;
	int rc = 0;

	if (path_domain(addr) != NULL || x->tab == NULL || in_chain(x, addr))
		return emit(x, addr, e);
	if (depth >= LIMIT_ALIAS_DEPTH)
		return err_set(e, EX_CONFIG, "aliases nested more than %d "
		    "deep at '%s'", LIMIT_ALIAS_DEPTH, addr);
	if (++x->steps > LIMIT_ALIAS_STEPS)
		return err_set(e, EX_CONFIG, "alias expansion of '%s' takes "
		    "more than %d steps", addr, LIMIT_ALIAS_STEPS);
	x->chain[x->nchain++] = addr;
	if ((a = alias_find(x->tab, addr)) == NULL && !in_chain(x, "default") &&
	    (a = alias_find(x->tab, "default")) != NULL)
		x->chain[x->nchain++] = a->name;
	if (a == NULL)
		rc = emit(x, addr, e);
	for (i = 0; a != NULL && i < a->to.n && rc == 0; i++)
		rc = expand_one(x, a->to.v[i], depth + 1, e);
	x->nchain = mark;
	return rc;
}

int
alias_expand(const struct alias_local *loc, const struct addr_list *in,
    struct addr_list *out, struct err *e)
{
	struct xp x;
	size_t i;

	memset(&x, 0, sizeof(x));
	x.tab = loc->tab;
	x.domain = loc->domain;
	x.admin = loc->admin;
	x.out = out;
	for (i = 0; i < in->n; i++)
		if (expand_one(&x, in->v[i], 0, e) == -1)
			return -1;
	return 0;
}

int
alias_resolve(const struct alias_local *loc, const char *name,
    struct addr_list *out, struct err *e)
{
	char *v[1];
	struct addr_list in;

	v[0] = (char *)(uintptr_t)name;
	in.v = v;
	in.n = 1;
	return alias_expand(loc, &in, out, e);
}
