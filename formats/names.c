// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * names.c - stable names of the normalised event vocabulary, as they
 * appear in every output (text, JSON keys, CSV).
 */
#include "tlbr-event.h"

static const char *const kind_names[] = {
	[TLBR_EV_SWITCH] = "switch",
	[TLBR_EV_MIGRATE] = "migrate",
	[TLBR_EV_FORK] = "fork",
	[TLBR_EV_EXEC] = "exec",
	[TLBR_EV_EXIT] = "exit",
	[TLBR_EV_TASK_FREE] = "task-free",
	[TLBR_EV_MM_TEARDOWN] = "mm-teardown",
	[TLBR_EV_FAULT] = "fault",
	[TLBR_EV_SYSCALL] = "syscall",
	[TLBR_EV_SYSCALL_RET] = "syscall-ret",
	[TLBR_EV_FLUSH] = "flush",
	[TLBR_EV_FLUSH_IPI] = "flush-ipi",
	[TLBR_EV_FLUSH_REMOTE] = "flush-remote",
	[TLBR_EV_MIGRATION] = "migration",
	[TLBR_EV_LOST] = "lost",
	[TLBR_EV_VMA] = "vma",
	[TLBR_EV_RECLAIM_UNMAP] = "reclaim-unmap",
	[TLBR_EV_BATCH_SYNC] = "batch-sync",
	[TLBR_EV_KMAP] = "kmap",
	[TLBR_EV_ASID_ROLLOVER] = "asid-rollover",
	[TLBR_EV_TLBI] = "tlbi",
	[TLBR_EV_HUGE] = "huge",
	[TLBR_EV_IPI_OTHER] = "ipi-other",
	[TLBR_EV_PTE_MAP] = "pte-map",
	[TLBR_EV_FLUSH_CSD] = "flush-csd",
	[TLBR_EV_WAKE_LIST] = "wake-list",
};

static const char *const site_names[] = {
	[TLBR_SITE_UNKNOWN] = "unknown",
	[TLBR_SITE_WP_REUSE] = "wp-reuse",
	[TLBR_SITE_COW] = "cow",
	[TLBR_SITE_FAULT] = "fault",
	[TLBR_SITE_MPROTECT] = "mprotect",
	[TLBR_SITE_ZAP] = "zap",
	[TLBR_SITE_MREMAP] = "mremap",
	[TLBR_SITE_FORK] = "fork",
	[TLBR_SITE_EXEC] = "exec",
	[TLBR_SITE_EXIT] = "exit",
	[TLBR_SITE_RECLAIM] = "reclaim",
	[TLBR_SITE_UFFD_MOVE] = "uffd-move",
	[TLBR_SITE_HUGETLB_UNSHARE] = "hugetlb-unshare",
	[TLBR_SITE_KERNEL] = "kernel",
	[TLBR_SITE_SWITCH] = "switch",
};

static const char *const syscall_names[] = {
	[TLBR_SYS_MMAP] = "mmap",
	[TLBR_SYS_MUNMAP] = "munmap",
	[TLBR_SYS_MPROTECT] = "mprotect",
	[TLBR_SYS_MADVISE] = "madvise",
	[TLBR_SYS_MREMAP] = "mremap",
	[TLBR_SYS_BRK] = "brk",
	[TLBR_SYS_CLONE] = "clone",
	[TLBR_SYS_CLONE3] = "clone3",
	[TLBR_SYS_FORK] = "fork",
	[TLBR_SYS_VFORK] = "vfork",
	[TLBR_SYS_EXECVE] = "execve",
	[TLBR_SYS_EXIT_GROUP] = "exit_group",
	[TLBR_SYS_IOCTL] = "ioctl",
};

static const char *const scope_names[] = {
	[TLBR_SCOPE_PAGE] = "page",
	[TLBR_SCOPE_RANGE] = "range",
	[TLBR_SCOPE_MM] = "mm",
	[TLBR_SCOPE_ALL] = "all",
};

static const char *const exec_names[] = {
	[TLBR_EXEC_LOCAL] = "local",
	[TLBR_EXEC_IPI] = "ipi",
	[TLBR_EXEC_BROADCAST] = "broadcast",
	[TLBR_EXEC_REMOTE] = "remote",
};

static const char *const x86_reason_names[TLBR_X86_REASON__COUNT] = {
	[TLBR_X86_TASK_SWITCH] = "task-switch",
	[TLBR_X86_REMOTE_SHOOTDOWN] = "remote-shootdown",
	[TLBR_X86_LOCAL_SHOOTDOWN] = "local-shootdown",
	[TLBR_X86_LOCAL_MM_SHOOTDOWN] = "local-mm-shootdown",
	[TLBR_X86_REMOTE_SEND_IPI] = "remote-ipi-send",
	[TLBR_X86_REMOTE_WRONG_CPU] = "remote-wrong-cpu",
};

#define NAME(tab, i) ((unsigned int)(i) < ARRAY_SIZE(tab) && tab[i] ? tab[i] : "?")

const char *tlbr_ev_kind_name(enum tlbr_ev_kind kind)
{
	return NAME(kind_names, kind);
}

const char *tlbr_site_name(enum tlbr_site site)
{
	return NAME(site_names, site);
}

const char *tlbr_syscall_name(enum tlbr_syscall nr)
{
	return NAME(syscall_names, nr);
}

const char *tlbr_scope_name(enum tlbr_scope scope)
{
	return NAME(scope_names, scope);
}

const char *tlbr_exec_name(enum tlbr_exec exec)
{
	return NAME(exec_names, exec);
}

const char *tlbr_x86_reason_name(enum tlbr_x86_reason reason)
{
	return NAME(x86_reason_names, reason);
}
