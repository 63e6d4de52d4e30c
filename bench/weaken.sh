#!/bin/sh
# bench/weaken.sh [WORKERS...]: the time of `mmcheck weaken` on the
# lazy-mm benchmark bench/lit/unlazy-4.lit and on the protocol file
# litmus/lazy-mm/finish-cpu-fix-a.lit under ra (issue 18), with each
# number of workers given (default: 1 and 2), and finish-cpu-fix-a under
# tso, where it verifies (under ra it is a use after free: weaken refuses
# it after one exploration, and that refusal is what the ra row times).
# Each row is the median of 3 runs of /usr/bin/time: wall seconds, user
# seconds, peak memory; then the report's first line, shortened.
# WEAKEN_LKMM=1 adds finish-cpu-fix-a under lkmm (about 55 explorations
# of a few seconds each, with speculated reads: minutes per run).
set -e
cd "$(dirname "$0")/.."
mkdir -p bench/out
go build -o bench/out/mmcheck .
workers=${*:-1 2}
printf '%-24s %-5s %7s %8s %8s %9s  %s\n' file model workers wall_s user_s maxrss_kb report
run() {
	file=$1 model=$2 w=$3
	: > bench/out/weaken.times
	for i in 1 2 3; do
		/usr/bin/time -f '%e %U %M' -o bench/out/weaken.time \
			bench/out/mmcheck weaken --model "$model" --workers "$w" "$file" > bench/out/weaken.out 2>/dev/null || true
		tail -1 bench/out/weaken.time >> bench/out/weaken.times
	done
	set -- $(sort -n bench/out/weaken.times | sed -n 2p)
	summary=$(head -1 bench/out/weaken.out | sed -e 's/^[^:]*: [^:]*: //' -e 's/ordering sites/sites/')
	printf '%-24s %-5s %7s %8s %8s %9s  %s\n' "$(basename "$file" .lit)" "$model" "$w" "$1" "$2" "$3" "$summary"
}
for w in $workers; do
	run bench/lit/unlazy-4.lit ra "$w"
done
for w in $workers; do
	run litmus/lazy-mm/finish-cpu-fix-a.lit ra "$w"
done
for w in $workers; do
	run litmus/lazy-mm/finish-cpu-fix-a.lit tso "$w"
done
if [ -n "$WEAKEN_LKMM" ]; then
	for w in $workers; do
		run litmus/lazy-mm/finish-cpu-fix-a.lit lkmm "$w"
	done
fi
