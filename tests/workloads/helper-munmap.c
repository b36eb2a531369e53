// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * helper-munmap - the residency trap of issue 14: a helper thread pinned
 * to CPU 1 reads 64 present pages (no fault: the main thread wrote them
 * first), then the main thread on CPU 0 munmaps them. CPU 1 may still hold
 * the 64 translations, so the munmap must reach it, whatever the trace
 * shows of the helper (nothing at all when it was recorded with a pid
 * filter that leaves the helper out, or lost its switches).
 *
 * helper-munmap [-n ROUNDS] [-p PAGES] [-w SECONDS] [-s]
 *   -n  rounds (default 10): mmap, write, helper reads, munmap
 *   -p  pages per round (default 64)
 *   -w  wait this long before the first round (for a recorder to attach)
 *   -s  the helper spins during the munmap instead of sleeping
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static long pages = 64;
static int rounds = 10;
static int spin;
static volatile char *region;
static volatile unsigned long sink;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn;	/* odd: the helper reads; even: the main thread goes on */
static volatile int stop_spin;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		fprintf(stderr, "helper-munmap: cannot pin to CPU %d (runs unpinned)\n", cpu);
}

static void *helper(void *arg)
{
	long psz = sysconf(_SC_PAGESIZE);
	int r;

	(void)arg;
	pin(1);
	for (r = 0; r < rounds; r++) {
		pthread_mutex_lock(&lock);
		while (turn != 2 * r + 1)
			pthread_cond_wait(&cond, &lock);
		pthread_mutex_unlock(&lock);
		for (long i = 0; i < pages; i++)	/* present pages: no fault */
			sink += region[i * psz];
		pthread_mutex_lock(&lock);
		turn++;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
		if (spin)
			while (!stop_spin)
				sink++;
		stop_spin = 0;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long psz = sysconf(_SC_PAGESIZE);
	pthread_t th;
	int opt, r, wait_s = 0;

	while ((opt = getopt(argc, argv, "n:p:w:s")) != -1) {
		switch (opt) {
		case 'n':
			rounds = atoi(optarg);
			break;
		case 'p':
			pages = atol(optarg);
			break;
		case 'w':
			wait_s = atoi(optarg);
			break;
		case 's':
			spin = 1;
			break;
		default:
			fprintf(stderr, "usage: helper-munmap [-n ROUNDS] [-p PAGES] [-w SECONDS] [-s]\n");
			return 2;
		}
	}
	if (rounds < 1 || pages < 1) {
		fprintf(stderr, "helper-munmap: -n and -p must be positive\n");
		return 2;
	}
	if (wait_s)
		sleep((unsigned int)wait_s);
	pin(0);
	if (pthread_create(&th, NULL, helper, NULL)) {
		perror("helper-munmap: pthread_create");
		return 1;
	}
	for (r = 0; r < rounds; r++) {
		char *p = mmap(NULL, (size_t)(pages * psz), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("helper-munmap: mmap");
			return 1;
		}
		for (long i = 0; i < pages; i++)
			p[i * psz] = (char)i;
		region = p;
		pthread_mutex_lock(&lock);
		turn = 2 * r + 1;
		pthread_cond_broadcast(&cond);
		while (turn != 2 * r + 2)
			pthread_cond_wait(&cond, &lock);
		pthread_mutex_unlock(&lock);
		if (munmap(p, (size_t)(pages * psz))) {
			perror("helper-munmap: munmap");
			return 1;
		}
		stop_spin = 1;
		usleep(2000);
	}
	pthread_join(th, NULL);
	return 0;
}
