/* SPDX-License-Identifier: ISC */
/*
 * t_queue.c - the queue: retry schedule, IDs, and an entry's life in a
 * temporary directory (commit, lock, update, read back, remove), the check
 * of a message that was never synced.  dead.letter: t_dead.c.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "queue.h"
#include "sum.h"

static void
test_backoff(void)
{
	int i, d;

	/* no jitter when rnd hits the middle: rnd % (2j+1) == j */
	T_EQ_INT(queue_backoff(1, 60, 3600, 6), 60);
	T_EQ_INT(queue_backoff(2, 60, 3600, 12), 120);
	T_EQ_INT(queue_backoff(3, 60, 3600, 24), 240);
	T_EQ_INT(queue_backoff(7, 60, 3600, 360), 3600);
	T_EQ_INT(queue_backoff(50, 60, 3600, 360), 3600);
	T_EQ_INT(queue_backoff(1000000, 60, 3600, 360), 3600);
	/* the extremes of the jitter: -10 % and +10 % */
	T_EQ_INT(queue_backoff(1, 60, 3600, 0), 54);
	T_EQ_INT(queue_backoff(1, 60, 3600, 12), 66);
	/* always within +-10 %, never below 1 s */
	for (i = 0; i < 1000; i++) {
		d = queue_backoff(1 + i % 12, 60, 3600, arc4random());
		T_OK(d >= 54 && d <= 3960, "backoff %d out of range", d);
	}
	T_EQ_INT(queue_backoff(1, 1, 2, 12345), 1);
	T_EQ_INT(queue_backoff(5, 1, 2, 0), 2);
}

static void
test_ids(void)
{
	T_OK(queue_id_valid("006b0a36e3.00515d.26d575c2"), "valid id");
	T_OK(!queue_id_valid(""), "empty id");
	T_OK(!queue_id_valid("../etc/passwd"), "path in id");
	T_OK(!queue_id_valid(".hidden"), "leading dot");
	T_OK(!queue_id_valid("abc/def"), "slash in id");
	T_OK(!queue_id_valid("abc def"), "space in id");
	T_OK(!queue_id_valid("0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"), "too long");
}

