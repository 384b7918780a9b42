/* SPDX-License-Identifier: ISC */
/*
 * timeit.c - run commands N times each, stdin from a file, and print one
 * line of figures per command (what hyperfine would give, without the
 * dependency).
 *
 *   timeit [-n RUNS] [-w WARMUPS] [-i INPUT] [-e ERRLOG] -- CMD1 ARGS...
 *          [::: CMD2 ARGS... [::: ...]]
 *
 * With several commands the runs alternate (1, 2, 1, 2, ...), so a change
 * in machine load hits all of them alike.  Each run is fork + exec + wait4;
 * the wall time is measured around that (process start to exit).  stdout
 * goes to /dev/null, stderr is appended to ERRLOG (or /dev/null).  A run
 * that exits non-zero counts as a failure.  Output, one line per command:
 *   cmd=K runs=N fail=F median_ms=.. min_ms=.. mean_ms=.. max_ms=..
 *   total_s=.. cpu_ms=<median user+sys> maxrss_kb=<largest ru_maxrss>
 * total_s is the sum of the timed runs (for a back-to-back burst rate).
 * Exit status: 1 when any run failed.
 */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD	8

struct stat_s {
	char	**argv;
	double	*wall, *cpu, sum, min, max;
	long	maxrss;
	int	ok, fail;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* one run: wall ms (or -1 when it failed), cpu ms, maxrss kB */
static double
run(char **cmd, const char *input, const char *errlog, double *cpu,
    long *rss)
{
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	int st, fd;

	t0 = now_ms();
	if ((pid = fork()) == -1) {
		perror("timeit: fork");
		exit(1);
	}
	if (pid == 0) {
		fd = open(input ? input : "/dev/null", O_RDONLY);
		if (fd == -1 || dup2(fd, 0) == -1)
			_exit(126);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		if (errlog)
			fd = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 2);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) == -1) {
		perror("timeit: wait4");
		exit(1);
	}
	t1 = now_ms();
	*cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
	    ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	*rss = ru.ru_maxrss;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return t1 - t0;
}

int
main(int argc, char **argv)
{
	const char *input = NULL, *errlog = NULL;
	struct stat_s st[MAXCMD], *s;
	int n = 10, warm = 0, ch, i, k, ncmd = 0, bad = 0;
	double cpu, t;
	long rss;

	while ((ch = getopt(argc, argv, "+n:w:i:e:")) != -1) {
		switch (ch) {
		case 'n': n = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'i': input = optarg; break;
		case 'e': errlog = optarg; break;
		default:
			fprintf(stderr, "usage: timeit [-n RUNS] [-w WARMUPS] "
			    "[-i INPUT] [-e ERRLOG] -- CMD... [::: CMD...]\n");
			return 2;
		}
	}
	if (optind >= argc || n < 1)
		return 2;
	/* split the rest at ":::" */
	for (i = optind; i < argc && ncmd < MAXCMD; ) {
		memset(&st[ncmd], 0, sizeof(st[ncmd]));
		st[ncmd].argv = argv + i;
		st[ncmd].min = 1e18;
		st[ncmd].wall = calloc((size_t)n, sizeof(double));
		st[ncmd].cpu = calloc((size_t)n, sizeof(double));
		if (st[ncmd].wall == NULL || st[ncmd].cpu == NULL)
			return 1;
		while (i < argc && strcmp(argv[i], ":::") != 0)
			i++;
		if (i < argc)
			argv[i++] = NULL;
		ncmd++;
	}
	for (i = 0; i < warm; i++)
		for (k = 0; k < ncmd; k++)
			(void)run(st[k].argv, input, errlog, &cpu, &rss);
	for (i = 0; i < n; i++) {
		for (k = 0; k < ncmd; k++) {
			s = &st[k];
			t = run(s->argv, input, errlog, &cpu, &rss);
			if (t < 0) {
				s->fail++;
				continue;
			}
			s->wall[s->ok] = t;
			s->cpu[s->ok++] = cpu;
			s->sum += t;
			s->min = t < s->min ? t : s->min;
			s->max = t > s->max ? t : s->max;
			s->maxrss = rss > s->maxrss ? rss : s->maxrss;
		}
	}
	for (k = 0; k < ncmd; k++) {
		s = &st[k];
		bad |= s->fail > 0;
		if (s->ok == 0) {
			printf("cmd=%d runs=%d fail=%d\n", k + 1, n, s->fail);
			continue;
		}
		printf("cmd=%d runs=%d fail=%d median_ms=%.2f min_ms=%.2f "
		    "mean_ms=%.2f max_ms=%.2f total_s=%.3f cpu_ms=%.2f "
		    "maxrss_kb=%ld\n", k + 1, n, s->fail,
		    median(s->wall, s->ok), s->min, s->sum / s->ok, s->max,
		    s->sum / 1e3, median(s->cpu, s->ok), s->maxrss);
	}
	return bad;
}
