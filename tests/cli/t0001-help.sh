#!/bin/sh
# The CLI contract: usage lines equal the man pages' SYNOPSIS, exit statuses.
. "$SRCDIR/tests/lib.sh"

# synopsis of a man page source: the line after "# SYNOPSIS", scdoc markup removed
synopsis() {
	awk '/^# SYNOPSIS/ { getline; getline; print; exit }' "$1" | sed 's/\*//g'
}

expect_status 0 "--version exits 0" "$TLBREPLAY" --version
grep_file "--version prints the version" "^tlbreplay [0-9]" "$TMP/out"
expect_status 0 "--help exits 0" "$TLBREPLAY" --help
grep_file "--help lists stat" "^   stat " "$TMP/out"
commands=$(awk '/^Commands:/ { on = 1; next } on && !NF { exit } on { print $1 }' "$TMP/out")
expect_status 2 "no command: usage, exit 2" "$TLBREPLAY"
expect_status 2 "unknown command: exit 2" "$TLBREPLAY" frobnicate
grep_file "unknown command is named" "unknown command 'frobnicate'" "$TMP/err"

for cmd in $commands; do
	page=$SRCDIR/man/tlbreplay-$cmd.1.scd
	[ "$cmd" = help ] && continue
	if [ -f "$page" ]; then ok 0 "$cmd has a man page"; else ok 1 "$cmd has a man page"; continue; fi
	expect_status 0 "$cmd -h exits 0" "$TLBREPLAY" "$cmd" -h
	usage=$(head -1 "$TMP/out" | sed 's/^usage: //')
	want=$(synopsis "$page")
	if [ "$usage" = "$want" ]; then ok 0 "$cmd: usage equals the man SYNOPSIS"; else
		ok 1 "$cmd: usage equals the man SYNOPSIS"; echo "#   usage: $usage"; echo "#   man:   $want"; fi
	expect_status 2 "$cmd --no-such-option exits 2" "$TLBREPLAY" "$cmd" --no-such-option
done

top=$(synopsis "$SRCDIR/man/tlbreplay.1.scd")
"$TLBREPLAY" --help | head -1 | sed 's/^usage: //' > "$TMP/u"
echo "$top" > "$TMP/m"
same_file "tlbreplay usage equals tlbreplay(1) SYNOPSIS" "$TMP/m" "$TMP/u"

if command -v man >/dev/null 2>&1; then
	MANPAGER=cat MANWIDTH=80 expect_status 0 "help stat shows the manual" "$TLBREPLAY" help stat
	grep_file "the manual is tlbreplay-stat(1)" "show what a trace contains" "$TMP/out"
else
	ok 0 "# SKIP man is not installed"
fi
expect_status 2 "help for an unknown command exits 2" "$TLBREPLAY" help frobnicate
done_testing
