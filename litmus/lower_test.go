package litmus

import (
	"reflect"
	"strings"
	"testing"

	"mmcheck/model"
)

func mustLoad(t *testing.T, src string) *model.Program {
	t.Helper()
	p, err := Load("test.lit", []byte(src))
	if err != nil {
		t.Fatalf("load: %v\n%s", err, src)
	}
	return p
}

// threadsString is the listing of every thread of p.
func threadsString(p *model.Program) string {
	var b strings.Builder
	for _, th := range p.Threads {
		b.WriteString(th.Name + ":\n" + DisasmProgram(p, th))
	}
	return b.String()
}

func trimListing(s string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		lines = append(lines, strings.TrimRight(strings.TrimLeft(l, "\t"), " "))
	}
	return strings.Join(lines, "\n")
}

func normListing(s string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	return strings.Join(lines, "\n")
}

var lowerTests = []struct {
	name string
	src  string
	code string // listing of all threads (leading/trailing blanks ignored on each line)
}{
	{
		name: "herd-mp",
		src: `C MP
{}
P0(int *buf, int *flag)
{
	WRITE_ONCE(*buf, 1);
	smp_store_release(flag, 1);
}
P1(int *buf, int *flag)
{
	int r0;
	int r1;
	r0 = smp_load_acquire(flag);
	r1 = READ_ONCE(*buf);
}
exists (1:r0=1 /\ 1:r1=0)`,
		code: `
P0:
     buf = &buf
     flag = &flag
  0  store.once &buf, 1  ; WRITE_ONCE
  1  store.release &flag, 1  ; smp_store_release
  2  halt
P1:
     buf = &buf
     flag = &flag
  0  r0 = load.acquire &flag  ; smp_load_acquire
  1  r1 = load.once &buf  ; READ_ONCE
  2  halt`,
	},
	{
		name: "herd-untyped",
		src: `C untyped
{
	0:r2=a;
	a=b;
}
P0(int *a, int *x)
{
	int r1;
	int r2;
	r1 = READ_ONCE(*x);
	if (r1 == 1) {
		r2 = READ_ONCE(*a);
	}
	*r2 = a;
	r3 = xchg_relaxed(x, 3);
}`,
		code: `
P0:
     a = &a
     x = &x
     r2 = &a
  0  r1 = load.once &x  ; READ_ONCE
  1  %4 = r1 == 1
  2  jz %4, 4
  3  r2 = load.once &a  ; READ_ONCE
  4  store.plain r2, &a
  5  r3 = rmw.once.xchg &x, 3  ; xchg_relaxed
  6  halt`,
	},
	{
		name: "loops",
		src: `C loops
{ int x; int y; }
P0()
{
	int r0;
	int r1 = 0;
	while (!smp_load_acquire(&x))
		cpu_relax();
	do {
		r0 = READ_ONCE(y);
	} while (r0 == 0);
	while (READ_ONCE(x) < 3)
		atomic_inc(&y);
	for (;;) {
		r1++;
		if (r1 > 2)
			break;
	}
}`,
		code: `
P0:
  0  r1 = 0
  1  await
  2  %2 = load.acquire &x  ; smp_load_acquire
  3  %3 = !%2
  4  awaitend %3
  5  await
  6  r0 = load.once &y  ; READ_ONCE
  7  %4 = r0 == 0
  8  awaitend %4
  9  %8 = load.once &x  ; READ_ONCE
 10  %9 = %8 < 3
 11  jz %9, 15
 12  rmw.once.add &y, 1  ; atomic_inc
 13  loopiter %7
 14  jmp 9
 15  r1 = r1 + 1
 16  %11 = r1 > 2
 17  jnz %11, 20
 18  loopiter %10
 19  jmp 15
 20  halt`,
	},
	{
		name: "break-if-awaits",
		src: `C t
{ int x; }
P0()
{
	for (;;) {
		if (READ_ONCE(x) == 1)
			break;
		cpu_relax();
	}
	while (1) {
		if (smp_load_acquire(&x))
			break;
	}
	while (true) {
		if (READ_ONCE(x))
			break;
		WRITE_ONCE(x, 2);
	}
}`,
		code: `
P0:
  0  await
  1  %0 = load.once &x  ; READ_ONCE
  2  %1 = %0 == 1
  3  %2 = !%1
  4  awaitend %2
  5  await
  6  %3 = load.acquire &x  ; smp_load_acquire
  7  %4 = !%3
  8  awaitend %4
  9  %8 = load.once &x  ; READ_ONCE
 10  jnz %8, 14
 11  store.once &x, 2  ; WRITE_ONCE
 12  loopiter %7
 13  jmp 9
 14  halt`,
	},
	{
		name: "constant-locals-for-init",
		src: `C t
{ int a[2]; int x; }
P0()
{
	int cpu = smp_processor_id();
	for (int i = READ_ONCE(x); i < 2; i++)
		WRITE_ONCE(a[cpu], i);
	for (int j = 0; j != READ_ONCE(x); j++)
		WRITE_ONCE(a[j], 1);
}`,
		code: `
P0:
  0  cpu = 0
  1  i = load.once &x  ; READ_ONCE
  2  %3 = i < 2
  3  jz %3, 8
  4  store.once &a[0], i  ; WRITE_ONCE
  5  i = i + 1
  6  loopiter %2
  7  jmp 2
  8  j = 0
  9  %6 = load.once &x  ; READ_ONCE
 10  %7 = j != %6
 11  jz %7, 18
 12  bounds j, 2
 13  %8 = &a[0] + j
 14  store.once %8, 1  ; WRITE_ONCE
 15  j = j + 1
 16  loopiter %5
 17  jmp 9
 18  halt`,
	},
	{
		name: "nested-loop-counter-reset",
		src: `C nested
{ int x; }
P0()
{
	int i;
	while (READ_ONCE(x) != 2)
		for (i = READ_ONCE(x); i < 5; i++)
			WRITE_ONCE(x, i);
}`,
		code: `
P0:
  0  %5 = load.once &x  ; READ_ONCE
  1  %6 = %5 != 2
  2  jz %6, 13
  3  i = load.once &x  ; READ_ONCE
  4  %7 = 0
  5  %8 = i < 5
  6  jz %8, 11
  7  store.once &x, i  ; WRITE_ONCE
  8  i = i + 1
  9  loopiter %7
 10  jmp 5
 11  loopiter %4
 12  jmp 0
 13  halt`,
	},
	{
		name: "unroll-break-index-shortcircuit",
		src: `C unroll
#define N 3
{ int a[N]; int x; }
P0()
{
	int i;
	int r;
	for (i = 0; i < N; i++) {
		if (READ_ONCE(a[i]))
			break;
	}
	r = READ_ONCE(x);
	WRITE_ONCE(a[r], 1);
	if (r && READ_ONCE(x) || !r)
		r = r ? 5 : 6;
}`,
		code: `
P0:
  0  i = 0
  1  %2 = load.once &a[0]  ; READ_ONCE
  2  jnz %2, 10
  3  i = 1
  4  %3 = load.once &a[1]  ; READ_ONCE
  5  jnz %3, 10
  6  i = 2
  7  %4 = load.once &a[2]  ; READ_ONCE
  8  jnz %4, 10
  9  i = 3
 10  r = load.once &x  ; READ_ONCE
 11  bounds r, 3
 12  %5 = &a[0] + r
 13  store.once %5, 1  ; WRITE_ONCE
 14  jz r, 17
 15  %6 = load.once &x  ; READ_ONCE
 16  jnz %6, 18
 17  jnz r, 22
 18  jz r, 21
 19  r = 5
 20  jmp 22
 21  r = 6
 22  halt`,
	},
	{
		name: "atomics-checks",
		src: `C atomics
{ atomic_t v = ATOMIC_INIT(2); int x; }
P0()
{
	int r0; int r1; int r2; int r3; int r4; int r5; int r6;
	r0 = atomic_dec_and_test(&v);
	r1 = atomic_add_return(3, &v);
	r2 = atomic_fetch_add_relaxed(4, &v);
	r3 = cmpxchg_acquire(&x, 0, 1);
	r4 = atomic_add_negative(-5, &v);
	r5 = atomic_inc_not_zero(&v);
	r6 = WARN_ON(r5);
	WARN_ON_ONCE(r4 == 2);
	assert(r0 != 7);
	assume(r1 > 0);
	BUG_ON(r2 < 0);
	smp_store_mb(x, 3);
	atomic_set_release(&v, smp_processor_id());
	r0 = xchg_release(&x, 9);
}`,
		code: `
P0:
  0  %7 = rmw.mb.sub &v, 1  ; atomic_dec_and_test
  1  r0 = %7 == 1
  2  %8 = rmw.mb.add &v, 3  ; atomic_add_return
  3  r1 = %8 + 3
  4  r2 = rmw.once.add &v, 4  ; atomic_fetch_add_relaxed
  5  r3 = rmw.acquire.cmpxchg &x, 0, 1  ; cmpxchg_acquire
  6  %9 = rmw.mb.add &v, -5  ; atomic_add_negative
  7  %10 = %9 + -5
  8  r4 = %10 < 0
  9  %11 = rmw.mb.add_unless &v, 1, 0  ; atomic_inc_not_zero
 10  r5 = %11 != 0
 11  r6 = r5 != 0
 12  check WARN_ON r6  ; WARN_ON
 13  %12 = r4 == 2
 14  check WARN_ON %12  ; WARN_ON_ONCE
 15  %13 = r0 != 7
 16  %14 = !%13
 17  check assert %14  ; assert
 18  %15 = r1 > 0
 19  assume %15  ; assume
 20  %16 = r2 < 0
 21  check BUG_ON %16  ; BUG_ON
 22  store.once &x, 3  ; smp_store_mb
 23  fence smp_mb  ; smp_store_mb
 24  store.release &v, 0  ; atomic_set_release
 25  r0 = rmw.release.xchg &x, 9  ; xchg_release
 26  halt`,
	},
	{
		name: "structs-helpers-plain",
		src: `C structs
struct mm_struct { atomic_t mm_count; int pgd; };
struct rq { struct mm_struct *lazy_mm; int nr[2]; };
{
	struct mm_struct mm = { .mm_count = 1, .pgd = 7 };
	struct rq rq[2] = { [1] = { &mm, { 3, 4 } } };
	int *p = &rq[0].nr[1];
	0:r0 = 5;
}
static int get(struct rq *q, int i)
{
	int v;
	v = READ_ONCE(q->nr[i]);
	if (v)
		return v + 1;
	return 0;
}
static void drop(struct mm_struct *m)
{
	if (atomic_dec_and_test(&m->mm_count))
		kfree(m);
}
P0()
{
	int r0;
	int r1 = get(&rq[1], r0);
	drop(rq[1].lazy_mm);
	r1 = mm.pgd;
	rq[0].nr[1] = r1 + 1;
	*p = 3;
}`,
		code: `
P0:
     r0 = 5
  0  bounds r0, 2
  1  %3 = &rq[1].nr[0] + r0
  2  get.v = load.once %3  ; READ_ONCE
  3  jz get.v, 6
  4  r1 = get.v + 1
  5  jmp 7
  6  r1 = 0
  7  %4 = load.plain &rq[1].lazy_mm
  8  %5 = rmw.mb.sub %4, 1  ; atomic_dec_and_test
  9  %6 = %5 == 1
 10  jz %6, 12
 11  free %4  ; kfree
 12  r1 = load.plain &mm.pgd
 13  %7 = r1 + 1
 14  store.plain &rq[0].nr[1], %7
 15  %8 = load.plain &p
 16  store.plain %8, 3
 17  halt`,
	},
	{
		name: "locks-rcu",
		src: `C locks
{ spinlock_t l; int x; }
P0()
{
	int r0;
	spin_lock(&l);
	rcu_read_lock();
	r0 = spin_is_locked(&l) + spin_trylock(&l);
	rcu_read_unlock();
	synchronize_rcu_expedited();
	spin_unlock(&l);
	smp_mb__after_unlock_lock();
}`,
		code: `
P0:
  0  lock &l  ; spin_lock
  1  fence rcu_read_lock  ; rcu_read_lock
  2  %1 = islocked &l  ; spin_is_locked
  3  %2 = trylock &l  ; spin_trylock
  4  r0 = %1 + %2
  5  fence rcu_read_unlock  ; rcu_read_unlock
  6  fence synchronize_rcu  ; synchronize_rcu_expedited
  7  unlock &l  ; spin_unlock
  8  fence smp_mb__after_unlock_lock  ; smp_mb__after_unlock_lock
  9  halt`,
	},
	{
		name: "return-in-process-and-dead-code",
		src: `C ret
#define DEBUG 0
{ int x; }
P0()
{
	if (DEBUG)
		WRITE_ONCE(x, 9);
	if (READ_ONCE(x))
		return;
	WRITE_ONCE(x, 1);
}`,
		code: `
P0:
  0  %0 = load.once &x  ; READ_ONCE
  1  jnz %0, 3
  2  store.once &x, 1  ; WRITE_ONCE
  3  halt`,
	},
}

