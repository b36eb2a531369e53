#!/bin/sh
# stat --json and what-if --json against their JSON Schemas in doc/ (as
# report's is in t0400): every sample and every hand-written trace, and the
# same key names and types where the commands report the same thing.
. "$SRCDIR/tests/lib.sh"

python3 -c 'import jsonschema' 2>/dev/null || skip_all "python3-jsonschema is not installed"

# every output first, then one python validates them all (it prints TAP lines)
i=0
for f in "$SAMPLES"/*.dat "$SAMPLES"/*.data "$DATA"/scenario*.txt "$DATA"/whatif-*.txt; do
	i=$((i + 1))
	"$TLBREPLAY" stat --json "$f" > "$TMP/stat.$i.json" 2> "$TMP/err"
	"$TLBREPLAY" what-if --json --force -p arm64-broadcast,x86-ipi,oracle,wp-local,active-cpu,local-only \
		"$f" > "$TMP/what-if.$i.json" 2> "$TMP/err"
	echo "$i $(basename "$f")" >> "$TMP/names"
done
python3 - "$SRCDIR/doc" "$TMP" > "$TMP/tap" <<'PY'
import json, sys, jsonschema
doc, tmp = sys.argv[1:]
for line in open(tmp + "/names"):
    i, name = line.split()
    for cmd in ("stat", "what-if"):
        schema = json.load(open("%s/tlbreplay-%s.schema.json" % (doc, cmd)))
        try:
            jsonschema.validate(json.load(open("%s/%s.%s.json" % (tmp, cmd, i))), schema)
            print("0 %s --json of %s validates against doc/tlbreplay-%s.schema.json" % (cmd, name, cmd))
        except Exception as e:
            print("1 %s --json of %s validates against doc/tlbreplay-%s.schema.json: %s"
                  % (cmd, name, cmd, str(e).splitlines()[0]))
PY
while read -r st desc; do ok "$st" "$desc"; done < "$TMP/tap"

# what the three commands share, they name and type alike
S=$SAMPLES/usemem-fork-exec.dat
"$TLBREPLAY" stat --json "$S" > "$TMP/s.json"
"$TLBREPLAY" what-if --json -p x86-ipi "$S" > "$TMP/w.json"
"$TLBREPLAY" report --json -p x86-ipi "$S" > "$TMP/r.json"
python3 - "$TMP/s.json" "$TMP/w.json" "$TMP/r.json" > "$TMP/shared" <<'PY'
import json, sys
s, w, r = (json.load(open(f)) for f in sys.argv[1:])
print("cpus", s["cpus"] == w["cpus"] == r["trace"]["cpus"])
print("file", s["file"] == w["file"] == r["trace"]["file"])
print("description", s["description"] == w["description"] == r["trace"]["description"])
print("events", w["events"] == r["trace"]["events"] == s["events"])
print("real_ipis", w["checks"]["real_ipis"] == r["checks"]["real_ipis"] == s["flushes"]["ipis"])
PY
for k in cpus file description events real_ipis; do
	grep_file "stat, what-if and report agree on '$k'" "^$k True" "$TMP/shared"
done
done_testing
