package memmodel

// A reference implementation of lkmm written straight from
// linux-kernel.cat, linux-kernel.bell and lock.cat with explicit relations
// (brel, from ref_test.go), initial writes as events and po as a relation,
// and random executions (with locks, RCU, dependencies, failed and
// non-returning RMWs) to compare the checker with it.

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"mmcheck/model"
)

type lkRef struct {
	n, nl int
	id    []model.EventID
	ev    []*model.Event // nil for initial writes
	thr   []int          // -1 for initial writes

	po, rf, co, fr, rmw, loc, ext, in brel
	addr, hb, pb, rb                  brel
	wwVis, wrVis, rwXb                brel
	isMarked, isW                     func(int) bool
	race, mixed                       bool // the data-race and mixed-accesses flags
}

// refLKMM returns the first failing axiom ("" if consistent) and the
// reference graph (for Ordered and the data-race and mixed-accesses flags).
func refLKMM(x *model.Execution) (string, *lkRef) {
	g := &lkRef{nl: len(x.CO)}
	idx := map[model.EventID]int{}
	for l := range x.CO {
		idx[model.InitID(l)] = len(g.id)
		g.id = append(g.id, model.InitID(l))
		g.ev = append(g.ev, nil)
		g.thr = append(g.thr, -1)
	}
	for t, evs := range x.Events {
		for i := range evs {
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			idx[id] = len(g.id)
			g.id = append(g.id, id)
			g.ev = append(g.ev, &evs[i])
			g.thr = append(g.thr, t)
		}
	}
	n := len(g.id)
	g.n = n
	if n > 64 {
		panic("lkRef: too many events")
	}
	code := func(i int) *model.Instr {
		e := g.ev[i]
		if e == nil {
			return nil
		}
		th := x.Prog.Threads[g.thr[i]]
		if e.Instr < 0 || e.Instr >= len(th.Code) {
			return nil
		}
		return &th.Code[e.Instr]
	}
	isIW := func(i int) bool { return g.ev[i] == nil }
	kind := func(i int) model.EventKind {
		if isIW(i) {
			return model.EvWrite
		}
		return g.ev[i].Kind
	}
	locOf := func(i int) int {
		if isIW(i) {
			return int(g.id[i].Index)
		}
		return g.ev[i].Loc
	}
	isR := func(i int) bool { return kind(i) == model.EvRead }
	isW := func(i int) bool { return kind(i) == model.EvWrite || kind(i) == model.EvFree }
	isM := func(i int) bool { return isR(i) || isW(i) }
	isF := func(i int) bool { return kind(i) == model.EvFence }
	fenceIs := func(k model.FenceKind) func(int) bool {
		return func(i int) bool { return isF(i) && g.ev[i].Fence == k }
	}
	rmwOp := func(i int) bool { in := code(i); return in != nil && in.Op == model.OpRMW }
	failed := func(i int) bool { return isR(i) && !g.ev[i].RMW && rmwOp(i) }
	isMarked := func(i int) bool {
		return isIW(i) || isF(i) || (kind(i) == model.EvRead || kind(i) == model.EvWrite) && (g.ev[i].Order != model.Plain || g.ev[i].Lock)
	}
	isPlain := func(i int) bool { return isM(i) && !isMarked(i) }
	lock := func(i int) bool { return !isIW(i) && g.ev[i].Lock }
	isLKR := func(i int) bool { return isR(i) && lock(i) && g.ev[i].RMW }
	isLKW := func(i int) bool { return kind(i) == model.EvWrite && lock(i) && g.ev[i].RMW }
	isUL := func(i int) bool { return kind(i) == model.EvWrite && lock(i) && !g.ev[i].RMW }
	isLF := func(i int) bool { return isR(i) && lock(i) && !g.ev[i].RMW }
	isRU := func(i int) bool {
		in := code(i)
		return isR(i) && in != nil && in.Op == model.OpIsLocked && g.ev[i].Val == 0
	}
	isAcq := func(i int) bool {
		return isLKR(i) || isR(i) && g.ev[i].Order == model.Acquire && !isLF(i) && !failed(i)
	}
	isRel := func(i int) bool { return kind(i) == model.EvWrite && !isIW(i) && g.ev[i].Order == model.Release }
	isMb := func(i int) bool {
		return (kind(i) == model.EvRead || kind(i) == model.EvWrite) && !isIW(i) && g.ev[i].Order == model.Mb && !failed(i) && !lock(i)
	}
	isNoret := func(i int) bool {
		in := code(i)
		return isR(i) && g.ev[i].RMW && in != nil && in.Op == model.OpRMW && lkNoreturn(in.Prim)
	}
	isAtomic := func(i int) bool {
		return (kind(i) == model.EvRead || kind(i) == model.EvWrite) && !isIW(i) && !lock(i) && (g.ev[i].RMW || rmwOp(i))
	}
	R4rmb := func(i int) bool { return isR(i) && !isNoret(i) }
	notNoret := func(i int) bool { return !isNoret(i) }
	id := func(p func(int) bool) brel { return ident(n, p) }
	all := func(int) bool { return true }

	// Basic relations.
	g.po = pairs(n, func(a, b int) bool { return g.thr[a] >= 0 && g.thr[a] == g.thr[b] && a < b })
	g.in = pairs(n, func(a, b int) bool { return g.thr[a] >= 0 && g.thr[a] == g.thr[b] })
	g.ext = pairs(n, func(a, b int) bool { return a != b && !g.in.has(a, b) })
	g.loc = pairs(n, func(a, b int) bool { return isM(a) && isM(b) && locOf(a) == locOf(b) })
	g.rf = newBrel(n)
	for i := range g.ev {
		if isR(i) {
			g.rf.add(idx[g.ev[i].RF], i)
		}
	}
	g.co = newBrel(n)
	for l, ws := range x.CO {
		seq := append([]int{idx[model.InitID(l)]}, nil...)
		for _, w := range ws {
			seq = append(seq, idx[w])
		}
		for a := range seq {
			for b := a + 1; b < len(seq); b++ {
				g.co.add(seq[a], seq[b])
			}
		}
	}
	g.fr = g.rf.inv().seq(g.co).minus(id(all))
	g.rmw = pairs(n, func(a, b int) bool {
		return b == a+1 && isR(a) && kind(b) == model.EvWrite && !isIW(a) && !isIW(b) &&
			g.thr[a] == g.thr[b] && g.ev[a].RMW && g.ev[b].RMW
	})
	rfe, rfi := g.rf.inter(g.ext), g.rf.inter(g.in)
	coe, fre := g.co.inter(g.ext), g.fr.inter(g.ext)
	poloc := g.po.inter(g.loc)

	if !poloc.union(g.rf, g.co, g.fr).acyclic() {
		return "coherence", g
	}
	if !g.rmw.inter(fre.seq(coe)).empty() {
		return "atomic", g
	}
	// lock.cat
	ul := id(isUL)
	if !id(isLKW).seq(poloc).seq(id(isLKR)).minus(poloc.seq(ul).seq(poloc)).empty() {
		return "lock-nest", g
	}
	if !id(isLKW).seq(poloc).seq(id(isRU)).minus(poloc.seq(ul).seq(poloc)).empty() {
		return "nested-is-locked", g
	}
	critical := id(isLKW).seq(poloc).seq(ul).minus(poloc.seq(id(func(i int) bool { return isLKW(i) || isUL(i) })).seq(poloc))
	unmatched := func(i int) bool { return isLKW(i) && critical[i] == 0 }
	if !id(unmatched).seq(g.loc).seq(id(unmatched)).minus(id(all)).empty() {
		return "unmatched-locks", g
	}

	// Dependencies.
	addr0, data0, ctrl0 := newBrel(n), newBrel(n), newBrel(n)
	for i := range g.ev {
		if isIW(i) || x.Deps == nil {
			continue
		}
		d := x.Deps[g.thr[i]][g.id[i].Index]
		base := i - int(g.id[i].Index)
		for _, k := range d.Addr {
			addr0.add(base+int(k), i)
		}
		for _, k := range d.Data {
			data0.add(base+int(k), i)
		}
		for _, k := range d.Ctrl {
			ctrl0.add(base+int(k), i)
		}
	}
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			if g.rmw.has(a, b) {
				if in := code(b); in != nil && in.Op == model.OpRMW && in.RMW != model.RMWXchg && in.RMW != model.RMWCmpXchg {
					data0.add(a, b)
				}
			}
		}
	}
	carry := data0.seq(rfi).star()
	addr, data, ctrl := carry.seq(addr0), carry.seq(data0), carry.seq(ctrl0)
	g.addr = addr

	// linux-kernel.cat
	M, W, R, Marked, Plain := id(isM), id(isW), id(isR), id(isMarked), id(isPlain)
	fencerel := func(p func(int) bool) brel { return g.po.seq(id(p)).seq(g.po) }
	poOpt := g.po.opt()
	acqPo := id(isAcq).seq(g.po).seq(M)
	poRel := M.seq(g.po).seq(id(isRel))
	pulp := g.po.seq(ul).seq(g.po.union(g.rf)).seq(id(isLKR)).seq(g.po)
	rmb := id(R4rmb).seq(fencerel(fenceIs(model.FenceRmb))).seq(id(R4rmb))
	wmb := W.seq(fencerel(fenceIs(model.FenceWmb))).seq(W)
	mbr := M.seq(fencerel(fenceIs(model.FenceMb))).seq(M).union(
		M.seq(g.po).seq(id(func(i int) bool { return isMb(i) && isR(i) })),
		id(func(i int) bool { return isMb(i) && kind(i) == model.EvWrite }).seq(g.po).seq(M),
		M.seq(fencerel(fenceIs(model.FenceBeforeAtomic))).seq(id(isAtomic)).seq(poOpt).seq(M),
		M.seq(poOpt).seq(id(isAtomic)).seq(fencerel(fenceIs(model.FenceAfterAtomic))).seq(M),
		M.seq(poOpt).seq(id(isLKW)).seq(fencerel(fenceIs(model.FenceAfterSpinlock))).seq(M),
		M.seq(pulp).seq(id(fenceIs(model.FenceAfterUnlockLock))).seq(g.po).seq(M))
	gp := g.po.seq(id(fenceIs(model.FenceSyncRCU))).seq(poOpt)
	strong := mbr.union(gp)
	nonrw := strong.union(poRel, acqPo)
	fence := nonrw.union(wmb, rmb)

	dep := addr.union(data)
	rwdep := dep.union(ctrl).seq(W)
	overwrite := g.co.union(g.fr)
	toW := rwdep.union(overwrite.inter(g.in), addr.seq(Plain).seq(wmb))
	toR := addr.seq(R).union(dep.seq(Marked).seq(rfi))
	ppo := toR.union(toW, fence.inter(g.in), pulp.inter(g.in))

	aCumul := func(r brel) brel { return rfe.seq(Marked).opt().seq(r) }
	rmwseq := g.rf.seq(g.rmw).star()
	cumul := Marked.seq(aCumul(strong.union(poRel)).union(wmb, pulp)).seq(Marked).seq(rmwseq)
	prop := Marked.seq(overwrite.inter(g.ext).opt()).seq(cumul.star()).seq(Marked).seq(rfe.opt()).seq(Marked)
	g.hb = Marked.seq(ppo.union(rfe, prop.minus(id(all)).inter(g.in))).seq(Marked)
	if !g.hb.acyclic() {
		return "happens-before", g
	}
	g.pb = prop.seq(strong).seq(g.hb.star()).seq(Marked)
	if !g.pb.acyclic() {
		return "propagation", g
	}

	// RCU: rcu-rscs by linux-kernel.bell's fixpoint.
	isLock, isUnlock := fenceIs(model.FenceRCULock), fenceIs(model.FenceRCUUnlock)
	matched := newBrel(n)
	for {
		um := func(i int) bool {
			dom := matched[i] != 0
			rng := false
			for j := range matched {
				if matched.has(j, i) {
					rng = true
				}
			}
			return isLock(i) && !dom || isUnlock(i) && !rng
		}
		umLocks := func(i int) bool { return isLock(i) && um(i) }
		umUnlocks := func(i int) bool { return isUnlock(i) && um(i) }
		umPo := id(um).seq(g.po).seq(id(um))
		next := matched.union(id(umLocks).seq(g.po).seq(id(umUnlocks)).minus(umPo.seq(umPo)))
		if equalWords(next, matched) {
			break
		}
		matched = next
	}
	rscsi := matched.inv()
	rcuGp := id(fenceIs(model.FenceSyncRCU))
	link := poOpt.seq(g.hb.star()).seq(g.pb.star()).seq(prop).seq(g.po)
	order := newBrel(n)
	for {
		next := rcuGp.union(
			rcuGp.seq(link).seq(rscsi),
			rscsi.seq(link).seq(rcuGp),
			rcuGp.seq(link).seq(order).seq(link).seq(rscsi),
			rscsi.seq(link).seq(order).seq(link).seq(rcuGp),
			order.seq(link).seq(order))
		if equalWords(next, order) {
			break
		}
		order = next
	}
	rcuFence := g.po.seq(order).seq(poOpt)
	fence2 := fence.union(rcuFence)
	strong2 := strong.union(rcuFence)
	g.rb = prop.seq(rcuFence).seq(g.hb.star()).seq(g.pb.star()).seq(Marked)
	if !g.rb.irreflexive() {
		return "rcu", g
	}

	// Plain accesses.
	xbstar := g.hb.union(g.pb, g.rb).star()
	vis := cumul.star().seq(rfe.opt()).seq(Marked).seq(strong2.seq(Marked).seq(xbstar).union(xbstar.inter(g.in)))
	wPre := Marked.seq(addr.union(fence2).opt())
	rPre := Marked.seq(addr.union(nonrw, id(R4rmb).seq(fencerel(fenceIs(model.FenceRmb))).seq(id(notNoret))).opt())
	wPost := fence2.opt().seq(Marked).seq(rmwseq)
	rPost := nonrw.union(id(notNoret).seq(fencerel(fenceIs(model.FenceRmb))).seq(id(R4rmb))).opt().seq(Marked)
	g.wwVis = fence2.union(strong2.seq(xbstar).seq(wPre), wPost.seq(vis).seq(wPre))
	g.wrVis = fence2.union(strong2.seq(xbstar).seq(rPre), wPost.seq(vis).seq(rPre))
	g.rwXb = fence2.union(rPost.seq(xbstar).seq(wPre))
	preRace := g.ext.inter(pairs(n, func(a, b int) bool {
		return isM(a) && isM(b) && (isPlain(a) || !isIW(a) && isPlain(b))
	}))
	wrIncoh := preRace.inter(g.rf).inter(g.rwXb.inv())
	rwIncoh := preRace.inter(g.fr).inter(g.wrVis.inv())
	wwIncoh := preRace.inter(g.co).inter(g.wwVis.inv())
	if !wrIncoh.union(rwIncoh, wwIncoh).empty() {
		return "plain-coherence", g
	}
	markedW := pairs(n, func(a, b int) bool { return isMarked(a) && isW(b) })
	wMarked := pairs(n, func(a, b int) bool { return isW(a) && isMarked(b) })
	wwNonrace := g.wwVis.inter(markedW.union(g.rwXb)).inter(wMarked.union(g.wrVis))
	wwRace := preRace.inter(g.co).minus(wwNonrace)
	wrRace := preRace.inter(g.co.opt().seq(g.rf)).minus(g.wrVis).minus(g.rwXb.inv())
	rwRace := preRace.inter(g.fr).minus(g.rwXb)
	g.race = !wwRace.union(wrRace, rwRace).empty()

	// mixed-accesses. herd7 has no kfree: it is not a Plain & W here.
	// (loc relates accesses only: the random executions have no
	// synchronize_srcu, the one fence with a location.)
	isRelease := func(i int) bool { return isRel(i) } // lock.cat's Release | UL: UL is a Release write
	barrierSet := func(i int) bool {
		return fenceIs(model.FenceBarrier)(i) || fenceIs(model.FenceRmb)(i) || fenceIs(model.FenceWmb)(i) ||
			fenceIs(model.FenceMb)(i) || isMb(i) || fenceIs(model.FenceSyncRCU)(i) || fenceIs(model.FenceSyncSRCU)(i) ||
			fenceIs(model.FenceBeforeAtomic)(i) || fenceIs(model.FenceAfterAtomic)(i) || isAcq(i) || isRelease(i) ||
			isLock(i) || isUnlock(i) || !isIW(i) && isM(i) && g.ev[i].Srcu
	}
	barrier := fencerel(barrierSet).union(g.po.seq(id(isRelease)), id(isAcq).seq(g.po))
	plainW := id(func(i int) bool { return isPlain(i) && kind(i) == model.EvWrite })
	mixed := plainW.seq(poloc.minus(barrier)).seq(Marked).union(Marked.seq(poloc.minus(barrier)).seq(plainW))
	g.mixed = !mixed.empty()
	g.isMarked, g.isW = isMarked, isW
	return "", g
}

