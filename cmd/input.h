/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input.h - the shared read loop of the commands.
 */
#ifndef TLBR_INPUT_H
#define TLBR_INPUT_H

#include <string.h>

#include "formats.h"

struct input {
	const char *path;
	struct tlbr_stream *stream;
	struct tlbr_reader *reader;	/* the stream's */
	struct tlbr_adapter *adapter;	/* the stream's */
	struct tlbr_error err;
	bool progress;		/* input_run: progress on stderr when it is a terminal */
};

struct input_ops {
	/* each raw record (may be NULL); a negative errno stops the loop */
	int (*on_record)(void *ctx, const struct tlbr_record *rec);
	/* each normalised event; -EBADMSG with @err filled in for bad input */
	int (*on_event)(void *ctx, const struct tlbr_event *ev, struct tlbr_error *err);
};

/* util-guard.c: armed only while a trace library runs (see struct tlbr_guard). */
extern const struct tlbr_guard input_guard;

/* Open @path; returns 0, or the exit status after reporting the error. */
int input_open(struct input *in, const char *path, enum tlbr_format fmt);
/* Stream it; returns 0, or the exit status after reporting the error. */
int input_run(struct input *in, const struct input_ops *ops, void *ctx);
void input_close(struct input *in);

/* -i/--input-format: returns 0, or -1 after the usage error is reported */
int input_parse_format(const char *arg, enum tlbr_format *ret_fmt);
/*
 * The trace: -i/--input @input (NULL: none), or the one operand after the options,
 * or ./trace.dat, then ./perf.data, as perf and trace-cmd default; NULL after the
 * usage error is reported.
 */
const char *input_parse_trace(int argc, char **argv, int optind_, const char *input,
			      const char *cmd);

#endif /* TLBR_INPUT_H */
