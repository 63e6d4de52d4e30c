package memmodel

import (
	"fmt"

	"mmcheck/model"
)

// xb builds small executions by hand. Locations are 0..n-1, each its own
// object; writes join the end of their location's coherence order unless
// the test calls co.
type xb struct {
	x *model.Execution
}

func newXB(threads, locs int) *xb {
	p := &model.Program{Name: "test"}
	for l := 0; l < locs; l++ {
		name := fmt.Sprintf("v%d", l)
		p.Objects = append(p.Objects, model.Object{Name: name, Type: "int", Base: l, Size: 1})
		p.Locs = append(p.Locs, model.Loc{Name: name, Obj: l})
		p.Init = append(p.Init, 0)
	}
	for t := 0; t < threads; t++ {
		p.Threads = append(p.Threads, &model.Thread{ID: t, Name: fmt.Sprintf("P%d", t)})
	}
	return &xb{x: &model.Execution{
		Prog:   p,
		Events: make([][]model.Event, threads),
		CO:     make([][]model.EventID, locs),
		Status: make([]model.ThreadStatus, threads),
		Regs:   make([][]model.Value, threads),
	}}
}

func (b *xb) add(t int, e model.Event) model.EventID {
	b.x.Events[t] = append(b.x.Events[t], e)
	return model.EventID{Thread: int32(t), Index: int32(len(b.x.Events[t]) - 1)}
}

// W adds a write to loc with ordering o at the end of loc's coherence order.
func (b *xb) W(t, loc int, o model.Order) model.EventID {
	id := b.add(t, model.Event{Kind: model.EvWrite, Order: o, Loc: loc, Val: 1})
	b.x.CO[loc] = append(b.x.CO[loc], id)
	return id
}

// R adds a read of loc from write from (model.InitID(loc) for the initial value).
func (b *xb) R(t, loc int, from model.EventID, o model.Order) model.EventID {
	return b.add(t, model.Event{Kind: model.EvRead, Order: o, Loc: loc, RF: from})
}

// RMW adds a successful RMW reading from; its write goes right after from
// in coherence order.
func (b *xb) RMW(t, loc int, from model.EventID, o model.Order) (r, w model.EventID) {
	r = b.add(t, model.Event{Kind: model.EvRead, Order: o, RMW: true, Loc: loc, RF: from})
	w = b.add(t, model.Event{Kind: model.EvWrite, Order: o, RMW: true, Loc: loc, Val: 1})
	co := b.x.CO[loc]
	pos := 0
	for i, c := range co {
		if c == from {
			pos = i + 1
		}
	}
	co = append(co, model.EventID{})
	copy(co[pos+1:], co[pos:])
	co[pos] = w
	b.x.CO[loc] = co
	return r, w
}

// Lock adds spin_lock(loc) reading from (an unlock or the initial value).
func (b *xb) Lock(t, loc int, from model.EventID) (r, w model.EventID) {
	r, w = b.RMW(t, loc, from, model.Acquire)
	b.x.Events[t][r.Index].Lock = true
	b.x.Events[t][w.Index].Lock = true
	return r, w
}

// Unlock adds spin_unlock(loc).
func (b *xb) Unlock(t, loc int) model.EventID {
	id := b.W(t, loc, model.Release)
	b.x.Events[t][id.Index].Lock = true
	return id
}

// F adds a fence.
func (b *xb) F(t int, k model.FenceKind) model.EventID {
	return b.add(t, model.Event{Kind: model.EvFence, Fence: k})
}

// Free adds kfree(obj).
func (b *xb) Free(t, obj int) model.EventID {
	return b.add(t, model.Event{Kind: model.EvFree, Loc: obj})
}

// co sets loc's coherence order.
func (b *xb) co(loc int, ws ...model.EventID) {
	b.x.CO[loc] = append([]model.EventID(nil), ws...)
}

func ini(loc int) model.EventID { return model.InitID(loc) }
