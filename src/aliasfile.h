/* SPDX-License-Identifier: ISC */
/*
 * aliasfile.h - the account's aliases file: loading, recipient expansion
 * and the -bi check.  The parser and the expansion rules are alias.c's
 * (PURE); this is their I/O side.
 *
 * Local mail: the bare names ("root", "www-data") that cron and daemons
 * send to.  aliasfile_local_load() gathers where they go, once per message:
 *   1. the account's `aliases` file (when set and use_aliases, i.e. not -n;
 *      at most LIMIT_CONF_FILE bytes; missing or unreadable -> EX_CONFIG
 *      naming it);
 *   2. the domain that qualifies a name left bare: `maildomain`, else the
 *      first line of `mailname_file` (default /etc/mailname, as Debian's
 *      MTAs; `off` skips it).  A missing mailname file is no domain; one
 *      that cannot be read, or whose line is not a domain name ->
 *      EX_CONFIG naming the file.  A name that cannot be anybody's mail
 *      domain (one label such as "debian", "localhost", or ending in
 *      ".localdomain" or ".local") is not used (a note under -v);
 *   3. with no domain: `admin_address`, else the account's `from` when it
 *      is a full address (not a pattern): the bare name is replaced by it.
 * Never the envelope sender's domain (at a provider: a stranger's mailbox).
 * aliasfile_expand(): replace *rcpts by its expansion (alias_expand) with
 * what was loaded.  l->loc is what hdr's local-mail rewriting uses too.
 * aliasfile_check(): `smtps -bi` / newaliases: parse the file and
 * print "FILE: N aliases" (and a warning for a name defined twice) to fp;
 * without an aliases file there is nothing to rebuild: 0, and a note
 * under -v only (package scripts call newaliases).
 */
#ifndef SMTPS_ALIASFILE_H
#define SMTPS_ALIASFILE_H

#include <stdio.h>
#include "addr.h"
#include "conf.h"

#include "alias.h"
#include "limit.h"

struct aliasfile_local {
	struct alias_tab	tab;
	int			have_tab;
	char			domain[LIMIT_DOMAIN + 1];
	char			admin[LIMIT_ADDR + 1];
	struct alias_local	loc;	/* points into the above */
};

int	aliasfile_local_load(const struct account *, int use_aliases,
	    struct aliasfile_local *, struct err *);
void	aliasfile_local_free(struct aliasfile_local *);
int	aliasfile_expand(const struct aliasfile_local *,
	    struct addr_list *rcpts, struct err *);
int	aliasfile_check(const struct account *, FILE *, struct err *);

#endif
