#!/bin/sh
# Bad input: exit status 3, a message naming the file and the position,
# nothing on standard output, never a crash.
. "$SRCDIR/tests/lib.sh"

bad() {	# bad <description> <file> <pattern expected in the message>
	expect_status 3 "$1: exit 3" "$TLBREPLAY" stat "$2"
	grep_file "$1: message names the file" "'$2'" "$TMP/err"
	grep_file "$1: message says what is wrong" "$3" "$TMP/err"
	if [ -s "$TMP/out" ]; then ok 1 "$1: no partial answer on stdout"; else
		ok 0 "$1: no partial answer on stdout"; fi
}

bad "missing file" "$TMP/no-such.dat" "cannot open: No such file"
: > "$TMP/empty.dat"
bad "empty file" "$TMP/empty.dat" "empty file"
mkdir "$TMP/dir"
bad "directory" "$TMP/dir" "not a CTF trace"
head -c 4096 /dev/urandom | tr -d '\000' > "$TMP/junk.bin"
printf '\001\002\003\000binary' >> "$TMP/junk.bin"
bad "binary junk" "$TMP/junk.bin" "unrecognised file format"

sample=$SAMPLES/usemem-fork-exec.dat
size=$(stat -c %s "$sample")
for cut in 20 4000 600000 $((size - 60000)) $((size - 200)); do
	head -c $cut "$sample" > "$TMP/trunc-$cut.dat"
	bad "trace.dat cut at $cut of $size bytes" "$TMP/trunc-$cut.dat" "truncated"
done
# libtracecmd 3.1 aborted (a double free) on a v7 file cut inside the
# offset of its first options section (bytes 29-36): the file header is
# checked before libtracecmd sees it
for cut in 30 33 36; do
	head -c $cut "$sample" > "$TMP/head-$cut.dat"
	bad "trace.dat v7 cut at $cut bytes" "$TMP/head-$cut.dat" "byte offset 29 (0x1d): file header: the offset of the first options section (8 bytes) runs past"
	head -c $cut "$SAMPLES/arm64-usemem.dat" > "$TMP/a64-$cut.dat"
	bad "arm64 trace.dat cut at $cut bytes" "$TMP/a64-$cut.dat" "truncated"
done
# a zeroed chunk count at the start of cpu 0's compressed data (at 1036288,
# trace-cmd dump --options) dropped the whole CPU: 381 records instead of 3,267
cp "$SAMPLES/mprotect-churn.dat" "$TMP/chunks0.dat"
printf '\000\000\000\000' | dd of="$TMP/chunks0.dat" bs=1 seek=1036288 conv=notrunc 2>/dev/null
bad "zeroed chunk count of cpu 0" "$TMP/chunks0.dat" "byte offset 1036288 (0xfd000): top buffer, cpu 0: the file states 2143 bytes of compressed data for this CPU, but its chunk count is 0"
# version 6 files keep the options first: a truncated instance buffer made
# libtracecmd 1.3 crash; it must still be a clean exit 3
trace-cmd convert --file-version 6 -i "$SAMPLES/mprotect-churn.dat" -o "$TMP/v6.dat" >/dev/null 2>&1
size6=$(stat -c %s "$TMP/v6.dat")
for cut in $((size6 - 30000)) $((size6 - 1)); do
	head -c $cut "$TMP/v6.dat" > "$TMP/trunc6-$cut.dat"
	bad "v6 trace.dat cut at $cut of $size6 bytes" "$TMP/trunc6-$cut.dat" "truncated"
done

cp "$DATA/scenario1.txt" "$TMP/garbage.txt"
sed -i '5a this line is not an event' "$TMP/garbage.txt"
bad "text trace with a garbage line" "$TMP/garbage.txt" "line 6 (byte [0-9]*): not an ftrace event line"
head -c 300 "$DATA/scenario1.txt" > "$TMP/cut.txt"
bad "text trace cut inside a line" "$TMP/cut.txt" "line 8 (byte 280): the last line is incomplete"
printf '  a-1 [000] ..... 2.000000: tlb_flush: pages:1 reason:x (3)\n  a-1 [000] ..... 1.000000: tlb_flush: pages:1 reason:x (3)\n' > "$TMP/back.txt"
bad "text trace going back in time" "$TMP/back.txt" "line 2 (byte 60): timestamp 1.000000000 goes backwards"

