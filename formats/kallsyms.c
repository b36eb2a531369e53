// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kallsyms.c - libtraceevent's tep_parse_kallsyms() and its function
 * lookups, with the library's answers, without a sscanf() of every line,
 * a registration of every function, or a sort of them all.
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
 * other line is put to that sscanf.
 *
 * The functions are kept here, in that order, and answer the handle's
 * lookups (tep_find_function(), through tep_set_function_resolver()) as
 * the library's __find_func() would: it sorts them all by address at the
 * first lookup (func_map_init: the list newest first, qsort by address)
 * and bsearch()es "the entry at or before the address whose next entry is
 * after it". Where one function alone starts at the nearest address at or
 * below the one asked, that one is the answer whatever the sort did with
 * equal addresses: an index by address (a radix sort, once) finds it.
 * Where several do, the library's own sort and search are made once, the
 * same way, on the same array. The handle holds a reference until
 * tlbr_kallsyms_forget().
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "formats-local.h"

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

/* libtraceevent's struct func_map: the layout its sort moves */
struct ksym {
	unsigned long long addr;
	char *func;
	char *mod;
};

#define KMEMO 64

struct kidx {
	unsigned long long addr;
	size_t i;			/* in ktab.v */
};

/* The functions of one handle's kallsyms. */
struct ktab {
	struct tep_handle *tep;
	char **texts;			/* the sections' copies: the names point into them */
	unsigned int ntexts;
	struct ksym *v;			/* in registration order */
	size_t n, alloc;
	size_t nlook;			/* functions the lookups see: those before the first */
	bool looked;
	struct kidx *idx;		/* nlook of them, by address, once built */
	struct ksym *map;		/* the library's func_map, once built */
	struct kmemo {
		unsigned long long addr;
		const struct ksym *hit;
		bool valid;
	} memo[KMEMO];
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ktab **reg;
static unsigned int nreg, reg_alloc;

/* func_cmp: by address. */
static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* func_bcmp: the entry at @b holds the address of @a when it starts there or before the next. */
static int ksym_bcmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr == y->addr || (x->addr > y->addr && x->addr < (y + 1)->addr))
		return 0;
	return x->addr < y->addr ? -1 : 1;
}

/* func_map_init(): the list newest first, sorted, and an end entry of address 0. O(n log n). */
static int build_map(struct ktab *t)
{
	size_t i;

	t->map = malloc((t->nlook + 1) * sizeof(*t->map));
	if (!t->map)
		return -1;
	for (i = 0; i < t->nlook; i++)
		t->map[i] = t->v[t->nlook - 1 - i];
	qsort(t->map, t->nlook, sizeof(*t->map), ksym_cmp);
	t->map[t->nlook] = (struct ksym){ 0 };
	return 0;
}

/*
 * The functions' indexes by address (an LSD radix sort, 16 bits a pass;
 * passes where every address has the same digit are skipped), to find the
 * nearest start at or below an address. O(n).
 */
static int build_index(struct ktab *t)
{
	struct kidx *a = malloc(t->nlook * sizeof(*a)), *b = malloc(t->nlook * sizeof(*b)), *tmp;
	size_t *cnt = malloc((1 << 16) * sizeof(*cnt)), i, sum;

	if (!a || !b || !cnt) {
		free(a);
		free(b);
		free(cnt);
		return -1;
	}
	for (i = 0; i < t->nlook; i++)
		a[i] = (struct kidx){ t->v[i].addr, i };
	for (unsigned int shift = 0; shift < 64; shift += 16) {
		memset(cnt, 0, (1 << 16) * sizeof(*cnt));
		for (i = 0; i < t->nlook; i++)
			cnt[a[i].addr >> shift & 0xffff]++;
		if (t->nlook && cnt[a[0].addr >> shift & 0xffff] == t->nlook)
			continue;	/* one digit for all: already in order by it */
		for (i = 0, sum = 0; i < (1 << 16); i++) {
			size_t c = cnt[i];

			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < t->nlook; i++)
			b[cnt[a[i].addr >> shift & 0xffff]++] = a[i];
		tmp = a;
		a = b;
		b = tmp;
	}
	free(b);
	free(cnt);
	t->idx = a;
	return 0;
}

/*
 * __find_func()'s answer for @x: the nearest start at or below @x, unless
 * it is the last start and @x is past it; found by the index when one
 * function alone starts there, by the library's sort and search when
 * several do (which of them it gives depends on its sort). O(log n) after
 * the index's O(n) once; the library's O(n log n) once, if ever.
 */
