package litmus

import (
	"strings"
	"testing"

	"mmcheck/model"
)

// percpuTests are the per-CPU variables and CPU masks of issue 17,
// items 3 and 4, as the lowering lays them out and turns them into code
// (their semantics under each model: go_test_suite/percpu_test.go).
var percpuTests = []struct {
	name string
	src  string
	locs string // the locations and initial values, "name = value" a line
	code string // listing of all threads (blanks around each line ignored)
}{
	{
		name: "per-cpu",
		src: `C pc
struct rq { int nr; struct rq *self; };
static DEFINE_PER_CPU_SHARED_ALIGNED(struct rq, runqueues) = { .nr = 1 };
DECLARE_PER_CPU_SHARED_ALIGNED(struct rq, runqueues);
DEFINE_PER_CPU(int, cnt);
#define cpu_rq(cpu) (&per_cpu(runqueues, (cpu)))
#define this_rq() this_cpu_ptr(&runqueues)
{
	per_cpu(runqueues, 1).self = &per_cpu(runqueues, 0);
	per_cpu(cnt, 0) = 4;
}
P0(void)
{
	int cpu;
	struct rq *rq = this_rq();
	int r0 = this_cpu_read(runqueues.nr);

	WRITE_ONCE(rq->nr, 2);
	for (cpu = 0; cpu < 2; cpu++)
		WRITE_ONCE(cpu_rq(cpu)->nr, cpu);
	this_cpu_add(cnt, 3);
	this_cpu_dec(cnt);
	per_cpu(cnt, r0)++;
	WRITE_ONCE(*per_cpu_ptr(&cnt, r0), 1);
	__this_cpu_write(runqueues.self, NULL);
}
P1(void)
{
	int r1 = sizeof(runqueues) + sizeof(per_cpu(cnt, 0)) * 100;
	struct rq *p = per_cpu_ptr(&runqueues, 0);

	p = this_cpu_ptr(&runqueues);
	WRITE_ONCE(p->self, &per_cpu(runqueues, 1));
}
locations [per_cpu(cnt, 0); per_cpu(runqueues, 1).self]`,
		locs: `
per_cpu(runqueues, 0).nr = 1
per_cpu(runqueues, 0).self = NULL
per_cpu(runqueues, 1).nr = 1
per_cpu(runqueues, 1).self = &per_cpu(runqueues, 0)
per_cpu(cnt, 0) = 4
per_cpu(cnt, 1) = 0`,
		code: `
P0:
0  rq = &per_cpu(runqueues, 0).nr
1  r0 = load.once &per_cpu(runqueues, 0).nr  ; this_cpu_read
2  store.once &per_cpu(runqueues, 0).nr, 2  ; WRITE_ONCE
3  store.once &per_cpu(runqueues, 0).nr, 0  ; WRITE_ONCE
4  store.once &per_cpu(runqueues, 1).nr, 1  ; WRITE_ONCE
5  cpu = 2
6  %3 = load.once &per_cpu(cnt, 0)  ; this_cpu_add
7  %4 = %3 + 3
8  store.once &per_cpu(cnt, 0), %4  ; this_cpu_add
9  %5 = load.once &per_cpu(cnt, 0)  ; this_cpu_dec
10  %6 = %5 - 1
11  store.once &per_cpu(cnt, 0), %6  ; this_cpu_dec
12  bounds r0, 2
13  %7 = r0 + &per_cpu(cnt, 0)
14  %8 = load.plain %7
15  %9 = %8 + 1
16  store.plain %7, %9
17  bounds r0, 2
18  %10 = r0 + &per_cpu(cnt, 0)
19  store.once %10, 1  ; WRITE_ONCE
20  store.once &per_cpu(runqueues, 0).self, 0  ; __this_cpu_write
21  halt
P1:
0  r1 = 416
1  p = &per_cpu(runqueues, 0).nr
2  p = &per_cpu(runqueues, 1).nr
3  %2 = p + 1
4  store.once %2, &per_cpu(runqueues, 1).nr  ; WRITE_ONCE
5  halt`,
	},
	{
		name: "online-mask",
		src: `C online
DEFINE_PER_CPU(int, hits);
{
	cpumask_t seen = { .bits = { 4 } };
	struct cpumask *sp = &seen;
	set_cpu_online(2, false);
}
P0(void)
{
	int cpu;

	for_each_online_cpu(cpu) {
		if (cpu == 1)
			continue;
		per_cpu(hits, cpu) = 1;
	}
	for_each_cpu(cpu, &seen)
		cpumask_clear_cpu(cpu, &seen);
	for_each_possible_cpu(cpu)
		if (cpu)
			break;
}
P1(void)
{
	int r0 = num_online_cpus();
	int r1 = cpu_online(2) + cpu_is_offline(1) * 10;
	int r2 = cpumask_weight(cpu_online_mask) + cpumask_empty(&seen) * 10;

	set_cpu_online(r0, r1);
}
P2(void)
{
	set_cpu_online(1, 0);
	cpumask_set_cpu(1, READ_ONCE(sp));
}`,
		locs: `
per_cpu(hits, 0) = 0
per_cpu(hits, 1) = 0
per_cpu(hits, 2) = 0
seen.bits[0] = 4
sp = &seen
__cpu_online_mask.bits[0] = 3
__num_online_cpus = 2`,
		code: `
P0:
0  %1 = load.plain &__cpu_online_mask  ; for_each_online_cpu
1  %2 = %1 >> 0
2  %3 = %2 & 1
3  jz %3, 5
4  store.plain &per_cpu(hits, 0), 1
5  %4 = load.plain &__cpu_online_mask  ; for_each_online_cpu
6  %5 = %4 >> 1
7  %6 = %5 & 1
8  jz %6, 11
9  jmp 11
10  store.plain &per_cpu(hits, 1), 1
11  %7 = load.plain &__cpu_online_mask  ; for_each_online_cpu
12  %8 = %7 >> 2
13  %9 = %8 & 1
14  jz %9, 16
15  store.plain &per_cpu(hits, 2), 1
16  cpu = 3
17  %10 = load.plain &seen  ; for_each_cpu
18  %11 = %10 >> 0
19  %12 = %11 & 1
20  jz %12, 22
21  rmw.once.andnot &seen, 1  ; cpumask_clear_cpu
22  %13 = load.plain &seen  ; for_each_cpu
23  %14 = %13 >> 1
24  %15 = %14 & 1
25  jz %15, 27
26  rmw.once.andnot &seen, 2  ; cpumask_clear_cpu
27  %16 = load.plain &seen  ; for_each_cpu
28  %17 = %16 >> 2
29  %18 = %17 & 1
30  jz %18, 32
31  rmw.once.andnot &seen, 4  ; cpumask_clear_cpu
32  cpu = 3
33  cpu = 0
34  cpu = 1
35  jmp 39
36  cpu = 2
37  jmp 39
38  cpu = 3
39  halt
P1:
0  r0 = load.once &__num_online_cpus  ; num_online_cpus
1  %2 = load.once &__cpu_online_mask  ; cpu_online
2  %3 = %2 >> 2
3  %4 = %3 & 1
4  %5 = load.once &__cpu_online_mask  ; cpu_is_offline
5  %6 = %5 >> 1
6  %6 = %6 & 1
7  %7 = %6 == 0
8  %8 = %7 * 10
9  r1 = %4 + %8
10  %10 = 0
11  %11 = load.plain &__cpu_online_mask  ; cpumask_weight
12  %12 = %11 >> 0
13  %12 = %12 & 1
14  %10 = %10 + %12
15  %12 = %11 >> 1
16  %12 = %12 & 1
17  %10 = %10 + %12
18  %12 = %11 >> 2
19  %12 = %12 & 1
20  %10 = %10 + %12
21  %14 = load.plain &seen  ; cpumask_empty
22  %14 = %14 & 7
23  %13 = %14 == 0
24  %15 = %13 * 10
25  r2 = %10 + %15
26  bounds r0, 3
27  %16 = r0 & 63
28  %17 = 1 << %16
29  %18 = r0 >> 6
30  %19 = &__cpu_online_mask + %18
31  jz r1, 38
32  %20 = rmw.mb.or %19, %17  ; set_cpu_online
33  %21 = %20 >> %16
34  %21 = %21 & 1
35  jnz %21, 43
36  rmw.once.add &__num_online_cpus, 1  ; set_cpu_online
37  jmp 43
38  %22 = rmw.mb.andnot %19, %17  ; set_cpu_online
39  %23 = %22 >> %16
40  %23 = %23 & 1
41  jz %23, 43
42  rmw.once.sub &__num_online_cpus, 1  ; set_cpu_online
43  halt
P2:
0  %0 = rmw.mb.andnot &__cpu_online_mask, 2  ; set_cpu_online
1  %1 = %0 >> 1
2  %1 = %1 & 1
3  jz %1, 5
4  rmw.once.sub &__num_online_cpus, 1  ; set_cpu_online
5  %2 = load.once &sp  ; READ_ONCE
6  rmw.once.or %2, 2  ; cpumask_set_cpu
7  halt`,
	},
}

