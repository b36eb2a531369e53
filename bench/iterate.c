// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iterate.c - the floor for reading a trace.dat: bare libtracecmd
 * iteration over every buffer, touching each record's event type and pid.
 * bench.sh compares tlbreplay against it.
 */
#include <stdio.h>
#include <trace-cmd/trace-cmd.h>

static unsigned long long n, sum;

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct tep_handle *tep = tracecmd_get_tep(h);

	(void)cpu;
	(void)data;
	sum += (unsigned long long)tep_data_type(tep, rec) + (unsigned long long)tep_data_pid(tep, rec);
	n++;
	return 0;
}

int main(int argc, char **argv)
{
	struct tracecmd_input *handles[64];
	int i, nh = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: iterate <trace.dat>\n");
		return 2;
	}
	handles[nh++] = tracecmd_open(argv[1], TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!handles[0])
		return 3;
	for (i = 0; i < tracecmd_buffer_instances(handles[0]) && nh < 64; i++)
		handles[nh++] = tracecmd_buffer_instance_handle(handles[0], i);
	tracecmd_iterate_events_multi(handles, nh, on_record, NULL);
	printf("%llu records (checksum %llu)\n", n, sum);
	return 0;
}