// ordered is the reference for Checker.Ordered.
func (g *lkRef) ordered(a, b int) bool {
	if a == b || g.ev[b] == nil {
		return false
	}
	if g.ev[a] == nil {
		return true
	}
	if g.thr[a] == g.thr[b] {
		return a < b
	}
	switch g.ev[a].Kind {
	case model.EvRead:
		return g.rwXb.has(a, b)
	case model.EvWrite, model.EvFree:
		return g.wwVis.has(a, b) &&
			(g.isMarked(a) && g.isW(b) || g.rwXb.has(a, b)) &&
			(g.isW(a) && g.isMarked(b) || g.wrVis.has(a, b))
	}
	return false
}

// lkRandomExec returns a random small execution with the events lkmm
// distinguishes: plain and marked accesses, RMWs of several primitives
// (value-returning, non-returning, failed cmpxchg), every fence kind
// (RCU and barrier() included), spin locks on the last location (lock, unlock, failed
// trylock, spin_is_locked), kfree, and random dependencies. Each event
// has an instruction of its own in the thread's code (an RMW's two halves
// share one).
func lkRandomExec(rng *rand.Rand) *model.Execution { return lkRandomExecOps(rng, 0) }

// lkRandomExecOps is lkRandomExec with ops more operations per thread
// (longer chains of rf, rmw and fences).
func lkRandomExecOps(rng *rand.Rand, ops int) *model.Execution {
	nt := 2 + rng.IntN(3)
	nl := 1 + rng.IntN(3)
	if rng.IntN(3) != 0 {
		nl = 2
	}
	withLock := rng.IntN(3) == 0
	nlocs := nl
	if withLock {
		nlocs++
	}
	lk := nl // the lock's location
	b := newXB(nt, nlocs)
	pick := func(os ...model.Order) model.Order { return os[rng.IntN(len(os))] }
	for t := 0; t < nt; t++ {
		th := b.x.Prog.Threads[t]
		emit := func(in model.Instr, evs ...model.Event) {
			pc := len(th.Code)
			in.Dst = 0
			th.Code = append(th.Code, in)
			for _, e := range evs {
				e.Instr = pc
				b.add(t, e)
			}
		}
		k := 2 + rng.IntN(4)
		if nt == 4 {
			k = 1 + rng.IntN(3)
		}
		k += ops
		held := false
		for i := 0; i < k; i++ {
			l := rng.IntN(nl)
			c := rng.IntN(16)
			if withLock && c >= 13 {
				switch {
				case !held && rng.IntN(2) == 0:
					emit(model.Instr{Op: model.OpLock},
						model.Event{Kind: model.EvRead, Loc: lk, Order: acq, RMW: true, Lock: true},
						model.Event{Kind: model.EvWrite, Loc: lk, Order: acq, RMW: true, Lock: true, Val: 1})
					held = true
				case held && rng.IntN(3) != 0:
					emit(model.Instr{Op: model.OpUnlock}, model.Event{Kind: model.EvWrite, Loc: lk, Order: rel, Lock: true})
					held = false
				case rng.IntN(2) == 0:
					emit(model.Instr{Op: model.OpTrylock}, model.Event{Kind: model.EvRead, Loc: lk, Order: acq, Lock: true})
				default:
					emit(model.Instr{Op: model.OpIsLocked}, model.Event{Kind: model.EvRead, Loc: lk, Order: once})
				}
				continue
			}
			switch {
			case c < 4:
				emit(model.Instr{Op: model.OpLoad}, model.Event{Kind: model.EvRead, Loc: l, Order: pick(plain, plain, once, once, acq, acq)})
			case c < 7:
				emit(model.Instr{Op: model.OpStore}, model.Event{Kind: model.EvWrite, Loc: l, Order: pick(plain, plain, once, once, rel, rel)})
			case c < 9:
				var in model.Instr
				o := pick(once, acq, rel, mb, mb)
				switch rng.IntN(4) {
				case 0:
					in = model.Instr{Op: model.OpRMW, RMW: model.RMWAdd, Prim: "atomic_add", Dst: -1}
					o = once
				case 1:
					in = model.Instr{Op: model.OpRMW, RMW: model.RMWXchg, Prim: "xchg"}
				case 2:
					in = model.Instr{Op: model.OpRMW, RMW: model.RMWAdd, Prim: "atomic_add_return"}
				default:
					in = model.Instr{Op: model.OpRMW, RMW: model.RMWCmpXchg, Prim: "cmpxchg"}
				}
				emit(in, model.Event{Kind: model.EvRead, Loc: l, Order: o, RMW: true},
					model.Event{Kind: model.EvWrite, Loc: l, Order: o, RMW: true})
			case c < 10:
				emit(model.Instr{Op: model.OpRMW, RMW: model.RMWCmpXchg, Prim: "cmpxchg"},
					model.Event{Kind: model.EvRead, Loc: l, Order: once})
			case c < 12:
				f := model.FenceKind(rng.IntN(11))
				if f == 10 {
					f = model.FenceBarrier
				}
				emit(model.Instr{Op: model.OpFence}, model.Event{Kind: model.EvFence, Fence: f})
			case c < 13:
				emit(model.Instr{Op: model.OpFree}, model.Event{Kind: model.EvFree, Loc: l})
			default:
				emit(model.Instr{Op: model.OpFence}, model.Event{Kind: model.EvFence, Fence: model.FenceKind(7 + rng.IntN(3))})
			}
		}
		if evs := b.x.Events[t]; len(evs) > 0 && evs[len(evs)-1].RMW && !evs[len(evs)-1].Lock && rng.IntN(3) == 0 {
			b.x.Events[t] = evs[:len(evs)-1] // an RMW whose write is not there yet
		}
	}
	// rf and co: mostly coherent per location, else random.
	if rng.IntN(4) != 0 {
		coherentPerLocation(b.x, nlocs, rng)
	} else {
		writes := writesByLoc(b.x, nlocs)
		randomRF(b.x, writes, rng)
		for l, ws := range writes {
			co := append([]model.EventID(nil), ws...)
			rng.Shuffle(len(co), func(i, j int) { co[i], co[j] = co[j], co[i] })
			b.x.CO[l] = co
		}
	}
	// Values: lock writes write 1, unlocks 0; reads return their write's value.
	for _, evs := range b.x.Events {
		for i := range evs {
			if e := &evs[i]; e.Kind == model.EvRead {
				e.Val = b.x.WriteVal(e.RF)
			}
		}
	}
	// Dependencies on po-earlier reads.
	b.x.Deps = make([][]model.Deps, nt)
	for t, evs := range b.x.Events {
		b.x.Deps[t] = make([]model.Deps, len(evs))
		for i := range evs {
			d := &b.x.Deps[t][i]
			for k := 0; k < i; k++ {
				if evs[k].Kind != model.EvRead {
					continue
				}
				switch rng.IntN(8) {
				case 0:
					d.Addr = append(d.Addr, int32(k))
				case 1:
					if evs[i].Kind == model.EvWrite {
						d.Data = append(d.Data, int32(k))
					}
				case 2:
					d.Ctrl = append(d.Ctrl, int32(k))
				}
			}
		}
	}
	return b.x
}

