/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * tracecmd-private.h - declarations of functions libtracecmd exports but
 * declares only in trace-cmd's private header (lib/trace-cmd/include/
 * private/trace-cmd-private.h, not installed by Debian). Copied from
 * trace-cmd v3.1.6; the signatures are unchanged up to trace-cmd 3.4.
 */
#ifndef TLBR_TRACECMD_PRIVATE_H
#define TLBR_TRACECMD_PRIVATE_H

#include <trace-cmd/trace-cmd.h>

struct tep_record *tracecmd_read_cpu_last(struct tracecmd_input *handle, int cpu);

#endif /* TLBR_TRACECMD_PRIVATE_H */