func TestPerCPU(t *testing.T) {
	for _, tt := range percpuTests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustLoad(t, tt.src)
			var locs []string
			for i, l := range p.Locs {
				locs = append(locs, l.Name+" = "+p.FormatValue(p.Init[i], l.IsPtr))
			}
			if got, want := strings.Join(locs, "\n"), strings.TrimSpace(tt.locs); got != want {
				t.Errorf("locations:\n%s\nwant:\n%s", got, want)
			}
			got, want := normListing(threadsString(p)), normListing(tt.code)
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			for _, th := range p.Threads {
				checkThread(t, p, th)
			}
			formatRoundTrip(t, "test.lit", tt.src)
		})
	}
}

// percpuErrors: misuse of per-CPU variables and CPU masks, each reported
// at its position.
var percpuErrors = []struct {
	name, src, err string
}{
	{"misuse", `C errs
DEFINE_PER_CPU(int, pc);
DECLARE_PER_CPU(long *, pc);
DECLARE_PER_CPU(int, nope);
DEFINE_PER_CPU(void, v);
DECLARE_PER_CPU(int, pc) = 3;
{
	int x;
	per_cpu(pc, 2) = 1;
	per_cpu(x, 0) = 1;
	set_cpu_online(5, 0);
}
P0(void)
{
	int r0;

	r0 = per_cpu(x, 0);
	r0 = per_cpu(pc, 2);
	r0 = pc;
	r0 = this_cpu_read(x);
	r0 = *per_cpu_ptr(pc, 1);
	r0 = *per_cpu_ptr(&x, 1);
	r0 = for_each_cpu(r0, &x);
	r0 = cpu_online(7);
	pc = 3;
	WRITE_ONCE(pc, 1);
	r0 = cpumask_weight(&pc);
}
P1(void)
{
}
exists (per_cpu(pc, 3) = 1 \/ per_cpu(x, 1) = 0 \/ pc = 1)`, `test.lit:3:25: pc declared as long * here, but defined as int at test.lit:2:21
test.lit:4:22: per-CPU variable nope declared but not defined (no DEFINE_PER_CPU(..., nope))
test.lit:5:16: per-CPU variable v declared void
test.lit:6:28: DECLARE_PER_CPU cannot have an initialiser
test.lit:9:14: CPU 2 out of range [0:2]
test.lit:10:10: per_cpu of x, which is not a per-CPU variable
test.lit:11:17: set_cpu_online: CPU 5 out of range [0:2]
test.lit:17:15: per_cpu of x, which is not a per-CPU variable
test.lit:18:19: per_cpu: CPU 2 out of range [0:2]
test.lit:19:7: cannot use per-CPU variable pc as a value (use per_cpu(pc, cpu) or this_cpu_read(pc))
test.lit:20:21: this_cpu_read of x, which is not a per-CPU variable
test.lit:21:20: per_cpu_ptr expects a pointer to a per-CPU variable (&var), found pc
test.lit:22:20: per_cpu_ptr expects a pointer to a per-CPU variable, found &x (type int *)
test.lit:23:7: for_each_cpu is a loop (for_each_cpu(...) statement), not a value
test.lit:24:18: cpu_online: CPU 7 out of range [0:2]
test.lit:25:2: cannot assign to pc (type int __percpu)
test.lit:26:13: WRITE_ONCE of non-scalar pc (type int __percpu)
test.lit:27:22: cpumask_weight of non-scalar &pc (type int __percpu)
test.lit:32:21: CPU 3 out of range [0:2]
test.lit:32:39: per_cpu of x, which is not a per-CPU variable
test.lit:32:52: pc is not a scalar location (type int __percpu)`},
	{"for-each-expr", `C fe
{ int m; }
P0(void)
{
	int r0;

	for_each_cpu(r0 + 1, &m) ;
}`, `test.lit:7:2: for_each_cpu: the CPU must be a variable`},
	{"own-online-mask", `C own
{
	int __cpu_online_mask[2];
}
P0(void)
{
	int r0 = num_online_cpus() + cpu_online(1);
}
P1(void)
{
}`, `test.lit:7:31: cpu_online(1) uses the built-in online mask, but __cpu_online_mask is declared at test.lit:3:6 as int[2], not struct cpumask`},
}