// TestLKMMAgainstReference compares the checker's verdicts, failing
// axioms, Ordered and flags (data-race, mixed-accesses) with the reference
// on random executions, and checks that consistency is prefix-closed.
func TestLKMMAgainstReference(t *testing.T) {
	iters := *refIters
	if testing.Short() {
		iters /= 10
	}
	rng := rand.New(rand.NewPCG(*refSeed, 7))
	c := LKMM.NewChecker()
	verdicts := map[string]int{}
	races, mixed, shortcut, quick := 0, 0, 0, 0
	for it := 0; it < iters; it++ {
		x := lkRandomExec(rng)
		got := ""
		f := c.Check(x)
		if c.(*lkmmChecker).lazy {
			shortcut++ // judged by scShortcut; Flags and Ordered below compute the rest
		}
		if f != nil {
			got = f.Axiom
			for _, id := range f.Events {
				if id.IsInit() || int(id.Thread) >= len(x.Events) || int(id.Index) >= len(x.Events[id.Thread]) {
					t.Fatalf("failure names a bad event %v", id)
				}
			}
		}
		want, g := refLKMM(x)
		if got != want {
			t.Fatalf("iteration %d: got %q, reference %q on\n%s", it, verdict(got), verdict(want), lkDump(x))
		}
		verdicts[got]++
		if got != "" {
			continue
		}
		if lc := c.(*lkmmChecker); lc.lazy {
			// orderedQuick's proofs (before Flags computes the relations).
			for a := range g.ev {
				for b := range g.ev {
					if g.ev[a] == nil || g.ev[b] == nil || g.ev[b].Kind != model.EvFree && g.ev[b].Kind != model.EvWrite || g.id[a].IsInit() || g.id[b].IsInit() {
						continue
					}
					na, nb := lc.f.node(g.id[a]), lc.f.node(g.id[b])
					if lc.f.thr[na] != lc.f.thr[nb] && lc.orderedQuick(na, nb) {
						quick++
						if !g.ordered(a, b) {
							t.Fatalf("iteration %d: orderedQuick proves %v ordered before %v, the reference does not, on\n%s", it, g.id[a], g.id[b], lkDump(x))
						}
					}
				}
			}
		}
		fl := c.(Flagger).Flags()
		var wantFl []string
		if g.race {
			wantFl = append(wantFl, "data-race")
			races++
		}
		if g.mixed {
			wantFl = append(wantFl, "mixed-accesses")
			mixed++
		}
		if !slices.Equal(fl, wantFl) {
			t.Fatalf("iteration %d: flags %v, reference %v on\n%s", it, fl, wantFl, lkDump(x))
		}
		for a := range g.ev {
			for b := range g.ev {
				if g.ev[b] == nil || g.ev[b].Kind != model.EvFree && g.ev[b].Kind != model.EvWrite {
					continue
				}
				if w, o := g.ordered(a, b), c.Ordered(g.id[a], g.id[b]); w != o {
					t.Fatalf("iteration %d: Ordered(%v, %v) = %v, reference %v on\n%s", it, g.id[a], g.id[b], o, w, lkDump(x))
				}
			}
		}
		// Prefixes: only where spin_lock reads an unlock or the initial
		// value, as the explorer makes it (lock.cat's rf for LKR).
		if y := dropLast(x, rng); y != nil && lkLocksRealistic(x) {
			if f := c.Check(y); f != nil {
				t.Fatalf("a prefix of a consistent execution fails %s:\n%s\nprefix of\n%s", f.Axiom, lkDump(y), lkDump(x))
			}
		}
	}
	t.Logf("verdicts of %d: %v; %d with data races, %d with mixed accesses; %d judged by the SC shortcut; %d pairs proved ordered by orderedQuick", iters, verdicts, races, mixed, shortcut, quick)
	if quick < iters/100 {
		t.Errorf("orderedQuick proved %d pairs ordered: the test covers it too little", quick)
	}
	if shortcut < iters/100 || shortcut == verdicts[""] {
		t.Errorf("%d of %d consistent executions judged by the SC shortcut: the test covers it too little", shortcut, verdicts[""])
	}
	for _, ax := range LKMM.Axioms {
		if verdicts[ax] == 0 && ax != "lock-nest" && ax != "nested-is-locked" && ax != "unmatched-locks" {
			t.Errorf("no random execution fails %s: the test covers too little", ax)
		}
	}
	if verdicts[""] < iters/50 || races == 0 || mixed == 0 || mixed == verdicts[""] {
		t.Errorf("only %d consistent executions, %d with races, %d with mixed accesses: the test covers too little", verdicts[""], races, mixed)
	}
}

