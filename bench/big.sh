#!/bin/sh
# bench/big.sh: the large LKMM tests (testdata/lkmm/big, the 18 large tests
# of the herd7 conformance corpus) under --model lkmm, each with a 60 s
# limit. Prints mmcheck's observation and wall time beside herd7's (from
# big-verdicts.tsv: herd7's observation and time on these machines, or
# "unknown >60" with the header's Result: line as the expectation).
set -e
cd "$(dirname "$0")/.."
mkdir -p bench/out
go build -o bench/out/mmcheck .
printf '%-100s %-10s %8s   %-10s %8s %s\n' test mmcheck wall herd7 herd7_s expected
awk -F'\t' 'NR > 1 { print $1 "\t" $2 "\t" $6 "\t" $7 }' testdata/lkmm/big-verdicts.tsv | while IFS='	' read -r test herd wall expect; do
	start=$(date +%s.%N)
	rc=0
	out=$(bench/out/mmcheck explore --herd --timeout 60s --model lkmm "testdata/lkmm/big/$test" 2>&1) || rc=$?
	end=$(date +%s.%N)
	obs=$(echo "$out" | awk '/^Observation/ {print $3}')
	if [ "$rc" = 3 ]; then obs="inconclusive"; fi
	printf '%-100s %-10s %7.2fs   %-10s %8s %s\n' "$test" "$obs" "$(echo "$end - $start" | bc)" "$herd" "$wall" "$expect"
done
