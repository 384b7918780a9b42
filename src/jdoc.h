/* SPDX-License-Identifier: ISC */
/*
 * jdoc.h - a JSON object document read with json-c: the replies of an
 * OAuth2 identity provider and smtps's token files.  No I/O.
 *
 * jdoc_parse(): buf[0..len) must be one JSON object (strict RFC 8259
 * syntax, nesting at most JDOC_DEPTH, len at most LIMIT_HTTP_BODY) with
 * nothing but white space after it; else -1 with EX_PROTOCOL "malformed
 * JSON: why".  jdoc_str(): the string member `key`, or NULL when absent
 * or not a string (valid until jdoc_free).  jdoc_num(): the member as an
 * integer (a JSON number, or a string of digits: some providers send
 * expires_in as "3599"), or `dflt` when absent or not one.
 * jdoc_new(), jdoc_set_str(), jdoc_set_num(), jdoc_text(): build an
 * object and write it as compact JSON (a malloc'ed string: smtps's token
 * files, mailq --json; "/" is not escaped).  jdoc_set_null() sets the
 * member to null, jdoc_set_bool() to true or false.
 * jdoc_new_list() makes a JSON array instead of an object; jdoc_push()
 * appends `item` to it and jdoc_set_doc() makes `item` the member `key` of
 * an object: both take `item` over (the caller no longer frees it).
 * Out of memory is fatal (x* allocators).
 * Why json-c: a well-kept, small Debian library made for this; a JSON
 * parser written here would be one more parser to fuzz.  This file is
 * the only user of json-c.
 */
#ifndef SMTPS_JDOC_H
#define SMTPS_JDOC_H

#include <stddef.h>

#include "err.h"

#define JDOC_DEPTH	16

struct jdoc;

struct jdoc	*jdoc_parse(const char *buf, size_t len, struct err *);
const char	*jdoc_str(const struct jdoc *, const char *key);
long long	 jdoc_num(const struct jdoc *, const char *key, long long dflt);
struct jdoc	*jdoc_new(void);
void		 jdoc_set_str(struct jdoc *, const char *key, const char *);
void		 jdoc_set_num(struct jdoc *, const char *key, long long);
void		 jdoc_set_null(struct jdoc *, const char *key);
void		 jdoc_set_bool(struct jdoc *, const char *key, int);
struct jdoc	*jdoc_new_list(void);
void		 jdoc_push(struct jdoc *list, struct jdoc *item);
void		 jdoc_set_doc(struct jdoc *, const char *key,
		    struct jdoc *item);
char		*jdoc_text(const struct jdoc *);
void		 jdoc_free(struct jdoc *);

#endif