static void
test_entry(void)
{
	char dir[] = "/tmp/t_queue.XXXXXX", **ids;
	char *rcpts[] = { (char *)"a@x", (char *)"b@y" };
	struct spool sp;
	struct qentry qe, got, other;
	struct err e;
	size_t n;

	err_clear(&e);
	T_OK(mkdtemp(dir) != NULL, "mkdtemp");
	T_EQ_INT(queue_spool_create(dir, &sp, &e), 0);
	T_EQ_INT(write(sp.fd, "Subject: x\r\n\r\nhi\r\n", 18), 18);
	sp.size = 18;
	/* not an entry before commit */
	T_EQ_INT(queue_scan(dir, &ids, &n, &e), 0);
	T_EQ_INT(n, 0);
	queue_ids_free(ids, n);
	queue_entry_init(&qe);
	qe.created = 1000;
	qe.next = 1000;
	qe.config = (char *)"/etc/rc";
	qe.account = (char *)"acct";
	qe.from = (char *)"";
	qe.rcpts = rcpts;
	qe.nrcpts = 2;
	qe.size = 18;
	T_EQ_INT(queue_commit(&sp, &qe, &e), 0);
	T_OK(qe.lockfd != -1, "committed entry is locked");
	T_EQ_INT(queue_scan(dir, &ids, &n, &e), 0);
	T_EQ_INT(n, 1);
	T_EQ_STR(ids[0], sp.id);
	queue_ids_free(ids, n);
	/* locked by us: another open file description cannot lock it */
	T_EQ_INT(queue_lock(dir, sp.id, &other, &e), 1);
	/* update keeps it locked and is read back */
	qe.attempts = 3;
	qe.next = 2000;
	strlcpy(qe.error, "bad\r\nthing", sizeof(qe.error));
	qe.nrcpts = 1;
	qe.notify = (char *)"SUCCESS,DELAY";
	qe.ret = (char *)"HDRS";
	qe.envid = (char *)"id+1";
	strlcpy(qe.intl.utf8hdr, "Cc", sizeof(qe.intl.utf8hdr));
	qe.intl.requiretls = 1;
	T_EQ_INT(queue_update(dir, &qe, &e), 0);
	T_EQ_INT(queue_lock(dir, sp.id, &other, &e), 1);
	T_EQ_INT(queue_read(dir, sp.id, &got, &e), 0);
	T_EQ_INT(got.created, 1000);
	T_EQ_INT(got.next, 2000);
	T_EQ_INT(got.attempts, 3);
	T_EQ_STR(got.config, "/etc/rc");
	T_EQ_STR(got.account, "acct");
	T_EQ_STR(got.from, "");
	T_EQ_INT(got.nrcpts, 1);
	T_EQ_STR(got.rcpts[0], "a@x");
	T_EQ_STR(got.error, "bad\\r\\nthing");
	T_EQ_INT(got.size, 18);
	T_EQ_STR(got.notify, "SUCCESS,DELAY");
	T_EQ_STR(got.ret, "HDRS");
	T_EQ_STR(got.envid, "id+1");
	T_EQ_STR(got.intl.utf8hdr, "Cc");
	T_EQ_INT(got.intl.smtputf8, 0);
	T_EQ_INT(got.intl.requiretls, 1);
	queue_entry_free(&got);
	qe.notify = qe.ret = qe.envid = NULL;	/* not ours to free */
	/* unlocked: now someone else may take it */
	queue_unlock(&qe);
	T_EQ_INT(queue_lock(dir, sp.id, &other, &e), 0);
	T_EQ_INT(other.nrcpts, 1);
	queue_remove(dir, &other);
	queue_entry_free(&other);
	T_EQ_INT(queue_scan(dir, &ids, &n, &e), 0);
	T_EQ_INT(n, 0);
	queue_ids_free(ids, n);
	T_EQ_INT(queue_read(dir, sp.id, &got, &e), -1);
	queue_entry_free(&got);
	close(sp.fd);
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		T_EQ_INT(system(cmd), 0);
	}
}

/* write `len` bytes of text to a new spool file with its sum */
static void
spool_text(const char *dir, struct spool *sp, size_t len, struct err *e)
{
	struct sum sum;
	char *b = malloc(len);
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = i % 78 == 77 ? '\n' : i % 78 == 76 ? '\r' : 'a' + i % 26;
	T_EQ_INT(queue_spool_create(dir, sp, e), 0);
	T_EQ_INT(write(sp->fd, b, len), (long long)len);
	sum_init(&sum);
	sum_add(&sum, b, len);
	sum_hex(&sum, sp->sum);
	sp->size = (off_t)len;
	free(b);
}

/* commit one entry of `len` bytes; *qe locked */
static void
commit_text(const char *dir, struct spool *sp, struct qentry *qe,
    size_t len, char **rcpts, struct err *e)
{
	spool_text(dir, sp, len, e);
	queue_entry_init(qe);
	qe->created = qe->next = 1000;
	qe->config = (char *)"/etc/rc";
	qe->account = (char *)"acct";
	qe->from = (char *)"";
	qe->rcpts = rcpts;
	qe->nrcpts = 1;
	qe->size = (long long)len;
	T_EQ_INT(queue_commit(sp, qe, e), 0);
	close(sp->fd);
}

/*
 * An entry is committed "synced 0" with the sum of its message: taken
 * over (queue_lock + queue_open_msg) it is checked; a short or damaged
 * message is refused; queue_update() syncs it and marks it "synced 1",
 * after which it is no longer checked.
 */
