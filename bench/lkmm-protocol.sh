#!/bin/sh
# bench/lkmm-protocol.sh [SPEC_STATES] [SECONDS]: the protocol files of
# litmus/ whose lkmm verdict needs speculated reads (explorer/spec.go:
# their .expected says "lkmm: inconclusive" or that DPOR speculates), run
# with a bigger speculation budget (default 20000000 states) and a time
# limit (default 300 s each). Prints each file's verdict, the states
# explored and the wall time: the slow exhaustive runs kept out of go test.
set -e
cd "$(dirname "$0")/.."
budget=${1:-20000000}
limit=${2:-300}
mkdir -p bench/out
go build -o bench/out/mmcheck .
printf '%-34s %-14s %12s %9s %s\n' file verdict states wall speculated
for exp in litmus/*.expected litmus/lazy-mm/*.expected; do
	grep -q '^lkmm: *inconclusive' "$exp" || grep -q '^# lkmm:.*speculat\|^# speculates' "$exp" || continue
	f=${exp%.expected}.lit
	start=$(date +%s.%N)
	out=$(bench/out/mmcheck explore --model lkmm --spec-states "$budget" --timeout "${limit}s" "$f" 2>&1) || true
	end=$(date +%s.%N)
	verdict=$(echo "$out" | head -1 | sed -e 's/^[^:]*: [^:]*: //' -e 's/ (.*//')
	states=$(echo "$out" | sed -n '2s/.*, \([0-9]*\) states.*/\1/p')
	spec=$(echo "$out" | sed -n 's/.*one of \([0-9]*\) reads.*/\1/p; s/.*speculating the \([0-9]*\) reads.*/\1/p' | head -1)
	printf '%-34s %-14s %12s %8.1fs %s\n' "$(basename "$f" .lit)" "$verdict" "$states" "$(echo "$end - $start" | bc)" "$spec"
done
