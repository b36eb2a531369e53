# tests/lib.sh - TAP helpers for the CLI tests. Meson sets TLBREPLAY (the
# built binary), SRCDIR (the source tree) and BUILDDIR.
set -u
: "${TLBREPLAY:?run through meson test}"
: "${SRCDIR:?run through meson test}"
DATA=$SRCDIR/tests/data
SAMPLES=$SRCDIR/samples
# The system's python3 (Debian's, with python3-jsonschema from tools/debian-packages-test):
# a version manager's shim on PATH (pyenv) runs shells per call, seconds on a busy machine.
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	python3() { /usr/bin/python3 "$@"; }
fi
tap_n=0
tap_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tlbr-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() {	# ok <0|1 status> <description>
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# expect_cmd <description> <command...>: the command succeeds
expect_cmd() {
	desc=$1; shift
	if "$@" >"$TMP/out" 2>"$TMP/err"; then ok 0 "$desc"; else
		ok 1 "$desc"; sed 's/^/#   /' "$TMP/err" | head -20; fi
}

# expect_status <status> <description> <command...>
expect_status() {
	want=$1; desc=$2; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok 0 "$desc"; else
		ok 1 "$desc"; echo "#   exit status $got, want $want"; sed 's/^/#   /' "$TMP/err" | head -5; fi
}

# same_file <description> <expected> <actual>
same_file() {
	if cmp -s "$2" "$3"; then ok 0 "$1"; else
		ok 1 "$1"; diff -u "$2" "$3" | head -40 | sed 's/^/#   /'; fi
}

# grep_file <description> <pattern> <file>
grep_file() {
	if grep -q -- "$2" "$3"; then ok 0 "$1"; else
		ok 1 "$1"; echo "#   '$2' not in:"; head -5 "$3" | sed 's/^/#   /'; fi
}

# need_tracefs: root, tracefs (mounted if need be) with tlb:tlb_flush, and
# trace-cmd, or skip the whole script. Sets T to the tracefs mount point.
# left_instances: the tracefs instances of tlbreplay record (tlbreplay_PID) and of
# tools/record-sample.sh (tlbr_sample_PID) whose process is gone: what a recording
# left behind. Instances of recordings still running (another user's) are not ours.
left_instances() {
	ls "$T/instances" | while read -r i; do
		case $i in
		tlbreplay_*) p=${i#tlbreplay_} ;;
		tlbr_sample_*) p=${i#tlbr_sample_} ;;
		*) continue ;;
		esac
		kill -0 "$p" 2>/dev/null || echo "$i"
	done
}

need_tracefs() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root to record through tracefs"
	T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
	if [ -z "$T" ]; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || skip_all "cannot mount tracefs"
		T=/sys/kernel/tracing
	fi
	[ -e "$T/events/tlb/tlb_flush" ] || skip_all "this kernel has no tlb:tlb_flush tracepoint"
	command -v trace-cmd >/dev/null || skip_all "trace-cmd is not installed"
}

# need_recorder: skip the whole script when tlbreplay was built without the
# recorder (meson -Drecord=disabled).
need_recorder() {
	if "$TLBREPLAY" record --dry-run -- true 2>&1 >/dev/null | grep -q "built without the recorder"; then
		skip_all "tlbreplay was built without the recorder (-Drecord=disabled)"
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# Per-event counts of `trace-cmd report` for a file: "count name" lines, sorted.
report_counts() {
	trace-cmd report "$1" 2>/dev/null | awk '
		/^cpus=/ || /^CPU:/ || /^$/ { next }
		{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { n = $(i + 1); sub(/:$/, "", n); c[n]++; break } }
		END { for (n in c) print c[n], n }' | sort -k2
}

# The same from `tlbreplay stat --json`.
stat_counts() {
	"$TLBREPLAY" stat --json "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for e in d["raw_events"]:
    print(e["count"], e["name"])' | sort -k2
}

# Per-event counts of `perf script` for a perf.data: "count name" lines, sorted.
perf_counts() {
	perf script -i "$1" -F event 2>/dev/null | sed 's/[: ]*$//; s/^ *//; s/^[a-z_0-9]*://' |
		sort | uniq -c | awk '{ print $1, $2 }' | sort -k2
}

# png_size <file>: "WIDTHxHEIGHT" of a PNG image (its signature, then IHDR)
png_size() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR"
print("%dx%d" % struct.unpack(">II", d[16:24]))
PY
}