// lkLocksRealistic reports whether every successful lock read reads an
// unlock or the initial value.
func lkLocksRealistic(x *model.Execution) bool {
	for _, evs := range x.Events {
		for _, e := range evs {
			if e.Kind == model.EvRead && e.Lock && e.RMW && !e.RF.IsInit() {
				if w := x.Ev(e.RF); !w.Lock || w.RMW {
					return false
				}
			}
		}
	}
	return true
}

// lkDump is dump with the instructions' primitives and the dependencies.
func lkDump(x *model.Execution) string {
	s := dump(x)
	for t, evs := range x.Events {
		s += "P" + strconv.Itoa(t) + " instrs:"
		for i := range evs {
			in := x.Prog.Threads[t].Code[evs[i].Instr]
			s += " " + in.Op.String()
			if in.Prim != "" {
				s += "(" + in.Prim + ")"
			}
			if evs[i].Lock {
				s += "[lock]"
			}
			if x.Deps != nil {
				d := x.Deps[t][i]
				if len(d.Addr)+len(d.Data)+len(d.Ctrl) > 0 {
					s += "{a" + lkInts(d.Addr) + " d" + lkInts(d.Data) + " c" + lkInts(d.Ctrl) + "}"
				}
			}
		}
		s += "\n"
	}
	return s
}

