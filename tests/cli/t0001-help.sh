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
if command -v man >/dev/null 2>&1; then
	MANPAGER=cat MANWIDTH=80 expect_status 0 "help policies shows a manual" "$TLBREPLAY" help policies
	grep_file "it is tlbreplay-policies(7)" "tlbreplay-policies(7)" "$TMP/out"
	MANPAGER=cat MANWIDTH=80 expect_status 0 "help formats shows a manual" "$TLBREPLAY" help formats
	grep_file "it is tlbreplay-formats(5)" "tlbreplay-formats(5)" "$TMP/out"
else
	ok 0 "# SKIP man is not installed"
fi
expect_status 2 "help for a mistyped topic exits 2" "$TLBREPLAY" help polices
grep_file "and suggests the topic" "did you mean 'policies'" "$TMP/err"

# the habits of perf and trace-cmd: -i FILE, ./trace.dat by default, options after the
# trace, "did you mean", "tlbreplay CMD:" and one usage line (not the whole help)
S=$SAMPLES/mprotect-churn.dat
"$TLBREPLAY" stat --json "$S" > "$TMP/ref"
expect_cmd "stat -i FILE reads FILE" "$TLBREPLAY" stat --json -i "$S"
same_file "stat -i FILE is stat FILE" "$TMP/ref" "$TMP/out"
expect_cmd "options after the trace are accepted" "$TLBREPLAY" stat "$S" --json
same_file "stat FILE --json is stat --json FILE" "$TMP/ref" "$TMP/out"
expect_cmd "--format json is --json" "$TLBREPLAY" stat --format json "$S"
same_file "stat --format json is stat --json" "$TMP/ref" "$TMP/out"
mkdir "$TMP/cwd" && cp "$S" "$TMP/cwd/trace.dat"
(cd "$TMP/cwd" && "$TLBREPLAY" stat --json) > "$TMP/out" 2>&1
sed 's/"file": "trace.dat"/"file": "X"/' "$TMP/out" > "$TMP/a"
sed 's|"file": "[^"]*"|"file": "X"|' "$TMP/ref" > "$TMP/b"
same_file "without a trace, ./trace.dat is read" "$TMP/b" "$TMP/a"
(cd "$TMP" && "$TLBREPLAY" what-if) > "$TMP/out" 2> "$TMP/err"
grep_file "without a trace or ./trace.dat: says which defaults it tried" "neither ./trace.dat nor ./perf.data" "$TMP/err"
expect_status 2 "-i and an operand: a usage error" "$TLBREPLAY" stat -i "$S" "$S"
expect_status 2 "a mistyped command exits 2" "$TLBREPLAY" whatif "$S"
grep_file "and suggests the command" "did you mean 'what-if'" "$TMP/err"
expect_status 2 "a mistyped option exits 2" "$TLBREPLAY" what-if --polices x86-ipi "$S"
grep_file "the message names the command" "^tlbreplay what-if: error: unknown option '--polices'; did you mean '--policies'" "$TMP/err"
n=$(wc -l < "$TMP/err")
if [ "$n" -le 3 ]; then ok 0 "a usage error prints the usage line, not the help ($n lines)"; else
	ok 1 "a usage error prints the usage line, not the help ($n lines)"; fi
expect_status 2 "a mistyped policy exits 2" "$TLBREPLAY" what-if -p wplocal "$S"
grep_file "and suggests the policy" "did you mean 'wp-local'" "$TMP/err"
expect_status 2 "a mistyped table exits 2" "$TLBREPLAY" report --table site "$S"
grep_file "and suggests the table" "did you mean" "$TMP/err"
expect_status 2 "a mistyped report format exits 2" "$TLBREPLAY" report --format jsno "$S"
grep_file "and suggests the format" "did you mean 'json'" "$TMP/err"
expect_cmd "report --json" "$TLBREPLAY" report --json -p x86-ipi "$S"
grep_file "report --json writes the report schema" '"schema": "tlbreplay-report"' "$TMP/out"
done_testing
