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
)

var kindNames = [...]string{"load", "store", "store_mb", "rmw", "fence"}

func (k Kind) String() string { return kindNames[k] }

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
		if in.Order == model.Mb || in.Order == model.Acquire || in.Order == model.Release {
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
func Sites(p *model.Program) []Site { return sites(p, false) }

// SitesPerCall returns the ordering sites of p with each call of a helper
// apart: one per primitive at one source position, CPU and chain of
// inlined helpers (a loop unrolled still gives one site; two calls of a
// helper from the same function on the same CPU, too, since the chain
// names functions, not lines). In source order, then by CPU and chain.
func SitesPerCall(p *model.Program) []Site { return sites(p, true) }

func sites(p *model.Program, perCall bool) []Site {
	type key struct {
		pos    model.Pos
		prim   string
		thread int
		via    string
	}
	index := map[key]int{}
	var sites []Site
	for t, th := range p.Threads {
		for i := range th.Code {
			in := &th.Code[i]
			kind, ok := siteKind(in)
			if !ok {
				continue
			}
			k := key{in.Pos, in.Prim, -1, ""}
			if perCall {
				k.thread, k.via = t, strings.Join(in.Call, "\x00")
			}
			n, seen := index[k]
			if !seen {
				n = len(sites)
				index[k] = n
				orig := Form{Prim: in.Prim, Order: in.Order, Fence: in.Fence}
				if kind == StoreMb {
					orig = Form{Prim: in.Prim, Order: model.Once}
				}
				site := Site{Pos: in.Pos, Text: in.Text, Kind: kind, Orig: orig, Thread: -1}
				if perCall {
					site.Thread, site.Via = t, slices.Clone(in.Call)
				}
				sites = append(sites, site)
			}
			sites[n].Instrs = append(sites[n].Instrs, Ref{t, i})
		}
	}
	sort.SliceStable(sites, func(i, j int) bool {
		a, b := &sites[i], &sites[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		if a.Thread != b.Thread {
			return a.Thread < b.Thread
		}
		return slices.Compare(a.Via, b.Via) < 0
	})
	return sites
}
