#!/bin/sh
# man-options.sh BIN MANDIR: every --long option that `BIN --help` or a
# command's help (`BIN help COMMAND`) prints must be documented in a page
# under MANDIR (mdoc writes "Fl -name").
bin=$1 mandir=$2 missing=0
cmds=$("$bin" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
[ -n "$cmds" ] || { echo "no commands in --help"; exit 1; }
for opt in $({ "$bin" --help; for c in $cmds; do "$bin" help "$c"; done; } |
    grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
	name=${opt#--}
	if ! grep -qE -- "Fl -$name( |\$)" "$mandir"/*.[0-9]; then
		echo "not in the manual: $opt"
		missing=1
	fi
done
exit $missing
