#!/bin/sh
# tlbreplay stat on the real samples: per-event counts equal those of
# `trace-cmd report` on the same file, and the trace.dat, its text
# rendering by `trace-cmd report` and a trace.dat converted to v6 all give
# the same normalised events.
. "$SRCDIR/tests/lib.sh"

command -v trace-cmd >/dev/null || skip_all "trace-cmd is not installed"

# normalised part of the JSON: everything but the file's own description
# and the timestamps (text has microseconds); of the readiness, what occurred
# (a trace.dat also knows which enabled events never occurred, text cannot)
norm() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("file", "format", "description", "span"):
    d.pop(k)
d["readiness"] = [(i["input"], i["occurred"]) for i in d["readiness"]["inputs"]]
for m in d["mms"]:
    m.pop("first_ns"); m.pop("last_ns")
print(json.dumps(d, sort_keys=True, indent=1))'
}

for s in "$SAMPLES"/*.dat; do
	name=$(basename "$s")
	report_counts "$s" > "$TMP/report"
	stat_counts "$s" > "$TMP/stat"
	same_file "$name: event counts equal trace-cmd report's" "$TMP/report" "$TMP/stat"
	total=$(awk '{ n += $1 } END { print n }' "$TMP/report")
	"$TLBREPLAY" stat --json "$s" > "$TMP/dat.json"
	records=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$TMP/dat.json")
	if [ "$records" = "$total" ]; then ok 0 "$name: $total records"; else
		ok 1 "$name: $records records, trace-cmd report shows $total"; fi

	trace-cmd report "$s" > "$TMP/report.txt" 2>/dev/null
	"$TLBREPLAY" stat --json "$TMP/report.txt" > "$TMP/txt.json"
	norm < "$TMP/dat.json" > "$TMP/a"
	norm < "$TMP/txt.json" > "$TMP/b"
	same_file "$name: trace-cmd report text gives the same events as the trace.dat" "$TMP/a" "$TMP/b"

	trace-cmd convert --file-version 6 -i "$s" -o "$TMP/v6.dat" >/dev/null 2>&1
	"$TLBREPLAY" stat --json "$TMP/v6.dat" | norm > "$TMP/c"
	same_file "$name: the v6 conversion gives the same events" "$TMP/a" "$TMP/c"
	grep_file "$name: the sample is ready for replay" '"verdict": "ready"' "$TMP/dat.json"
done
done_testing