func lkInts(v []int32) string {
	s := ""
	for i, k := range v {
		if i > 0 {
			s += ","
		}
		s += strconv.Itoa(int(k))
	}
	return s
}

// TestLKMMOrderedQuickLong compares orderedQuick's proofs with the
// reference on executions whose threads are longer than
// TestLKMMAgainstReference's (up to 10 operations), where its paths chain
// several rfe, rmw-sequence and fence edges.
func TestLKMMOrderedQuickLong(t *testing.T) {
	iters := *refIters
	if testing.Short() {
		iters /= 10
	}
	rng := rand.New(rand.NewPCG(*refSeed, 11))
	c := LKMM.NewChecker().(*lkmmChecker)
	proved, wide := 0, 0
	for it := 0; it < iters; it++ {
		x := lkRandomExecOps(rng, 4)
		if c.Check(x) != nil || !c.lazy {
			continue
		}
		_, g := refLKMM(x)
		for a := range g.ev {
			for b := range g.ev {
				if g.ev[a] == nil || g.ev[b] == nil || g.ev[b].Kind != model.EvFree && g.ev[b].Kind != model.EvWrite {
					continue
				}
				na, nb := c.f.node(g.id[a]), c.f.node(g.id[b])
				if c.f.thr[na] == c.f.thr[nb] || !c.orderedQuick(na, nb) {
					continue
				}
				proved++
				if len(c.quick.queue) > 3 {
					wide++ // the search reached more than 3 events
				}
				if !g.ordered(a, b) {
					t.Fatalf("iteration %d: orderedQuick proves %v ordered before %v, the reference does not, on\n%s", it, g.id[a], g.id[b], lkDump(x))
				}
			}
		}
	}
	t.Logf("%d executions: %d pairs proved ordered, %d by searches that reached more than 3 events", iters, proved, wide)
	if proved < iters/10 || wide < proved/20 {
		t.Errorf("%d pairs proved, %d of them by wider searches: the test covers orderedQuick too little", proved, wide)
	}
}
