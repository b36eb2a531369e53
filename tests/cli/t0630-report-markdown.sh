#!/bin/sh
# tlbreplay report --format markdown: a golden document on a hand-written
# trace with an unsafe policy, the provenance of a recorded sample (its
# metadata, the SHA-256 against sha256sum), the plots it links, filters.
. "$SRCDIR/tests/lib.sh"
unversion() {
	sed 's/^| tlbreplay | [^|]* |$/| tlbreplay | VERSION |/' "$@"
}
cd "$DATA" || exit 1

expect_cmd "munmap, local-only: markdown" "$TLBREPLAY" report --format markdown --cpu arm64 \
	-p arm64-broadcast,wp-local,local-only whatif-munmap.txt
unversion "$TMP/out" > "$TMP/g"
same_file "munmap: the golden document" report-munmap.md.expect "$TMP/g"
grep_file "the hash of the trace" "^| sha256 | $(sha256sum whatif-munmap.txt | cut -d' ' -f1) |" "$TMP/out"
grep_file "no recorder metadata: said so" "^| recorded on | not recorded" "$TMP/out"
grep_file "the counterexample" "^| local-only | 1 | 300 | prog | 0x30000 | 1 | rw | none | 1 |" "$TMP/out"

S=$SAMPLES/arm64-mprotect-churn.dat
expect_cmd "a recorded sample" "$TLBREPLAY" report --format markdown -p arm64-broadcast,pte-needs-flush "$S"
grep_file "its hash" "^| sha256 | $(sha256sum "$S" | cut -d' ' -f1) |" "$TMP/out"
grep_file "the kernel it was recorded on" "^| recorded on | Linux 6.1.0-47-arm64, aarch64, page size 4096 |" "$TMP/out"
grep_file "its CPU" "^| CPU | implementer 0x00 part 0x051, 4 CPUs |" "$TMP/out"
grep_file "virtualised or not" "^| virtualised | no |" "$TMP/out"
grep_file "the readiness verdict" "^## Readiness: " "$TMP/out"
grep_file "the models" "^| residency model | unbounded: " "$TMP/out"

expect_cmd "filters are named" "$TLBREPLAY" report --format markdown -p arm64-broadcast --pid 400 filter-tree.txt
grep_file "the counted row" "^| counted | pid=400 (the tables count these events" "$TMP/out"

if command -v gnuplot >/dev/null 2>&1; then
	mkdir "$TMP/w" && cd "$TMP/w" || exit 1
	expect_cmd "--plot: markdown with plots" "$TLBREPLAY" report --format markdown --plot plots \
		-p arm64-broadcast,wp-local "$DATA/whatif-seed000.txt"
	n=0
	for f in $(sed -n 's/^!\[[^]]*\](\(.*\))$/\1/p' "$TMP/out"); do
		[ -s "$f" ] && n=$((n + 1))
	done
	[ "$n" = 4 ]
	ok $? "the four plots it links exist, relative to the document ($n)"
	cd "$DATA" || exit 1
else
	ok 0 "# SKIP gnuplot is not installed"
fi
done_testing
