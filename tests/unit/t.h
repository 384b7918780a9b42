/* SPDX-License-Identifier: ISC */
/*
 * t.h - the smallest unit-test harness: checks count passes and failures,
 * a failing check prints file:line and what differed, t_done() prints the
 * totals line "t_NAME: N passed, M failed" and returns the exit status.
 *
 * t_golden(): golden files.  For every DIR/NAME.in (in name order) the
 * test's dump function writes a canonical text of the parse result, which
 * must equal DIR/NAME.out byte for byte; a missing .out fails.  To write
 * the .out files instead, run the test binary from the top of the tree
 * with T_GOLDEN_WRITE=1 in the environment: each file written counts as a
 * failure (a regenerating run never passes), and every changed .out must
 * be checked by hand against the RFC before it is committed.  Dumps show
 * bytes with t_put_escaped(): "\\" in a .out file is one backslash.
 */
#ifndef SMTPS_T_H
#define SMTPS_T_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail;

#define T_OK(cond, ...) do {						\
	if (cond) t_pass++;						\
	else {								\
		t_fail++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define T_EQ_INT(a, b) do {						\
	long long t_a = (a), t_b = (b);					\
	T_OK(t_a == t_b, "%s == %lld, expected %lld", #a, t_a, t_b);	\
} while (0)

#define T_EQ_STR(a, b) do {						\
	const char *t_a = (a), *t_b = (b);				\
	T_OK(t_a && t_b && strcmp(t_a, t_b) == 0,			\
	    "%s == \"%s\", expected \"%s\"", #a,			\
	    t_a ? t_a : "(null)", t_b ? t_b : "(null)");		\
} while (0)

#define T_EQ_MEM(a, alen, b, blen) do {					\
	size_t t_al = (alen), t_bl = (blen);				\
	T_OK(t_al == t_bl && memcmp((a), (b), t_al) == 0,		\
	    "%s: got \"%.*s\" (%zu), expected \"%.*s\" (%zu)", #a,	\
	    (int)t_al, (const char *)(a), t_al, (int)t_bl,		\
	    (const char *)(b), t_bl);					\
} while (0)

/* the bytes as printable ASCII: \\, \r, \n, \t, \0 and \xHH escaped */
static inline void
t_put_escaped(FILE *f, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\0')
			fputs("\\0", f);
		else if (c < 0x20 || c > 0x7e)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* the whole file, NUL-terminated (also after a NUL inside); NULL if none */
static inline char *
t_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (f == NULL)
		return NULL;
	do {
		cap += 4096;
		if ((buf = realloc(buf, cap + 1)) == NULL)
			abort();
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (*len == cap);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static inline int
t_golden_in(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 3 && strcmp(d->d_name + n - 3, ".in") == 0;
}

/* one golden case: dump DIR/NAME.in, compare with (or write) NAME.out */
static inline void
t_golden_one(const char *dir, const char *name,
    void (*dump)(const char *, size_t, FILE *))
{
	char path[1024], *in, *want, *got = NULL;
	size_t inlen, wantlen, gotlen;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	in = t_slurp(path, &inlen);
	T_OK(in != NULL, "cannot read %s", path);
	if (in == NULL)
		return;
	if ((f = open_memstream(&got, &gotlen)) == NULL)
		abort();
	dump(in, inlen, f);
	fclose(f);
	snprintf(path + strlen(path) - 3, 5, ".out");
	if (getenv("T_GOLDEN_WRITE") != NULL) {
		int ok = 0;

		if ((f = fopen(path, "wb")) != NULL)
			ok = (fwrite(got, 1, gotlen, f) == gotlen) +
			    (fclose(f) == 0) == 2;
		T_OK(0, "%s %s: review it by hand", ok ? "wrote" :
		    "cannot write", path);
	} else {
		want = t_slurp(path, &wantlen);
		T_OK(want != NULL && wantlen == gotlen &&
		    memcmp(want, got, gotlen) == 0,
		    "%s: the dump differs; got:\n%s", path, got);
		free(want);
	}
	free(in);
	free(got);
}

/* every DIR/NAME.in in name order; a directory without any fails */
static inline void
t_golden(const char *dir, void (*dump)(const char *, size_t, FILE *))
{
	struct dirent **names;
	int i, n;

	n = scandir(dir, &names, t_golden_in, alphasort);
	T_OK(n > 0, "no golden files %s/*.in", dir);
	for (i = 0; i < n; i++) {
		t_golden_one(dir, names[i]->d_name, dump);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static inline int
t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail != 0;
}

#endif
