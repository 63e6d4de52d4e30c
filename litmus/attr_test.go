package litmus

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// attrSrc is a program with GCC's attributes and the kernel's attribute
// macros wherever GCC takes them; stripped of them (attrStrip) it is the
// same program.
const attrSrc = `C attrs
struct __attribute__((__designated_init__)) rq {
	int nr __attribute__((unused));
	struct rq *next __maybe_unused;
} __attribute__((used, section(".data"), format(printf, 1, 2)));

static inline int __must_check __attribute__((warn_unused_result, __pure__)) get(struct rq *r __maybe_unused);
static __always_inline __attribute__((__noinline__, __cold__)) int __init get(struct rq *r __always_unused)
{
	return READ_ONCE(r->nr) __attribute__((unused));
}

static void noinline notrace __used __weak __visible noinstr __noreturn __section(".text.x") __printf(1, 2) put(int __attribute__((unused)) v, struct rq *r)
{
	int t __attribute__((__unused__)) = v;

	switch (t) {
	case 1:
		WRITE_ONCE(r->nr, 1);
		fallthrough;
	case 2:
		WRITE_ONCE(r->nr, 2);
		__attribute__((__fallthrough__));
	default:
		smp_mb();
	}
}

{
	struct rq rq __read_mostly __attribute__((aligned(64)));
	int x __initdata;
}

P0(struct rq *rq, int *x)
{
	int r0 __maybe_unused = get(rq);
	int r1 __attribute((unused));

	put(r0, rq);
	r1 = READ_ONCE(*x);
}

exists (0:r0=0)
`

// attrStrip removes the attributes of attrSrc.
var attrStrip = regexp.MustCompile(`__attribute_?_?\(\((?:[^()]|\([^()]*\))*\)\)|\b(__maybe_unused|__must_check|__init|__always_unused|noinline|notrace|__used|__weak|__visible|noinstr|__noreturn|__read_mostly|__initdata|fallthrough)\b|__section\("[^"]*"\)|__printf\(1, 2\)`)

func TestAttributesIgnored(t *testing.T) {
	plain := attrStrip.ReplaceAllString(attrSrc, "")
	if strings.Contains(plain, "attribute") || strings.Contains(plain, "__used") {
		t.Fatalf("attributes left in:\n%s", plain)
	}
	a, b := mustLoad(t, attrSrc), mustLoad(t, plain)
	if x, y := threadsString(a), threadsString(b); normListing(x) != normListing(y) {
		t.Errorf("with attributes:\n%s\nwithout:\n%s", x, y)
	}
	if len(a.Locs) != len(b.Locs) {
		t.Errorf("%d locations with attributes, %d without", len(a.Locs), len(b.Locs))
	}
}

// TestAligned checks the layout sizeof gives structs with aligned(N).
func TestAligned(t *testing.T) {
	for _, tt := range []struct {
		decls, expr string
		want        int64
	}{
		{"struct s { int a; } __aligned(16);", "sizeof(struct s)", 16},
		{"struct s { int a; } ____cacheline_aligned;", "sizeof(struct s)", 64},
		{"struct __attribute__((aligned(32))) s { int a; };", "sizeof(struct s)", 32},
		{"#define L1 128\nstruct s { int a; } __aligned(L1 / 2);", "sizeof(struct s)", 64},
		{"struct s { int a; int b __aligned(8); };", "sizeof(struct s)", 16},
		{"struct s { char c; long b __attribute__((aligned)); };", "sizeof(struct s)", 32},
		{"struct s { int a; } __aligned(8); struct t { char c; struct s s; };", "sizeof(struct t)", 16},
		{"struct s { int a; } __aligned(8); struct t { struct s a[3]; };", "sizeof(struct t)", 24},
		{"typedef struct { int a; } __aligned(16) s_t;", "sizeof(s_t)", 16},
		{"typedef struct { int a; } s_t __cacheline_aligned_in_smp;", "sizeof(s_t)", 64},
		{"struct s { int a; } __aligned(2);", "sizeof(struct s)", 4}, // it only raises alignment
		{"struct s { int a; };", "sizeof(struct s)", 4},
	} {
		src := "C a\n" + tt.decls + "\n{ int x; }\nP0(int *x)\n{\n\tint r0 = " + tt.expr + ";\n\tWRITE_ONCE(*x, r0);\n}\n"
		p := mustLoad(t, src)
		listing := threadsString(p)
		want := "store.once &x, " + itoa(tt.want)
		if !strings.Contains(listing, want) {
			t.Errorf("%s %s: want %q in\n%s", tt.decls, tt.expr, want, listing)
		}
	}
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// TestAttrFormat: aligned and __percpu survive Format.
func TestAttrFormat(t *testing.T) {
	src := `C f
struct s { int a __aligned(8); } ____cacheline_aligned;
typedef struct { int a; } __aligned(16) t_t;
DEFINE_PER_CPU(int, pc);
static int get(int __percpu *p) { return READ_ONCE(*this_cpu_ptr(p)); }
{}
P0(void)
{
	int r0 = get(&pc);
}
`
	out := formatRoundTrip(t, "test.lit", src)
	for _, want := range []string{"int a __attribute__((aligned(8)));", "} __attribute__((aligned(64)));", "} __attribute__((aligned(16))) t_t;", "int __percpu *p"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("%q not in\n%s", want, out)
		}
	}
}

// TestAttrUserDefineWins: a file's own macro of a kernel attribute's
// name is expanded, not taken for the attribute.
func TestAttrUserDefineWins(t *testing.T) {
	src := `C d
#define __read_mostly = 5
#define __aligned(x) [x]
{
	int x __read_mostly;
	int y __aligned(3);
}
P0(int *x) { WRITE_ONCE(*x, 1); }
`
	p := mustLoad(t, src)
	var names []string
	for i, l := range p.Locs {
		names = append(names, l.Name+"="+p.FormatValue(p.Init[i], l.IsPtr))
	}
	if got, want := strings.Join(names, " "), "x=5 y[0]=0 y[1]=0 y[2]=0"; got != want {
		t.Errorf("locations %s, want %s", got, want)
	}
}