func TestLower(t *testing.T) {
	for _, tt := range lowerTests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustLoad(t, tt.src)
			got, want := normListing(threadsString(p)), normListing(tt.code)
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			for _, th := range p.Threads {
				checkThread(t, p, th)
			}
		})
	}
}

// checkThread checks the structural invariants of lowered code.
func checkThread(t *testing.T, p *model.Program, th *model.Thread) {
	t.Helper()
	if th.NumRegs != len(th.Regs) {
		t.Errorf("%s: NumRegs %d, %d regs", th.Name, th.NumRegs, len(th.Regs))
	}
	n := len(th.Code)
	if n == 0 || th.Code[n-1].Op != model.OpHalt {
		t.Fatalf("%s: code does not end with halt", th.Name)
	}
	reg := func(i int, what string, r int32, may bool) {
		if r < 0 && may {
			return
		}
		if r < 0 || int(r) >= th.NumRegs {
			t.Errorf("%s:%d: bad %s register %d", th.Name, i, what, r)
		}
	}
	arg := func(i int, a model.Arg) {
		if !a.IsImm() {
			reg(i, "operand", a.Reg, false)
		}
	}
	for i, in := range th.Code {
		if !in.Pos.IsValid() {
			t.Errorf("%s:%d: %v has no position", th.Name, i, in.Op)
		}
		switch in.Op {
		case model.OpJump, model.OpJumpIf, model.OpJumpIfNot:
			if in.Target < 0 || int(in.Target) >= n {
				t.Errorf("%s:%d: jump target %d out of range", th.Name, i, in.Target)
			}
		}
		switch in.Op {
		case model.OpMove, model.OpUnary, model.OpBinary, model.OpLoad, model.OpTrylock, model.OpIsLocked, model.OpLoopIter:
			reg(i, "destination", in.Dst, false)
		case model.OpRMW:
			reg(i, "destination", in.Dst, true)
		default:
			if in.Dst != -1 {
				t.Errorf("%s:%d: %v has destination %d", th.Name, i, in.Op, in.Dst)
			}
		}
		switch in.Op {
		case model.OpLoad, model.OpStore, model.OpRMW, model.OpFree, model.OpLock, model.OpUnlock, model.OpTrylock, model.OpIsLocked:
			arg(i, in.A)
			if in.A.IsImm() {
				if _, ok := p.PtrLoc(in.A.Imm); !ok {
					t.Errorf("%s:%d: address %d is not a location", th.Name, i, in.A.Imm)
				}
			}
			if in.Op == model.OpStore || in.Op == model.OpRMW {
				arg(i, in.B)
			}
		}
	}
	for _, ri := range th.Init {
		reg(-1, "init", int32(ri.Reg), false)
	}
}

