/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TLBR_CTF_CHECK_H
#define TLBR_CTF_CHECK_H

#include "tlbr.h"

/*
 * Walk the packets of every stream file in the CTF trace directory @dir
 * (see ctf-check.c): 0 if they are sound or the metadata cannot be laid
 * out here, -EBADMSG with @err naming the stream file and byte offset.
 */
int tlbr_ctf_check_packets(const char *dir, struct tlbr_error *err);

#endif
