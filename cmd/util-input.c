// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * input.c - the read loop every command shares: open a trace, stream its
 * records through the vocabulary adapter, hand records and normalised
 * events to the command, and report bad input the same way everywhere.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "input.h"

int input_open(struct input *in, const char *path, enum tlbr_format fmt)
{
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->err.file = path;
	input_guard_begin(path);
	in->stream = tlbr_stream_open(path, fmt, &input_guard, &in->err);
	if (!in->stream) {
		if (errno == ENOMEM)
			die("out of memory");
		return report_input_error(path, -errno, &in->err);
	}
	in->reader = tlbr_stream_reader(in->stream);
	in->adapter = tlbr_stream_adapter(in->stream);
	return 0;
}

/* Records so far and, where the record's position is a file offset, how far in. */
static void progress(const struct input *in, uint64_t records, const struct tlbr_record *rec,
		     uint64_t size)
{
	if (size && rec->pos <= size)
		fprintf(stderr, "\rtlbreplay: %s: %llu records, %3.0f%%", in->path,
			(unsigned long long)records, 100.0 * (double)rec->pos / (double)size);
	else
		fprintf(stderr, "\rtlbreplay: %s: %llu records", in->path,
			(unsigned long long)records);
}

int input_run(struct input *in, const struct input_ops *ops, void *ctx)
{
	bool show = in->progress && isatty(STDERR_FILENO);
	const struct tlbr_record *rec;
	const struct tlbr_event *evs;
	uint64_t records = 0, size = 0;
	unsigned int n, i;
	struct stat st;
	int ret;

	if (show && stat(in->path, &st) == 0 && S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	while ((ret = tlbr_stream_next_record(in->stream, &rec, &evs, &n, &in->err)) > 0) {
		if (show && !(++records & 0xffff))
			progress(in, records, rec, size);
		if (ops->on_record && (ret = ops->on_record(ctx, rec)) < 0)
			break;
		for (i = 0; i < n; i++) {
			ret = ops->on_event(ctx, &evs[i], &in->err);
			if (ret < 0)
				break;
		}
		if (ret < 0)
			break;
	}
	if (show && records > 0xffff)
		fprintf(stderr, "\r\033[K");
	if (ret == -ENOMEM)
		die("out of memory");
	if (ret < 0)
		return report_input_error(in->path, ret, &in->err);
	return 0;
}

void input_close(struct input *in)
{
	tlbr_stream_close(in->stream);
	input_guard_end();
	memset(in, 0, sizeof(*in));
}

int input_parse_format(const char *arg, enum tlbr_format *ret_fmt)
{
	if (tlbr_format_parse(arg, ret_fmt) < 0 || *ret_fmt == TLBR_FMT_AUTO) {
		error("unknown input format '%s' (dat, text, perf or ctf)", arg);
		return -1;
	}
	return 0;
}

const char *input_parse_trace(int argc, char **argv, int optind_, const char *input,
			      const char *cmd)
{
	static const char *const defaults[] = { "trace.dat", "perf.data" };
	unsigned int i;

	if (input && argc - optind_ == 0)
		return input;
	if (!input && argc - optind_ == 1)
		return argv[optind_];
	if (argc - optind_ > 1 || input) {
		error(input ? "a trace given twice: '-i %s' and '%s'"
			    : "too many arguments: one trace file at a time ('%s', '%s')",
		      input ? input : argv[optind_], argv[optind_ + !input]);
		usage_error(cmd);
		return NULL;
	}
	/* as perf and trace-cmd: the default input in the current directory */
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (access(defaults[i], F_OK) == 0)
			return defaults[i];
	error("no trace given, and neither ./trace.dat nor ./perf.data exists");
	usage_error(cmd);
	return NULL;
}
