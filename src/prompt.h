/* SPDX-License-Identifier: ISC */
/*
 * prompt.h - one line asked on the controlling terminal, echo off.
 *
 * prompt_hidden(): open /dev/tty; when there is none, return 0 without
 * asking.  Else write `question`, turn echo off, read one line
 * (canonical mode, at most LIMIT_PASSWORD - 2 bytes, the newline
 * removed), put the terminal back and write the newline that the
 * user's Enter did not echo.  Returns 1 with *answer (the caller's,
 * possibly empty: the caller decides; release it with secret_free), 0
 * (no terminal), or -1 with e: "WHAT: interrupted" or a read error
 * (EX_TEMPFAIL), "WHAT: the answer is longer than N bytes" (EX_CONFIG).
 * EOF counts as an empty answer.  SIGINT, SIGTERM, SIGHUP and SIGQUIT
 * while echo is off are caught: the terminal is put back first, then the
 * signal is raised again under its old action.  The buffer is wiped.
 *
 * prompt_have_tty(): 1 when the process has a controlling terminal
 * (/dev/tty opens), else 0.
 */
#ifndef SMTPS_PROMPT_H
#define SMTPS_PROMPT_H

#include "err.h"

int	prompt_hidden(const char *what, const char *question, char **answer,
	    struct err *);
int	prompt_have_tty(void);

#endif
