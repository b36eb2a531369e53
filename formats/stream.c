// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stream.c - the normalised event stream of a trace: a reader and the
 * vocabulary adapter behind it, the one read loop that the commands, the
 * unit tests and the fuzzers share.
 *
 * Only the reader runs inside the caller's guard (struct tlbr_guard): the
 * trace libraries behind it (libtracecmd, libtraceevent, babeltrace2) may
 * crash on files they cannot parse; the adapter and whatever the caller
 * does with the events run unguarded, so a bug there is a crash, not a
 * "corrupt trace".
 *
 * Read-ahead (tlbr_stream_read_ahead): from then on the reader runs in a
 * thread of its own and fills batches of copied records (strings in the
 * batch's arena) that the caller's thread takes in order; the adapter, and
 * everything that asks it about tasks and address spaces, stays in the
 * caller's thread, so the caller sees the same records, the same events
 * and the same adapter state, at the same points, as without read-ahead.
 * The reader's own state (its CPU count, its event types) may run ahead:
 * a caller reads it before it asks for read-ahead, or after the end.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "formats-local.h"

#define BATCH_RECORDS 512
#define NBATCH 8
#define NOSTR UINT32_MAX

/* A record copied out of the reader, its strings as offsets into the arena. */
struct slot {
	struct tlbr_record rec;
	uint32_t comm;
	uint32_t str[TLBR_MAX_FIELDS];
};

struct batch {
	struct slot *slots;
	unsigned int n;
	int status;			/* after the last slot: 1 more, 0 end, <0 error */
	struct tlbr_error err;		/* with status < 0 */
	char *arena;
	size_t arena_used, arena_alloc;
};

struct ahead {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled_cv, freed_cv;
	struct batch b[NBATCH];
	uint64_t filled, taken;		/* batches the reader filled, the caller took */
	atomic_bool stop;		/* the caller is closing */
	bool done;			/* the reader thread ended */
	struct batch *cur;		/* the caller's batch, and its next slot */
	unsigned int next;
	struct tlbr_record out;		/* the record handed out, pointers resolved */
};

struct tlbr_stream {
	struct tlbr_reader *reader;
	struct tlbr_adapter *adapter;
	struct tlbr_guard guard;
	const struct tlbr_record *rec;		/* the last record read */
	struct tlbr_event evs[TLBR_ADAPT_MAX_OUT];
	unsigned int nev, iev;			/* its events, and the next to hand out */
	bool want_ahead;			/* start the reader thread at the next call */
	struct ahead *ahead;			/* the reader thread, once started */
};

static void enter(const struct tlbr_stream *s)
{
	if (s->guard.enter)
		s->guard.enter(s->guard.ctx);
}

static void leave(const struct tlbr_stream *s)
{
	if (s->guard.leave)
		s->guard.leave(s->guard.ctx);
}

static struct tlbr_stream *stream_new(const struct tlbr_guard *guard, struct tlbr_error *err)
{
	struct tlbr_stream *s = calloc(1, sizeof(*s));

	if (s)
		s->adapter = tlbr_adapter_new();
	if (!s || !s->adapter) {
		free(s);
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (guard)
		s->guard = *guard;
	return s;
}

struct tlbr_stream *tlbr_stream_open(const char *path, enum tlbr_format fmt,
				     const struct tlbr_guard *guard, struct tlbr_error *err)
{
	struct tlbr_stream *s = stream_new(guard, err);
	int saved;

	if (!s)
		return NULL;
	enter(s);
	s->reader = tlbr_reader_open(path, fmt, err);
	saved = errno;
	leave(s);
	if (!s->reader) {
		tlbr_stream_close(s);
		errno = saved;
		return NULL;
	}
	return s;
}

struct tlbr_stream *tlbr_stream_open_text(FILE *f, const char *name, struct tlbr_error *err)
{
	struct tlbr_stream *s = stream_new(NULL, err);
	int saved;

	if (!s)
		return NULL;
	s->reader = tlbr_reader_open_stream(f, name, err);
	if (!s->reader) {
		saved = errno;
		tlbr_stream_close(s);
		errno = saved;
		return NULL;
	}
	return s;
}

/* ------------------------------------------------------------ read-ahead */

/* Copy @str into the batch's arena: its offset, NOSTR for NULL, -1 on ENOMEM. */
static int64_t arena_put(struct batch *b, const char *str)
{
	size_t len, at;

	if (!str)
		return NOSTR;
	len = strlen(str) + 1;
	if (b->arena_used + len > b->arena_alloc) {
		size_t n = b->arena_alloc ? b->arena_alloc : 16384;
		char *a;

		while (n < b->arena_used + len)
			n *= 2;
		if (n >= NOSTR || !(a = realloc(b->arena, n)))
			return -1;
		b->arena = a;
		b->arena_alloc = n;
	}
	at = b->arena_used;
	memcpy(b->arena + at, str, len);
	b->arena_used += len;
	return (int64_t)at;
}

static int slot_put(struct batch *b, const struct tlbr_record *rec)
{
	struct slot *sl = &b->slots[b->n];
	int64_t at;
	int i;

	sl->rec = *rec;
	if ((at = arena_put(b, rec->comm)) < 0)
		return -ENOMEM;
	sl->comm = (uint32_t)at;
	for (i = 0; i < TLBR_MAX_FIELDS; i++) {
		if ((at = arena_put(b, rec->str[i])) < 0)
			return -ENOMEM;
		sl->str[i] = (uint32_t)at;
	}
	b->n++;
	return 0;
}

/* Fill one batch from the reader: O(records in it + their strings). */
static void fill(struct tlbr_stream *s, struct batch *b)
{
	const struct tlbr_record *rec;
	int ret = 1;

	b->n = 0;
	b->arena_used = 0;
	while (b->n < BATCH_RECORDS && !atomic_load_explicit(&s->ahead->stop, memory_order_relaxed)) {
		enter(s);
		ret = tlbr_reader_next(s->reader, &rec, &b->err);
		leave(s);
		if (ret <= 0)
			break;
		if (slot_put(b, rec) < 0) {
			tlbr_error_set(&b->err, UINT64_MAX, 0, "out of memory");
			ret = -ENOMEM;
			break;
		}
	}
	b->status = ret;
}

static void *reader_thread(void *arg)
{
	struct tlbr_stream *s = arg;
	struct ahead *a = s->ahead;
	struct batch *b;
	int status;

	do {
		pthread_mutex_lock(&a->lock);
		while (a->filled - a->taken == NBATCH && !atomic_load(&a->stop))
			pthread_cond_wait(&a->freed_cv, &a->lock);
		pthread_mutex_unlock(&a->lock);
		if (atomic_load(&a->stop))
			break;
		b = &a->b[a->filled % NBATCH];
		fill(s, b);
		status = b->status;
		pthread_mutex_lock(&a->lock);
		a->filled++;
		pthread_cond_signal(&a->filled_cv);
		pthread_mutex_unlock(&a->lock);
	} while (status > 0);
	pthread_mutex_lock(&a->lock);
	a->done = true;
	pthread_cond_signal(&a->filled_cv);
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

static void ahead_free(struct ahead *a)
{
	for (unsigned int i = 0; i < NBATCH; i++) {
		free(a->b[i].slots);
		free(a->b[i].arena);
	}
	free(a);
}

/* Start the reader thread; on failure the stream goes on without it. */
static void ahead_start(struct tlbr_stream *s)
{
	struct ahead *a = calloc(1, sizeof(*a));
	unsigned int i;

	s->want_ahead = false;
	if (!a)
		return;
	for (i = 0; i < NBATCH; i++)
		if (!(a->b[i].slots = malloc(BATCH_RECORDS * sizeof(struct slot)))) {
			ahead_free(a);
			return;
		}
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->filled_cv, NULL);
	pthread_cond_init(&a->freed_cv, NULL);
	s->ahead = a;
	if (pthread_create(&a->thread, NULL, reader_thread, s)) {
		s->ahead = NULL;
		ahead_free(a);
	}
}

/* Stop and join the reader thread (it ends at its next record or batch). */
static void ahead_stop(struct tlbr_stream *s)
{
	struct ahead *a = s->ahead;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	atomic_store(&a->stop, true);
	pthread_cond_signal(&a->freed_cv);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->filled_cv);
	pthread_cond_destroy(&a->freed_cv);
	ahead_free(a);
	s->ahead = NULL;
}

/* The next record from the reader thread: as tlbr_reader_next(). */
static int ahead_next(struct tlbr_stream *s, const struct tlbr_record **ret_rec,
		      struct tlbr_error *err)
{
	struct ahead *a = s->ahead;
	const struct slot *sl;
	struct batch *b;
	int i;

	while (!a->cur || a->next == a->cur->n) {
		if (a->cur) {
			if (a->cur->status <= 0) {
				if (a->cur->status < 0)
					*err = a->cur->err;
				return a->cur->status;
			}
			/* done with it: the reader may fill it again */
			pthread_mutex_lock(&a->lock);
			a->taken++;
			a->cur = NULL;
			pthread_cond_signal(&a->freed_cv);
			pthread_mutex_unlock(&a->lock);
		}
		pthread_mutex_lock(&a->lock);
		while (a->filled == a->taken && !a->done)
			pthread_cond_wait(&a->filled_cv, &a->lock);
		b = a->filled > a->taken ? &a->b[a->taken % NBATCH] : NULL;
		pthread_mutex_unlock(&a->lock);
		if (!b)		/* cannot happen: the last batch says how it ended */
			return 0;
		a->cur = b;
		a->next = 0;
	}
	b = a->cur;
	sl = &b->slots[a->next++];
	a->out = sl->rec;
	a->out.comm = sl->comm == NOSTR ? NULL : b->arena + sl->comm;
	for (i = 0; i < TLBR_MAX_FIELDS; i++)
		a->out.str[i] = sl->str[i] == NOSTR ? NULL : b->arena + sl->str[i];
	*ret_rec = &a->out;
	return 1;
}

void tlbr_stream_read_ahead(struct tlbr_stream *s)
{
	if (!s->ahead)
		s->want_ahead = true;
}

/* ------------------------------------------------------------ records */

int tlbr_stream_next_record(struct tlbr_stream *s, const struct tlbr_record **ret_rec,
			    const struct tlbr_event **ret_evs, unsigned int *ret_n,
			    struct tlbr_error *err)
{
	int ret, n;

	s->nev = s->iev = 0;
	if (s->want_ahead)	/* the caller is done with the last record: it may go */
		ahead_start(s);
	if (s->ahead) {
		ret = ahead_next(s, &s->rec, err);
	} else {
		enter(s);
		ret = tlbr_reader_next(s->reader, &s->rec, err);
		leave(s);
	}
	if (ret <= 0)
		return ret;
	n = tlbr_adapter_feed(s->adapter, s->rec, s->evs, err);
	if (n < 0)
		return n;
	s->nev = (unsigned int)n;
	*ret_rec = s->rec;
	*ret_evs = s->evs;
	*ret_n = s->nev;
	return 1;
}

int tlbr_stream_next(struct tlbr_stream *s, const struct tlbr_event **ret_ev,
		     struct tlbr_error *err)
{
	const struct tlbr_record *rec;
	const struct tlbr_event *evs;
	unsigned int n;
	int ret;

	while (s->iev == s->nev) {
		ret = tlbr_stream_next_record(s, &rec, &evs, &n, err);
		if (ret <= 0)
			return ret;
	}
	*ret_ev = &s->evs[s->iev++];
	return 1;
}

const struct tlbr_record *tlbr_stream_record(const struct tlbr_stream *s)
{
	return s->rec;
}

struct tlbr_reader *tlbr_stream_reader(const struct tlbr_stream *s)
{
	return s->reader;
}

struct tlbr_adapter *tlbr_stream_adapter(const struct tlbr_stream *s)
{
	return s->adapter;
}

void tlbr_stream_close(struct tlbr_stream *s)
{
	if (!s)
		return;
	ahead_stop(s);
	enter(s);
	tlbr_reader_close(s->reader);
	leave(s);
	tlbr_adapter_free(s->adapter);
	free(s);
}
