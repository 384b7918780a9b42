/* SPDX-License-Identifier: ISC */
/*
 * delay.c - a link with latency, for counting round trips (root only).
 *
 *   delay -d MS -a TUN_A -b TUN_B [-I PIDFILE]
 *
 * Creates two TUN devices (IP packets, no extra header) and forwards every
 * packet that leaves one to the other MS milliseconds later, both ways, in
 * order: a wire with a round-trip time of 2 * MS.  The caller moves the
 * two devices into two network namespaces and gives them addresses
 * (tests/bench/run.sh).  This stands in for `tc qdisc add ... netem delay`
 * on kernels built without sch_netem; TCP (Nagle, delayed ACKs) runs
 * unchanged in the two namespaces' kernels, only the wire is slow.
 *
 * PIDFILE is written once both devices exist.  SIGTERM stops it; the
 * devices disappear with it.  It asks for real-time scheduling and 1 us
 * timer slack (best effort), so a busy machine does not stretch the delay.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOTS	4096		/* packets in flight per direction */
#define PKT	2048		/* larger than the devices' MTU (1500) */

struct pkt {
	long long	due;	/* monotonic us */
	size_t		len;
	char		data[PKT];
};

struct dir {
	int		from, to;
	struct pkt	*q;
	size_t		head, count;
	long		dropped;
};

static volatile sig_atomic_t stop;

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
tun_open(const char *name)
{
	struct ifreq ifr;
	int fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* read every packet waiting on d->from into the queue */
static void
take(struct dir *d, long long due)
{
	struct pkt *p;
	ssize_t n;

	for (;;) {
		if (d->count == SLOTS) {	/* queue full: drop, as a wire */
			char junk[PKT];

			if (read(d->from, junk, sizeof(junk)) <= 0)
				return;
			d->dropped++;
			continue;
		}
		p = &d->q[(d->head + d->count) % SLOTS];
		n = read(d->from, p->data, sizeof(p->data));
		if (n <= 0)
			return;
		p->len = (size_t)n;
		p->due = due;
		d->count++;
	}
}

/* write the packets whose time has come; return us until the next one */
static long long
give(struct dir *d, long long now)
{
	struct pkt *p;

	while (d->count > 0) {
		p = &d->q[d->head];
		if (p->due > now)
			return p->due - now;
		(void)write(d->to, p->data, p->len);	/* lost if full */
		d->head = (d->head + 1) % SLOTS;
		d->count--;
	}
	return -1;
}

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	const char *a = NULL, *b = NULL, *pidfile = NULL;
	struct dir dir[2];
	struct pollfd pfd[2];
	struct sigaction sa;
	long long delay_us = 10000, now, wait, w;
	struct timespec ts;
	int ch, fa, fb, i;

	while ((ch = getopt(argc, argv, "d:a:b:I:")) != -1) {
		switch (ch) {
		case 'd': delay_us = atoll(optarg) * 1000; break;
		case 'a': a = optarg; break;
		case 'b': b = optarg; break;
		case 'I': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: delay -d MS -a TUN_A -b TUN_B "
			    "[-I PIDFILE]\n");
			return 2;
		}
	}
	if (a == NULL || b == NULL)
		return 2;
	if ((fa = tun_open(a)) == -1 || (fb = tun_open(b)) == -1) {
		fprintf(stderr, "delay: cannot create TUN devices: %s\n",
		    strerror(errno));
		return 1;
	}
	dir[0] = (struct dir){ .from = fa, .to = fb };
	dir[1] = (struct dir){ .from = fb, .to = fa };
	dir[0].q = calloc(SLOTS, sizeof(struct pkt));
	dir[1].q = calloc(SLOTS, sizeof(struct pkt));
	if (dir[0].q == NULL || dir[1].q == NULL)
		return 1;
	{
		struct sched_param sp = { .sched_priority = 10 };

		(void)sched_setscheduler(0, SCHED_FIFO, &sp);
		(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
		(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (f == NULL)
			return 1;
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	pfd[0] = (struct pollfd){ .fd = fa, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = fb, .events = POLLIN };
	while (!stop) {
		now = now_us();
		wait = -1;
		for (i = 0; i < 2; i++) {
			w = give(&dir[i], now);
			if (w >= 0 && (wait < 0 || w < wait))
				wait = w;
		}
		if (wait < 0)
			wait = 1000000;
		ts.tv_sec = wait / 1000000;
		ts.tv_nsec = (wait % 1000000) * 1000;
		if (ppoll(pfd, 2, &ts, NULL) <= 0)
			continue;
		now = now_us();
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & POLLIN)
				take(&dir[i], now + delay_us);
	}
	return 0;
}
