#!/bin/sh
# bench/gen-unlazy.sh: the lazy-mm benchmark family unlazy-N (bench/lit).
#
# Usage: bench/gen-unlazy.sh N [--bug K] > bench/lit/unlazy-N[-bugK].lit
#        bench/gen-unlazy.sh --check
#
# Prints the .lit program of N owner CPUs lazily using one mm while its
# last user exits: each owner P0..P<N-1> publishes its hazard
# (rq[cpu].lazy_mm), says its user task has switched out, touches the mm,
# releases the hazard and runs mmdrop_lazy(); P<N> waits until every owner
# has switched out, runs mm_unlazy_mm_count() and drops the users'
# reference. It is the program GenMC was measured on for the table of
# bench/genmc-unlazy.md (one mm, the switch-out handshake).
#
# --bug K writes a variant with a planted bug:
#   1  the scan reads rq->lazy_mm with READ_ONCE instead of
#      smp_load_acquire (harmless with the kernel's fully ordered RMWs)
#   2  P0 drops the mm once more, as finish_cpu() did (every model)
#   3  the hazard is released with WRITE_ONCE instead of
#      smp_store_release (safe under sc and tso only)
#
# --check regenerates every bench/lit/unlazy-*.lit and compares it with
# the file, byte for byte; it exits 1 if one differs.
set -e

usage() {
	echo "usage: $0 N [--bug 1|2|3] | $0 --check" >&2
	exit 2
}

if [ "$1" = --check ]; then
	dir=$(dirname "$0")/lit
	tmp=${TMPDIR:-/tmp}/gen-unlazy.$$
	status=0
	for f in "$dir"/unlazy-*.lit; do
		name=$(basename "$f" .lit)
		rest=${name#unlazy-}
		n=${rest%%-*}
		case $rest in
		*-bug*) set -- "$n" --bug "${rest##*-bug}" ;;
		*) set -- "$n" ;;
		esac
		"$0" "$@" >"$tmp"
		if cmp -s "$tmp" "$f"; then
			echo "ok      $f"
		else
			echo "DIFFERS $f (from: $0 $*)"
			status=1
		fi
	done
	rm -f "$tmp"
	exit $status
fi

n=$1
case $n in
'' | *[!0-9]*) usage ;;
esac
bug=0
if [ $# -gt 1 ]; then
	[ "$2" = --bug ] && [ $# -eq 3 ] || usage
	bug=$3
	case $bug in
	1 | 2 | 3) ;;
	*) usage ;;
	esac
fi

# The name and the expected verdicts (sc tso ra lkmm) of the variant.
case $bug in
0) name=unlazy-$n expect="verified verified verified verified" ;;
1) name=unlazy-$n-bug1 expect="verified verified verified verified" ;;
2) name=unlazy-$n-bug2 expect="violation violation violation violation" ;;
3) name=unlazy-$n-bug3 expect="verified verified violation violation" ;;
esac
set -- $expect
scan='smp_load_acquire(&rq[cpu].lazy_mm)'
[ "$bug" = 1 ] && scan='READ_ONCE(rq[cpu].lazy_mm)'
release="smp_store_release(&rq[CPU].lazy_mm, NULL);"
[ "$bug" = 3 ] && release="WRITE_ONCE(rq[CPU].lazy_mm, NULL);"

cat <<EOF
C $name

(*
 * $n CPUs lazily using one mm while its last user exits (bench family).
 * expect: sc=$1 tso=$2 ra=$3 lkmm=$4 *)

#define NR_CPUS $n

struct mm_struct {
	atomic_t mm_count;
	int pgd;
};

struct rq {
	struct mm_struct *lazy_mm;
	struct mm_struct *drop_mm;
};

{
	struct mm_struct mm = { .mm_count = 1, .pgd = 1 };
	struct rq rq[NR_CPUS];
	int switched[NR_CPUS];
}

static void mmdrop(struct mm_struct *m)
{
	if (atomic_dec_and_test(&m->mm_count))
		kfree(m);
}

static void mmdrop_lazy(struct rq *q)
{
	struct mm_struct *old;

	if (READ_ONCE(q->drop_mm)) {
		old = xchg(&q->drop_mm, NULL);
		if (old)
			mmdrop(old);
	}
}

static void mm_unlazy_mm_count(struct mm_struct *m)
{
	int drop_count = NR_CPUS;
	int cpu;
	struct mm_struct *old;

	atomic_add(drop_count, &m->mm_count);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if ($scan != m)
			continue;
		drop_count--;
		old = xchg(&rq[cpu].drop_mm, m);
		if (old)
			mmdrop(old);
	}
	atomic_sub(drop_count, &m->mm_count);
}
EOF

cpu=0
while [ "$cpu" -lt "$n" ]; do
	cat <<EOF

P$cpu()
{
	int r0;

	WRITE_ONCE(rq[$cpu].lazy_mm, &mm);
	smp_store_release(&switched[$cpu], 1);
	r0 = READ_ONCE(mm.pgd);
	$(echo "$release" | sed "s/CPU/$cpu/")
	mmdrop_lazy(&rq[$cpu]);
EOF
	if [ "$bug" = 2 ] && [ "$cpu" = 0 ]; then
		printf '\tmmdrop(&mm);\n'
	fi
	echo "}"
	cpu=$((cpu + 1))
done

cat <<EOF

P$n()
{
	int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		while (!smp_load_acquire(&switched[cpu]))
			cpu_relax();
	mm_unlazy_mm_count(&mm);
	mmdrop(&mm);
}
EOF
