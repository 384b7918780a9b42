/* SPDX-License-Identifier: ISC */
/*
 * alias.h - PURE msmtp-format aliases file parser and recipient expansion.
 *
 * File format (msmtp's, which is a subset of sendmail's /etc/aliases):
 *
 *     # comment
 *     root: alice@example.org, bob@example.org
 *     postmaster: root
 *     default: admin@example.org
 *
 * One `name: address, address...` per line.  `#` starts a comment that runs
 * to the end of the line (as in msmtp, wherever it appears).  A line that
 * begins with a space or tab continues the previous entry (sendmail).
 * Names are local parts (no `@`, no white space) and match case-
 * insensitively.  Addresses are an RFC 5322 address list (addr.c), so
 * "Name <a@b>" works; an address may itself be an alias name.  Pipes
 * ("|prog"), files ("/path") and ":include:" cannot be relayed and are
 * refused.  The first entry of a name wins; later ones are recorded in
 * dup_name/dup_line (for `smtps -bi` to report), not an error, so a file
 * that works with msmtp keeps working.
 *
 * alias_expand(): for each input recipient without a domain, replace it by
 * its alias, recursively; a name that has no entry uses the `default`
 * entry when there is one.  A name met again inside its own expansion
 * (`root: root, a@b`, or a loop a -> b -> a) is taken literally there, as
 * sendmail does.  Addresses left without a domain ("root") are qualified
 * with loc->domain (maildomain or the mailname file, aliasfile.h) when it
 * is set; else they are replaced by loc->admin (admin_address, else the
 * account's from); with neither, that is an error (EX_USAGE), because a
 * bare RCPT TO:<root> would go to whatever the server guesses.  Never the
 * envelope sender's domain: at a provider that is a stranger's mailbox.
 * Addresses with a domain are never looked up.  loc->tab may be NULL (no
 * aliases file, or -n: qualification only).
 * Output: appended to *out without duplicates (case-insensitive).
 * alias_resolve(): the same for one name (the header rewriting of local
 * mail, hdr.h, uses it for To, Cc and Bcc).
 *
 * Errors: parse -> EX_CONFIG "FILE:LINE: why"; expansion deeper than
 * LIMIT_ALIAS_DEPTH or longer than LIMIT_ALIAS_STEPS lookups -> EX_CONFIG;
 * more than LIMIT_RCPTS results -> EX_USAGE; a qualified address longer
 * than LIMIT_ADDR -> EX_USAGE.  No I/O, no globals; memory: the table owns
 * its strings (alias_free), *out's strings are the caller's
 * (addr_list_free).
 */
#ifndef SMTPS_ALIAS_H
#define SMTPS_ALIAS_H

#include <stddef.h>
#include "addr.h"
#include "err.h"

struct alias {
	char		*name;
	struct addr_list to;
	int		 line;
};

struct alias_tab {
	struct alias	*v;
	size_t		 n;
	char		*dup_name;	/* first name defined twice, or NULL */
	int		 dup_line;	/* the line of its second entry */
};

int	alias_parse(const char *buf, size_t len, const char *file,
	    struct alias_tab *, struct err *);
/* the entry for name (case-insensitive), or NULL */
const struct alias *alias_find(const struct alias_tab *, const char *name);
/* where the bare names of local mail go (alias_expand) */
struct alias_local {
	const struct alias_tab	*tab;	/* NULL: no aliases */
	const char		*domain; /* NULL: none */
	const char		*admin;	/* NULL: none */
};

int	alias_expand(const struct alias_local *, const struct addr_list *in,
	    struct addr_list *out, struct err *);
int	alias_resolve(const struct alias_local *, const char *name,
	    struct addr_list *out, struct err *);
void	alias_free(struct alias_tab *);

#endif
