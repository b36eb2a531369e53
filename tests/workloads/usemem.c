// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usemem - the workload pattern of seed 000: threads keep writing a private
 * anonymous region while the main thread fork()+exec()s a child every
 * period, so after each fork every written page is COW write-protected and
 * the next write to it is a write fault that reuses the page (or copies it).
 *
 * usemem [-t THREADS] [-m MIB] [-s SECONDS] [-f FORK_MS]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;
static size_t region_bytes;
static char *region;
static int nthreads = 2;

static void *writer(void *arg)
{
	size_t me = (size_t)arg, chunk = region_bytes / (size_t)nthreads;
	char *p = region + me * chunk;

	while (!atomic_load(&stop)) {
		for (size_t off = 0; off < chunk; off += 4096)
			p[off]++;
		usleep(1000);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = 1.0, end;
	int mib = 4, fork_ms = 100, c;
	pthread_t tid[64];

	while ((c = getopt(argc, argv, "t:m:s:f:")) != -1) {
		switch (c) {
		case 't': nthreads = atoi(optarg); break;
		case 'm': mib = atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'f': fork_ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: usemem [-t THREADS] [-m MIB] [-s SECONDS] [-f FORK_MS]\n");
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 64 || mib < 1)
		return 2;
	region_bytes = (size_t)mib << 20;
	region = mmap(NULL, region_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (region == MAP_FAILED)
		return 1;
	for (long i = 0; i < nthreads; i++)
		pthread_create(&tid[i], NULL, writer, (void *)i);
	end = now() + seconds;
	while (now() < end) {
		pid_t pid;

		usleep((useconds_t)fork_ms * 1000);
		pid = fork();
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
