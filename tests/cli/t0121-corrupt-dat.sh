#!/bin/sh
# Corrupt trace.dat files (bytes overwritten at fixed pseudo-random places,
# headers, compressed data and uncompressed v6 data alike): every run ends
# with status 0 (the damage missed anything that matters) or 3 with a
# message naming the file, never a crash, a hang or another status.
. "$SRCDIR/tests/lib.sh"

command -v trace-cmd >/dev/null || skip_all "trace-cmd is not installed"
src=$SAMPLES/mprotect-churn.dat
trace-cmd convert --file-version 6 --compression none -i "$src" -o "$TMP/u6.dat" >/dev/null 2>&1

seed=12345
rand() {	# an LCG, so every run corrupts the same bytes
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	echo $(( seed % $1 ))
}

for f in "$src" "$TMP/u6.dat"; do
	size=$(stat -c %s "$f")
	tail_start=$((size - 70000))	# where the event data lies in both files
	crashes=0; others=0; unnamed=0; threes=0
	for i in $(seq 1 40); do
		cp "$f" "$TMP/c.dat"
		if [ $((i % 2)) -eq 0 ]; then off=$(rand "$size"); else off=$((tail_start + $(rand 70000))); fi
		printf "\\$(printf %03o $(rand 256))\\$(printf %03o $(rand 256))" |
			dd of="$TMP/c.dat" bs=1 seek="$off" conv=notrunc 2>/dev/null
		timeout 30 "$TLBREPLAY" stat "$TMP/c.dat" >/dev/null 2>"$TMP/err"
		rc=$?
		case $rc in
		0) ;;
		3) threes=$((threes + 1)); grep -q "'$TMP/c.dat'" "$TMP/err" || unnamed=$((unnamed + 1)) ;;
		124|13[0-9]) crashes=$((crashes + 1)); echo "# offset $off: status $rc" ;;
		*) others=$((others + 1)); echo "# offset $off: status $rc: $(tail -1 "$TMP/err")" ;;
		esac
	done
	name=$(basename "$f")
	ok $((crashes != 0)) "$name: no crash or hang in 40 corruptions"
	ok $((others != 0)) "$name: only statuses 0 and 3"
	ok $((unnamed != 0)) "$name: every error names the file ($threes errors)"
done
done_testing
