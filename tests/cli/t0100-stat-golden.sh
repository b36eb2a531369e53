#!/bin/sh
# tlbreplay stat on hand-written traces: exact text and JSON outputs. The
# numbers follow from the traces by hand: tests/data/README.md walks
# through them.
. "$SRCDIR/tests/lib.sh"

cd "$DATA" || exit 1
for t in scenario1 scenario2; do
	expect_cmd "$t: stat succeeds" "$TLBREPLAY" stat $t.txt
	same_file "$t: text output" "$t.stat.expect" "$TMP/out"
	expect_cmd "$t: stat --json succeeds" "$TLBREPLAY" stat --json $t.txt
	same_file "$t: JSON output" "$t.stat.json.expect" "$TMP/out"
	cp "$TMP/out" "$TMP/$t.json"
	expect_cmd "$t: the JSON parses" python3 -m json.tool "$TMP/$t.json"
done
done_testing
