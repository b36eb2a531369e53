/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * formats-local.h - internals shared by the readers in formats/.
 */
#ifndef TLBR_FORMATS_LOCAL_H
#define TLBR_FORMATS_LOCAL_H

#include <sys/stat.h>

#include "formats.h"

struct reader_ops {
	int (*next)(struct tlbr_reader *r, const struct tlbr_record **rec, struct tlbr_error *err);
	void (*close)(struct tlbr_reader *r);
	/* Does the file define this event (its format), whether or not it occurred? */
	bool (*declares)(const struct tlbr_reader *r, const char *system, const char *name);
};

/* Event types a reader has met, as dense indexes. */
struct typetab {
	char **system;
	char **name;
	unsigned int n, alloc;
	uint32_t *hash;		/* open addressing on name, text reader only: index + 1 */
	unsigned int hash_size;
};

struct tlbr_reader {
	const struct reader_ops *ops;
	enum tlbr_format fmt;
	char *path;			/* what the readers open (/proc/self/fd/N for stdin) */
	/* a regular file as it was opened: changed at the end is an error */
	bool check_change;
	struct stat st0;
	char desc[128];
	int ncpus;
	/* why the format cannot say whether events were lost (NULL: it can) */
	const char *lost_unknown;
	struct typetab types;
	struct tlbr_record rec;
	void *priv;
};

/* Add a type; returns its index or -ENOMEM. */
int tlbr_typetab_add(struct typetab *t, const char *system, const char *name);
/* Find by name (system ignored) or add; returns the index or -ENOMEM. */
int tlbr_typetab_intern(struct typetab *t, const char *name, size_t len);
void tlbr_typetab_release(struct typetab *t);

int tlbr_text_reader_init(struct tlbr_reader *r, FILE *f, bool owns_file, struct tlbr_error *err);
int tlbr_dat_reader_init(struct tlbr_reader *r, int fd, struct tlbr_error *err);
int tlbr_perf_reader_init(struct tlbr_reader *r, int fd, struct tlbr_error *err);
int tlbr_ctf_reader_init(struct tlbr_reader *r, struct tlbr_error *err);

struct tep_handle;
/*
 * kallsyms.c: drop what tep_parse_kallsyms() kept for @tep (its functions
 * and its reference to @tep); nothing if it kept nothing. O(sections).
 */
void tlbr_kallsyms_forget(struct tep_handle *tep);
/* The module of the function holding @addr, as the handle's lookups find it (tests). */
const char *tlbr_kallsyms_module(struct tep_handle *tep, unsigned long long addr);

#endif /* TLBR_FORMATS_LOCAL_H */
