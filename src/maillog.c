/* SPDX-License-Identifier: ISC */
/*
 * maillog.c - the one mail-log writer: the logfile and syslog line of
 * each attempt (contract: maillog.h); logline.c formats the line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "diag.h"
#include "maillog.h"

static void
write_file(const char *path, const char *line, size_t len)
{
	char *s;
	int fd;

	if (strcmp(path, "-") == 0) {
		printf("%s\n", line);
		fflush(stdout);
		return;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	    0600);
	if (fd == -1) {
		diag_warn("logfile %s: %s", path, strerror(errno));
		return;
	}
	s = xmalloc(len + 1);
	memcpy(s, line, len);
	s[len] = '\n';
	if (write(fd, s, len + 1) != (ssize_t)(len + 1))
		diag_warn("logfile %s: %s", path, strerror(errno));
	free(s);
	close(fd);
}

void
maillog_write(const struct account *a, struct logline *l)
{
	char line[LIMIT_LOG_LINE];
	struct tm tm;
	time_t now;
	size_t n;

	if (!maillog_on(a))
		return;
	l->account = a->name;
	if (l->host == NULL)
		l->host = account_server(a);
	if (l->port == 0)
		l->port = a->port;
	if (a->logfile != NULL) {
		now = time(NULL);
		localtime_r(&now, &tm);
		n = logline_format(l, &tm, a->logfile_time_format, line,
		    sizeof(line));
		write_file(a->logfile, line, n);
	}
	if (a->syslog != NULL) {
		int fac = conf_syslog_facility(a->syslog);

		logline_format(l, NULL, NULL, line, sizeof(line));
		openlog("smtps", LOG_PID, fac < 0 ? LOG_USER : fac);
		syslog(l->exitcode == 0 ? LOG_INFO : LOG_ERR, "%s", line);
		closelog();
	}
}

int
maillog_on(const struct account *a)
{
	return a->logfile != NULL || a->syslog != NULL;
}
