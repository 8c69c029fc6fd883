#!/usr/bin/env bash
# completion.sh BIN: the completion scripts of `ztlog completion SHELL`
# pass their shell's syntax check (bash -n, zsh -n, fish -n; a shell that
# is not installed is reported and skipped), and bash and fish complete
# what the parser accepts: commands, options per command, formats per
# command, rule ids (from `ztlog rules list`, -r paths included in bash),
# rules subcommands and shells.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fx=$(cd "$(dirname "$0")" && pwd)/fixtures
T=$(mktemp -d "${TMPDIR:-/tmp}/completion.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
mkdir "$T/bin" && ln -s "$bin" "$T/bin/ztlog" || exit 2
export PATH="$T/bin:$PATH"
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

for sh in bash zsh fish; do
	if ! ztlog completion $sh >"$T/ztlog.$sh"; then
		bad "ztlog completion $sh"
	elif ! command -v $sh >/dev/null; then
		echo "skip $sh -n: $sh is not installed"
	elif $sh -n "$T/ztlog.$sh"; then
		ok "$sh -n"
	else
		bad "$sh -n"
	fi
done
ztlog completion tcsh 2>/dev/null && bad "completion tcsh accepted"

# bash: complete WORDS... (the last is the one being completed).
cat >"$T/try.bash" <<'EOS'
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_ztlog
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
EOS
b() {
	local want=$1 got
	shift
	got=$(cd "$fx/check" && bash "$T/try.bash" "$T/ztlog.bash" ztlog "$@")
	[ "$got" = "$want" ] && ok "bash: ztlog $*" ||
	    bad "bash: ztlog $*: got '$got', want '$want'"
}
b "check completion " c
b "check " -q ch
b "--examples " check --exa
b "--service " lb --se
b "" rules --se
b "--service " ingest --se
b "--since " stats --sin
b "--since " query --sin
b "--namespace --not " check --n
b "always auto never " check --color ""
b "" rules --sin
b "html json junit markdown text " check -o ""
b "csv json ndjson table " query -o ""
b "json table " stats --output ""
b "json text " rules -o ""
b "warning " check --fail-on w
b "balance endpoints errors hbone pairing waypoint " check --only ""
b "pairing,balance " check --only pairing,b
b "balance endpoints errors external hbone pairing prod-hbone slow waypoint " check -r ../rules/custom.yaml --only ""
b "pairing " rules show pai
b "lint list " rules l
b "bash " completion ba
b "stats " help st
b "skew.log " check -o json = ske
b "skew.log " check ske

if command -v fish >/dev/null; then
	f() {
		local want=$1 got
		got=$(fish -c "source $T/ztlog.fish; complete -C '$2'" |
		    cut -f1 | sort | tr '\n' ' ')
		[ "$got" = "$want" ] && ok "fish: $2" ||
		    bad "fish: $2: got '$got', want '$want'"
	}
	f "check " "ztlog che"
	f "html json junit markdown text " "ztlog check -o "
	f "csv json ndjson table " "ztlog query --output "
	f "balance endpoints errors hbone pairing waypoint " "ztlog check --only "
	f "pairing " "ztlog rules show pai"
	f "--unmatched " "ztlog pairs --unm"
	f "" "ztlog ingest --unm"
	f "--workload " "ztlog pairs --work"
	f "always auto never " "ztlog lb --color "
fi
if command -v zsh >/dev/null; then
	# The function loads and registers itself for ztlog.
	if zsh -fc "autoload -Uz compinit && compinit -u -d $T/zcd &&
	    source $T/ztlog.zsh && [[ \$_comps[ztlog] == _ztlog ]]"; then
		ok "zsh: compdef _ztlog ztlog"
	else
		bad "zsh: compdef _ztlog ztlog"
	fi
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