expect_status 2 "unknown input format is a usage error" "$TLBREPLAY" stat -i xml "$sample"
expect_status 3 "trace.dat forced as text: exit 3" "$TLBREPLAY" stat --input-format text "$sample"
grep_file "trace.dat forced as text: the first line is named" "line 1 (byte 0)" "$TMP/err"
expect_status 3 "text read as trace.dat: exit 3" "$TLBREPLAY" stat --input-format dat "$DATA/scenario1.txt"
# special files: refused before they are opened (a FIFO nobody writes to
# blocked forever; /dev/zero as text grew past 3 GiB)
mkfifo "$TMP/fifo"
expect_status 3 "a FIFO: exit 3 without blocking" timeout 10 "$TLBREPLAY" stat "$TMP/fifo"
grep_file "a FIFO: says what it is" "a FIFO, not a trace file" "$TMP/err"
expect_status 3 "/dev/zero forced as text: exit 3" timeout 10 "$TLBREPLAY" stat --input-format text /dev/zero
grep_file "/dev/zero: says what it is" "a character device" "$TMP/err"
# '-' is standard input: text as a stream, perf.data and trace.dat too
"$TLBREPLAY" stat "$DATA/scenario1.txt" | tail -n +2 > "$TMP/file.out"
"$TLBREPLAY" stat - < "$DATA/scenario1.txt" | tail -n +2 > "$TMP/stdin.out"
same_file "text from standard input: the same answer" "$TMP/file.out" "$TMP/stdin.out"
"$TLBREPLAY" stat "$SAMPLES/mprotect-churn.perf.data" | tail -n +2 > "$TMP/file.out"
cat "$SAMPLES/mprotect-churn.perf.data" | "$TLBREPLAY" stat - | tail -n +2 > "$TMP/stdin.out"
same_file "perf.data from a pipe: the same answer" "$TMP/file.out" "$TMP/stdin.out"
expect_status 3 "zeros on standard input as text: exit 3" timeout 10 sh -c "head -c 200000 /dev/zero | tr '\\0' a | '$TLBREPLAY' stat --input-format text -"
grep_file "an endless line: bounded" "line 1 (byte 0): a line longer than 64 KiB" "$TMP/err"
# A trace recorded with 16 KiB pages (arm64 CONFIG_ARM64_16K_PAGES): the
# stream counts 4 KiB pages (include/tlbr-event.h), so every page would be
# misplaced. The recorder's marker says so (record/recorder.c writes
# page_size=getpagesize()): refused at the marker's line, not answered.
sed 's/tlbreplay-meta workload_pid=400/tlbreplay-meta page_size=16384 workload_pid=400/' \
	"$DATA/filter-workload.txt" > "$TMP/16k.txt"
bad "16 KiB pages" "$TMP/16k.txt" "line 16 .*16384-byte pages (the tlbreplay-meta marker's page_size): tlbreplay models 4096-byte pages only"
expect_status 3 "16 KiB pages: what-if refuses too" "$TLBREPLAY" what-if "$TMP/16k.txt"
sed 's/tlbreplay-meta workload_pid=400/tlbreplay-meta page_size=4096 workload_pid=400/' \
	"$DATA/filter-workload.txt" > "$TMP/4k.txt"
