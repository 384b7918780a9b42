/* SPDX-License-Identifier: ISC */
/*
 * jdoc.c - JSON objects through json-c (contract: jdoc.h).
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jdoc.h"

struct jdoc {
	json_object	*o;
};

struct jdoc *
jdoc_parse(const char *buf, size_t len, struct err *e)
{
	json_tokener *tok;
	json_object *o;
	struct jdoc *d;
	size_t end;

	if (len > LIMIT_HTTP_BODY || len > INT_MAX)
		return err_set(e, EX_PROTOCOL, "malformed JSON: too large"),
		    NULL;
	if ((tok = json_tokener_new_ex(JDOC_DEPTH)) == NULL)
		return err_set(e, EX_OSERR, "out of memory"), NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		err_set(e, EX_PROTOCOL, "malformed JSON: %s",
		    json_tokener_error_desc(json_tokener_get_error(tok) ==
		    json_tokener_continue ? json_tokener_error_parse_eof :
		    json_tokener_get_error(tok)));
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	while (end < len && strchr(" \t\r\n", buf[end]) != NULL)
		end++;
	if (end < len || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return err_set(e, EX_PROTOCOL, "malformed JSON: %s", end < len ?
		    "data after the object" : "not an object"), NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->o = o;
	return d;
}

const char *
jdoc_str(const struct jdoc *d, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(d->o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long
jdoc_num(const struct jdoc *d, const char *key, long long dflt)
{
	const char *s, *es = NULL;
	json_object *v;
	long long n;

	if (!json_object_object_get_ex(d->o, key, &v))
		return dflt;
	if (json_object_is_type(v, json_type_int))
		return (long long)json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_string))
		return dflt;
	s = json_object_get_string(v);
	if (s[0] == '\0' || s[strspn(s, "0123456789")] != '\0')
		return dflt;
	n = strtonum(s, 0, LLONG_MAX, &es);
	return es != NULL ? dflt : n;
}

/* a new wrapper around o (NULL: json-c is out of memory) */
static struct jdoc *
wrap(json_object *o)
{
	struct jdoc *d = xcalloc(1, sizeof(*d));

	if ((d->o = o) == NULL)
		(void)xmalloc(SIZE_MAX);	/* the one OOM exit */
	return d;
}

struct jdoc *
jdoc_new(void)
{
	return wrap(json_object_new_object());
}

void
jdoc_set_str(struct jdoc *d, const char *key, const char *v)
{
	json_object_object_add(d->o, key, json_object_new_string(v));
}

void
jdoc_set_num(struct jdoc *d, const char *key, long long n)
{
	json_object_object_add(d->o, key, json_object_new_int64(n));
}

void
jdoc_set_null(struct jdoc *d, const char *key)
{
	json_object_object_add(d->o, key, NULL);
}

void
jdoc_set_bool(struct jdoc *d, const char *key, int v)
{
	json_object_object_add(d->o, key, json_object_new_boolean(v != 0));
}

struct jdoc *
jdoc_new_list(void)
{
	return wrap(json_object_new_array());
}

/* the item's json-c object, handed over; the wrapper freed */
static json_object *
adopt(struct jdoc *item)
{
	json_object *o = item->o;

	free(item);
	return o;
}

void
jdoc_push(struct jdoc *list, struct jdoc *item)
{
	json_object_array_add(list->o, adopt(item));
}

void
jdoc_set_doc(struct jdoc *d, const char *key, struct jdoc *item)
{
	json_object_object_add(d->o, key, adopt(item));
}

char *
jdoc_text(const struct jdoc *d)
{
	return xstrdup(json_object_to_json_string_ext(d->o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

void
jdoc_free(struct jdoc *d)
{
	if (d == NULL)
		return;
	json_object_put(d->o);
	free(d);
}
