/* SPDX-License-Identifier: ISC */
/*
 * aliasfile.h - the account's aliases file: loading, recipient expansion
 * and the -bi check.  The parser and the expansion rules are alias.c's
 * (PURE); this is their I/O side.
 *
 * aliasfile_expand(): read the account's `aliases` file (when set; at
 * most LIMIT_CONF_FILE bytes; missing or unreadable -> EX_CONFIG naming
 * it), then replace *rcpts by its expansion (alias_expand): bare names are
 * qualified with `maildomain`, else the envelope sender's domain.
 * With use_aliases 0 (-n) bare names are only qualified.
 * aliasfile_check(): `smtps -bi` / newaliases: parse the file and
 * print "FILE: N aliases" (and a warning for a name defined twice) to fp.
 */
#ifndef SMTPS_ALIASFILE_H
#define SMTPS_ALIASFILE_H

#include <stdio.h>
#include "addr.h"
#include "conf.h"

int	aliasfile_expand(const struct account *, const char *from,
	    int use_aliases, struct addr_list *rcpts, struct err *);
int	aliasfile_check(const struct account *, FILE *, struct err *);

#endif
