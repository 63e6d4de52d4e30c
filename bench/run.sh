#!/bin/sh
# bench/run.sh: the lazy-mm benchmark table (unlazy-N, bench/lit).
#
# Usage: bench/run.sh [MAXN] [MODELS] [RUNS] [WORKERS]
#   MAXN    largest N (default 6); MODELS default "sc tso ra"; RUNS per cell
#   (median reported, default 3); WORKERS for mmcheck (default 0 = one per CPU).
# Prints one row per N and model: executions, states, the median wall time,
# the peak memory of the median run, and GenMC's time on these machines
# (recorded in bench/genmc-unlazy.md: 0.9 --lkmm for the lkmm rows, 0.10.3
# --rc11 for the others) with the ratio. The programs are bench/lit,
# written by bench/gen-unlazy.sh.
set -e
cd "$(dirname "$0")/.."
MAXN=${1:-6}
MODELS=${2:-"sc tso ra"}
RUNS=${3:-3}
WORKERS=${4:-0}
go build -o bench/out/mmcheck . 2>/dev/null || { mkdir -p bench/out && go build -o bench/out/mmcheck .; }
genmc() { # GenMC wall seconds (bench/genmc-unlazy.md): 0.9 --lkmm for lkmm, else 0.10.3 --rc11
	if [ "$2" = lkmm ]; then
		case $1 in 2) echo 0.15;; 3) echo 0.19;; 4) echo 0.51;; 5) echo 3.80;; 6) echo 45.51;; *) echo -;; esac
		return
	fi
	case $1 in 2) echo 0.20;; 3) echo 0.16;; 4) echo 0.26;; 5) echo 1.60;; 6) echo 11.17;; *) echo -;; esac
}
printf '%-3s %-5s %12s %12s %10s %9s %9s %8s\n' N model executions states wall peakMB GenMC ratio
for n in $(seq 2 "$MAXN"); do
	f=bench/lit/unlazy-$n.lit
	for m in $MODELS; do
		times=""
		for r in $(seq 1 "$RUNS"); do
			out=$( { /usr/bin/time -f "TIME %e %M" bench/out/mmcheck explore --json --workers "$WORKERS" --model "$m" "$f" >bench/out/last.json; } 2>&1 )
			t=$(echo "$out" | awk '/^TIME/ {print $2}')
			k=$(echo "$out" | awk '/^TIME/ {print $3}')
			times="$times$t $k\n"
		done
		med=$(printf "$times" | sort -n | awk -v r="$RUNS" 'NR==int((r+1)/2) {print $1, $2}')
		wall=${med% *}
		kb=${med#* }
		ex=$(grep -o '"Executions": [0-9]*' bench/out/last.json | awk '{print $2}')
		st=$(grep -o '"States": [0-9]*' bench/out/last.json | awk '{print $2}')
		g=$(genmc "$n" "$m")
		ratio=-
		if [ "$g" != - ]; then ratio=$(awk -v g="$g" -v w="$wall" 'BEGIN { if (w > 0) printf "%.1fx", g / w; else print "-" }'); fi
		printf '%-3s %-5s %12s %12s %9ss %9.1f %8ss %8s\n' "$n" "$m" "$ex" "$st" "$wall" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$g" "$ratio"
	done
done
