package memmodel

import (
	"slices"
	"testing"

	"mmcheck/model"
)

const (
	x = iota // locations of the litmus shapes
	y
	z
	u
)

const (
	plain = model.Plain
	once  = model.Once
	acq   = model.Acquire
	rel   = model.Release
	mb    = model.Mb
)

func TestValidate(t *testing.T) {
	if err := Validate(All); err != nil {
		t.Fatal(err)
	}
	if err := Validate(All); err != nil {
		t.Fatal(err)
	}
	for _, m := range Chain {
		if m.LoadBuffering {
			t.Errorf("%s: LoadBuffering is true", m.Name)
		}
		if Lookup(m.Name) != m {
			t.Errorf("Lookup(%q) is not the model", m.Name)
		}
		if len(m.Axioms) == 0 {
			t.Errorf("%s: no axioms", m.Name)
		}
		if m.SupportsPrim("rcu_read_lock") || !m.SupportsPrim("smp_load_acquire") {
			t.Errorf("%s: wrong primitive support", m.Name)
		}
	}
	if got := Names(); !slices.Equal(got, []string{"sc", "tso", "ra", "lkmm"}) {
		t.Errorf("Names() = %v", got)
	}
}

// shape is a litmus shape with the verdict of each model: "" when the
// execution is consistent, else the axiom that rejects it.
type shape struct {
	name          string
	build         func(b *xb)
	sc, tso, ra   string
	threads, locs int
}

// sb is store buffering: both reads see the initial values. mid puts
// something between each thread's write and read.
func sb(mid func(b *xb, t int)) func(b *xb) {
	return func(b *xb) {
		b.W(0, x, once)
		mid(b, 0)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		mid(b, 1)
		b.R(1, x, ini(x), once)
	}
}

// mp is message passing: the flag (y) is seen set, the data (x) not.
func mp(wo, ro model.Order, wmid, rmid func(b *xb)) func(b *xb) {
	return func(b *xb) {
		b.W(0, x, once)
		wmid(b)
		w := b.W(0, y, wo)
		b.R(1, y, w, ro)
		rmid(b)
		b.R(1, x, ini(x), once)
	}
}

func nothing(*xb)       {}
func nothing2(*xb, int) {}
func fence(k model.FenceKind) func(*xb, int) {
	return func(b *xb, t int) { b.F(t, k) }
}