func TestLowerDetails(t *testing.T) {
	src := `C details
(* doc line *)
struct mm_struct { atomic_t mm_count; int pgd; };
{
	struct mm_struct mm = { .mm_count = 1 };
	int x;
}
static void __mmdrop(struct mm_struct *m)
{
	kfree(m);
}
static void mmdrop(struct mm_struct *m)
{
	if (atomic_dec_and_test(&m->mm_count))
		__mmdrop(m);
}
P0(int *x)
{
	int r0;
	mmdrop(&mm);
	r0 = READ_ONCE(*x);
}
P1()
{
	WRITE_ONCE(x, 1);
}
exists (0:r0=1 /\ x=1 /\ ~freed(mm) /\ mm.pgd != 0)
locations [x; mm.pgd; 0:r0]
leak_check (mm)
`
	p := mustLoad(t, src)
	if p.Name != "details" || p.Doc != "doc line" || p.File != "test.lit" {
		t.Errorf("name %q doc %q file %q", p.Name, p.Doc, p.File)
	}
	if len(p.Lines) < 20 || p.Lines[1] != "(* doc line *)" {
		t.Errorf("lines: %q", p.Lines)
	}
	th := p.Threads[0]
	var free *model.Instr
	for i := range th.Code {
		if th.Code[i].Op == model.OpFree {
			free = &th.Code[i]
		}
	}
	if free == nil {
		t.Fatal("no free")
	}
	if want := []string{"mmdrop", "__mmdrop"}; !reflect.DeepEqual(free.Call, want) {
		t.Errorf("free.Call = %q, want %q", free.Call, want)
	}
	if free.Text != "kfree(m)" || free.Pos != (model.Pos{File: "test.lit", Line: 10, Col: 2}) {
		t.Errorf("free: text %q pos %v", free.Text, free.Pos)
	}
	rmw := th.Code[0]
	if rmw.Op != model.OpRMW || rmw.Text != "atomic_dec_and_test(&m->mm_count)" || rmw.Prim != "atomic_dec_and_test" ||
		rmw.Order != model.Mb || !reflect.DeepEqual(rmw.Call, []string{"mmdrop"}) || rmw.Pos.Line != 14 {
		t.Errorf("rmw: %+v", rmw)
	}
	last := th.Code[len(th.Code)-2]
	if last.Op != model.OpLoad || last.Text != "READ_ONCE(*x)" || last.Call != nil || last.Pos.Line != 21 || last.Pos.Col != 7 {
		t.Errorf("load: %+v", last)
	}
	if p.Cond == nil || p.Cond.Kind != model.Exists || p.Cond.Text != `(0:r0=1 /\ x=1 /\ ~freed(mm) /\ mm.pgd != 0)` {
		t.Errorf("cond: %+v", p.Cond)
	}
	var obs []string
	for _, term := range p.Observed {
		obs = append(obs, p.TermName(term))
	}
	if got := strings.Join(obs, " "); got != "0:r0 x mm.pgd" {
		t.Errorf("observed: %s", got)
	}
	if !reflect.DeepEqual(p.LeakCheck, []int{0}) {
		t.Errorf("leak check %v", p.LeakCheck)
	}
	if got := strings.Join(p.Features, ","); got != "READ_ONCE,WRITE_ONCE,atomic_dec_and_test,if,kfree" {
		t.Errorf("features %s", got)
	}
	// The final state evaluates as expected.
	s := &model.FinalState{
		Regs:  [][]model.Value{make([]model.Value, p.Threads[0].NumRegs), nil},
		Mem:   append([]model.Value(nil), p.Init...),
		Freed: make([]bool, len(p.Objects)),
	}
	r0, _ := p.Threads[0].RegByName("r0")
	s.Regs[0][r0] = 1
	x, _ := p.LocByName("x")
	s.Mem[x] = 1
	pgd, _ := p.LocByName("mm.pgd")
	if s.Holds(p.Cond.Expr) {
		t.Errorf("condition holds with mm.pgd = 0")
	}
	s.Mem[pgd] = 3
	if !s.Holds(p.Cond.Expr) {
		t.Errorf("condition does not hold")
	}
}

