/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlbr-markers.h - the lines `tlbreplay record` writes into the trace
 * (trace_marker, the ftrace:print event, which trace-cmd shows too) and
 * formats/adapt.c reads back: the one place both sides take them from.
 *
 *   tlbreplay-meta v1 arch=A page_size=N cpus=N cpu_model=M kernel=R
 *                  virtualised=yes|no recorder=tlbreplay-V
 *   tlbreplay-meta plan_missing=SYSTEM:EVENT,...|none
 *   tlbreplay-meta invlpgb=yes|no   (x86: the CPU flushes other CPUs' TLBs
 *                  by INVLPGB, cpuinfo flag "invlpgb", Linux 6.15+)
 *   tlbreplay-meta workload_pid=PID workload=NAME   (record -- CMD: the workload's
 *                  process, written before it starts; the default counting scope)
 *   tlbreplay-tlbi <census line>        (arm64: one TLBI site, record/census.c)
 *   tlbreplay-maps PID <a /proc/PID/maps line>
 *
 * The metadata's keys are read by name ("key=value" words), so a key may be
 * added without a new version; a line of another version is kept as it is.
 */
#ifndef TLBR_MARKERS_H
#define TLBR_MARKERS_H

#include <string.h>

#define TLBR_MARK_META "tlbreplay-meta "
#define TLBR_MARK_TLBI "tlbreplay-tlbi "
#define TLBR_MARK_MAPS "tlbreplay-maps "

/* What follows @mark in @line, or NULL if @line is not that marker. */
static inline const char *tlbr_marker_body(const char *line, const char *mark)
{
	size_t n = strlen(mark);

	return strncmp(line, mark, n) ? NULL : line + n;
}

#endif /* TLBR_MARKERS_H */