var shapes = []shape{
	{name: "SB", build: sb(nothing2), sc: "sc"},
	{name: "SB+rmb+wmb", build: sb(func(b *xb, t int) { b.F(t, model.FenceWmb); b.F(t, model.FenceRmb) }), sc: "sc"},
	{name: "SB+rel+acq", build: func(b *xb) {
		b.W(0, x, rel)
		b.R(0, y, ini(y), acq)
		b.W(1, y, rel)
		b.R(1, x, ini(x), acq)
	}, sc: "sc"},
	{name: "SB+mbs", build: sb(fence(model.FenceMb)), sc: "sc", tso: "ghb", ra: "sc"},
	{name: "SB+before_atomics", build: sb(fence(model.FenceBeforeAtomic)), sc: "sc", tso: "ghb", ra: "sc"},
	{name: "SB+after_atomics", build: sb(fence(model.FenceAfterAtomic)), sc: "sc", tso: "ghb", ra: "sc"},
	{name: "SB+after_spinlocks", build: sb(fence(model.FenceAfterSpinlock)), sc: "sc", tso: "ghb", ra: "sc"},
	{name: "SB+after_unlock_locks", build: sb(fence(model.FenceAfterUnlockLock)), sc: "sc", tso: "ghb", ra: "sc"},
	{name: "SB+mb+once", build: sb(func(b *xb, t int) {
		if t == 0 {
			b.F(t, model.FenceMb)
		}
	}), sc: "sc"},
	{name: "SB+xchgs", build: sb(func(b *xb, t int) { b.RMW(t, z+t, ini(z+t), mb) }), sc: "sc", tso: "ghb", ra: "sc"},
	{name: "SB+xchgs-same-loc", build: func(b *xb) {
		b.W(0, x, once)
		_, w := b.RMW(0, z, ini(z), mb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.RMW(1, z, w, mb)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"}, // the xchgs synchronize: P0's write hb P1's read
	{name: "SB+xchg_relaxeds", build: sb(func(b *xb, t int) { b.RMW(t, z+t, ini(z+t), once) }), sc: "sc", tso: "ghb"},
	{name: "SB+xchg_acquires", build: sb(func(b *xb, t int) { b.RMW(t, z+t, ini(z+t), acq) }), sc: "sc", tso: "ghb"},
	{name: "SB+failed-cmpxchgs", build: sb(func(b *xb, t int) { b.R(t, z, ini(z), once) }), sc: "sc"},
	{name: "SB+mb-stores", build: func(b *xb) { // smp_store_mb: a lone mb write
		b.W(0, x, mb)
		b.R(0, y, ini(y), once)
		b.W(1, y, mb)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "sc"},

	{name: "MP", build: mp(once, once, nothing, nothing), sc: "sc", tso: "ghb"},
	{name: "MP+plain", build: mp(plain, plain, nothing, nothing), sc: "sc", tso: "ghb"},
	{name: "MP+rel+acq", build: mp(rel, acq, nothing, nothing), sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+rel+once", build: mp(rel, once, nothing, nothing), sc: "sc", tso: "ghb"},
	{name: "MP+once+acq", build: mp(once, acq, nothing, nothing), sc: "sc", tso: "ghb"},
	{name: "MP+wmb+rmb", build: mp(once, once,
		func(b *xb) { b.F(0, model.FenceWmb) }, func(b *xb) { b.F(1, model.FenceRmb) }),
		sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+wmb+acq", build: mp(once, acq, func(b *xb) { b.F(0, model.FenceWmb) }, nothing),
		sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+rel+rmb", build: mp(rel, once, nothing, func(b *xb) { b.F(1, model.FenceRmb) }),
		sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+wmb", build: mp(once, once, func(b *xb) { b.F(0, model.FenceWmb) }, nothing), sc: "sc", tso: "ghb"},
	{name: "MP+rmb", build: mp(once, once, nothing, func(b *xb) { b.F(1, model.FenceRmb) }), sc: "sc", tso: "ghb"},
	{name: "MP+mbs", build: mp(once, once,
		func(b *xb) { b.F(0, model.FenceMb) }, func(b *xb) { b.F(1, model.FenceMb) }),
		sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+xchg+acq", build: func(b *xb) { // a fully ordered RMW releases
		b.W(0, x, once)
		_, w := b.RMW(0, y, ini(y), mb)
		b.R(1, y, w, acq)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+rel+xchg", build: func(b *xb) { // ... and acquires
		b.W(0, x, once)
		w := b.W(0, y, rel)
		b.RMW(1, y, w, mb)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+rel+rmw-acq", build: func(b *xb) {
		b.W(0, x, once)
		w := b.W(0, y, rel)
		b.RMW(1, y, w, acq)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+rel+rmw-relaxed", build: func(b *xb) {
		b.W(0, x, once)
		w := b.W(0, y, rel)
		b.RMW(1, y, w, once)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "ghb"},

	{name: "MP+rs-rmw", threads: 3, build: func(b *xb) { // release sequence through another CPU's RMW
		b.W(0, x, once)
		w := b.W(0, y, rel)
		_, w2 := b.RMW(1, y, w, once)
		b.R(2, y, w2, acq)
		b.R(2, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+rs-rmw-chain", threads: 4, build: func(b *xb) {
		b.W(0, x, once)
		w := b.W(0, y, rel)
		_, w2 := b.RMW(1, y, w, once)
		_, w3 := b.RMW(2, y, w2, rel)
		b.R(3, y, w3, acq)
		b.R(3, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+rs-rmw+once", threads: 3, build: func(b *xb) { // no release head: no sw
		b.W(0, x, once)
		w := b.W(0, y, once)
		_, w2 := b.RMW(1, y, w, once)
		b.R(2, y, w2, acq)
		b.R(2, x, ini(x), once)
	}, sc: "sc", tso: "ghb"},
	{name: "MP+rs-po", build: func(b *xb) { // release sequence through a po-later write
		b.W(0, x, once)
		b.W(0, y, rel)
		w := b.W(0, y, once)
		b.R(1, y, w, acq)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"},
	{name: "MP+rs-broken", threads: 3, build: func(b *xb) { // another CPU's plain write ends the sequence
		b.W(0, x, once)
		w := b.W(0, y, rel)
		w2 := b.W(1, y, once)
		b.co(y, w, w2)
		b.R(2, y, w2, acq)
		b.R(2, x, ini(x), once)
	}, sc: "sc", tso: "ghb"},
	{name: "MP+lock", build: func(b *xb) {
		b.Lock(0, z, ini(z))
		b.W(0, x, once)
		ul := b.Unlock(0, z)
		b.Lock(1, z, ul)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"},

	{name: "LB", build: func(b *xb) {
		b.R(0, x, model.EventID{Thread: 1, Index: 1}, once)
		b.W(0, y, once)
		b.R(1, y, model.EventID{Thread: 0, Index: 1}, once)
		b.W(1, x, once)
	}, sc: "sc", tso: "ghb", ra: "no-thin-air"},
	{name: "LB+acq+rel", build: func(b *xb) {
		b.R(0, x, model.EventID{Thread: 1, Index: 1}, acq)
		b.W(0, y, rel)
		b.R(1, y, model.EventID{Thread: 0, Index: 1}, acq)
		b.W(1, x, rel)
	}, sc: "sc", tso: "ghb", ra: "coherence"},

	{name: "IRIW+acqs", threads: 4, build: func(b *xb) {
		wx := b.W(0, x, once)
		wy := b.W(1, y, once)
		b.R(2, x, wx, acq)
		b.R(2, y, ini(y), acq)
		b.R(3, y, wy, acq)
		b.R(3, x, ini(x), acq)
	}, sc: "sc", tso: "ghb"},
	{name: "IRIW+mbs", threads: 4, build: func(b *xb) {
		wx := b.W(0, x, once)
		wy := b.W(1, y, once)
		b.R(2, x, wx, once)
		b.F(2, model.FenceMb)
		b.R(2, y, ini(y), once)
		b.R(3, y, wy, once)
		b.F(3, model.FenceMb)
		b.R(3, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "sc"},
	{name: "2+2W", build: func(b *xb) {
		x1 := b.W(0, x, once)
		y2 := b.W(0, y, once)
		y1 := b.W(1, y, once)
		x2 := b.W(1, x, once)
		b.co(x, x2, x1)
		b.co(y, y2, y1)
	}, sc: "sc", tso: "ghb"},
	{name: "2+2W+mbs", build: func(b *xb) {
		x1 := b.W(0, x, once)
		b.F(0, model.FenceMb)
		y2 := b.W(0, y, once)
		y1 := b.W(1, y, once)
		b.F(1, model.FenceMb)
		x2 := b.W(1, x, once)
		b.co(x, x2, x1)
		b.co(y, y2, y1)
	}, sc: "sc", tso: "ghb", ra: "sc"},
	{name: "R+mbs", build: func(b *xb) { // W x; mb; W y || W y; mb; R x=0 with y: P0's first
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		y1 := b.W(0, y, once)
		y2 := b.W(1, y, once)
		b.F(1, model.FenceMb)
		b.R(1, x, ini(x), once)
		b.co(y, y1, y2)
	}, sc: "sc", tso: "ghb", ra: "sc"},
	{name: "R", build: func(b *xb) {
		b.W(0, x, once)
		y1 := b.W(0, y, once)
		y2 := b.W(1, y, once)
		b.R(1, x, ini(x), once)
		b.co(y, y1, y2)
	}, sc: "sc"},

	{name: "CoRR", build: func(b *xb) {
		w := b.W(0, x, once)
		b.R(1, x, w, once)
		b.R(1, x, ini(x), once)
	}, sc: "sc", tso: "uniproc", ra: "coherence"},
	{name: "CoRR-ok", build: func(b *xb) {
		w := b.W(0, x, once)
		b.R(1, x, ini(x), once)
		b.R(1, x, w, once)
		b.R(1, x, w, once)
	}},
	{name: "CoWR", build: func(b *xb) {
		b.W(0, x, once)
		b.R(0, x, ini(x), once)
	}, sc: "sc", tso: "uniproc", ra: "coherence"},
	{name: "CoWR-other", build: func(b *xb) {
		w0 := b.W(0, x, once)
		w1 := b.W(1, x, once)
		b.R(0, x, w1, once)
		b.co(x, w1, w0)
	}, sc: "sc", tso: "uniproc", ra: "coherence"},
	{name: "CoRW1", build: func(b *xb) {
		b.R(0, x, model.EventID{Thread: 0, Index: 1}, once)
		b.W(0, x, once)
	}, sc: "sc", tso: "uniproc", ra: "coherence"},
	{name: "CoRW2", build: func(b *xb) {
		w1 := b.W(1, x, once)
		b.R(0, x, w1, once)
		w0 := b.W(0, x, once)
		b.co(x, w0, w1)
	}, sc: "sc", tso: "uniproc", ra: "coherence"},
	{name: "CoWW", build: func(b *xb) {
		a := b.W(0, x, once)
		c := b.W(0, x, once)
		b.co(x, c, a)
	}, sc: "sc", tso: "uniproc", ra: "coherence"},
	{name: "CoRR-hb", threads: 3, build: func(b *xb) { // coherence through hb, not po
		w := b.W(0, x, once)
		b.R(1, x, w, once)
		f := b.W(1, y, rel)
		b.R(2, y, f, acq)
		b.R(2, x, ini(x), once)
	}, sc: "sc", tso: "ghb", ra: "coherence"},

	{name: "atomicity", build: func(b *xb) { // two fetch_adds read the same write
		_, w0 := b.RMW(0, x, ini(x), once)
		_, w1 := b.RMW(1, x, ini(x), once)
		b.co(x, w0, w1)
	}, sc: "atomicity", tso: "atomicity", ra: "atomicity"},
	{name: "atomicity-mb", build: func(b *xb) {
		_, w0 := b.RMW(0, x, ini(x), mb)
		_, w1 := b.RMW(1, x, ini(x), mb)
		b.co(x, w1, w0)
	}, sc: "atomicity", tso: "atomicity", ra: "atomicity"},
	{name: "atomicity-store", build: func(b *xb) { // a store between an RMW's read and write
		r := b.add(0, model.Event{Kind: model.EvRead, Order: once, RMW: true, Loc: x, RF: ini(x)})
		w := b.add(0, model.Event{Kind: model.EvWrite, Order: once, RMW: true, Loc: x})
		_ = r
		s := b.W(1, x, once)
		b.co(x, s, w)
	}, sc: "atomicity", tso: "atomicity", ra: "atomicity"},
	{name: "rmw-chain", threads: 3, build: func(b *xb) {
		_, w0 := b.RMW(0, x, ini(x), mb)
		_, w1 := b.RMW(1, x, w0, once)
		b.RMW(2, x, w1, acq)
	}},
	{name: "rmw-partial", build: func(b *xb) { // an RMW whose write is not there yet
		b.W(0, x, once)
		b.add(1, model.Event{Kind: model.EvRead, Order: mb, RMW: true, Loc: x, RF: model.EventID{Thread: 0, Index: 0}})
	}},
	{name: "empty", build: func(b *xb) {}},
	{name: "free", build: func(b *xb) {
		b.W(0, x, once)
		b.Free(0, x)
		b.R(1, x, ini(x), once)
		b.Free(1, y)
	}},
}

func TestShapes(t *testing.T) {
	checkers := map[string]Checker{}
	for _, m := range Chain {
		checkers[m.Name] = m.NewChecker()
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			threads, locs := s.threads, s.locs
			if threads == 0 {
				threads = 2
			}
			if locs == 0 {
				locs = 4
			}
			b := newXB(threads, locs)
			s.build(b)
			want := map[string]string{"sc": s.sc, "tso": s.tso, "ra": s.ra}
			for _, m := range Chain {
				for _, c := range []Checker{m.NewChecker(), checkers[m.Name]} {
					got := ""
					if f := c.Check(b.x); f != nil {
						got = f.Axiom
						if len(f.Events) == 0 {
							t.Errorf("%s: failure %q has no events", m.Name, got)
						}
						if !slices.Contains(m.Axioms, got) {
							t.Errorf("%s: axiom %q not in %v", m.Name, got, m.Axioms)
						}
					}
					if got != want[m.Name] {
						t.Errorf("%s: got %q, want %q", m.Name, verdict(got), verdict(want[m.Name]))
					}
				}
			}
		})
	}
}

func verdict(axiom string) string {
	if axiom == "" {
		return "consistent"
	}
	return "inconsistent: " + axiom
}

func TestOrdered(t *testing.T) {
	const obj, flag = x, y
	type pair struct{ a, b model.EventID }
	tests := []struct {
		name        string
		build       func(b *xb) pair
		sc, tso, ra bool
	}{
		{"after-free", func(b *xb) pair {
			f := b.Free(0, obj)
			a := b.R(0, obj, ini(obj), once)
			return pair{a, f}
		}, false, false, false},
		{"before-free", func(b *xb) pair {
			a := b.R(0, obj, ini(obj), once)
			f := b.Free(0, obj)
			return pair{a, f}
		}, true, true, true},
		{"write-before-free", func(b *xb) pair {
			a := b.W(0, obj, once)
			f := b.Free(0, obj)
			return pair{a, f}
		}, true, true, true},
		{"other-cpu", func(b *xb) pair {
			a := b.R(0, obj, ini(obj), once)
			f := b.Free(1, obj)
			return pair{a, f}
		}, false, false, false},
		{"release-acquire", func(b *xb) pair {
			a := b.R(0, obj, ini(obj), once)
			w := b.W(0, flag, rel)
			b.R(1, flag, w, acq)
			f := b.Free(1, obj)
			return pair{a, f}
		}, true, true, true},
		{"relaxed-rf", func(b *xb) pair {
			a := b.R(0, obj, ini(obj), once)
			w := b.W(0, flag, once)
			b.R(1, flag, w, once)
			f := b.Free(1, obj)
			return pair{a, f}
		}, true, true, false},
		{"refcount", func(b *xb) pair { // put_ref(); ... dec_and_test() == 0; kfree()
			a := b.W(0, obj, once)
			_, w := b.RMW(0, flag, ini(flag), mb)
			b.RMW(1, flag, w, mb)
			f := b.Free(1, obj)
			return pair{a, f}
		}, true, true, true},
		{"refcount-relaxed", func(b *xb) pair {
			a := b.W(0, obj, once)
			_, w := b.RMW(0, flag, ini(flag), once)
			b.RMW(1, flag, w, once)
			f := b.Free(1, obj)
			return pair{a, f}
		}, true, true, false},
		{"store-buffer", func(b *xb) pair { // W obj; R flag=0 || W flag; kfree: only SC orders the write
			a := b.W(0, obj, once)
			b.R(0, flag, ini(flag), once)
			b.W(1, flag, once)
			f := b.Free(1, obj)
			return pair{a, f}
		}, true, false, false},
		{"store-buffer+mb", func(b *xb) pair {
			a := b.W(0, obj, once)
			b.F(0, model.FenceMb)
			b.R(0, flag, ini(flag), once)
			b.W(1, flag, once)
			f := b.Free(1, obj)
			return pair{a, f}
		}, true, true, false},
		{"self", func(b *xb) pair {
			f := b.Free(0, obj)
			return pair{f, f}
		}, false, false, false},
		{"init", func(b *xb) pair {
			f := b.Free(0, obj)
			return pair{ini(obj), f}
		}, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newXB(2, 2)
			p := tt.build(b)
			want := map[string]bool{"sc": tt.sc, "tso": tt.tso, "ra": tt.ra}
			for _, m := range Chain {
				c := m.NewChecker()
				if f := c.Check(b.x); f != nil {
					t.Fatalf("%s: %v", m.Name, f)
				}
				if got := c.Ordered(p.a, p.b); got != want[m.Name] {
					t.Errorf("%s: Ordered = %v, want %v", m.Name, got, want[m.Name])
				}
			}
		})
	}
}

func TestOrderedAfterFailurePanics(t *testing.T) {
	b := newXB(2, 2)
	sb(nothing2)(b)
	c := SC.NewChecker()
	if c.Check(b.x) == nil {
		t.Fatal("SB consistent under sc")
	}
	defer func() {
		if recover() == nil {
			t.Error("Ordered after a failed Check did not panic")
		}
	}()
	c.Ordered(ini(x), model.EventID{Thread: 0, Index: 0})
}

func TestFailureIsFresh(t *testing.T) {
	b := newXB(2, 4)
	sb(nothing2)(b)
	c := SC.NewChecker()
	f1 := c.Check(b.x)
	f2 := c.Check(b.x)
	if f1 == nil || f1 == f2 || &f1.Events[0] == &f2.Events[0] {
		t.Fatalf("failures share storage: %v %v", f1, f2)
	}
	if f1.Error() != "inconsistent: sc" {
		t.Errorf("Error() = %q", f1.Error())
	}
}
