#!/bin/sh
# html-chromium.sh BIN FIXTURES OUTDIR: render the HTML report of a
# fixture in a real headless Chromium.  Asserts that the page loads
# without a console message (the report has no script, so any is an
# error), that it fetches nothing (no resource in the Performance
# timeline), and that every chart (svg.chart) is drawn with a non-zero
# size; takes a screenshot, OUTDIR/html-report.png (the build tree, out
# of git).  Without chromium it says so and exits 77, which ctest counts
# as skipped, never as passed.
set -u
bin=$1 fix=$2 out=$3
chromium=$(command -v chromium || command -v chromium-browser ||
    command -v google-chrome) || {
	echo "html-chromium: no chromium on PATH: skipped"
	exit 77
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/html-chromium.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
browse() {	# browse URL-file ARGS...: chromium, headless and offline
	f=$1
	shift
	mkdir -p "$tmp/profile"
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --no-first-run --disable-sync --user-data-dir="$tmp/profile" \
	    --enable-logging=stderr --v=0 "$@" "file://$f"
}
status=0
"$bin" check -q -o html="$tmp/r.html" "$fix/check/problems.log" \
    "$fix/check/skew.log"
[ -s "$tmp/r.html" ] || { echo "FAIL no report written"; exit 1; }
charts=$(grep -c '<svg class="chart"' "$tmp/r.html")
[ "$charts" -ge 3 ] || { echo "FAIL only $charts charts"; status=1; }

# 1. The report as it is: no console message.
browse "$tmp/r.html" --dump-dom >"$tmp/dom" 2>"$tmp/log"
if grep -q 'CONSOLE' "$tmp/log"; then
	echo "FAIL console messages:"
	grep 'CONSOLE' "$tmp/log"
	status=1
elif ! grep -q 'ztlog check: ' "$tmp/dom"; then
	echo "FAIL the page did not load"
	status=1
else
	echo "ok   loaded without console messages"
fi

# 2. A copy with a probe script: the charts' sizes, what was fetched.
sed 's|</body>|<script>(function(){var c=[];document.querySelectorAll("svg.chart").forEach(function(s){var b=s.getBoundingClientRect();c.push([s.getAttribute("aria-labelledby"),Math.round(b.width),Math.round(b.height)]);});var p=document.createElement("pre");p.id="probe";p.textContent=JSON.stringify({charts:c,resources:performance.getEntriesByType("resource").length,h1:document.querySelectorAll("h1").length});document.body.appendChild(p);})();</script></body>|' \
    "$tmp/r.html" >"$tmp/probe.html"
browse "$tmp/probe.html" --dump-dom >"$tmp/pdom" 2>/dev/null
sed -n 's|.*<pre id="probe">\(.*\)</pre>.*|\1|p' "$tmp/pdom" >"$tmp/probe.json"
python3 - "$tmp/probe.json" "$charts" <<'PY' || status=1
import json, sys
try:
    p = json.load(open(sys.argv[1]))
except ValueError:
    print("FAIL the probe did not run"); sys.exit(1)
bad = 0
if len(p["charts"]) != int(sys.argv[2]):
    print("FAIL %d charts drawn, %s in the file" % (len(p["charts"]), sys.argv[2])); bad = 1
for name, w, h in p["charts"]:
    if w <= 0 or h <= 0:
        print("FAIL chart %s is %dx%d" % (name, w, h)); bad = 1
if p["resources"] != 0:
    print("FAIL %d resources fetched" % p["resources"]); bad = 1
if p["h1"] != 1:
    print("FAIL %d h1" % p["h1"]); bad = 1
if not bad:
    print("ok   %d charts, each with a size (%s); nothing fetched" % (len(p["charts"]),
        ", ".join("%dx%d" % (w, h) for _, w, h in p["charts"])))
sys.exit(bad)
PY

# 3. A screenshot, for people.
rm -f "$out/html-report.png"
browse "$tmp/r.html" --window-size=1200,3000 \
    --screenshot="$out/html-report.png" >/dev/null 2>&1
if [ -s "$out/html-report.png" ]; then
	echo "ok   screenshot $out/html-report.png"
else
	echo "FAIL no screenshot"
	status=1
fi
exit $status
