/* SPDX-License-Identifier: ISC */
/*
 * t_dead.c - dead.letter: mboxo quoting of "From " lines across read
 * boundaries, CRLF back to LF; dead_path() without an account.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "dead.h"

/*
 * dead.letter is mboxo: body lines starting with "From " get ">", also
 * when the line start falls at the end of one 64 KiB read and the rest in
 * the next one (each split position of "From " is tried).
 */
static void
test_dead_letter(void)
{
	char sdir[] = "/tmp/t_dead.XXXXXX", path[64], *in, *got;
	size_t cut, i, len;
	struct spool sp;
	struct err e;
	FILE *fp;

	T_OK(mkdtemp(sdir) != NULL, "mkdtemp");
	for (cut = 0; cut <= 5; cut++) {
		len = LIMIT_IO_BUF + 64;
		in = malloc(len);
		got = malloc(2 * len);
		memset(in, 'a', len);
		/* "From x" starts `cut` bytes before the read boundary */
		i = LIMIT_IO_BUF - cut;
		in[i - 2] = '\r';
		in[i - 1] = '\n';
		memcpy(in + i, "From x\r\n", 8);
		memcpy(in + len - 2, "\r\n", 2);
		memset(&sp, 0, sizeof(sp));
		snprintf(sp.path, sizeof(sp.path), "%s/spool", sdir);
		snprintf(path, sizeof(path), "%s/dead.letter", sdir);
		unlink(path);
		sp.fd = open(sp.path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		T_OK(sp.fd != -1 && write(sp.fd, in, len) == (ssize_t)len,
		    "spool written");
		err_clear(&e);
		T_EQ_INT(dead_append(&sp, path, "a@b", &e), 0);
		fp = fopen(path, "r");
		len = fp ? fread(got, 1, 2 * LIMIT_IO_BUF, fp) : 0;
		got[len] = '\0';
		T_OK(strstr(got, "\n>From x\n") != NULL,
		    "cut %zu: From line not quoted", cut);
		T_OK(strstr(got, "\nFrom x") == NULL,
		    "cut %zu: unquoted From line", cut);
		T_OK(strchr(got, '\r') == NULL, "cut %zu: CR left", cut);
		if (fp)
			fclose(fp);
		close(sp.fd);
		free(in);
		free(got);
	}
	unlink(sp.path);
	unlink(path);
	rmdir(sdir);
}

/* with no account (it could not be loaded): $HOME/dead.letter */
static void
test_path(void)
{
	struct account a;
	char buf[64];

	memset(&a, 0, sizeof(a));
	a.dead_letter = (char *)"off";
	T_EQ_STR(dead_path(&a, buf, sizeof(buf)), "off");
	a.dead_letter = NULL;
	T_OK(dead_path(&a, buf, sizeof(buf)) == NULL, "account without one");
	T_OK(setenv("HOME", "/h", 1) == 0, "setenv");
	T_EQ_STR(dead_path(NULL, buf, sizeof(buf)), "/h/dead.letter");
	T_OK(setenv("HOME", "", 1) == 0, "setenv");
	T_OK(dead_path(NULL, buf, sizeof(buf)) == NULL, "empty HOME");
	T_OK(unsetenv("HOME") == 0, "unsetenv");
	T_OK(dead_path(NULL, buf, sizeof(buf)) == NULL, "no HOME");
}

int
main(void)
{
	test_dead_letter();
	test_path();
	return t_done("t_dead");
}
