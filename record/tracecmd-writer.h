/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * tracecmd-writer.h - the trace.dat writer of libtracecmd. libtracecmd.so.1
 * exports these functions, but declares them only in trace-cmd's private
 * header (lib/trace-cmd/include/private/trace-cmd-private.h), which Debian
 * does not install. Copied from trace-cmd v3.1.6; unchanged up to 3.4.
 */
#ifndef TLBR_TRACECMD_WRITER_H
#define TLBR_TRACECMD_WRITER_H

#include <trace-cmd/trace-cmd.h>

struct tracecmd_output;
struct tracecmd_option;

struct tracecmd_event_list {
	struct tracecmd_event_list *next;
	const char *glob;
};

enum {
	TRACECMD_OPTION_DONE,
	TRACECMD_OPTION_DATE,
	TRACECMD_OPTION_CPUSTAT,
	TRACECMD_OPTION_BUFFER,
	TRACECMD_OPTION_TRACECLOCK,
	TRACECMD_OPTION_UNAME,
};

struct tracecmd_output *tracecmd_output_create(const char *file);
int tracecmd_output_set_version(struct tracecmd_output *handle, int file_version);
int tracecmd_output_set_compression(struct tracecmd_output *handle, const char *compression);
int tracecmd_output_set_trace_dir(struct tracecmd_output *handle, const char *tracing_dir);
int tracecmd_output_set_kallsyms(struct tracecmd_output *handle, const char *kallsyms);
void tracecmd_set_out_clock(struct tracecmd_output *handle, const char *clock);
int tracecmd_output_write_headers(struct tracecmd_output *handle,
				  struct tracecmd_event_list *list);
struct tracecmd_option *tracecmd_add_option(struct tracecmd_output *handle, unsigned short id,
					    int size, const void *data);
int tracecmd_write_cmdlines(struct tracecmd_output *handle);
int tracecmd_append_cpu_data(struct tracecmd_output *handle, int cpus, char * const *cpu_data_files);
void tracecmd_output_close(struct tracecmd_output *handle);

#endif /* TLBR_TRACECMD_WRITER_H */
