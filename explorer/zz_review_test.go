package explorer

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"mmcheck/litmus"
)

func zzPick(rng *rand.Rand, xs ...string) string { return xs[rng.Intn(len(xs))] }

// zzSource: a random LB-shaped program over v0..v{n-1}; CPU i reads X=v[i]
// and writes Y=v[i+1].
func zzSource(seed int64) string {
	rng := rand.New(rand.NewSource(seed))
	var sb strings.Builder
	fmt.Fprintf(&sb, "C zz-%d\n{\nint a[2];\n}\n", seed)
	nth := 2 + rng.Intn(3)
	var exists []string
	for i := 0; i < nth; i++ {
		fmt.Fprintf(&sb, "P%d(", i)
		for k := 0; k < nth; k++ {
			fmt.Fprintf(&sb, "int *v%d, ", k)
		}
		sb.WriteString("int *z, int *w, int *a, spinlock_t *l, spinlock_t *m)\n{\n\tint r0;\n\tint r1;\n\tint r2;\n\tint r3;\n")
		X, Y := fmt.Sprintf("v%d", i), fmt.Sprintf("v%d", (i+1)%nth)
		if rng.Intn(8) == 0 {
			X = fmt.Sprintf("v%d", rng.Intn(nth))
		}
		if rng.Intn(10) == 0 {
			Y = fmt.Sprintf("v%d", rng.Intn(nth))
		}
		var body []string
		add := func(s string, a ...any) { body = append(body, fmt.Sprintf(s, a...)) }
		lockHeld := false
		if rng.Intn(6) == 0 {
			add("spin_lock(l);")
			lockHeld = true
		}
		// the read
		switch rng.Intn(12) {
		case 0, 1, 2:
			add("r0 = *%s;", X)
		case 3:
			add("r0 = READ_ONCE(*%s);", X)
		case 4:
			add("r0 = smp_load_acquire(%s);", X)
		case 5:
			add("r0 = %s(%s, %s);", zzPick(rng, "xchg", "xchg_relaxed", "xchg_acquire", "xchg_release"), X, zzPick(rng, "1", "2"))
		case 6:
			add("r0 = %s(%s, %s, 2);", zzPick(rng, "cmpxchg", "cmpxchg_relaxed", "cmpxchg_acquire", "cmpxchg_release"), X, zzPick(rng, "0", "1", "5"))
		case 7:
			add("r0 = %s(%s, 1);", zzPick(rng, "atomic_fetch_add", "atomic_fetch_add_relaxed", "atomic_fetch_add_acquire", "atomic_fetch_add_release"), X)
		case 8:
			add("r0 = *%s;\n\tr3 = *%s;", X, X)
		case 9:
			add("r0 = READ_ONCE(*%s);\n\tr3 = *z;", X)
		case 10:
			add("r0 = rcu_dereference(*%s);", X)
		default:
			add("r0 = *%s + 0;", X)
		}
		exists = append(exists, fmt.Sprintf("%d:r0=%d", i, 1+rng.Intn(2)))
		// the middle
		nmid := rng.Intn(3)
		for k := 0; k < nmid; k++ {
			switch rng.Intn(22) {
			case 0, 1:
				add("smp_mb();")
			case 2:
				add("smp_wmb();")
			case 3:
				add("smp_rmb();")
			case 4:
				add("smp_mb__before_atomic();\n\tatomic_inc(z);")
			case 5:
				add("%s;\n\tsmp_mb__after_atomic();", zzPick(rng, "atomic_inc(z)", "r2 = xchg_relaxed(z, 1)", "r2 = cmpxchg_relaxed(z, 0, 1)", "r2 = cmpxchg_relaxed(z, 7, 1)", "r2 = atomic_fetch_add_relaxed(z, 1)"))
			case 6:
				add("smp_mb__after_atomic();")
			case 7:
				add("smp_mb__before_atomic();")
			case 8:
				if !lockHeld {
					add("spin_lock(m);\n\tsmp_mb__after_spinlock();\n\tspin_unlock(m);")
				} else {
					add("smp_mb__after_spinlock();")
				}
			case 9:
				add("synchronize_rcu();")
			case 10:
				add("r1 = READ_ONCE(a[r0 & 0]);")
			case 11:
				add("r1 = smp_load_acquire(&a[r0 & 0]);")
			case 12:
				add("r2 = %s(z, 1);", zzPick(rng, "xchg", "xchg_relaxed", "xchg_acquire", "xchg_release"))
			case 13:
				add("r2 = %s(z, %s, 1);", zzPick(rng, "cmpxchg", "cmpxchg_acquire"), zzPick(rng, "0", "7"))
			case 14:
				add("r2 = atomic_add_unless(z, 1, %s);", zzPick(rng, "0", "1"))
			case 15:
				if !lockHeld {
					add("spin_lock(m);\n\tspin_unlock(m);")
				}
			case 16:
				add("r1 = *w;")
			case 17:
				add("WRITE_ONCE(*w, 1);")
			case 18:
				add("r2 = spin_trylock(m);\n\tif (r2) spin_unlock(m);")
			case 19:
				add("r1 = READ_ONCE(*z);\n\tr1 = smp_load_acquire(&a[r1 & 0]);")
			case 20:
				add("smp_store_mb(*w, 1);")
			default:
				add("r1 = smp_load_acquire(z);")
			}
		}
		val := zzPick(rng, "1", "1", "2", "r0 + 1", "r0")
		var w string
		switch rng.Intn(16) {
		case 0, 1, 2:
			w = fmt.Sprintf("*%s = %s;", Y, val)
		case 3:
			w = fmt.Sprintf("WRITE_ONCE(*%s, %s);", Y, val)
		case 4:
			w = fmt.Sprintf("smp_store_release(%s, %s);", Y, val)
		case 5:
			w = fmt.Sprintf("r2 = %s(%s, %s);", zzPick(rng, "xchg", "xchg_relaxed", "xchg_acquire", "xchg_release"), Y, val)
		case 6:
			w = fmt.Sprintf("r2 = %s(%s, 0, %s);", zzPick(rng, "cmpxchg", "cmpxchg_relaxed", "cmpxchg_acquire", "cmpxchg_release"), Y, val)
		case 7:
			w = fmt.Sprintf("*(%s + (r0 & 0)) = %s;", Y, val)
		case 8:
			w = fmt.Sprintf("r1 = READ_ONCE(*z);\n\t*(%s + (r1 & 0)) = %s;", Y, val)
		case 9:
			w = fmt.Sprintf("if (r0)\n\t\t*%s = %s;", Y, val)
		case 10:
			w = fmt.Sprintf("if (r0)\n\t\tWRITE_ONCE(*%s, %s);\n\telse\n\t\t*%s = 2;", Y, val, Y)
		case 11:
			w = fmt.Sprintf("%s(%s);", zzPick(rng, "atomic_inc", "atomic_dec"), Y)
		case 12:
			w = fmt.Sprintf("r2 = %s(%s, 1);", zzPick(rng, "atomic_fetch_add", "atomic_add_return", "atomic_fetch_add_release"), Y)
		case 13:
			w = fmt.Sprintf("smp_store_mb(*%s, %s);", Y, val)
		case 14:
			w = fmt.Sprintf("*%s = *%s + 1;", Y, Y)
		default:
			w = fmt.Sprintf("rcu_assign_pointer(*%s, %s);", Y, val)
		}
		add("%s", w)
		if rng.Intn(5) == 0 {
			add("*%s = 3;", zzPick(rng, X, Y, "z"))
		}
		if lockHeld {
			add("spin_unlock(l);")
		}
		if rng.Intn(8) == 0 {
			// wrap everything after the first line in a branch on r0
			for k := 1; k < len(body); k++ {
				body[k] = "\t" + strings.ReplaceAll(body[k], "\n\t", "\n\t\t")
			}
			if len(body) > 1 {
				body[1] = "if (r0 == 1) {\n\t" + body[1]
				body[len(body)-1] += "\n\t}"
			}
		}
		for _, b := range body {
			fmt.Fprintf(&sb, "\t%s\n", b)
		}
		sb.WriteString("}\n\n")
	}
	fmt.Fprintf(&sb, "exists (%s)\n", strings.Join(exists, " /\\ "))
	return sb.String()
}

func zzEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func TestZZRandom(t *testing.T) {
	start, n := zzEnv("ZZ_START", 1), zzEnv("ZZ_N", 300)
	deadline := time.Now().Add(time.Duration(zzEnv("ZZ_SECS", 240)) * time.Second)
	free, plain, loadErr, bad := 0, 0, 0, 0
	for seed := int64(start); seed < int64(start+n); seed++ {
		if time.Now().After(deadline) {
			t.Logf("deadline at seed %d", seed)
			break
		}
		src := zzSource(seed)
		p, err := litmus.Load(fmt.Sprintf("zz-%d.litmus", seed), []byte(src))
		if err != nil {
			loadErr++
			if loadErr < 3 {
				t.Logf("seed %d: %v\n%s", seed, err, src)
			}
			continue
		}
		a := lbAnalyze(p, 8)
		if a.why != "" {
			continue
		}
		free++
		if a.viaPlain {
			plain++
		} else if os.Getenv("ZZ_ALL") == "" {
			continue
		}
		if diff, _ := lbAgree(t, p); diff != "" {
			bad++
			t.Errorf("seed %d: ruled out (viaPlain %v), but %s\n%s", seed, a.viaPlain, diff, src)
			if bad > 3 {
				return
			}
		}
	}
	t.Logf("%d programs, %d load errors, %d free, %d via plain", n, loadErr, free, plain)
}
