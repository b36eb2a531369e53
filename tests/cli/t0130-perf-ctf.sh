#!/bin/sh
# perf.data and CTF inputs: the native perf.data reader and the babeltrace2
# CTF reader against `perf script` and against each other, on the bundled
# perf.data sample and its CTF conversion; bad perf.data and CTF input.
. "$SRCDIR/tests/lib.sh"
command -v perf >/dev/null || skip_all "perf is not installed (Debian: linux-perf)"

P=$SAMPLES/mprotect-churn.perf.data
perf_counts "$P" > $TMP/perf.counts
stat_counts "$P" > $TMP/ours.counts
[ -s $TMP/perf.counts ] && same_file "perf.data: every event counted as perf script counts it" \
	$TMP/perf.counts $TMP/ours.counts
"$TLBREPLAY" stat "$P" > $TMP/stat.txt
grep_file "perf.data: detected by content" "^trace .*(perf.data, " $TMP/stat.txt
grep_file "perf.data: the CPU count from HEADER_NRCPUS" "perf.data, [0-9]* events, 2 CPUs" $TMP/stat.txt
grep_file "perf.data: replay-ready" "^Readiness   ready" $TMP/stat.txt

# the CTF conversion reads the same events in the same order
perf data convert -i "$P" --to-ctf $TMP/ctf >/dev/null 2>&1
ok $? "perf data convert --to-ctf works"
stat_counts $TMP/ctf > $TMP/ctf.counts
same_file "CTF: the same counts as perf script" $TMP/perf.counts $TMP/ctf.counts
# (all but the names of tasks that only perf's COMM records give)
facts() {
	"$TLBREPLAY" stat --json "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
# (perf.data keeps the formats of enabled events, CTF only what occurred)
d["occurred"] = [(i["input"], i["occurred"]) for i in d["readiness"]["inputs"]
                 if i["input"] not in ("no lost events", "lost events known")]
# (the CTF cannot say whether perf lost events: lost.not_carried, below)
d["lost"].pop("not_carried")
for k in ("span", "records", "events", "records_per_cpu", "kinds", "flushes", "faults", "syscalls", "lost", "occurred"):
    print(k, json.dumps(d[k], sort_keys=True))'
}
facts "$P" > $TMP/perf.stat
facts $TMP/ctf > $TMP/ctf.stat
same_file "CTF: stat finds the same as on the perf.data" $TMP/perf.stat $TMP/ctf.stat
# perf data convert --to-ctf writes samples only: PERF_RECORD_LOST goes
# nowhere and every packet says 0 events discarded, so the CTF cannot show
# whether perf lost events. stat says so, what-if refuses it (replay the
# perf.data), and --force replays it with every address space on every CPU.
"$TLBREPLAY" stat "$P" > $TMP/perf.stat.txt
"$TLBREPLAY" stat $TMP/ctf > $TMP/ctf.stat.txt
grep_file "perf.data: no lost events" "^Lost  *none" $TMP/perf.stat.txt
grep_file "CTF: lost events unknown" "^Lost  *unknown: perf data convert --to-ctf does not carry" $TMP/ctf.stat.txt
grep_file "CTF: not ready without them" "^Readiness   not ready" $TMP/ctf.stat.txt
POL=arm64-broadcast,pte-needs-flush,wp-local,x86-ipi,oracle
"$TLBREPLAY" what-if --json -p $POL "$P" > $TMP/perf.wi
perf_ctf_forced $TMP/perf.wi $TMP/ctf $POL "$P"
# a directory above the trace is found too (LTTng nests its traces)
mkdir -p $TMP/session/kernel && cp -r $TMP/ctf $TMP/session/kernel/
stat_counts $TMP/session > $TMP/nested.counts
same_file "CTF: the trace is found below the directory given" $TMP/perf.counts $TMP/nested.counts
x86=$(python3 -c "import json; d=json.load(open('$TMP/perf.wi')); print([p['ipis'] for p in d['policies'] if p['name']=='x86-ipi'][0], d['checks']['real_ipis'])")
set -- $x86
python3 -c "import sys; sys.exit(0 if abs($1 - $2) <= 0.02 * $2 else 1)"
ok $? "perf.data: x86-ipi predicts the kernel's IPIs within 2% ($1 vs $2)"

# bad perf.data: truncated anywhere, corrupt, modes we do not read
bad() {	# bad <description> <file> <pattern>
	expect_status 3 "$1: exit 3" "$TLBREPLAY" stat "$2"
	grep_file "$1: message names the file" "'$2'" "$TMP/err"
	grep_file "$1: says what is wrong" "$3" "$TMP/err"
}
size=$(stat -c %s "$P")
for cut in 12 60 200 $((size / 2)) $((size - 100)); do
	head -c $cut "$P" > $TMP/cut.perf.data
	bad "perf.data cut at $cut of $size bytes" $TMP/cut.perf.data "truncated"
