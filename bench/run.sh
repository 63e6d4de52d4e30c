#!/bin/sh
# bench/run.sh: the lazy-mm benchmark table (unlazy-N, bench/lit).
#
# Usage: bench/run.sh [MAXN] [MODELS] [RUNS] [LIMIT] [MINN]
#   N from MINN (default 4) to MAXN (default 6; the family goes to 8);
#   MODELS default "sc tso ra lkmm"; RUNS per cell (median reported,
#   default 3); LIMIT seconds per run (default 300): a run that takes
#   longer is stopped and its cell printed as '-' (unlazy-7 takes minutes,
#   unlazy-8 more), and the cell's other runs are skipped.
# Prints one row per N and model: executions and states (the same with any
# number of workers), then for one worker and for two the median wall time,
# µs per execution and the peak memory (/usr/bin/time's maximum resident
# set) of the median run; the speedup of two workers over one; heap
# allocations per state, from the Go benchmark (explorer's BenchmarkUnlazy,
# one run, one worker: runtime/metrics' allocated objects over the run
# divided by the states); and GenMC's time on these machines (recorded in
# bench/genmc-unlazy.md: 0.9 --lkmm for the lkmm rows, 0.10.3 --rc11 for
# the others; one thread) with its ratio to one worker. The CLI runs with
# its own collector setting (GOGC 400), as the benchmark does.
set -e
cd "$(dirname "$0")/.."
MAXN=${1:-6}
MODELS=${2:-"sc tso ra lkmm"}
RUNS=${3:-3}
LIMIT=${4:-300}
MINN=${5:-4}
mkdir -p bench/out
go build -o bench/out/mmcheck .
go test -c -o bench/out/explorer.test ./explorer
genmc() { # GenMC wall seconds (bench/genmc-unlazy.md): 0.9 --lkmm for lkmm, else 0.10.3 --rc11
	if [ "$2" = lkmm ]; then
		case $1 in 2) echo 0.15;; 3) echo 0.19;; 4) echo 0.51;; 5) echo 3.67;; 6) echo 36.62;; 7) echo 403.83;; *) echo -;; esac
		return
	fi
	case $1 in 2) echo 0.20;; 3) echo 0.16;; 4) echo 0.26;; 5) echo 1.37;; 6) echo 11.56;; 7) echo 112.70;; *) echo -;; esac
}
# cell N MODEL WORKERS: "wall peakMB" (median of RUNS runs) or "- -"; the
# last run's JSON in bench/out/last.json.
cell() {
	times=""
	for r in $(seq 1 "$RUNS"); do
		set +e
		out=$( { /usr/bin/time -f "TIME %e %M" timeout "$LIMIT" bench/out/mmcheck explore --json --workers "$3" --model "$2" "bench/lit/unlazy-$1.lit" >bench/out/last.json; } 2>&1 )
		set -e
		t=$(echo "$out" | awk '/^TIME/ {print $2}')
		k=$(echo "$out" | awk '/^TIME/ {print $3}')
		if ! grep -q '"Executions"' bench/out/last.json || grep -q '"verdict": "inconclusive"' bench/out/last.json; then
			echo "- -"
			return
		fi
		times="$times$t $k\n"
	done
	printf "$times" | sort -n | awk -v r="$RUNS" 'NR==int((r+1)/2) {printf "%s %.1f\n", $1, $2/1024}'
}
allocs() { # allocs/state from the Go benchmark, one run, one worker
	set +e
	a=$(cd explorer && MMCHECK_BENCH_MAXN=$1 timeout "$LIMIT" ../bench/out/explorer.test -test.run '^$' -test.bench "^BenchmarkUnlazy\$/^N=$1\$/^$2\$/^workers=1\$" -test.benchtime 1x 2>/dev/null |
		awk '/allocs\/state/ { for (i = 1; i < NF; i++) if ($(i+1) == "allocs/state") print $i }')
	set -e
	echo "${a:--}"
}
printf '%-3s %-5s %10s %11s | %8s %8s %7s | %8s %8s %7s | %7s | %9s | %8s %7s\n' \
	N model executions states 'wall1 s' 'µs/exec' peakMB 'wall2 s' 'µs/exec' peakMB speedup allocs/st 'GenMC s' ratio
for n in $(seq "$MINN" "$MAXN"); do
	for m in $MODELS; do
		c1=$(cell "$n" "$m" 1)
		ex=$(grep -o '"Executions": [0-9]*' bench/out/last.json | awk '{print $2}')
		st=$(grep -o '"States": [0-9]*' bench/out/last.json | awk '{print $2}')
		c2=$(cell "$n" "$m" 2)
		if [ "${c1% *}" = - ]; then
			ex=$(grep -o '"Executions": [0-9]*' bench/out/last.json | awk '{print $2}')
			st=$(grep -o '"States": [0-9]*' bench/out/last.json | awk '{print $2}')
			if [ "${c2% *}" = - ]; then ex=-; st=-; fi
		fi
		w1=${c1% *} k1=${c1#* } w2=${c2% *} k2=${c2#* }
		us() { awk -v w="$1" -v e="$2" 'BEGIN { if (w == "-" || e == "-" || e == 0) print "-"; else printf "%.1f", w * 1e6 / e }'; }
		sp=$(awk -v a="$w1" -v b="$w2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx", a / b }')
		al=$(allocs "$n" "$m")
		g=$(genmc "$n" "$m")
		ratio=$(awk -v g="$g" -v w="$w1" 'BEGIN { if (g == "-" || w == "-" || w == 0) print "-"; else printf "%.1fx", g / w }')
		printf '%-3s %-5s %10s %11s | %8s %8s %7s | %8s %8s %7s | %7s | %9s | %8s %7s\n' \
			"$n" "$m" "$ex" "$st" "$w1" "$(us "$w1" "$ex")" "$k1" "$w2" "$(us "$w2" "$ex")" "$k2" "$sp" "$al" "$g" "$ratio"
	done
done
