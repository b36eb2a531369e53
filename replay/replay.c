// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - the policy registry, the residency and CPU model presets, and
 * the replay's life cycle.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "replay-local.h"

static const struct policy_ops *const builtin[] = {
	&tlbr_policy_arm64_broadcast,
	&tlbr_policy_x86_ipi,
	&tlbr_policy_oracle,
	&tlbr_policy_local_only,
	&tlbr_policy_wp_local,
	&tlbr_policy_active_cpu,
	&tlbr_policy_pte_needs_flush,
	&tlbr_policy_batched_reclaim,
	&tlbr_policy_batched_reclaim_dsb,
	&tlbr_policy_batched_reclaim_nopending,
	&tlbr_policy_lazy_mmu,
	&tlbr_policy_uffd_move_batch,
	&tlbr_policy_hugetlb_unshare_gather,
};

/* What "every built-in policy" means: the deliberately broken ones are asked for by name. */
static const char *const default_policies = "arm64-broadcast,x86-ipi,oracle";

const char *tlbr_policy_name(unsigned int i)
{
	return i < ARRAY_SIZE(builtin) ? builtin[i]->name : NULL;
}

const char *tlbr_policy_summary(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(builtin); i++)
		if (!strcmp(builtin[i]->name, name))
			return builtin[i]->summary;
	return NULL;
}

static const struct policy_ops *find_policy(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(builtin); i++)
		if (strlen(builtin[i]->name) == len && !strncmp(builtin[i]->name, name, len))
			return builtin[i];
	return NULL;
}

static const struct tlbr_tlb_model tlb_models[] = {
	{ "unbounded", TLBR_TLB_UNBOUNDED, 0, 0,
	  "the sound upper bound: no capacity, entries live until a flush reaches them" },
	{ "neoverse-n1", TLBR_TLB_CAPACITY, 1280, 5,
	  "Cortex-A76/Neoverse N1 L2 TLB: 1280 entries, 5-way (Arm Cortex-A76 TRM, as quoted "
	  "in Intel's Agilex 5 HPS TRM table 40)" },
	{ "neoverse-v2", TLBR_TLB_CAPACITY, 2048, 8,
	  "estimate: 2048 entries, 8-way, as Neoverse V1; no published V2 figure was found" },
	{ "x86-server", TLBR_TLB_CAPACITY, 2040, 12,
	  "AMD Zen 2 (EPYC Rome) L2 DTLB: 2048 entries, 12-way (AMD software optimization "
	  "guide, via WikiChip), modelled as 170 sets of 12" },
};

const struct tlbr_tlb_model *tlbr_tlb_model_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tlb_models); i++)
		if (!strcmp(tlb_models[i].name, name))
			return &tlb_models[i];
	return NULL;
}

const struct tlbr_tlb_model *tlbr_tlb_model_get(unsigned int i)
{
	return i < ARRAY_SIZE(tlb_models) ? &tlb_models[i] : NULL;
}

static const struct tlbr_cpu_model cpu_models[] = {
	{ "amd", false, "AMD cores re-walk the page table before raising a write fault on a "
			"stale read-only entry: no spurious faults" },
	{ "intel", true, "Intel cores may fault on a stale read-only entry (the kernel's "
			 "spurious-fault path)" },
	{ "arm64", true, "arm64 faults on a stale read-only entry; flush_tlb_fix_spurious_fault "
			 "flushes it locally; no FEAT_TLBIRANGE (Neoverse N1): a range flush is a TLBI "
			 "per page, from 512 pages one by ASID" },
	{ "arm64-tlbirange", true, "as arm64, with FEAT_TLBIRANGE (Armv8.4: Neoverse V1, V2, "
				   "N2): a range flush takes a few range TLBIs", true },
};

unsigned int tlbr_kver_parse(const char *release)
{
	unsigned int major, minor;
	char dot;

	if (!release || sscanf(release, "%u%c%u", &major, &dot, &minor) != 3 || dot != '.' ||
	    major > 255 || minor > 255)
		return 0;
	return TLBR_KVER(major, minor);
}