"$TLBREPLAY" what-if --json -p arm64-broadcast "$TMP/4k.txt" > "$TMP/4k.json"
"$TLBREPLAY" what-if --json -p arm64-broadcast "$DATA/filter-workload.txt" > "$TMP/none.json"
grep -v '"file"\|"sha256"\|"metadata"' "$TMP/4k.json" > "$TMP/a"
grep -v '"file"\|"sha256"\|"metadata"' "$TMP/none.json" > "$TMP/b"
same_file "4 KiB pages: the same answer as without the key" "$TMP/b" "$TMP/a"
# The Access flag (record/recorder.c's access_flag(): software, hardware or
# mixed). Only "software" makes the replay follow young bits: a misspelt
# value silently took the conservative ranges, and a second marker
# contradicting the first was ignored (the first won). Both refused at the
# marker's line (line 42 of whatif-young-sw.txt).
sed 's/access_flag=software/access_flag=sofware/' "$DATA/whatif-young-sw.txt" > "$TMP/af-typo.txt"
bad "access_flag misspelt" "$TMP/af-typo.txt" "line 42 .*access_flag is 'sofware': software, hardware or mixed, one value per trace"
expect_status 3 "access_flag misspelt: what-if refuses too" "$TLBREPLAY" what-if --force "$TMP/af-typo.txt"
sed 's/access_flag=software/access_flag=software access_flag=hardware/' "$DATA/whatif-young-sw.txt" > "$TMP/af-two.txt"
bad "access_flag contradicted" "$TMP/af-two.txt" "line 42 .*access_flag is 'hardware' (an earlier marker said 'software')"
sed 's/access_flag=software/access_flag=mixed/' "$DATA/whatif-young-sw.txt" > "$TMP/af-mixed.txt"
expect_status 0 "access_flag=mixed is accepted" "$TLBREPLAY" stat "$TMP/af-mixed.txt"
# MGLRU's caps (lru_gen=, as /sys/kernel/mm/lru_gen/enabled shows them:
# "0x%04x", or none): a malformed value would decide whether a fault proves
# a PTE young (line 41, the first marker)
sed 's/lru_gen=0x0000/lru_gen=7/' "$DATA/whatif-young-sw.txt" > "$TMP/lg-typo.txt"
bad "lru_gen malformed" "$TMP/lg-typo.txt" "line 41 .*lru_gen is '7': none, or MGLRU's caps"
# damon= (on or off, as record writes it) decides the same
sed 's/lru_gen=0x0000/lru_gen=0x0000 damon=yes/' "$DATA/whatif-young-sw.txt" > "$TMP/damon-typo.txt"
bad "damon malformed" "$TMP/damon-typo.txt" "line 41 .*damon is 'yes': on or off, one value per trace"
# The recorder's tlbreplay-meta markers hold a few hundred bytes; markers
# past the adapter's 1,023 bytes lost their later keys (page_size, kernel,
# access_flag) silently and the replay answered by the defaults: refused.
pad=$(head -c 1100 /dev/zero | tr '\0' x)
sed "s/access_flag=software/access_flag=software pad=$pad/" "$DATA/whatif-young-sw.txt" > "$TMP/meta-long.txt"
bad "tlbreplay-meta markers too long" "$TMP/meta-long.txt" "line 42 .*tlbreplay-meta markers hold more than 1023 bytes (this one 1125)"
# fault_around_bytes (debugfs; fault_around_bytes_set() keeps a power of
# two from a page to a page table): a malformed value took strtoull's
# prefix ("4096abc": no fault-around at all, fewer pages modelled present)
sed 's/kernel=6.12.118+deb12-arm64/kernel=6.12.118+deb12-arm64 fault_around_bytes=4096abc/' "$DATA/whatif-fault-around.txt" > "$TMP/fab-bad.txt"
bad "fault_around_bytes malformed" "$TMP/fab-bad.txt" "line 33 .*fault_around_bytes is '4096abc': a power of two from 4096 to 2097152"
sed 's/kernel=6.12.118+deb12-arm64/kernel=6.12.118+deb12-arm64 fault_around_bytes=65537/' "$DATA/whatif-fault-around.txt" > "$TMP/fab-odd.txt"
bad "fault_around_bytes not a power of two" "$TMP/fab-odd.txt" "fault_around_bytes is '65537'"
sed 's/kernel=6.12.118+deb12-arm64/kernel=6.12.118+deb12-arm64 fault_around_bytes=65536 fault_around_bytes=8192/' "$DATA/whatif-fault-around.txt" > "$TMP/fab-two.txt"
bad "fault_around_bytes contradicted" "$TMP/fab-two.txt" "fault_around_bytes is '8192' (an earlier marker said '65536')"
sed 's/kernel=6.12.118+deb12-arm64/kernel=6.12.118+deb12-arm64 fault_around_bytes=8192/' "$DATA/whatif-fault-around.txt" > "$TMP/fab-ok.txt"
expect_status 0 "fault_around_bytes=8192 is accepted" "$TLBREPLAY" stat "$TMP/fab-ok.txt"
done_testing
