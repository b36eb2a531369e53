// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-vocab.c - one vocabulary: every event record's plan enables and
 * stat's readiness names is in formats/vocab.c, which decodes it and says
 * what replay needs of it; the plan and the readiness table say the same.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis.h"
#include "formats.h"
#include "record.h"
#include "../tap.h"

/* The row of @system:@event that a recording enables, or NULL. */
static const struct tlbr_evdef *need_entry(const char *system, const char *event)
{
	const struct tlbr_evdef *v = tlbr_vocab_find(system, event);

	return v && v->need != TLBR_NEED_NOT_RECORDED ? v : NULL;
}

static void test_needs_are_explained(void)
{
	unsigned int i, recorded = 0, unexplained = 0, twice = 0, named = 0;

	for (i = 0; i < tlbr_vocab_count(); i++) {
		const struct tlbr_evdef *v = tlbr_vocab_get(i);

		if (v->need == TLBR_NEED_NOT_RECORDED) {
			named += v->without != NULL;
			continue;
		}
		recorded++;
		if (!v->without || !*v->without)
			unexplained++;
		if (need_entry(v->system, v->name) != v)
			twice++;	/* an earlier row of the same name shadows it */
	}
	ok(recorded > 40, "the vocabulary lists what recording enables: %u", recorded);
	is_int(unexplained, 0, "every event recorded says what replay loses without it");
	is_int(twice, 0, "no event is listed twice");
	is_int(named, 0, "events never recorded claim no loss");
	is_int(tlbr_vocab_need_of("syscalls", "sys_enter_ioctl"), -1,
	       "an event read but never recorded has no need");
	is_int(tlbr_vocab_need_of("sched", "sched_switch"), TLBR_NEED_REQUIRED,
	       "sched_switch is required");
}

/* record's plan for an arm64 6.12 machine (a sysroot in tests/data): the vocabulary's items. */
static void test_plan_reads_the_vocabulary(const char *data)
{
	struct tlbr_plan *plan = calloc(1, sizeof(*plan));
	char sysroot[1024];
	unsigned int i, j = 0, differ = 0;

	snprintf(sysroot, sizeof(sysroot), "%s/sysroots/a64-612", data);
	if (!plan || tlbr_plan_probe(sysroot, plan) < 0) {
		ok(0, "the arm64 plan is probed");
		free(plan);
		return;
	}
	for (i = 0; i < tlbr_vocab_count(); i++) {
		const struct tlbr_evdef *v = tlbr_vocab_get(i);

		if (v->need == TLBR_NEED_NOT_RECORDED || (v->arch && strcmp(v->arch, "aarch64")))
			continue;
		if (j >= plan->n || strcmp(plan->items[j].system, v->system) ||
		    strcmp(plan->items[j].event, v->name) || plan->items[j].need != v->need ||
		    strcmp(plan->items[j].without, v->without))
			differ++;
		j++;
	}
	is_int(plan->n, j, "the arm64 plan has the vocabulary's arm64 events");
	is_int(differ, 0, "in its order, with its needs and losses");
	free(plan);
}

/* stat's readiness: the events it names are the vocabulary's, and its need is theirs. */
static void test_readiness_agrees(void)
{
	struct tlbr_readiness items[TLBR_READINESS_MAX];
	unsigned int n, i, checked = 0, unknown = 0, disagree = 0;
	const char *verdict;
	struct tlbr_stat st;

	tlbr_stat_init(&st);
	n = tlbr_stat_readiness(&st, items, &verdict);
	for (i = 0; i < n; i++) {
		char buf[256], *tok, *save = NULL;
		int strongest = -1;

		snprintf(buf, sizeof(buf), "%s", items[i].events);
		for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			char *colon = strchr(tok, ':');
			const struct tlbr_evdef *v;

			if (!colon || strpbrk(tok, "*{(") || strchr(colon + 1, ':'))
				continue;	/* a family ("migrate:*"), or not an event */
			*colon = '\0';
			v = need_entry(tok, colon + 1);
			if (!v) {
				printf("# readiness names %s:%s, which the vocabulary lacks\n", tok,
				       colon + 1);
				unknown++;
				continue;
			}
			if (strongest < 0 || (int)v->need < strongest)
				strongest = (int)v->need;
		}
		if (strongest < 0)
			continue;
		checked++;
		if ((int)items[i].need != strongest) {
			printf("# readiness '%s' is %d, its events %d\n", items[i].input,
			       (int)items[i].need, strongest);
			disagree++;
		}
	}
	ok(checked >= 7, "readiness items named by their events: %u", checked);
	is_int(unknown, 0, "readiness names only events of the vocabulary");
	is_int(disagree, 0, "and needs each as the vocabulary does");
	tlbr_stat_release(&st);
}

/* The name vocab.c gives field @k of syscalls:sys_enter_@name, or "" if none. */
static const char *enter_field(const char *name, size_t k)
{
	char ev[64];
	const struct tlbr_evdef *d;

	snprintf(ev, sizeof(ev), "sys_enter_%s", name);
	d = tlbr_vocab_find("syscalls", ev);
	return d && k < d->nfields ? d->fields[k].name : "";
}

#define VIEW_IS(view, member, name, field)                                                  \
	is_str(enter_field(name, offsetof(struct tlbr_ev_syscall, view.member) / 8 -        \
				       offsetof(struct tlbr_ev_syscall, args) / 8), field,       \
	       "sys." #view "." #member " is sys_enter_" name "'s " field)

/* tlbr-event.h's typed syscall views name the fields the readers decode into args[]. */
static void test_syscall_views(void)
{
	VIEW_IS(mmap, addr, "mmap", "addr");
	VIEW_IS(mmap, len, "mmap", "len");
	VIEW_IS(mmap, prot, "mmap", "prot");
	VIEW_IS(mmap, flags, "mmap", "flags");
	VIEW_IS(munmap, len, "munmap", "len");
	VIEW_IS(mprotect, start, "mprotect", "start");
	VIEW_IS(mprotect, prot, "mprotect", "prot");
	VIEW_IS(madvise, start, "madvise", "start");
	VIEW_IS(madvise, len, "madvise", "len_in");
	VIEW_IS(madvise, advice, "madvise", "behavior");
	VIEW_IS(mremap, old_len, "mremap", "old_len");
	VIEW_IS(mremap, new_len, "mremap", "new_len");
	VIEW_IS(mremap, flags, "mremap", "flags");
	VIEW_IS(mremap, new_addr, "mremap", "new_addr");
	VIEW_IS(brk, brk, "brk", "brk");
	VIEW_IS(clone, flags, "clone", "clone_flags");
	VIEW_IS(ioctl, cmd, "ioctl", "cmd");
}

int main(int argc, char **argv)
{
	test_syscall_views();
	test_needs_are_explained();
	test_plan_reads_the_vocabulary(argc > 1 ? argv[1] : "tests/data");
	test_readiness_agrees();
	return tap_done();
}