static const struct ksym *lookup(struct ktab *t, unsigned long long x)
{
	struct ksym key = { .addr = x };

	if (!t->map) {
		size_t lo = 0, hi = t->nlook, p;

		if (!t->idx && build_index(t) < 0)
			return NULL;
		while (lo < hi) {	/* the first index whose address is above x */
			size_t mid = lo + (hi - lo) / 2;

			if (t->idx[mid].addr <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo)	/* below them all */
			return NULL;
		p = lo - 1;
		if (x > t->idx[p].addr && lo == t->nlook)	/* past the last one */
			return NULL;
		if (!p || t->idx[p - 1].addr != t->idx[p].addr)
			return &t->v[t->idx[p].i];
	}
	if (!t->map && build_map(t) < 0)
		return NULL;
	return bsearch(&key, t->map, t->nlook, sizeof(*t->map), ksym_bcmp);
}

/* The handle's resolver (tep_func_resolver_t). O(1) for an address asked before. */
static char *resolve(void *priv, unsigned long long *addrp, char **modp)
{
	struct ktab *t = priv;
	unsigned long long x = *addrp;
	struct kmemo *m = &t->memo[(x ^ x >> 12 ^ x >> 24) % KMEMO];
	const struct ksym *k;

	if (!t->looked) {	/* the library sorts what it has at the first lookup */
		t->looked = true;
		t->nlook = t->n;
	}
	if (m->valid && m->addr == x) {
		k = m->hit;
	} else {
		k = lookup(t, x);
		*m = (struct kmemo){ .addr = x, .hit = k, .valid = true };
	}
	if (!k)
		return NULL;
	*addrp = k->addr;
	*modp = k->mod;
	return k->func;
}

const char *tlbr_kallsyms_module(struct tep_handle *tep, unsigned long long addr)
{
	unsigned long long a = addr;
	char *mod = NULL;
	struct ktab *t = NULL;

	pthread_mutex_lock(&reg_lock);
	for (unsigned int i = 0; i < nreg && !t; i++)
		if (reg[i]->tep == tep)
			t = reg[i];
	pthread_mutex_unlock(&reg_lock);
	return t && resolve(t, &a, &mod) ? mod : NULL;
}

/* @tep's table, made (with a reference to @tep) on first use; NULL without memory. */
static struct ktab *table_of(struct tep_handle *tep)
{
	struct ktab *t = NULL;
	unsigned int i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nreg && !t; i++)
		if (reg[i]->tep == tep)
			t = reg[i];
	if (!t && nreg == reg_alloc) {
		unsigned int na = reg_alloc ? reg_alloc * 2 : 8;
		struct ktab **nr = realloc(reg, na * sizeof(*nr));

		if (nr) {
			reg = nr;
			reg_alloc = na;
		}
	}
	if (!t && nreg < reg_alloc) {
		t = calloc(1, sizeof(*t));
		if (t && tep_set_function_resolver(tep, resolve, t) < 0)
			zfree(&t);
		if (t) {
			t->tep = tep;
			tep_ref(tep);
			reg[nreg++] = t;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	return t;
}

void tlbr_kallsyms_forget(struct tep_handle *tep)
{
	struct ktab *t = NULL;
	unsigned int i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nreg; i++)
		if (reg[i]->tep == tep) {
			t = reg[i];
			reg[i] = reg[--nreg];
			break;
		}
	pthread_mutex_unlock(&reg_lock);
	if (!t)
		return;
	tep_reset_function_resolver(tep);
	tep_unref(tep);
	for (i = 0; i < t->ntexts; i++)
		free(t->texts[i]);
	free(t->texts);
	free(t->v);
	free(t->idx);
	free(t->map);
	free(t);
}

/* One function, as tep_register_function() would list it. O(1) amortised. */
static int add(struct ktab *t, char *func, unsigned long long addr, char *mod)
{
	if (t->n == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 4096;
		struct ksym *nv = realloc(t->v, na * sizeof(*nv));

		if (!nv)
			return -1;
		t->v = nv;
		t->alloc = na;
	}
	t->v[t->n++] = (struct ksym){ addr, func, mod };
	return 0;
}

/* O(size of @kallsyms): the functions in registration order; no registration. */
int tep_parse_kallsyms(struct tep_handle *tep, const char *kallsyms)
{
	struct ktab *t = table_of(tep);
	unsigned long long addr;
	char *copy, *line, *next = NULL, **nt;

	if (!t)
		return -1;
	nt = realloc(t->texts, (t->ntexts + 1) * sizeof(*nt));
	if (!nt)
		return -1;
	t->texts = nt;
	copy = strdup(kallsyms);
	if (!copy)
		return -1;
	t->texts[t->ntexts++] = copy;
	for (line = strtok_r(copy, "\n", &next); line; line = strtok_r(NULL, "\n", &next)) {
		int func_start = 0, func_end = 0, mod_start = 0, mod_end = 0, n = 2;
		char *func, *mod = NULL, type;

		if (!fast_line(line, &addr, &type, &func_start, &func_end, &mod_start, &mod_end)) {
			errno = 0;
			n = sscanf(line, "%16llx %c %n%*s%n%*1[\t][%n%*s%n", &addr, &type,
				   &func_start, &func_end, &mod_start, &mod_end);
			if (errno)
				return -1;
		}
		if (n != 2 || !func_end) {
			tep_warning("Failed to parse kallsyms n=%d func_end=%d", n, func_end);
			return -1;
		}
		func = line + func_start;
		if (*func == '$' || type == 'A' || type == 'a')
			continue;
		line[func_end] = '\0';
		if (mod_end) {
			mod = line + mod_start;
			line[mod_end - 1] = '\0';	/* the ']' */
		}
		add(t, func, addr, mod);
	}
	return 0;
}