# unversion <file>...: the version of tlbreplay in text and JSON output as VERSION
unversion() {
	sed 's/tlbreplay [0-9][0-9.]*[a-z0-9.-]*/tlbreplay VERSION/; s/"tlbreplay": "[^"]*"/"tlbreplay": "VERSION"/' "$@"
}

# field <csv file> <first column> <column number>: the cell of the first row so named
# wi_facts <what-if JSON>: what does not depend on residency (the events, the
# flush points by site, arm64-broadcast's decisions, the IPIs the kernel sent)
wi_facts() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("events", d["events"], "pages", d["pages"], "real_ipis", d["checks"]["real_ipis"])
for p in d["policies"]:
    print(p["name"], p["flush_points"], json.dumps(p["by_site"], sort_keys=True))
    if p["name"] == "arm64-broadcast":
        print(p["broadcasts"], p["local"])
PY
}

# perf_ctf_forced <what-if JSON of the perf.data> <its CTF conversion> <policies> <the perf.data>:
# the CTF cannot show lost events (perf data convert --to-ctf drops
# PERF_RECORD_LOST): what-if refuses it, and with --force replays it with
# every address space on every CPU (nothing certainly avoidable); what does
# not depend on residency agrees with the perf.data's replay (wi_facts).
# The perf.data's events count its lost-event markers (formats/perf.c: one
# per PERF_RECORD_LOST, each on a CPU, so replay counts it), which a loaded
# machine makes (16 in one CI run) and the CTF does not carry: the CTF's
# events are the perf.data's less its gaps (stat's lost.gaps).
perf_ctf_forced() {
	expect_status 3 "what-if refuses the CTF conversion (lost events unknown)" \
		"$TLBREPLAY" what-if -p "$3" "$2"
	grep_file "and names what is missing" "not ready: missing lost events known" "$TMP/err"
	"$TLBREPLAY" what-if --force --json -p "$3" "$2" > "$TMP/forced.wi"
	gaps=$("$TLBREPLAY" stat --json "$4" | python3 -c 'import json, sys; print(json.load(sys.stdin)["lost"]["gaps"])')
	[ "$gaps" -eq 0 ] || echo "# perf lost events in $gaps gaps: the CTF has $gaps events fewer"
	# pages: the forced replay, its lost events unknown from the start,
	# may add a stand-in page where the kernel flushed a range with a page
	# the model cannot vouch for (tlbr_unknown_stand_in, 0e5fd7a): as
	# many or more pages than the perf.data's, the rest the same
	want_pages=$(wi_facts "$1" | awk '$1 == "events" { print $4 }')
	got_pages=$(wi_facts "$TMP/forced.wi" | awk '$1 == "events" { print $4 }')
	[ "${got_pages:-0}" -ge "${want_pages:-1}" ]
	ok $? "what-if --force: the CTF's pages, stand-ins for unknown ones included, at least the perf.data's ($got_pages, $want_pages)"
	wi_facts "$1" | awk -v g="${gaps:-0}" '$1 == "events" { $2 -= g; $4 = "-" } { print }' > "$TMP/want.wif"
	wi_facts "$TMP/forced.wi" | awk '$1 == "events" { $4 = "-" } { print }' > "$TMP/got.wif"
	same_file "what-if --force: the CTF's flush points as the perf.data's" "$TMP/want.wif" "$TMP/got.wif"
	python3 -c "import json, sys; d = json.load(open('$TMP/forced.wi'))
sys.exit(0 if d['checks']['lost_events_unknown'] and d['checks']['hidden_tasks_from_ns'] == 0 and
         all(p['avoidable'] == 0 for p in d['policies']) else 1)"
	ok $? "what-if --force on the CTF: lost events unknown from the start, nothing certainly avoidable"
}

field() {
	tr -d '\r' < "$1" | awk -F, -v m="$2" -v c="$3" '$1 == m { print $c; exit }'
}
