/* SPDX-License-Identifier: ISC */
/*
 * t_netrc.c - netrc_find(): which entry gives the password (machine,
 * login, default, first match, case), the token syntax (quotes, comments,
 * macdef, synonyms, line ends, no final newline) and the errors (NUL byte,
 * token too long) with their line numbers.
 */
#include <stdlib.h>

#include "t.h"
#include "netrc.h"

/* host mail.example.org, login alice */
static const struct {
	const char *in;
	int rc;
	const char *pw;		/* expected password, or the error message */
} tab[] = {
	{ "", 0, NULL },
	{ "machine mail.example.org login alice password s3cret\n", 1,
	    "s3cret" },
	/* host names compare without case, logins exactly */
	{ "machine MAIL.Example.ORG login alice password a\n", 1, "a" },
	{ "machine mail.example.org login Alice password a\n", 0, NULL },
	{ "machine mail.example.org.evil login alice password a\n", 0, NULL },
	{ "machine mail.example login alice password a\n", 0, NULL },
	/* the first matching entry wins; other logins and hosts are skipped */
	{ "machine mail.example.org login bob password b\n"
	  "machine other.example login alice password o\n"
	  "machine mail.example.org login alice password first\n"
	  "machine mail.example.org login alice password second\n", 1,
	    "first" },
	/* order of the pairs inside an entry does not matter */
	{ "machine mail.example.org password p login alice", 1, "p" },
	/* an entry without a login never matches */
	{ "machine mail.example.org password p\n", 0, NULL },
	/* the matching entry has no password: none (not the default's) */
	{ "machine mail.example.org login alice\n"
	  "default login alice password d\n", 0, NULL },
	/* default: any machine, when the login matches; machine wins */
	{ "default login alice password d\n", 1, "d" },
	{ "default login anonymous password me@example\n", 0, NULL },
	{ "default login alice password d\n"
	  "machine mail.example.org login alice password m\n", 1, "m" },
	{ "default login alice password d1\ndefault login alice password d2\n",
	    1, "d1" },
	/* synonyms user and passwd; account ignored */
	{ "machine mail.example.org user alice account x passwd p\n", 1, "p" },
	/* all on several lines, tabs, CRLF */
	{ "machine\tmail.example.org\r\n  login\r\n alice\r\n password\r\n"
	  "  p\r\n", 1, "p" },
	/* no final newline */
	{ "machine mail.example.org login alice password p", 1, "p" },
	/* quotes: both kinds, inside a token, no escapes */
	{ "machine mail.example.org login alice password \"a b#c\"\n", 1,
	    "a b#c" },
	{ "machine mail.example.org login alice password 'say \"hi\"'\n", 1,
	    "say \"hi\"" },
	{ "machine mail.example.org login alice password pa\"s s\"\\\n", 1,
	    "pas s\\" },
	{ "machine mail.example.org login alice password \"\"\n", 1, "" },
	/* an unclosed quote ends at the line end */
	{ "machine mail.example.org login alice password \"open\n", 1,
	    "open" },
	/* comments: a token starting with # up to the line end */
	{ "# machine mail.example.org login alice password no\n"
	  "machine mail.example.org login alice # password no\n"
	  "password yes\n", 1, "yes" },
	{ "machine mail.example.org login alice password a#b\n", 1, "a#b" },
	/* macdef bodies are skipped up to an empty line */
	{ "machine x login alice macdef init\n"
	  "machine mail.example.org login alice password no\n"
	  "   \n"
	  "machine mail.example.org login alice password yes\n", 1, "yes" },
	{ "macdef m\nmachine mail.example.org login alice password no\n", 0,
	    NULL },
	/* values before any machine are ignored */
	{ "login alice password p\n", 0, NULL },
	/* keyword at the end without its value */
	{ "machine mail.example.org login alice password", 0, NULL },
	{ "machine", 0, NULL },
	/* unknown words are ignored */
	{ "machine mail.example.org port 25 login alice password p\n", 1,
	    "p" },
	/* errors, with the line */
	{ "machine a login b\n\nmachine mail.example.org login alice "
	    "password a\0b\n", -1, "netrc:3: NUL byte in the file" },
};

static void
test_table(void)
{
	struct err e;
	char *pw;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		size_t len = strlen(tab[i].in);

		if (tab[i].rc == -1)	/* holds a NUL: up to the "\n" after */
			len += 1 + strlen(tab[i].in + len + 1);
		err_clear(&e);
		rc = netrc_find(tab[i].in, len, "netrc", "mail.example.org",
		    "alice", &pw, &e);
		T_OK(rc == tab[i].rc, "case %zu: rc %d, expected %d", i, rc,
		    tab[i].rc);
		if (tab[i].rc == 1)
			T_EQ_STR(pw, tab[i].pw);
		else
			T_OK(pw == NULL, "case %zu: password set", i);
		if (tab[i].rc == -1) {
			T_EQ_INT(e.code, EX_CONFIG);
			T_EQ_STR(e.msg, tab[i].pw);
		}
		free(pw);
	}
}

/* a token of LIMIT_PASSWORD - 1 bytes is fine, one more is an error */
static void
test_long(void)
{
	size_t n = LIMIT_PASSWORD + 64;
	char *b = malloc(n), *pw;
	const char *head = "\nmachine mail.example.org login alice password ";
	size_t h = strlen(head);
	struct err e;

	memcpy(b, head, h);
	memset(b + h, 'x', LIMIT_PASSWORD - 1);
	err_clear(&e);
	T_EQ_INT(netrc_find(b, h + LIMIT_PASSWORD - 1, "f", "mail.example.org",
	    "alice", &pw, &e), 1);
	T_EQ_INT(pw ? (long long)strlen(pw) : -1, LIMIT_PASSWORD - 1);
	free(pw);
	b[h + LIMIT_PASSWORD - 1] = 'x';
	T_EQ_INT(netrc_find(b, h + LIMIT_PASSWORD, "f", "mail.example.org",
	    "alice", &pw, &e), -1);
	T_EQ_STR(e.msg, "f:2: token too long");
	T_OK(pw == NULL, "password set after an error");
	free(b);
}

int
main(void)
{
	test_table();
	test_long();
	return t_done("t_netrc");
}