func TestPerCPUErrors(t *testing.T) {
	for _, tt := range percpuErrors {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Config{AllErrors: true}.Load("test.lit", []byte(tt.src))
			var lines []string
			if err != nil {
				for _, e := range err.(model.ErrorList) {
					lines = append(lines, e.Error())
				}
			}
			if got := strings.Join(lines, "\n"); got != tt.err {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.err)
			}
		})
	}
}

// TestShadowedBuiltins: a program's own cpu_online() and
// __cpu_online_mask (as litmus/unlazy.lit and lazy-mm/lazymm.h have
// them) take the place of the built-in ones, silently.
func TestShadowedBuiltins(t *testing.T) {
	p := mustLoad(t, `C own
{
	int __cpu_online_mask[2] = { 1, 1 };
}
static int cpu_online(int cpu)
{
	return READ_ONCE(__cpu_online_mask[cpu]);
}
static void per_cpu(int cpu)
{
	WRITE_ONCE(__cpu_online_mask[cpu], 0);
}
P0(void)
{
	int r0 = cpu_online(1);

	per_cpu(0);
}
P1(void)
{
}`)
	want := `P0:
0  r0 = load.once &__cpu_online_mask[1]  ; READ_ONCE
1  store.once &__cpu_online_mask[0], 0  ; WRITE_ONCE
2  halt
P1:
0  halt`
	if got := normListing(threadsString(p)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if len(p.Objects) != 1 {
		t.Errorf("objects %v, want only __cpu_online_mask", p.Objects)
	}
}
