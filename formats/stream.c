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
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats-local.h"

struct tlbr_stream {
	struct tlbr_reader *reader;
	struct tlbr_adapter *adapter;
	struct tlbr_guard guard;
	const struct tlbr_record *rec;		/* the last record read */
	struct tlbr_event evs[TLBR_ADAPT_MAX_OUT];
	unsigned int nev, iev;			/* its events, and the next to hand out */
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

int tlbr_stream_next_record(struct tlbr_stream *s, const struct tlbr_record **ret_rec,
			    const struct tlbr_event **ret_evs, unsigned int *ret_n,
			    struct tlbr_error *err)
{
	int ret, n;

	s->nev = s->iev = 0;
	enter(s);
	ret = tlbr_reader_next(s->reader, &s->rec, err);
	leave(s);
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
	enter(s);
	tlbr_reader_close(s->reader);
	leave(s);
	tlbr_adapter_free(s->adapter);
	free(s);
}
