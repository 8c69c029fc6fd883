#!/bin/sh
# slow-writer.sh -- write a stream with pauses, for the live tests.
#
# usage: tests/slow-writer.sh STEP ...
#
# Each STEP, in order, to standard output:
#   FILE          the file's lines, at once
#   +SECONDS      a pause (sleep SECONDS; fractions as sleep(1) takes them)
#   =TEXT         one line, TEXT and a newline
#   kill:SIG:PID  send SIG to process PID (after the steps before it)
#   wait:FILE     wait (up to 60 s) until FILE exists and is not empty
# Output is unbuffered: each step's bytes are in the pipe when it ends.
set -eu
for step in "$@"; do
	case $step in
	+*) sleep "${step#+}" ;;
	=*) printf '%s\n' "${step#=}" ;;
	kill:*)
		rest=${step#kill:}
		kill -s "${rest%%:*}" "${rest#*:}" ;;
	wait:*)
		n=0
		while [ ! -s "${step#wait:}" ] && [ $n -lt 600 ]; do
			sleep 0.1
			n=$((n + 1))
		done ;;
	*) cat -- "$step" ;;
	esac
done