done
python3 - "$P" $TMP/pipe.perf.data <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[8:16] = (16).to_bytes(8, "little")	# the header size of pipe mode
open(sys.argv[2], "wb").write(d)
PY
bad "a file header that says pipe mode" $TMP/pipe.perf.data "corrupt"
python3 - "$P" $TMP/noattr.perf.data <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[32:40] = (0).to_bytes(8, "little")	# no attributes
open(sys.argv[2], "wb").write(d)
PY
bad "perf.data without attributes" $TMP/noattr.perf.data "no event attributes"
expect_status 3 "--input-format perf on a text trace: exit 3" "$TLBREPLAY" stat --input-format perf "$DATA/scenario1.txt"
grep_file "--input-format perf on a text trace: says so" "not a perf.data file" "$TMP/err"

# bad CTF: metadata that does not parse, a directory without any
cp -r $TMP/ctf $TMP/badctf
printf 'this is /* not TSDL\n' >> $TMP/badctf/metadata
bad "CTF with corrupt metadata" $TMP/badctf "babeltrace2 cannot"
mkdir $TMP/empty
bad "a directory without a trace" $TMP/empty "not a CTF trace"
# packet sizes babeltrace2 2.0 trusts (found by fuzz-ctf): packet_size and
# content_size both 0 make its packet index loop until memory runs out; a
# size with its top bit set trips an assertion (msg-iter.c,
# set_current_packet_content_sizes keeps them as int64_t). formats/ctf-check.c
# walks the packets first (ctf-base: header 24 bytes, context 44: the
# packet's sizes are at bytes 40 and 48, in bits)
ctf_sizes() {	# ctf_sizes <dir> <content_size> <packet_size>: of stream 0's first packet
	python3 - "$1/perf_stream_0" "$2" "$3" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
assert d[0:4] == bytes([0xc1, 0x1f, 0xfc, 0xc1])
d[40:48] = int(sys.argv[2], 0).to_bytes(8, "little")
d[48:56] = int(sys.argv[3], 0).to_bytes(8, "little")
open(sys.argv[1], "wb").write(d)
PY
}
cp -r "$SRCDIR/tests/fuzz/ctf-base" $TMP/zeroctf
ctf_sizes $TMP/zeroctf 0 0
expect_status 3 "CTF packet sizes 0 and 0: exit 3, no endless loop" timeout 60 "$TLBREPLAY" stat $TMP/zeroctf
grep_file "CTF packet sizes 0 and 0: names the stream file and the packet's offset" \
	"perf_stream_0: the packet at byte 0 has impossible sizes (packet 0 bits, content 0 bits" "$TMP/err"
cp -r "$SRCDIR/tests/fuzz/ctf-base" $TMP/signctf
ctf_sizes $TMP/signctf 9424 0x8000000000040000	# 2^63 + 262144 bits (the 32 KiB packet)
bad "CTF packet size with its top bit set" $TMP/signctf "perf_stream_0: the packet at byte 0 has impossible sizes"
cp -r "$SRCDIR/tests/fuzz/ctf-base" $TMP/cutctf
head -c 30000 "$SRCDIR/tests/fuzz/ctf-base/perf_stream_1" > $TMP/cutctf/perf_stream_1
bad "CTF stream cut inside a packet" $TMP/cutctf "perf_stream_1: the packet at byte [0-9]* has impossible sizes.*bytes left in the file"
# a second stream class with another packet context: the walk cannot lay it
# out and leaves it to babeltrace2, which asserts; the crash guard (SIGABRT
# too) makes that exit 3 naming the trace instead of a core dump
cp -r $TMP/signctf $TMP/abortctf
cat >> $TMP/abortctf/metadata <<'EOF'

stream {
	id = 1;
	event.header := struct {
		integer { size = 32; align = 8; signed = false; encoding = none; base = decimal; byte_order = le; } id;
	} align(8);
	packet.context := struct {
		integer { size = 64; align = 8; signed = false; encoding = none; base = decimal; byte_order = le; } content_size;
		integer { size = 64; align = 8; signed = false; encoding = none; base = decimal; byte_order = le; } packet_size;
	} align(8);
};
EOF
bad "CTF that makes babeltrace2 abort" $TMP/abortctf "the trace library reading it crashed"
expect_status 3 "--input-format ctf on a file: exit 3" "$TLBREPLAY" stat --input-format ctf "$P"
grep_file "--input-format ctf on a file: says a CTF trace is a directory" "is a directory" "$TMP/err"
done_testing
