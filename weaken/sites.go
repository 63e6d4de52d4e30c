package weaken

import (
	"slices"
	"sort"
	"strings"

	"mmcheck/model"
)

// Kind says what kind of primitive a site is.
type Kind uint8

const (
	Load    Kind = iota // a load: smp_load_acquire, atomic_read_acquire, READ_ONCE
	Store               // a store: smp_store_release, atomic_set_release, rcu_assign_pointer, WRITE_ONCE
	StoreMb             // smp_store_mb: a WRITE_ONCE and a full fence
	RMW                 // a read-modify-write with ordering: xchg, atomic_dec_and_test, cmpxchg_acquire, ...
	Fence               // a barrier: smp_mb, smp_rmb, smp_wmb, smp_mb__*
	// Dependencies (deps.go): an access whose address, value or
	// execution depends on a marked read of its CPU. Reported, never in
	// the minimal set: breaking one is not a source edit.
	AddrDep // the access's address depends on the read
	DataDep // the value a store or an RMW writes depends on the read
	CtrlDep // a branch on the read decides whether the store or RMW runs
)

var kindNames = [...]string{"load", "store", "store_mb", "rmw", "fence", "addr-dep", "data-dep", "ctrl-dep"}

func (k Kind) String() string { return kindNames[k] }

// Dep returns the kind of dependency a dependency site is; 0 for an
// ordering site.
func (k Kind) Dep() model.DepKinds {
	switch k {
	case AddrDep:
		return model.DepAddr
	case DataDep:
		return model.DepData
	case CtrlDep:
		return model.DepCtrl
	}
	return 0
}

// IsDep reports whether the kind is a dependency's.
func (k Kind) IsDep() bool { return k.Dep() != 0 }

// Noun names a dependency kind for people: "address dependency".
func (k Kind) Noun() string {
	switch k {
	case AddrDep:
		return "address dependency"
	case DataDep:
		return "data dependency"
	case CtrlDep:
		return "control dependency"
	}
	return k.String()
}

// Ref is one instruction of a program: Threads[Thread].Code[Index].
type Ref struct {
	Thread, Index int
}

// A Site is one ordering primitive of the source and the instructions of
// the lowered program that came from it.
type Site struct {
	Pos    model.Pos // where the primitive is in the source
	Text   string    // its source text: "smp_load_acquire(flag)"
	Kind   Kind
	Orig   Form  // the primitive as written (Prim, Order or Fence)
	Instrs []Ref // every instruction from it: several when a helper is inlined several times
	// Per call ([SitesPerCall]): the CPU and the chain of inlined helpers
	// the instructions came through (outermost first); Thread is -1 and
	// Via nil for a site of every call ([Sites]).
	Thread int
	Via    []string
	// On: for a dependency site, the reads it depends on, in source
	// order (from every instruction of the site).
	On []DepSource
}

// siteKind says whether an instruction is part of an ordering site, and
// of which kind.
func siteKind(in *model.Instr) (Kind, bool) {
	switch in.Op {
	case model.OpLoad:
		if in.Srcu {
			return 0, false
		}
		if in.Order == model.Acquire || in.Order == model.Once && in.Prim == "READ_ONCE" {
			return Load, true
		}
	case model.OpStore:
		if in.Srcu {
			return 0, false
		}
		if in.Prim == "smp_store_mb" {
			return StoreMb, true
		}
		if in.Order == model.Release || in.Order == model.Once && in.Prim == "WRITE_ONCE" {
			return Store, true
		}
	case model.OpRMW:
		if in.Order == model.Mb || in.Order == model.Acquire || in.Order == model.Release ||
			strings.HasPrefix(in.Prim, "refcount_") {
			// refcount_t's operations are sites whatever their ordering:
			// none has a weaker form in the kernel ([NoWeakerForm]).
			return RMW, true
		}
	case model.OpFence:
		if in.Prim == "smp_store_mb" {
			return StoreMb, true
		}
		switch in.Fence {
		case model.FenceMb, model.FenceRmb, model.FenceWmb, model.FenceBeforeAtomic,
			model.FenceAfterAtomic, model.FenceAfterSpinlock:
			return Fence, true
		}
	}
	return 0, false
}

