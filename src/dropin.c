/*
 * dropin.c - aliases file loading and the logfile/syslog writer
 * (contract: dropin.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "alias.h"
#include "dropin.h"
#include "diag.h"
#include "msg.h"
#include "net.h"

/* the whole aliases file into *buf (caller frees) */
static int
slurp(const char *path, char **buf, size_t *len, struct err *e)
{
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_set(e, EX_CONFIG, "aliases file %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > LIMIT_CONF_FILE) {
		close(fd);
		return err_set(e, EX_CONFIG, "aliases file %s: not a regular "
		    "file of at most %d bytes", path, LIMIT_CONF_FILE);
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	*len = 0;
	while ((n = read(fd, *buf + *len, (size_t)st.st_size - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (n == -1) {
		free(*buf);
		return err_set(e, EX_CONFIG, "aliases file %s: %s", path,
		    strerror(errno));
	}
	return 0;
}

static int
load(const char *path, struct alias_tab *t, struct err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (slurp(path, &buf, &len, e) == -1)
		return -1;
	rc = alias_parse(buf, len, path, t, e);
	free(buf);
	return rc;
}

int
dropin_aliases(const struct account *a, const char *from, int use_aliases,
    struct addr_list *rcpts, struct err *e)
{
	struct alias_tab t, *tp = NULL;
	struct addr_list out = { NULL, 0 };
	const char *dom = a->maildomain;
	int rc;

	if (dom == NULL && from != NULL)
		dom = addr_domain(from);
	if (a->aliases != NULL && use_aliases) {
		if (load(a->aliases, &t, e) == -1)
			return -1;
		tp = &t;
	}
	rc = alias_expand(tp, rcpts, dom, &out, e);
	if (tp != NULL)
		alias_free(tp);
	if (rc == -1) {
		addr_list_free(&out);
		return -1;
	}
	addr_list_free(rcpts);
	*rcpts = out;
	return 0;
}

void
dropin_pretend(const struct account *a, const char *from,
    const struct addr_list *rcpts, int read_rcpts, FILE *fp)
{
	char *text = conf_format(a), how[LIMIT_ERR_MSG / 2];
	size_t i;

	fprintf(fp, "# %s:%d\n%s", a->file ? a->file : "?", a->line, text);
	net_describe(a, how, sizeof(how));
	fprintf(fp, "%-22s %s\n", "connect to", how);
	fprintf(fp, "%-22s <%s>\n", "envelope-from", from);
	for (i = 0; i < rcpts->n; i++)
		fprintf(fp, "%-22s <%s>\n", "recipient", rcpts->v[i]);
	if (read_rcpts)
		fprintf(fp, "%-22s %s\n", "recipient",
		    "(also To, Cc and Bcc of the message: -t)");
	free(text);
}

int
dropin_aliases_check(const struct account *a, FILE *fp, struct err *e)
{
	struct alias_tab t;

	if (a->aliases == NULL)
		return err_set(e, EX_CONFIG, "account '%s' has no aliases "
		    "file (keyword 'aliases')", a->name);
	if (load(a->aliases, &t, e) == -1)
		return -1;
	fprintf(fp, "%s: %zu aliases\n", a->aliases, t.n);
	if (t.dup_name != NULL)
		diag_warn("%s:%d: alias '%s' defined again (the first entry is "
		    "used)", a->aliases, t.dup_line, t.dup_name);
	alias_free(&t);
	return 0;
}

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
dropin_log(const struct account *a, struct logline *l)
{
	char line[LIMIT_LOG_LINE];
	struct tm tm;
	time_t now;
	size_t n;

	if (!dropin_logs(a))
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
		int fac = logline_facility(a->syslog);

		logline_format(l, NULL, NULL, line, sizeof(line));
		openlog("smtps", LOG_PID, fac < 0 ? LOG_USER : fac);
		syslog(l->exitcode == 0 ? LOG_INFO : LOG_ERR, "%s", line);
		closelog();
	}
}

int
dropin_logs(const struct account *a)
{
	return a->logfile != NULL || a->syslog != NULL;
}

void
dropin_msgid(int fd, char *out, size_t outsz)
{
	char *hb = xmalloc(LIMIT_HEADER_BLOCK), *val, *lt, *gt;
	ssize_t n = pread(fd, hb, LIMIT_HEADER_BLOCK, 0);
	const char *v, *p;
	size_t o = 0, vlen, off;
	long hlen;

	/* the spool is CRLF with the header block rewritten (msg.h) */
	hlen = n > 0 ? hdr_split(hb, (size_t)n, 1, &off) : -1;
	if (hlen > 0 && hdr_get(hb, (size_t)hlen, "Message-ID", &v, &vlen)) {
		/* the <id> when there is one, else the value without blanks */
		p = val = xstrndup(v, vlen);
		if ((lt = strchr(val, '<')) != NULL &&
		    (gt = strchr(lt, '>')) != NULL) {
			gt[1] = '\0';
			p = lt;
		}
		for (; *p != '\0'; p++)
			if (strchr(" \t\r\n", *p) == NULL && o + 1 < outsz)
				out[o++] = *p;
		free(val);
	}
	out[o] = '\0';
	free(hb);
}

/* the value of the From field of the raw message start, found as msg.c does */
static char *
header_from(const char *raw, size_t n)
{
	struct hdr_buf hb = { NULL, 0, 0 };
	const char *v;
	size_t vlen;
	char *val = NULL;

	if (hdr_get(hb.p, msg_header_block(raw, n, &hb), "From", &v, &vlen))
		val = xstrndup(v, vlen);
	hdr_buf_free(&hb);
	return val;
}

int
dropin_read_envelope_from(int *fd, char *from, size_t fromsz,
    struct err *e)
{
	static char buf[LIMIT_HEADER_BLOCK];
	struct addr_list l = { NULL, 0 };
	FILE *tmp;
	size_t n, hlen = 0;
	char *val = NULL;
	int rc;

	if ((tmp = tmpfile()) == NULL)
		return err_set(e, EX_CANTCREAT, "--read-envelope-from: cannot "
		    "create a temporary file: %s", strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (fwrite(buf, 1, n, tmp) != n)
			break;
		if (hlen == 0)
			hlen = n;
	}
	if (ferror(stdin) || ferror(tmp) || fflush(tmp) == EOF ||
	    fseek(tmp, 0, SEEK_SET) == -1) {
		fclose(tmp);
		return err_set(e, EX_IOERR, "--read-envelope-from: reading the "
		    "message: %s", strerror(errno));
	}
	/* the header block is at the start of the first chunk read */
	if (fread(buf, 1, hlen, tmp) != hlen || fseek(tmp, 0, SEEK_SET) == -1 ||
	    (val = header_from(buf, hlen)) == NULL) {
		fclose(tmp);
		return err_set(e, EX_DATAERR, "--read-envelope-from: the "
		    "message has no From: header");
	}
	rc = addr_list_parse(val, strlen(val), &l, e);
	free(val);
	if (rc == 0 && (l.n == 0 || strlcpy(from, l.v[0], fromsz) >= fromsz))
		rc = err_set(e, EX_DATAERR, "--read-envelope-from: no usable "
		    "address in the From: header");
	addr_list_free(&l);
	if (rc == -1) {
		fclose(tmp);
		return err_prefix(e, "--read-envelope-from");
	}
	*fd = dup(fileno(tmp));
	fclose(tmp);		/* may move the shared offset: rewind after */
	if (*fd == -1 || lseek(*fd, 0, SEEK_SET) == -1)
		return err_set(e, EX_OSERR, "--read-envelope-from: %s",
		    strerror(errno));
	return 0;
}