func TestInitValues(t *testing.T) {
	p := mustLoad(t, `C init
struct mm_struct { atomic_t mm_count; int pgd; };
struct rq { struct mm_struct *lazy_mm; int nr[2]; };
{
	struct mm_struct mm = { .mm_count = 1, .pgd = 7 };
	struct rq rq[2] = { [1] = { &mm, { 3, 4 } } };
	struct mm_struct *idle[2] = { &mm, NULL };
	int *p = &rq[0].nr[1];
	int **pp = &p;
	spinlock_t lock;
	atomic_t v = ATOMIC_INIT(-3);
	x = 2;
	y = &x;
	rq[0].nr[0] = 5;
}
P0()
{
}`)
	var b strings.Builder
	for i, l := range p.Locs {
		b.WriteString(l.Name + "=" + p.FormatValue(p.Init[i], l.IsPtr))
		if l.Lock {
			b.WriteString(" lock")
		}
		b.WriteString("\n")
	}
	want := `mm.mm_count=1
mm.pgd=7
rq[0].lazy_mm=NULL
rq[0].nr[0]=5
rq[0].nr[1]=0
rq[1].lazy_mm=&mm
rq[1].nr[0]=3
rq[1].nr[1]=4
idle[0]=&mm
idle[1]=NULL
p=&rq[0].nr[1]
pp=&p
lock=0 lock
v=-3
x=2
y=&x
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	var objs []string
	for _, o := range p.Objects {
		objs = append(objs, o.Name+":"+o.Type)
	}
	if got := strings.Join(objs, " "); got != "mm:struct mm_struct rq:struct rq[2] idle:struct mm_struct *[2] p:int * pp:int ** lock:spinlock_t v:atomic_t x:int y:int" {
		t.Errorf("objects: %s", got)
	}
}