const char *tlbr_kver_string(unsigned int kver, char *buf, size_t n)
{
	if (kver)
		snprintf(buf, n, "%u.%u", kver >> 8, kver & 0xff);
	else if (n)
		buf[0] = '\0';
	return buf;
}

const struct tlbr_cpu_model *tlbr_cpu_model_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cpu_models); i++)
		if (!strcmp(cpu_models[i].name, name))
			return &cpu_models[i];
	return NULL;
}

const struct tlbr_cpu_model *tlbr_cpu_model_get(unsigned int i)
{
	return i < ARRAY_SIZE(cpu_models) ? &cpu_models[i] : NULL;
}

static const char *const op_names[] = {
	[TLBR_OP_TLBI_IS] = "tlbi_is",
	[TLBR_OP_DSB_ISH] = "dsb_ish",
	[TLBR_OP_TLBI_LOCAL] = "tlbi_local",
	[TLBR_OP_DSB_NSH] = "dsb_nsh",
	[TLBR_OP_IPI] = "ipi",
	[TLBR_OP_SPURIOUS] = "spurious_fault",
	[TLBR_OP_MIGRATE] = "migrate_disable_enable",
	[TLBR_OP_DSB_UPGRADE] = "dsb_ish_for_ishst",
	[TLBR_OP_REPEAT] = "repeat_tlbi_dsb",
	[TLBR_OP_KMAP_BARRIER] = "kmap_dsb_isb",
};

const char *tlbr_op_name(enum tlbr_op op)
{
	return (unsigned int)op < ARRAY_SIZE(op_names) ? op_names[op] : "?";
}

static const char *const env_names[] = {
	[TLBR_ENV_NATIVE] = "native",
	[TLBR_ENV_VM] = "vm",
	[TLBR_ENV_ERRATA] = "errata",
	[TLBR_ENV_VM | TLBR_ENV_ERRATA] = "vm,errata",
};

/* O(length of @name). */
int tlbr_env_parse(const char *name, enum tlbr_env *ret)
{
	unsigned int env = 0, n = 0;
	const char *p = name;

	while (*p) {
		size_t len = strcspn(p, ",+");

		if (len == 6 && !strncmp(p, "native", len))
			;
		else if (len == 2 && !strncmp(p, "vm", len))
			env |= TLBR_ENV_VM;
		else if (len == 6 && !strncmp(p, "errata", len))
			env |= TLBR_ENV_ERRATA;
		else
			return -EINVAL;
		n++;
		p += len;
		if (*p && !*++p)
			return -EINVAL;	/* a trailing separator */
	}
	if (!n)
		return -EINVAL;
	*ret = (enum tlbr_env)env;
	return 0;
}

const char *tlbr_env_name(enum tlbr_env env)
{
	return (unsigned int)env < ARRAY_SIZE(env_names) ? env_names[env] : "?";
}

static const char *const avoid_names[] = {
	[TLBR_AVOID_NEVER_ELSEWHERE] = "mm never active elsewhere",
	[TLBR_AVOID_ALREADY_FLUSHED] = "remote copies already flushed",
	[TLBR_AVOID_NOT_PRESENT] = "pages not present while it ran elsewhere",
};

const char *tlbr_avoid_name(enum tlbr_avoid r)
{
	return (unsigned int)r < ARRAY_SIZE(avoid_names) ? avoid_names[r] : "?";
}

void *tlbr_policy_state(struct policy *pl, const struct policy_ops *ops)
{
	unsigned int k;

	for (k = 0; k < pl->ncomp; k++)
		if (pl->ops[k] == ops)
			return pl->state[k];
	return NULL;
}

/*
 * Walk "a,b+c": policies separated by commas, components of one policy by
 * '+'. @fn is called for every component (with @pol its policy's index);
 * returns the number of policies, or -EINVAL with the unknown name in @bad.
 */
