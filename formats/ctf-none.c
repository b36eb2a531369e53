// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf-none.c - the CTF reader of a build without babeltrace2 (-Dctf=disabled,
 * or no libbabeltrace2-dev, as in the arm64 cross build): a clear error.
 */
#include <errno.h>

#include "formats-local.h"

int tlbr_ctf_reader_init(struct tlbr_reader *r, struct tlbr_error *err)
{
	(void)r;
	tlbr_error_set(err, UINT64_MAX, 0, "this tlbreplay was built without babeltrace2: it "
		       "cannot read CTF traces (rebuild with libbabeltrace2-dev)");
	return -ENOTSUP;
}