static void
test_synced(void)
{
	char dir[] = "/tmp/t_queue_sy.XXXXXX", path[256];
	char *rcpts[] = { (char *)"a@x" };
	struct spool sp, msg;
	struct qentry qe, other;
	struct err e;
	int fd;

	err_clear(&e);
	T_OK(mkdtemp(dir) != NULL, "mkdtemp");
	commit_text(dir, &sp, &qe, 200000, rcpts, &e);
	T_EQ_INT(qe.synced, 0);
	queue_unlock(&qe);		/* as if smtps was killed */
	T_EQ_INT(queue_lock(dir, sp.id, &other, &e), 0);
	T_EQ_INT(other.synced, 0);
	T_EQ_STR(other.sum, sp.sum);
	T_EQ_INT(queue_open_msg(dir, &other, &msg, &e), 0);
	T_OK(msg.fd != -1 && lseek(msg.fd, 0, SEEK_CUR) == 0, "rewound");
	close(msg.fd);
	/* a zero-filled page, as a power loss may leave: refused */
	snprintf(path, sizeof(path), "%s/%s.msg", dir, sp.id);
	fd = open(path, O_WRONLY);
	T_EQ_INT(pwrite(fd, "\0\0\0\0\0\0\0\0", 8, 81920), 8);
	T_EQ_INT(queue_open_msg(dir, &other, &msg, &e), -1);
	T_EQ_INT(e.code, EX_IOERR);
	T_OK(strstr(e.msg, "incomplete") != NULL, "%s", e.msg);
	T_EQ_INT(msg.fd, -1);
	/* short: refused */
	T_EQ_INT(ftruncate(fd, 100000), 0);
	err_clear(&e);
	T_EQ_INT(queue_open_msg(dir, &other, &msg, &e), -1);
	T_EQ_INT(e.code, EX_IOERR);
	close(fd);
	queue_remove(dir, &other);
	queue_entry_free(&other);

	/* kept for a retry: synced, and not checked any more */
	commit_text(dir, &sp, &qe, 5000, rcpts, &e);
	T_EQ_INT(queue_update(dir, &qe, &e), 0);
	T_EQ_INT(qe.synced, 1);
	queue_unlock(&qe);
	T_EQ_INT(queue_lock(dir, sp.id, &other, &e), 0);
	T_EQ_INT(other.synced, 1);
	snprintf(path, sizeof(path), "%s/%s.msg", dir, sp.id);
	fd = open(path, O_WRONLY);
	T_EQ_INT(pwrite(fd, "X", 1, 0), 1);
	close(fd);
	T_EQ_INT(queue_open_msg(dir, &other, &msg, &e), 0);
	close(msg.fd);
	queue_remove(dir, &other);
	queue_entry_free(&other);
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		T_EQ_INT(system(cmd), 0);
	}
}

/*
 * Values read back from an entry are checked like the command line's: a
 * bad one makes the entry unreadable (EX_DATAERR), never obeyed.
 */
static void
test_values(void)
{
	static const struct {
		const char *line;	/* replaces one line of a good entry */
		int ok;
	} tab[] = {
		{ "config /etc/rc", 1 },
		{ "config etc/rc", 0 },			/* relative */
		{ "config /etc/r\033c", 0 },		/* control character */
		{ "account \x7f", 0 },
		{ "account ", 0 },			/* empty */
		{ "from a@x\r", 0 },
		{ "size 12x", 0 },
		{ "size -1", 0 },
		{ "size 99999999999999", 0 },		/* over LIMIT_MESSAGE */
		{ "attempts 5", 1 },
		{ "next nope", 0 },
		{ "rcpt b@x\tc", 0 },
	};
	char dir[] = "/tmp/t_queue_va.XXXXXX", path[256], buf[512];
	struct qentry qe;
	struct err e;
	size_t i;
	FILE *f;

	T_OK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "%s/1.env", dir);
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(buf, sizeof(buf), "smtps-queue 1\ncreated 1000\n"
		    "config /etc/rc\naccount acct\nfrom a@x\nsize 10\n"
		    "rcpt b@x\n%s\n", tab[i].line);
		T_OK((f = fopen(path, "w")) != NULL, "fopen");
		fputs(buf, f);
		fclose(f);
		err_clear(&e);
		T_EQ_INT(queue_read(dir, "1", &qe, &e), tab[i].ok ? 0 : -1);
		if (!tab[i].ok) {
			T_EQ_INT(e.code, EX_DATAERR);
			T_OK(strstr(e.msg, "bad value") != NULL, "%s", e.msg);
		}
		queue_entry_free(&qe);
	}
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_backoff();
	test_ids();
	test_entry();
	test_synced();
	test_values();
	return t_done("t_queue");
}