static int walk_policies(const char *spec, char *bad, size_t badsize,
			 int (*fn)(void *ctx, int pol, const char *name, size_t len,
				   const struct policy_ops *ops),
			 void *ctx)
{
	const char *p = spec;
	int npol = 0, ret;

	while (*p) {
		size_t len = strcspn(p, ",");
		const char *c = p;
		unsigned int ncomp = 0;

		while (c < p + len) {
			size_t clen = strcspn(c, "+,");
			const struct policy_ops *ops = find_policy(c, clen);

			if (!ops || ncomp == MAX_COMPONENTS) {
				snprintf(bad, badsize, "%.*s", (int)clen, c);
				return -EINVAL;
			}
			if (fn && (ret = fn(ctx, npol, p, len, ops)) < 0)
				return ret;
			ncomp++;
			c += clen;
			if (*c == '+')
				c++;
		}
		if (!ncomp) {
			snprintf(bad, badsize, "(empty)");
			return -EINVAL;
		}
		npol++;
		p += len;
		if (*p == ',')
			p++;
	}
	return npol;
}

static const char *spec_or_default(const char *spec)
{
	return spec && *spec ? spec : default_policies;
}

int tlbr_policy_parse(const char *spec, char *bad, size_t badsize)
{
	return walk_policies(spec_or_default(spec), bad, badsize, NULL, NULL);
}

/* One component of policy @pol, in the replay being built. */
static int add_component(void *ctx, int pol, const char *name, size_t len,
			 const struct policy_ops *ops)
{
	struct replay *r = ctx;
	struct policy *pl = &r->pol[pol];

	if (!pl->ncomp) {
		pl->idx = pol;
		pl->res = &r->res.policy[pol];
		snprintf(pl->res->name, sizeof(pl->res->name), "%.*s", (int)len, name);
	}
	pl->ops[pl->ncomp] = ops;
	if (ops->state_size) {
		pl->state[pl->ncomp] = calloc(1, ops->state_size);
		if (!pl->state[pl->ncomp])
			return -ENOMEM;
	}
	pl->ncomp++;
	return 0;
}

int tlbr_replay_new(const struct tlbr_replay_opts *o, struct tlbr_replay **ret)
{
	const char *spec = spec_or_default(o->policies);
	struct replay *r;
	char bad[64];
	int err, npol;

	npol = tlbr_policy_parse(spec, bad, sizeof(bad));
	if (npol < 0)
		return npol;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->pol = calloc((size_t)npol, sizeof(*r->pol));
	r->res.policy = calloc((size_t)npol, sizeof(*r->res.policy));
	if (!r->pol || !r->res.policy) {
		tlbr_replay_free((struct tlbr_replay *)r);
		return -ENOMEM;
	}
	r->o = *o;
	if (!r->o.tlb)
		r->o.tlb = &tlb_models[0];
	if (!r->o.cpu)
		r->o.cpu = &cpu_models[0];
	r->ncpus = o->ncpus > 0 && o->ncpus <= TLBR_MAX_CPUS ? o->ncpus : 1;
	r->res.ncpus = r->ncpus;
	r->res.tlb_model = r->o.tlb->name;
	r->res.cpu_model = r->o.cpu->name;
	r->res.env = tlbr_env_name(r->o.env);
	r->res.preempt = !r->o.no_preempt;
	r->res.kernel = r->o.kernel;
	r->res.arm64_kernel = r->o.arm64_kernel;
	r->res.arm64_lpa2 = r->o.arm64_lpa2;
	r->res.x86.invlpgb = r->o.invlpgb;
	r->res.x86.polled_declared = r->o.polled_traced;
	if (r->o.lost_unknown) {
		/*
		 * a lost-events gap may be anywhere (tlbr_lost_gap() on every
		 * CPU at every moment): a thread of every address space may run
		 * unseen on every CPU from the start (mm_anywhere(): mmodel.c
		 * gives each address space one such thread as it appears)
		 */
		r->res.lost_unknown = true;
		r->res.hidden_tasks = true;
		r->res.hidden_ns = 0;
	}
	r->npol = npol;
	err = walk_policies(spec, bad, sizeof(bad), add_component, r);
	if (err >= 0)
		err = tlbr_tlb_init(r);
	if (err) {
		tlbr_replay_free((struct tlbr_replay *)r);
		return err;
	}
	r->res.npolicies = (unsigned int)r->npol;
	r->ev_hooks = calloc((size_t)npol * MAX_COMPONENTS, sizeof(*r->ev_hooks));
	if (!r->ev_hooks) {
		tlbr_replay_free((struct tlbr_replay *)r);
		return -ENOMEM;
	}
	for (int pol = 0; pol < r->npol; pol++)
		for (unsigned int k = 0; k < r->pol[pol].ncomp; k++)
			if (r->pol[pol].ops[k]->on_event)
				r->ev_hooks[r->nev_hooks++] = (struct ev_hook){
					&r->pol[pol], r->pol[pol].ops[k]->on_event };
	for (int pol = 0; !err && pol < r->npol; pol++)
		for (unsigned int k = 0; !err && k < r->pol[pol].ncomp; k++)
			if (r->pol[pol].ops[k]->init)
				err = r->pol[pol].ops[k]->init(r, &r->pol[pol]);
	if (err) {
		tlbr_replay_free((struct tlbr_replay *)r);
		return err;
	}
	*ret = (struct tlbr_replay *)r;
	return 0;
}

