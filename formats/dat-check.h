/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dat-check.h - the structure of a trace.dat file (v6 and v7), walked
 * before libtracecmd is given it: libtracecmd crashes on some truncated
 * headers and takes unreadable CPU data for the end of a CPU's data, so
 * tlbreplay checks every section, option and page itself, with positions.
 */
#ifndef TLBR_DAT_CHECK_H
#define TLBR_DAT_CHECK_H

#include <stdint.h>

#include "formats-local.h"

#define DAT_MAX_BUFFERS 32

struct dat_layout {
	int version;			/* 6 or 7 */
	char compression[32];		/* "" or "none": uncompressed */
	unsigned int page_size;
	unsigned int nbuffers;		/* top buffer first, then the instances */
	int ncpus;			/* 1 + the highest CPU with data in any buffer */
	/* data records (not padding or time stamps) each CPU's pages hold */
	uint64_t records[DAT_MAX_BUFFERS][TLBR_MAX_CPUS];
	uint64_t cpu_offset[DAT_MAX_BUFFERS][TLBR_MAX_CPUS];
	uint64_t pages;			/* pages walked */
	uint64_t total_records;
};

/**
 * tlbr_dat_check - walk the whole file: header, sections, options, buffers and
 * every page of CPU data (decompressed when compressed)
 * @fd: the file
 * @size: its size
 *
 * Returns 0 with @out filled in, -EBADMSG with @err (position set) for a
 * damaged file, or -ENOMEM.
 */
int tlbr_dat_check(int fd, uint64_t size, struct dat_layout *out, struct tlbr_error *err);

#endif /* TLBR_DAT_CHECK_H */
