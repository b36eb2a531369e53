// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-kallsyms.c - formats/kallsyms.c's tep_parse_kallsyms() against
 * libtraceevent's own (found past the program's with RTLD_NEXT): the same
 * return, the same number of functions, and the same answer of
 * tep_find_function() and tep_find_function_address() at every address of
 * the text, one byte before and after it (by a pass over the functions and
 * by the library's sort: several functions at one address, more than 32
 * addresses), and the modules the library lists (tep_print_funcs), on
 * lines of the kernel's shape and on lines of every other shape the
 * library's sscanf takes or refuses.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "formats-local.h"
#include "../tap.h"

typedef int (*parse_fn)(struct tep_handle *tep, const char *kallsyms);

static const char good[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000100 T dup_one\n"
	"ffffffff81000100 t dup_two\n"
	"ffffffff81000100 W dup_three\n"
	"0000000000000000 A fixed_percpu_data\n"
	"ffffffff82000000 a an_alias\n"
	"ffffffff81000010 t $x\n"
	"\n\n"
	"ffffffffc0000000 t mod_func\t[some_mod]\n"
	"ffffffffc0000100 T mod_func2\t[other]\n"
	"ffffffffc0000200 t nobracket\t[modx\n"
	"ffffffffc0000300 t tabonly\tfoo\n"
	"0xffffffff81000200 T with_prefix\n"
	"c1000000 T short32\n"
	"fffffffff81000300 T seventeen\n"
	"ffffffff81000400  T two_spaces\n"
	"ffffffff81000500 T trailing   \n"
	"ffffffff81000600 T crlf\r\n"
	"ffffffff81000700 T caf\xc3\xa9\n"
	"  ffffffff81000800 T leading_space\n"
	"FFFFFFFF81000900 T upper_hex\n"
	"ffffffff81000a00 \xc3 high_type\n"
	"ffffffff81000b00 T last";

/* the library stops at a line its format refuses: nothing after it */
static const char bad[] =
	"ffffffff81000000 T first\n"
	"ffffffff81000100 T\n"
	"ffffffff81000200 T never\n";

static struct tep_handle *parsed(parse_fn fn, const char *text, int *ret)
{
	struct tep_handle *tep = tep_alloc();

	*ret = fn(tep, text);
	return tep;
}

/* What tep_print_funcs() writes to stdout; NULL if it cannot be caught. */
static char *printed(struct tep_handle *tep)
{
	FILE *f = tmpfile();
	int saved = dup(1);
	char *buf = NULL;
	long n;

	if (!f || saved < 0)
		return NULL;
	fflush(stdout);
	dup2(fileno(f), 1);
	tep_print_funcs(tep);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	n = ftell(f);
	if (n >= 0 && (buf = calloc(1, (size_t)n + 1))) {
		rewind(f);
		if (fread(buf, 1, (size_t)n, f) != (size_t)n)
			buf[0] = 0;
	}
	fclose(f);
	return buf;
}

static void compare(const char *what, const char *text, parse_fn lib)
{
	int r_ours, r_lib, bad_names = 0, bad_starts = 0, asked = 0;
	struct tep_handle *ours = parsed(tep_parse_kallsyms, text, &r_ours);
	struct tep_handle *theirs = parsed(lib, text, &r_lib);
	const char *p = text;

	is_int(r_ours, r_lib, "%s: the library's return", what);
	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		unsigned long long a = strtoull(p, NULL, 16);

		for (unsigned long long x = a - 1; x != a + 2; x++) {
			const char *n1 = tep_find_function(ours, x), *n2 = tep_find_function(theirs, x);

			asked++;
			if (!n1 != !n2 || (n1 && strcmp(n1, n2)))
				bad_names++;
			if (tep_find_function_address(ours, x) != tep_find_function_address(theirs, x))
				bad_starts++;
		}
	}
	ok(asked > 0, "%s: %d addresses asked", what, asked);
	{
		static const struct { unsigned long long addr; const char *mod; } mods[] = {
			{ 0xffffffffc0000000ULL, "some_mod" }, { 0xffffffffc0000100ULL, "other" },
			{ 0xffffffffc0000200ULL, "mod" }, { 0xffffffffc0000300ULL, NULL },
		};
		char *b = printed(theirs), want[64];
		unsigned int bad_mods = 0;

		for (unsigned int i = 0; b && i < sizeof(mods) / sizeof(mods[0]); i++) {
			const char *m = tlbr_kallsyms_module(ours, mods[i].addr);

			snprintf(want, sizeof(want), "%016llx %s%s%s%s", mods[i].addr,
				 tep_find_function(theirs, mods[i].addr), mods[i].mod ? " [" : "",
				 mods[i].mod ? mods[i].mod : "", mods[i].mod ? "]\n" : "\n");
			if (strstr(text, "c0000000") &&
			    (!strstr(b, want) || !m != !mods[i].mod || (m && strcmp(m, mods[i].mod))))
				bad_mods++;
		}
		ok(b != NULL, "%s: the library's list printed", what);
		is_int(bad_mods, 0, "%s: the modules the library lists", what);
		free(b);
	}
	is_int(bad_names, 0, "%s: every address names the library's function", what);
	is_int(bad_starts, 0, "%s: every address has the library's start", what);
	tlbr_kallsyms_forget(ours);
	tep_free(ours);
	tep_free(theirs);
}

int main(void)
{
	parse_fn lib = (parse_fn)dlsym(RTLD_NEXT, "tep_parse_kallsyms");

	tep_set_loglevel(TEP_LOG_NONE);
	ok(lib && lib != tep_parse_kallsyms, "libtraceevent's tep_parse_kallsyms found");
	if (lib && lib != tep_parse_kallsyms) {
		char many[40 * 48] = "", line[48];

		/* 40 functions at 40 addresses, out of order: passes, then the sort */
		for (unsigned int i = 0; i < 40; i++) {
			snprintf(line, sizeof(line), "ffffffff81%06x T f%u\n", (i * 7919) % 40 * 0x40, i);
			strcat(many, line);
		}
		compare("40 addresses", many, lib);
		compare("kernel and odd lines", good, lib);
		compare("a refused line", bad, lib);
	}
	return tap_done();
}
