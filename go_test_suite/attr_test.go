package go_test_suite

// Kernel code as written (issue 17): GCC's attributes and the kernel's
// macros for them, the __percpu qualifier on a helper's parameter, and
// bit numbers checked against the bitmap they address. Each verdict
// differs if the front end dropped code along with an attribute, lost
// an alignment, named the wrong CPU's instance, or let a bit operation
// run past its object.

import (
	"testing"
)

// attrMP is message passing with attributes wherever GCC takes them; rel
// and acq are the orderings of the flag's write and read.
func attrMP(rel, acq string) string {
	return `C attr-mp

#include <linux/compiler.h>

#define WRITE_ONCE_P(p, v) WRITE_ONCE(*(p), v)
#define READ_ONCE_P(p) READ_ONCE(*(p))

struct msg {
	int data __aligned(8);
	int flag;
} ____cacheline_aligned_in_smp;

struct pad { long a; } __attribute__((__aligned__(64), unused));

static __always_inline __attribute__((noinline)) void __cold
send(struct msg *m __maybe_unused, int v) __attribute__((unused));

static void __attribute__((noinline)) send(struct msg *m __maybe_unused, int v)
{
	int once __attribute__((unused)) = v;

	WRITE_ONCE(m->data, once);
	` + rel + `(&m->flag, 1);
}

{
	struct msg m __read_mostly;
	struct pad p ____cacheline_aligned;
}

P0(struct msg *m)
{
	send(m, 42);
}

P1(struct msg *m)
{
	int r0 __maybe_unused;
	int r1 __attribute__((__unused__)) = 0;
	int r2 = sizeof(struct msg) + sizeof(struct pad) * 1000;

	r0 = ` + acq + `(&m->flag);
	switch (r0) {
	case 1:
		r1 = READ_ONCE(m->data);
		fallthrough;
	case 2:
		__attribute__((__fallthrough__));
	default:
		break;
	}
}

exists (1:r0=1 /\ 1:r1=0 /\ 1:r2=64064)
`
}

func TestAttributeSemantics(t *testing.T) {
	for _, tc := range []kprim{
		{name: "attr-MP+release-acquire", src: attrMP("smp_store_release", "smp_load_acquire"), allowed: strong},
		{name: "attr-MP+once", src: attrMP("WRITE_ONCE_P", "READ_ONCE_P"), allowed: weak},
		// The data is read: the code around the attributes is kept.
		{name: "attr-MP+data", src: replaceCond(attrMP("smp_store_release", "smp_load_acquire"),
			"exists (1:r0=1 /\\ 1:r1=42 /\\ 1:r2=64064)"),
			allowed: map[string]bool{"sc": true, "tso": true, "ra": true, "lkmm": true}},
		// A user's #define of a kernel attribute macro wins over the
		// built-in one: here __read_mostly is code.
		{name: "attr-user-define-wins", src: `C attr-define
#define __maybe_unused
#define __cold smp_mb();
{ int x; int y; }
P0(int *x, int *y)
{
	int r0 __maybe_unused;

	WRITE_ONCE(*x, 1);
	__cold
	r0 = READ_ONCE(*y);
}
P1(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*y, 1);
	smp_mb();
	r0 = READ_ONCE(*x);
}
exists (0:r0=0 /\ 1:r0=0)
`, allowed: strong},
	} {
		runKprim(t, tc)
	}
}

// replaceCond replaces the exists clause of src.
func replaceCond(src, cond string) string {
	for i := len(src) - 1; i >= 0; i-- {
		if i+6 <= len(src) && src[i:i+6] == "exists" {
			return src[:i] + cond + "\n"
		}
	}
	return src
}

func TestPerCPUQualifierSemantics(t *testing.T) {
	helpers := `
static void publish(int __percpu *d, int __percpu *f, int cpu)
{
	WRITE_ONCE(*per_cpu_ptr(d, cpu), 42);
	smp_store_release(per_cpu_ptr(f, cpu), 1);
}
static int peek(int __percpu *f)
{
	return smp_load_acquire(this_cpu_ptr(f));
}
`
	src := func(p1, cond string) string {
		s := pc("", "publish(&data, &flag, 1);", p1, "", cond)
		// the helpers go before the init block
		i := len("C pc\n")
		return s[:i] + helpers + s[i:]
	}
	for _, tc := range []kprim{
		// The helper's per_cpu_ptr(d, 1) and the caller's this_cpu_ptr
		// name CPU 1's instances: message passing is kept.
		{name: "percpu-param-MP", src: src("r0 = peek(&flag); if (r0) r1 = this_cpu_read(data);",
			"1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "percpu-param-reaches", src: src("r0 = peek(&flag); if (r0) r1 = this_cpu_read(data);",
			"1:r0=1 /\\ 1:r1=42"), allowed: map[string]bool{"sc": true, "tso": true, "ra": true, "lkmm": true}},
		// A local T __percpu * and CPU 0's instance, untouched.
		{name: "percpu-local", src: src("int __percpu *p = &data; r0 = READ_ONCE(*per_cpu_ptr(p, 0));",
			"1:r0=0 /\\ per_cpu(data, 0)=0"), always: true},
	} {
		runKprim(t, tc)
	}
}

func TestBitBoundsSemantics(t *testing.T) {
	bits := func(p0, cond string) string {
		return `C bits
struct s { unsigned long flags[2]; int after; };
DEFINE_PER_CPU(unsigned long, pcw);
{
	int x;
	struct s st;
	unsigned long other;
	cpumask_t m;
}
P0(int *x)
{
	int r0 = 0;
	int r1 = 0;

	` + p0 + `
}
P1(int *x)
{
	WRITE_ONCE(*x, 1);
}
exists (` + cond + `)
`
	}
	for _, tc := range []kprim{
		// The bitmap st.flags is within st: bit 191 is still in st (the
		// word "after"), bit 192 is past it.
		{name: "set_bit-computed-in-range", src: bits("r0 = READ_ONCE(*x) + 190; set_bit(r0, st.flags);",
			"true"), always: true},
		{name: "set_bit-computed-past-object", src: bits("r0 = READ_ONCE(*x) + 191; set_bit(r0, st.flags);", "true"),
			violation: "index out of range"},
		{name: "test_bit-computed-past-object", src: bits("r0 = READ_ONCE(*x) + 191; r1 = test_bit(r0, &st.after);", "true"),
			violation: "index out of range"},
		{name: "__clear_bit-computed-past-object", src: bits("r0 = READ_ONCE(*x) * 64 + 64; __clear_bit(r0, &other);", "true"),
			violation: "index out of range"},
		{name: "test_and_set_bit-in-range", src: bits("r0 = READ_ONCE(*x) * 63; r1 = test_and_set_bit(r0, &other);",
			"other=1 \\/ other=-9223372036854775808"), always: true},
		// One CPU's instance of a per-CPU word: bit 64 is the next CPU's.
		{name: "set_bit-percpu-instance", src: bits("r0 = READ_ONCE(*x) + 63; set_bit(r0, this_cpu_ptr(&pcw));", "true"),
			violation: "index out of range"},
		// cpumask_*_cpu take a CPU number, below the number of CPUs.
		{name: "cpumask_set_cpu-computed-cpu", src: bits("r0 = READ_ONCE(*x) + 1; cpumask_set_cpu(r0, &m);", "true"),
			violation: "index out of range"},
	} {
		runKprim(t, tc)
	}
}
