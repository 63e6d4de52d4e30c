package go_test_suite

// Per-CPU variables and CPU masks (issue 17, items 3 and 4): each shape
// has a verdict that differs if the accessors named the wrong CPU's
// instance, if an operation were ordered more or less than the kernel
// orders it, or if a loop visited the wrong CPUs.

import (
	"testing"
)

// pc builds a test of three CPUs with the per-CPU ints data, flag and cnt
// (cnt initially 3 everywhere), the shared int x, and the init entries
// init.
func pc(init, p0, p1, p2, cond string) string {
	return `C pc

DEFINE_PER_CPU(int, data);
DEFINE_PER_CPU(int, flag);
DEFINE_PER_CPU(int, cnt) = 3;

{
	int x;
	int y;
	cpumask_t m;
	` + init + `
}

P0(void)
{
	int r0 = 0;
	int r1 = 0;
	int r2 = 0;
	int cpu;

	` + p0 + `
}

P1(void)
{
	int r0 = 0;
	int r1 = 0;
	int r2 = 0;
	int cpu;

	` + p1 + `
}

P2(void)
{
	int r0 = 0;
	int r1 = 0;
	int cpu;

	` + p2 + `
}

exists (` + cond + `)
`
}

func TestPerCPUSemantics(t *testing.T) {
	relW := "per_cpu(data, 1) = 42; smp_store_release(per_cpu_ptr(&flag, 1), 1);"
	for _, tc := range []kprim{
		// MP through CPU 1's instances: per_cpu_ptr() and this_cpu_ptr()
		// name the same one (else r0=1 would never be seen, and the
		// relaxed form would be forbidden too).
		{name: "MP+percpu+release-acquire", src: pc("", relW,
			"r0 = smp_load_acquire(this_cpu_ptr(&flag)); if (r0) r1 = this_cpu_read(data);", "",
			"1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+percpu+once", src: pc("", "WRITE_ONCE(per_cpu(data, 1), 42); WRITE_ONCE(per_cpu(flag, 1), 1);",
			"r0 = this_cpu_read(flag); r1 = this_cpu_read(data);", "",
			"1:r0=1 /\\ 1:r1=0"), allowed: weak},
		// this_cpu_read() is not an acquire, this_cpu_write() not a release.
		{name: "MP+this_cpu_read", src: pc("", "WRITE_ONCE(x, 1); smp_store_release(&per_cpu(flag, 1), 1);",
			"r0 = this_cpu_read(flag); r1 = READ_ONCE(x);", "",
			"1:r0=1 /\\ 1:r1=0"), allowed: weak},
		{name: "MP+this_cpu_write", src: pc("", "WRITE_ONCE(x, 1); this_cpu_write(flag, 1);",
			"r0 = smp_load_acquire(&per_cpu(flag, 0)); r1 = READ_ONCE(x);", "",
			"1:r0=1 /\\ 1:r1=0"), allowed: weak},
		// Each CPU has its own instance: CPU 0's write is not CPU 2's.
		{name: "instances", src: pc("per_cpu(data, 2) = 7;", "this_cpu_write(data, 1);", "this_cpu_write(data, 2);",
			"r0 = this_cpu_read(data); r1 = this_cpu_read(cnt);",
			"per_cpu(data, 0)=1 /\\ per_cpu(data, 1)=2 /\\ 2:r0=7 /\\ 2:r1=3 /\\ per_cpu(cnt, 1)=3"), always: true},
		// this_cpu_inc() is atomic against this CPU only: another CPU's
		// write between its read and its write is lost.
		{name: "this_cpu_inc-not-atomic", src: pc("", "WRITE_ONCE(per_cpu(cnt, 1), 5);", "this_cpu_inc(cnt);", "",
			"per_cpu(cnt, 1)=4"), allowed: map[string]bool{"sc": true, "tso": true, "ra": true, "lkmm": true}},
		{name: "this_cpu_add", src: pc("", "", "this_cpu_add(cnt, 4); this_cpu_dec(cnt); this_cpu_sub(cnt, 2);", "",
			"per_cpu(cnt, 1)=4 /\\ per_cpu(cnt, 0)=3"), always: true},
		// A computed CPU out of range is a violation, as an array index.
		{name: "per_cpu-out-of-range", src: pc("", "r0 = READ_ONCE(x) + 3; per_cpu(data, r0) = 1;", "", "", "true"),
			violation: "index out of range"},
	} {
		runKprim(t, tc)
	}
}

func TestCPUMaskSemantics(t *testing.T) {
	for _, tc := range []kprim{
		// for_each_online_cpu() skips an offline CPU, and visits the others.
		{name: "for_each_online_cpu-skips", src: pc("set_cpu_online(1, false);",
			"for_each_online_cpu(cpu) WRITE_ONCE(per_cpu(data, cpu), 1);", "", "",
			"per_cpu(data, 0)=1 /\\ per_cpu(data, 1)=0 /\\ per_cpu(data, 2)=1 /\\ 0:cpu=3"), always: true},
		{name: "for_each_online_cpu-concurrent", src: pc("",
			"for_each_online_cpu(cpu) WRITE_ONCE(per_cpu(data, cpu), 1);", "set_cpu_online(2, false);", "",
			"per_cpu(data, 2)=0"), allowed: map[string]bool{"sc": true, "lkmm": true}},
		// find_next_bit() reads the mask with plain reads: a race with
		// set_cpu_online() under lkmm; cpu_online() reads it once.
		{name: "for_each_online_cpu-plain", src: pc("",
			"for_each_online_cpu(cpu) WRITE_ONCE(per_cpu(data, cpu), 1);", "set_cpu_online(2, false);", "", "true"),
			flag: "data-race"},
		{name: "for_each_cpu", src: pc("m.bits[0] = 5;",
			"for_each_cpu(cpu, &m) { if (cpu == 2) break; r0 = r0 + cpu + 10; }", "", "",
			"0:r0=10 /\\ 0:cpu=2"), always: true},
		{name: "for_each_possible_cpu", src: pc("set_cpu_online(0, false); set_cpu_online(2, false);",
			"for_each_possible_cpu(cpu) r0 = r0 + 1 + cpu_online(cpu) * 10;", "", "",
			"0:r0=13"), always: true},
		// The online mask and the count of online CPUs.
		{name: "online-count", src: pc("set_cpu_online(1, false);",
			"r0 = num_online_cpus(); set_cpu_online(1, true); set_cpu_online(2, true); r1 = num_online_cpus();",
			"r0 = cpu_is_offline(1) + cpu_online(0) * 10;", "",
			"0:r0=2 /\\ 0:r1=3 /\\ __num_online_cpus=3 /\\ __cpu_online_mask.bits[0]=7"), always: true},
		{name: "cpumask_weight-empty", src: pc("set_cpu_online(1, false); m.bits[0] = 8;",
			"r0 = cpumask_weight(cpu_online_mask); r1 = cpumask_empty(cpu_online_mask); r2 = cpumask_empty(&m);", "", "",
			"0:r0=2 /\\ 0:r1=0 /\\ 0:r2=1"), always: true},
		// set_cpu_online() is a test_and_clear_bit(): fully ordered (SB
		// forbidden); cpu_online() a test_bit(): no ordering.
		{name: "SB+set_cpu_online", src: pc("",
			"WRITE_ONCE(x, 1); set_cpu_online(2, false); r0 = READ_ONCE(y);", "WRITE_ONCE(y, 1); smp_mb(); r0 = READ_ONCE(x);", "",
			"0:r0=0 /\\ 1:r0=0"), allowed: strong},
		{name: "SB+cpu_online", src: pc("",
			"WRITE_ONCE(x, 1); r1 = cpu_online(2); r0 = READ_ONCE(y);", "WRITE_ONCE(y, 1); smp_mb(); r0 = READ_ONCE(x);", "",
			"0:r0=0 /\\ 1:r0=0"), allowed: map[string]bool{"sc": false, "tso": true, "ra": true, "lkmm": true}},
		// MP through the online mask: set_cpu_online() orders the writes
		// before it; the reader's cpu_online() needs an acquire after it.
		{name: "MP+set_cpu_online+rmb", src: pc("set_cpu_online(2, false);",
			"WRITE_ONCE(x, 1); set_cpu_online(2, true);", "r0 = cpu_online(2); smp_rmb(); r1 = READ_ONCE(x);", "",
			"1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+set_cpu_online", src: pc("set_cpu_online(2, false);",
			"WRITE_ONCE(x, 1); set_cpu_online(2, true);", "r0 = cpu_online(2); r1 = READ_ONCE(x);", "",
			"1:r0=1 /\\ 1:r1=0"), allowed: weak},
	} {
		runKprim(t, tc)
	}
}
