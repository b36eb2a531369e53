// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mprotect-churn - the situation of seed 004's pte_needs_flush(): one
 * thread flips its region PROT_NONE <-> PROT_READ|PROT_WRITE and touches
 * it, while a second thread of the same process keeps running on another
 * CPU, so every protection change that removes access must shoot down the
 * other CPU's TLB, and the ones that only add access need not.
 *
 * mprotect-churn [-p PAGES] [-n ROUNDS] [-N NAME]
 *
 * Its writes are stores, not increments: arm64 compiles an increment to a
 * load and a store, and the load of a new page maps the zero page that the
 * store then copies (a COW flush x86's one read-modify-write fault has
 * not); tools/cross-arch.sh records it on both.
 *
 * -N NAME: rename the process (prctl PR_SET_NAME) before its work: the
 * start marker `tlbreplay diff --against --comm NAME` counts from, leaving
 * the loader's start-up out (arm64's glibc loader makes one PROT_NONE
 * mprotect per library that x86's does not).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

static atomic_int stop;
static volatile char *other;

static void *spinner(void *arg)
{
	(void)arg;
	/* busy: the mm stays loaded and running on the other CPU */
	for (char v = 1; !atomic_load(&stop); v++)
		for (int i = 0; i < 4; i++)
			other[i * 4096] = v;
	return NULL;
}

int main(int argc, char **argv)
{
	int pages = 8, rounds = 200, c;
	pthread_t tid;
	char *p;

	while ((c = getopt(argc, argv, "p:n:N:")) != -1) {
		switch (c) {
		case 'p': pages = atoi(optarg); break;
		case 'n': rounds = atoi(optarg); break;
		case 'N': prctl(PR_SET_NAME, optarg, 0, 0, 0); break;
		default:
			fprintf(stderr, "usage: mprotect-churn [-p PAGES] [-n ROUNDS] [-N NAME]\n");
			return 2;
		}
	}
	if (pages < 1 || rounds < 1)
		return 2;
	p = mmap(NULL, (size_t)pages * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	other = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || other == MAP_FAILED)
		return 1;
	pthread_create(&tid, NULL, spinner, NULL);
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < pages; i++)
			*(volatile char *)&p[i * 4096] = (char)(r + 1);
		mprotect(p, (size_t)pages * 4096, PROT_NONE);
		mprotect(p, (size_t)pages * 4096, PROT_READ | PROT_WRITE);
		usleep(200);
	}
	atomic_store(&stop, 1);
	pthread_join(tid, NULL);
	return 0;
}