const struct tlbr_replay_result *tlbr_replay_finish(struct tlbr_replay *rp)
{
	struct replay *r = (struct replay *)rp;

	/* the policies' summaries, again at each call (a caller may ask early) */
	for (int pol = 0; pol < r->npol; pol++)
		for (unsigned int k = 0; k < r->pol[pol].ncomp; k++)
			if (r->pol[pol].ops[k]->finish)
				r->pol[pol].ops[k]->finish(r, &r->pol[pol]);
	r->finished = true;
	return &r->res;
}

void tlbr_replay_end(struct tlbr_replay *rp)
{
	tlbr_free_settle_end((struct replay *)rp);
	tlbr_teardown_settle((struct replay *)rp, NULL);	/* the trace ended: each was the last */
	tlbr_stale_settle_end((struct replay *)rp);
}

void tlbr_replay_census_unprobed(struct tlbr_replay *rp, unsigned int n, const char *at)
{
	struct replay *r = (struct replay *)rp;

	r->res.census_unprobed = n;
	snprintf(r->res.census_unprobed_at, sizeof(r->res.census_unprobed_at), "%s", at);
}

void tlbr_replay_free(struct tlbr_replay *rp)
{
	struct replay *r = (struct replay *)rp;
	uint32_t i;
	int pol;

	if (!r)
		return;
	tlbr_tlb_release(r);
	for (pol = 0; r->pol && pol < r->npol; pol++)
		for (unsigned int k = 0; k < r->pol[pol].ncomp; k++) {
			if (r->pol[pol].ops[k]->free_state && r->pol[pol].state[k])
				r->pol[pol].ops[k]->free_state(r->pol[pol].state[k]);
			free(r->pol[pol].state[k]);
		}
	for (i = 0; i < r->nmms; i++) {
		tlbr_tlb_excess_drop(r, &r->mms[i]);
		free(r->mms[i].last_end);
		free(r->mms[i].mm_cleared);
		free(r->mms[i].behind);
		free(r->mms[i].empty);
		free(r->mms[i].batched);
		free(r->mms[i].hash);
		free(r->mms[i].lazy_kids);
		tlbr_mm_drop_vmas(&r->mms[i]);	/* (an array some share: freed once) */
		for (int c = 0; r->mms[i].swait && c < r->ncpus; c++)
			free(r->mms[i].swait[c].v);
		free(r->mms[i].swait);
		free(r->mms[i].cand.v);
		free(r->mms[i].wp_list.v);
	}
	free(r->mms);
	free(r->ev_hooks);
	for (i = 0; i < r->ntasks; i++) {
		free(r->tasks[i].fork_dg);
		free(r->tasks[i].lifted);
		free(r->tasks[i].young);
		free(r->tasks[i].young_pmd);
	}
	free(r->tasks);
	for (i = 0; i < r->pages_alloc / PAGE_CHUNK; i++)
		free(r->chunks[i]);
	free(r->chunks);
	free(r->rc.idx);
	free(r->ptlb);
	free(r->held_any);
	free(r->lru);
	free(r->lru_cpu);
	free(r->cand_tmp);
	free(r->wp_tmp);
	free(r->fork_dg_spare);
	free(r->plast);
	tlbr_flush_walk_release(r);
	free(r->pol);
	free(r->res.policy);
	free(r);
}
