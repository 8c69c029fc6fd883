#!/bin/sh
# man-options.sh BIN MANDIR: every --long option that `BIN --help` prints
# must be documented in a page under MANDIR (mdoc writes "Fl -name").
bin=$1 mandir=$2 missing=0
for opt in $("$bin" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
	name=${opt#--}
	if ! grep -qE -- "Fl -$name( |\$)" "$mandir"/*.[0-9]; then
		echo "not in the manual: $opt"
		missing=1
	fi
done
exit $missing
