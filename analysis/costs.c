// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * costs.c - the cost model: cycles per primitive operation, per CPU preset,
 * loadable from a file. Counts are facts of the replay; cycles are this
 * model, printed with every estimate.
 *
 * No vendor publishes the latency of TLBI IS + DSB ISH or of a shootdown
 * IPI: every figure below is an estimate, said so in its source, in the
 * orders of magnitude kernel developers quote (a broadcast TLBI with its
 * DSB costs hundreds of cycles and grows with the CPUs that must
 * acknowledge it; a local one tens; an IPI round trip thousands).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"

static const struct tlbr_costs presets[] = {
	{ .name = "neoverse-n1",
	  .source = "estimates (no vendor latency published): broadcast TLBI+DSB ISH "
		    "~500 cycles + 15/CPU, local TLBI+DSB NSH ~60, spurious fault ~1500",
	  .c = { [TLBR_OP_TLBI_IS] = 300, [TLBR_OP_DSB_ISH] = 200, [TLBR_OP_TLBI_LOCAL] = 30,
		 [TLBR_OP_DSB_NSH] = 30, [TLBR_OP_IPI] = 4000, [TLBR_OP_SPURIOUS] = 1500,
		 [TLBR_OP_MIGRATE] = 60, [TLBR_OP_DSB_UPGRADE] = 60, [TLBR_OP_REPEAT] = 500,
		 [TLBR_OP_KMAP_BARRIER] = 60 },
	  .per_cpu = 15, .migrate_nopreempt = 10, .ghz = 3.0 },
	{ .name = "neoverse-v2",
	  .source = "estimates (no vendor latency published): as neoverse-n1, with a "
		    "wider mesh: broadcast TLBI+DSB ISH ~700 cycles + 10/CPU",
	  .c = { [TLBR_OP_TLBI_IS] = 400, [TLBR_OP_DSB_ISH] = 300, [TLBR_OP_TLBI_LOCAL] = 25,
		 [TLBR_OP_DSB_NSH] = 25, [TLBR_OP_IPI] = 4000, [TLBR_OP_SPURIOUS] = 1500,
		 [TLBR_OP_MIGRATE] = 60, [TLBR_OP_DSB_UPGRADE] = 80, [TLBR_OP_REPEAT] = 700,
		 [TLBR_OP_KMAP_BARRIER] = 80 },
	  .per_cpu = 10, .migrate_nopreempt = 10, .ghz = 3.1 },
	{ .name = "x86-server",
	  .source = "estimates: INVLPG ~200 cycles, shootdown IPI round trip ~3000 cycles "
		    "+ 300/CPU (arch/x86/mm/tlb.c comments put one INVLPG near 100 ns)",
	  .c = { [TLBR_OP_TLBI_IS] = 200, [TLBR_OP_DSB_ISH] = 0, [TLBR_OP_TLBI_LOCAL] = 200,
		 [TLBR_OP_DSB_NSH] = 0, [TLBR_OP_IPI] = 3000, [TLBR_OP_SPURIOUS] = 1200,
		 [TLBR_OP_MIGRATE] = 40, [TLBR_OP_DSB_UPGRADE] = 0, [TLBR_OP_REPEAT] = 200,
		 [TLBR_OP_KMAP_BARRIER] = 0 },
	  .per_cpu = 300, .migrate_nopreempt = 10, .ghz = 3.0 },
};

const struct tlbr_costs *tlbr_costs_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

const struct tlbr_costs *tlbr_costs_get(unsigned int i)
{
	return i < ARRAY_SIZE(presets) ? &presets[i] : NULL;
}

/*
 * A table from a file: "key = cycles" lines, '#' comments; keys are the
 * operation names (tlbi_is, dsb_ish, ...), per_cpu, migrate_nopreempt,
 * and "base = PRESET" first to start from a preset, "source = text".
 */
int tlbr_costs_load(const char *path, struct tlbr_costs *c, struct tlbr_error *err)
{
	char line[512];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f) {
		tlbr_error_set(err, UINT64_MAX, 0, "cannot open: %s", strerror(errno));
		return -errno;
	}
	memset(c, 0, sizeof(*c));
	*c = presets[0];
	snprintf(c->name_buf, sizeof(c->name_buf), "%s", path);
	c->name = c->name_buf;
	c->source = "loaded from the file";
	while (fgets(line, sizeof(line), f)) {
		char key[64], val[400], *hash = strchr(line, '#');
		unsigned int i;
		double v;
		char *end;

		lineno++;
		if (hash)
			*hash = '\0';
		if (sscanf(line, " %63[a-z_0-9-] = %399[^\n]", key, val) != 2) {
			if (strspn(line, " \t\r\n") == strlen(line))
				continue;
			tlbr_error_set(err, UINT64_MAX, lineno, "expected 'key = value'");
			ret = -EBADMSG;
			break;
		}
		if (!strcmp(key, "base")) {
			const struct tlbr_costs *b = tlbr_costs_find(strtok(val, " \t\r"));

			if (!b) {
				tlbr_error_set(err, UINT64_MAX, lineno, "unknown preset '%s'", val);
				ret = -EBADMSG;
				break;
			}
			memcpy(c->c, b->c, sizeof(c->c));
			c->per_cpu = b->per_cpu;
			c->migrate_nopreempt = b->migrate_nopreempt;
			c->ghz = b->ghz;
			continue;
		}
		if (!strcmp(key, "source")) {
			snprintf(c->source_buf, sizeof(c->source_buf), "%s", val);
			c->source = c->source_buf;
			continue;
		}
		v = strtod(val, &end);
		while (*end == ' ' || *end == '\t' || *end == '\r')
			end++;
		if (*end || v < 0) {
			tlbr_error_set(err, UINT64_MAX, lineno, "'%s' is not a number of cycles", val);
			ret = -EBADMSG;
			break;
		}
		if (!strcmp(key, "per_cpu")) {
			c->per_cpu = v;
			continue;
		}
		if (!strcmp(key, "migrate_nopreempt")) {
			c->migrate_nopreempt = v;
			continue;
		}
		if (!strcmp(key, "ghz")) {
			c->ghz = v;
			continue;
		}
		for (i = 0; i < TLBR_OP__COUNT; i++)
			if (!strcmp(key, tlbr_op_name((enum tlbr_op)i)))
				break;
		if (i == TLBR_OP__COUNT) {
			tlbr_error_set(err, UINT64_MAX, lineno, "unknown key '%s'", key);
			ret = -EBADMSG;
			break;
		}
		c->c[i] = v;
	}
	fclose(f);
	return ret;
}

/* Cycles of one policy's operations on a trace of @ncpus CPUs. */
double tlbr_costs_cycles(const struct tlbr_costs *c, const struct tlbr_policy_result *p, int ncpus,
			 bool preempt)
{
	double total = 0;
	unsigned int i;

	for (i = 0; i < TLBR_OP__COUNT; i++) {
		double each = c->c[i];

		/* broadcasts wait for every CPU of the domain; IPIs fan out */
		if (i == TLBR_OP_TLBI_IS || i == TLBR_OP_REPEAT || i == TLBR_OP_IPI)
			each += c->per_cpu * (double)ncpus;
		if (i == TLBR_OP_MIGRATE && !preempt)
			each = c->migrate_nopreempt;
		total += each * (double)p->ops[i];
	}
	return total;
}