// Sites returns the ordering sites of p in source order: one per
// primitive at one source position, however many instructions it gave.
func Sites(p *model.Program) []Site { return sites(p, false, false) }

// SitesPerCall returns the ordering sites of p with each call of a helper
// apart: one per primitive at one source position, CPU and chain of
// inlined helpers (a loop unrolled still gives one site; two calls of a
// helper from the same function on the same CPU, too, since the chain
// names functions, not lines). In source order, then by CPU and chain.
func SitesPerCall(p *model.Program) []Site { return sites(p, true, false) }

// DepSites returns the ordering sites of p and its dependency sites
// (deps.go), per call if perCall: the sites [Run] weakens under a model
// that heeds dependencies (memmodel.Model.NeedsDeps). A dependency site
// follows the ordering site of the same access.
func DepSites(p *model.Program, perCall bool) []Site { return sites(p, perCall, true) }

func sites(p *model.Program, perCall, deps bool) []Site {
	type key struct {
		pos    model.Pos
		prim   string
		kind   Kind // 0 for every ordering site: an ordering site has one kind
		thread int
		via    string
	}
	index := map[key]int{}
	var sites []Site
	add := func(t, i int, kind Kind, orig Form) int {
		in := &p.Threads[t].Code[i]
		k := key{in.Pos, in.Prim, 0, -1, ""}
		if kind.IsDep() {
			k.kind = kind
		}
		if perCall {
			k.thread, k.via = t, strings.Join(in.Call, "\x00")
		}
		n, seen := index[k]
		if !seen {
			n = len(sites)
			index[k] = n
			site := Site{Pos: in.Pos, Text: in.Text, Kind: kind, Orig: orig, Thread: -1}
			if perCall {
				site.Thread, site.Via = t, slices.Clone(in.Call)
			}
			sites = append(sites, site)
		}
		sites[n].Instrs = append(sites[n].Instrs, Ref{t, i})
		return n
	}
	for t, th := range p.Threads {
		var dep map[int][]depEdge
		if deps {
			dep = threadDeps(th)
		}
		for i := range th.Code {
			in := &th.Code[i]
			if kind, ok := siteKind(in); ok {
				orig := Form{Prim: in.Prim, Order: in.Order, Fence: in.Fence}
				if kind == StoreMb {
					orig = Form{Prim: in.Prim, Order: model.Once}
				}
				add(t, i, kind, orig)
			}
			for _, e := range dep[i] {
				var on []DepSource
				for _, r := range e.from {
					src := &th.Code[r]
					if src.Pos == in.Pos && src.Prim == in.Prim {
						continue // inside one primitive (test_and_set_bit_lock's test, then set)
					}
					on = append(on, DepSource{Pos: src.Pos, Text: src.Text})
				}
				if len(on) == 0 {
					continue
				}
				kind := map[model.DepKinds]Kind{model.DepAddr: AddrDep, model.DepData: DataDep, model.DepCtrl: CtrlDep}[e.kind]
				n := add(t, i, kind, Form{Prim: in.Prim, Order: in.Order})
				for _, ds := range on {
					if !slices.Contains(sites[n].On, ds) {
						sites[n].On = append(sites[n].On, ds)
					}
				}
			}
		}
	}
	for i := range sites {
		sort.SliceStable(sites[i].On, func(a, b int) bool { return sites[i].On[a].Pos.Before(sites[i].On[b].Pos) })
	}
	sort.SliceStable(sites, func(i, j int) bool {
		a, b := &sites[i], &sites[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		if a.Thread != b.Thread {
			return a.Thread < b.Thread
		}
		if c := slices.Compare(a.Via, b.Via); c != 0 {
			return c < 0
		}
		return a.Kind.IsDep() && b.Kind.IsDep() && a.Kind < b.Kind || !a.Kind.IsDep() && b.Kind.IsDep()
	})
	return sites
}
