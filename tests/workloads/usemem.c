// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usemem - the workload pattern of seed 000: threads keep writing a private
 * anonymous region while the main thread fork()+exec()s a child every
 * period, so after each fork every written page is COW write-protected and
 * the next write to it is a write fault that reuses the page (or copies it).
 *
 * usemem [-t THREADS] [-m MIB] [-s SECONDS] [-f FORK_MS]
 * usemem [-t THREADS] [-m MIB] -r ROUNDS [-e PROGRAM] [-N NAME]
 *
 * With -r the work is counted, not timed (tools/cross-arch.sh records it on
 * two machines of different speed): ROUNDS rounds of every thread writing
 * each page of its share once, then one fork()+exec() of /bin/true, waited
 * for, before the next round: ROUNDS * MIB * 256 writes and ROUNDS forks
 * whatever the speed (which writes fault, reuse or copy is the kernel's).
 * -e: the program the child execs (default /bin/true; the same busybox
 * true on both machines keeps the child's loader out of the comparison).
 * -N NAME: rename the process (prctl PR_SET_NAME) before the region is
 * mapped and the threads start: the start marker `tlbreplay diff --against
 * --comm NAME` counts from, leaving the loader's start-up out.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;
static size_t region_bytes;
static char *region;
static int nthreads = 2;
static pthread_barrier_t round_start, round_end;
static int rounds;	/* -r: counted rounds, 0: timed */
static const char *child = "/bin/true";	/* -e */

static void *writer(void *arg)
{
	size_t me = (size_t)arg, chunk = region_bytes / (size_t)nthreads;
	char *p = region + me * chunk;

	if (rounds) {
		for (int r = 0; r < rounds; r++) {
			pthread_barrier_wait(&round_start);
			/*
			 * a store, not p[off]++: arm64 compiles an increment to a
			 * load and a store, whose first touch maps the zero page
			 * (read fault) and then copies it (write fault, COW),
			 * where x86's one read-modify-write instruction takes one
			 * write fault; the two machines must fault alike
			 */
			for (size_t off = 0; off < chunk; off += 4096)
				*(volatile char *)&p[off] = (char)(r + 1);
			pthread_barrier_wait(&round_end);
		}
		return NULL;
	}
	while (!atomic_load(&stop)) {
		for (size_t off = 0; off < chunk; off += 4096)
			p[off]++;
		usleep(1000);
	}
	return NULL;
}

static void fork_exec(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl(child, "true", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
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

	while ((c = getopt(argc, argv, "t:m:s:f:r:e:N:")) != -1) {
		switch (c) {
		case 't': nthreads = atoi(optarg); break;
		case 'm': mib = atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'f': fork_ms = atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'e': child = optarg; break;
		case 'N': prctl(PR_SET_NAME, optarg, 0, 0, 0); break;
		default:
			fprintf(stderr, "usage: usemem [-t THREADS] [-m MIB] [-s SECONDS] [-f FORK_MS]\n"
					"       usemem [-t THREADS] [-m MIB] -r ROUNDS [-e PROGRAM] [-N NAME]\n");
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 64 || mib < 1 || rounds < 0)
		return 2;
	region_bytes = (size_t)mib << 20;
	region = mmap(NULL, region_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (region == MAP_FAILED)
		return 1;
	if (rounds) {
		pthread_barrier_init(&round_start, NULL, (unsigned int)nthreads + 1);
		pthread_barrier_init(&round_end, NULL, (unsigned int)nthreads + 1);
	}
	for (long i = 0; i < nthreads; i++)
		pthread_create(&tid[i], NULL, writer, (void *)i);
	for (int r = 0; r < rounds; r++) {
		pthread_barrier_wait(&round_start);
		pthread_barrier_wait(&round_end);
		fork_exec();
	}
	if (rounds) {
		for (int i = 0; i < nthreads; i++)
			pthread_join(tid[i], NULL);
		return 0;
	}
	end = now() + seconds;
	while (now() < end) {
		usleep((useconds_t)fork_ms * 1000);
		fork_exec();
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
