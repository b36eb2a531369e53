// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kallsyms.c - libtraceevent's tep_parse_kallsyms(), the same functions
 * registered in the same order, without a sscanf() of every line.
 *
 * libtracecmd reads a trace.dat's kallsyms section by calling
 * tep_parse_kallsyms() (and perf.c calls it for perf.data's): the program's
 * definition takes the place of the library's (the dynamic linker binds a
 * shared library's call to the program's own definition first), so both
 * come here. libtraceevent 1.7's reads each line (strtok_r at '\n') with
 * sscanf("%16llx %c %n%*s%n%*1[\t][%n%*s%n"), registers the function with
 * tep_register_function() unless its name starts with '$' or its type is
 * 'A' or 'a', and stops with a warning (-1) at a line the format does not
 * take, or when sscanf sets errno. A line of the shape a kernel writes
 * (16 hex digits, a space, a type, a space, a name, and perhaps a tab and
 * "[module]") is read here by hand, with the values sscanf gives it; any
 * other line is put to that sscanf. The functions, their order and so
 * every later tep_find_function() answer are the library's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

/* libtraceevent's, exported but not in event-parse.h: silent under TEP_LOG_NONE */
void tep_warning(const char *fmt, ...);

/* A name or module character sscanf's %s takes in any locale. O(1). */
static inline bool name_char(unsigned char c)
{
	return c > ' ' && c < 0x7f;
}

static inline int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * @l, a line of the kernel's shape: its address, type and the offsets
 * sscanf's %n give (mod_end 0: no module); false for any other line.
 * O(length of the line).
 */
static bool fast_line(const char *l, unsigned long long *addr, char *type, int *func_start,
		      int *func_end, int *mod_start, int *mod_end)
{
	unsigned long long a = 0;
	int i, d;

	for (i = 0; i < 16; i++) {
		if ((d = hex_digit((unsigned char)l[i])) < 0)
			return false;
		a = a << 4 | (unsigned int)d;
	}
	if (l[16] != ' ' || !name_char((unsigned char)l[17]) || l[18] != ' ' ||
	    !name_char((unsigned char)l[19]))
		return false;
	for (i = 20; name_char((unsigned char)l[i]); i++)
		;
	*addr = a;
	*type = l[17];
	*func_start = 19;
	*func_end = i;
	*mod_start = *mod_end = 0;
	if (!l[i])
		return true;
	if (l[i] != '\t' || l[i + 1] != '[' || !name_char((unsigned char)l[i + 2]))
		return false;
	*mod_start = i + 2;
	for (i += 3; name_char((unsigned char)l[i]); i++)
		;
	if (l[i])
		return false;
	*mod_end = i;
	return true;
}

/* O(size of @kallsyms) plus a registration (libtraceevent's) per function. */
int tep_parse_kallsyms(struct tep_handle *tep, const char *kallsyms)
{
	unsigned long long addr;
	char *copy, *line, *next = NULL;
	int ret = -1;

	copy = strdup(kallsyms);
	if (!copy)
		return -1;
	for (line = strtok_r(copy, "\n", &next); line; line = strtok_r(NULL, "\n", &next)) {
		int func_start = 0, func_end = 0, mod_start = 0, mod_end = 0, n = 2;
		char *func, *mod = NULL, type;

		if (!fast_line(line, &addr, &type, &func_start, &func_end, &mod_start, &mod_end)) {
			errno = 0;
			n = sscanf(line, "%16llx %c %n%*s%n%*1[\t][%n%*s%n", &addr, &type,
				   &func_start, &func_end, &mod_start, &mod_end);
			if (errno)
				goto out;
		}
		if (n != 2 || !func_end) {
			tep_warning("Failed to parse kallsyms n=%d func_end=%d", n, func_end);
			goto out;
		}
		func = line + func_start;
		if (*func == '$' || type == 'A' || type == 'a')
			continue;
		line[func_end] = '\0';
		if (mod_end) {
			mod = line + mod_start;
			line[mod_end - 1] = '\0';	/* the ']' */
		}
		tep_register_function(tep, func, addr, mod);
	}
	ret = 0;
out:
	free(copy);
	return ret;
}
