/* SPDX-License-Identifier: ISC */
/*
 * netrc.c - PURE netrc(5) parser (contract: netrc.h).
 *
 * One pass over the buffer with a token reader (struct lex) and the entry
 * being read (struct ent).  An entry ends at the next `machine`, `default`
 * or the end of the buffer; it is then judged: a matching machine entry
 * ends the search, the first matching default entry is kept as the
 * fallback.  Only the password of an entry that may match is copied.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netrc.h"

struct lex {
	const char	*p, *end;
	const char	*file;
	int		 line;
	size_t		 len;		/* of tok */
	struct err	*e;
	char		 tok[LIMIT_PASSWORD];
};

struct ent {
	int	 on;		/* an entry is open */
	int	 machine;	/* its machine is host */
	int	 any;		/* it is the default entry */
	int	 login;		/* its login is login */
	char	*pw;		/* its password, when it may match */
};

enum last { L_NONE, L_MACHINE, L_LOGIN, L_PASSWORD, L_ACCOUNT, L_MACDEF };

static int
lex_err(struct lex *lx, const char *what)
{
	return err_set(lx->e, EX_CONFIG, "%s:%d: %s", lx->file, lx->line, what);
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

/* blanks and comments before a token; 0 at the end of the buffer */
static int
lex_skip(struct lex *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (!blank(*lx->p))
			return 1;
		else if (*lx->p++ == '\n')
			lx->line++;
	}
	return 0;
}

/* the next token into lx->tok: 1, 0 at the end, -1 with lx->e */
static int
lex_next(struct lex *lx)
{
	char q = 0, c;

	lx->len = 0;
	if (!lex_skip(lx))
		return 0;
	while (lx->p < lx->end && (q != 0 || !blank(*lx->p))) {
		c = *lx->p;
		if (c == '\0')
			return lex_err(lx, "NUL byte in the file");
		if (q != 0 && c == '\n')
			break;			/* an unclosed quote ends
						   here */
		lx->p++;
		if (q == 0 && (c == '"' || c == '\'')) {
			q = c;
			continue;
		}
		if (q != 0 && c == q) {
			q = 0;
			continue;
		}
		if (lx->len == sizeof(lx->tok) - 1)
			return lex_err(lx, "token too long");
		lx->tok[lx->len++] = c;
	}
	lx->tok[lx->len] = '\0';
	return 1;
}

/* a macdef body: the rest of this line, then lines up to an empty one */
static void
lex_macdef(struct lex *lx)
{
	int empty = 0;

	while (lx->p < lx->end && *lx->p != '\n')
		lx->p++;
	while (lx->p < lx->end && !empty) {
		lx->p++;			/* the '\n' */
		lx->line++;
		empty = 1;
		while (lx->p < lx->end && *lx->p != '\n')
			if (!blank(*lx->p++))
				empty = 0;
	}
}

/* wipe and free a copy of a password */
static void
pw_free(char *s)
{
	if (s != NULL)
		freezero(s, strlen(s) + 1);
}

static void
ent_clear(struct ent *en)
{
	pw_free(en->pw);
	memset(en, 0, sizeof(*en));
}

/*
 * the open entry ends: 1 when it is the machine entry asked for (*pw:
 * its password, may be NULL), else 0; a matching default entry moves to
 * *dflt when there is none yet
 */
static int
ent_close(struct ent *en, char **pw, char **dflt, int *have_dflt)
{
	if (en->on && en->machine && en->login) {
		*pw = en->pw;
		en->pw = NULL;
		ent_clear(en);
		return 1;
	}
	if (en->on && en->any && en->login && !*have_dflt) {
		*have_dflt = 1;
		*dflt = en->pw;
		en->pw = NULL;
	}
	ent_clear(en);
	return 0;
}

/* a value token after keyword `last` */
static void
ent_value(struct ent *en, enum last last, const struct lex *lx,
    const char *login)
{
	if (!en->on)
		return;			/* a value before any machine */
	if (last == L_LOGIN)
		en->login = strcmp(lx->tok, login) == 0;
	else if (last == L_PASSWORD && (en->machine || en->any)) {
		pw_free(en->pw);
		en->pw = xstrndup(lx->tok, lx->len);
	}
}

static enum last
keyword(const char *t)
{
	if (strcmp(t, "machine") == 0)
		return L_MACHINE;
	if (strcmp(t, "login") == 0 || strcmp(t, "user") == 0)
		return L_LOGIN;
	if (strcmp(t, "password") == 0 || strcmp(t, "passwd") == 0)
		return L_PASSWORD;
	if (strcmp(t, "account") == 0)
		return L_ACCOUNT;
	if (strcmp(t, "macdef") == 0)
		return L_MACDEF;
	return L_NONE;
}

/* the token loop: 1 with *pw (machine match), 0, or -1 */
static int
scan(struct lex *lx, struct ent *en, const char *host, const char *login,
    char **pw, char **dflt, int *have_dflt)
{
	enum last last = L_NONE;
	int rc;

	while ((rc = lex_next(lx)) == 1) {
		if (last == L_MACHINE) {
			en->on = 1;
			en->machine = strcasecmp(lx->tok, host) == 0;
		} else if (last == L_MACDEF)
			lex_macdef(lx);
		else if (last != L_NONE)
			ent_value(en, last, lx, login);
		else if ((last = keyword(lx->tok)) == L_MACHINE ||
		    strcmp(lx->tok, "default") == 0) {
			if (ent_close(en, pw, dflt, have_dflt))
				return 1;
			en->on = en->any = last != L_MACHINE;
			continue;
		} else
			continue;
		last = L_NONE;
	}
	if (rc == -1)
		return -1;
	return ent_close(en, pw, dflt, have_dflt);
}

int
netrc_find(const char *buf, size_t len, const char *file, const char *host,
    const char *login, char **password, struct err *e)
{
	static const struct ent none;
	struct lex *lx = xmalloc(sizeof(*lx));
	struct ent en = none;
	char *pw = NULL, *dflt = NULL;
	int rc, have_dflt = 0;

	*password = NULL;
	lx->p = buf;
	lx->end = buf + len;
	lx->file = file;
	lx->line = 1;
	lx->e = e;
	rc = scan(lx, &en, host, login, &pw, &dflt, &have_dflt);
	ent_clear(&en);
	explicit_bzero(lx->tok, sizeof(lx->tok));
	free(lx);
	if (rc == 1) {
		pw_free(dflt);
		*password = pw;
		return pw != NULL;
	}
	if (rc == -1) {
		pw_free(dflt);
		return -1;
	}
	*password = dflt;
	return dflt != NULL;
}
