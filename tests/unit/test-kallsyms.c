// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-kallsyms.c - formats/kallsyms.c's tep_parse_kallsyms() against
 * libtraceevent's own (found past the program's with RTLD_NEXT): the same
 * return, the same number of functions, and the same answer of
 * tep_find_function() and tep_find_function_address() at every address of
 * the text, one byte before and after it, and the same list printed
 * (tep_print_funcs: addresses, names, modules), on lines of the kernel's
 * shape and on lines of every other shape the library's sscanf takes or
 * refuses.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

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
	is_int(tep_get_function_count(ours), tep_get_function_count(theirs),
	       "%s: as many functions as the library registers", what);
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
		char *a = printed(ours), *b = printed(theirs);

		ok(a && b && *b && !strcmp(a, b), "%s: the library's list, modules too", what);
		free(a);
		free(b);
	}
	is_int(bad_names, 0, "%s: every address names the library's function", what);
	is_int(bad_starts, 0, "%s: every address has the library's start", what);
	tep_free(ours);
	tep_free(theirs);
}

int main(void)
{
	parse_fn lib = (parse_fn)dlsym(RTLD_NEXT, "tep_parse_kallsyms");

	tep_set_loglevel(TEP_LOG_NONE);
	ok(lib && lib != tep_parse_kallsyms, "libtraceevent's tep_parse_kallsyms found");
	if (lib && lib != tep_parse_kallsyms) {
		compare("kernel and odd lines", good, lib);
		compare("a refused line", bad, lib);
	}
	return tap_done();
}
