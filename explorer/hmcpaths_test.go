package explorer

import (
	"fmt"
	"slices"

	"mmcheck/model"
)

// The HMC search's first static check, kept as the oracle of the one
// hmcstatic.go makes (TestHMCStaticOracle): it ran every path of every
// CPU over the enumeration's value domain, and refused a program whose
// paths break property 1, 2 or 3 of hmc.go's argument, or were too many
// to check (more than hmcMaxPaths per CPU).

// hmcRefusePaths returns why the HMC search cannot be complete on the
// program (see hmc.go's comment), or "", by the paths of its CPUs.
func (w *worker) hmcRefusePaths() string {
	if !w.ip.deps {
		return ""
	}
	_, paths, why := w.enumDomain()
	if why != "" {
		return "its paths are too many to check its dependencies: " + why
	}
	p := w.e.prog
	// Which CPUs read and write each location on some path: a cycle
	// enters a CPU at a read of a location another CPU writes, and leaves
	// it at a write of a location another CPU reads.
	readers := make([]map[int]bool, len(p.Locs))
	writers := make([]map[int]bool, len(p.Locs))
	for t, ps := range paths {
		for i := range ps {
			for _, e := range ps[i].events {
				m := readers
				if e.Kind == model.EvWrite {
					m = writers
				} else if e.Kind != model.EvRead {
					continue
				}
				if m[e.Loc] == nil {
					m[e.Loc] = map[int]bool{}
				}
				m[e.Loc][t] = true
			}
		}
	}
	other := func(m []map[int]bool, loc, t int) bool {
		return len(m[loc]) > 1 || len(m[loc]) == 1 && !m[loc][t]
	}
	for t, ps := range paths {
		if len(ps) > hmcMaxPaths {
			return fmt.Sprintf("P%d has more than %d paths to check its dependencies", t, hmcMaxPaths)
		}
		ext := func(e *model.Event) bool {
			if e.Kind == model.EvRead {
				return other(writers, e.Loc, t)
			}
			return other(readers, e.Loc, t)
		}
		reach := make([][]hmcReach, len(ps))
		for i := range ps {
			var why string
			if reach[i], why = hmcOrdered(p, t, &ps[i], ext); why != "" {
				return why
			}
			if why := hmcLocks(p, t, &ps[i]); why != "" {
				return why
			}
		}
		if why := hmcFunctional(p, t, ps, reach); why != "" {
			return why
		}
	}
	return ""
}

const hmcMaxPaths = 2000

// hmcReach is, for one event of a path, the reads (path indices) it
// depends on, through dependencies only (dep) and with rfi edges too
// (all).
type hmcReach struct {
	dep, all []bool
}

// hmcOrdered checks property 1 on one path of CPU t: every read a write
// depends on (with rfi) is ordered before it by lkmm. It returns the
// dependencies of each event.
func hmcOrdered(p *model.Program, t int, pa *path, ext func(*model.Event) bool) ([]hmcReach, string) {
	th := p.Threads[t]
	evs := pa.events
	n := len(evs)
	marked := func(i int) bool { return evs[i].Order != model.Plain }
	reach := make([]hmcReach, n)
	ord := make([][]bool, n) // ord[k][i]: read i is ordered before event k
	lastMb := -1             // the last full barrier (or fully ordered RMW) so far
	for k := 0; k < n; k++ {
		ev := &evs[k]
		dep := make([]bool, n)
		all := make([]bool, n)
		o := make([]bool, n)
		edge := func(i int, ppo bool) {
			if evs[i].Kind == model.EvRead {
				dep[i], all[i] = true, true
				if ppo {
					o[i] = true
				}
			}
			for j := 0; j < i; j++ {
				if reach[i].dep[j] {
					dep[j] = true
				}
				if reach[i].all[j] {
					all[j] = true
				}
				if ppo && ord[i][j] {
					o[j] = true
				}
			}
		}
		acc := ev.Kind == model.EvRead || ev.Kind == model.EvWrite
		if acc {
			d := &pa.deps[k]
			for _, i := range d.Addr {
				edge(int(i), marked(int(i)) && marked(k))
			}
			for _, i := range d.Data {
				edge(int(i), marked(int(i)) && marked(k) && ev.Kind == model.EvWrite)
			}
			for _, i := range d.Ctrl {
				edge(int(i), marked(int(i)) && marked(k) && ev.Kind == model.EvWrite)
			}
			if ev.Kind == model.EvWrite && ev.RMW && !(th.Code[ev.Instr].Op == model.OpRMW && th.Code[ev.Instr].RMW == model.RMWXchg) {
				edge(k-1, true) // rmw: taken as ordered (see the comment at the top)
			}
			for i := 0; i < k; i++ {
				if hmcLockRead(p, int32(t), &evs[i]) {
					edge(i, true) // a spin_lock's read, an acquire, decides whether k is made
				}
			}
		}
		if ev.Kind == model.EvRead {
			// rfi: the po-latest write to the location before it.
			for m := k - 1; m >= 0; m-- {
				if evs[m].Kind == model.EvWrite && evs[m].Loc == ev.Loc {
					for j := 0; j < m; j++ {
						if reach[m].all[j] {
							all[j] = true
						}
					}
					// (addr | data); [Marked]; rfi is ppo (and rmw; rfi is
					// taken as ordered, as rmw is).
					if marked(m) && marked(k) {
						d := &pa.deps[m]
						ins := append(slices.Clone(d.Addr), d.Data...)
						if evs[m].RMW && !(th.Code[evs[m].Instr].Op == model.OpRMW && th.Code[evs[m].Instr].RMW == model.RMWXchg) {
							ins = append(ins, int32(m-1))
						}
						for _, i := range ins {
							if marked(int(i)) {
								o[i] = true
								for j := 0; j < int(i); j++ {
									if ord[i][j] {
										o[j] = true
									}
								}
							}
						}
					}
					break
				}
			}
		}
		// Acquire reads, full barriers and release writes.
		if acc && marked(k) {
			for i := 0; i < k; i++ {
				if evs[i].Kind != model.EvRead || !marked(i) {
					continue
				}
				if evs[i].Order == model.Acquire || evs[i].Order == model.Mb || i < lastMb ||
					(ev.Kind == model.EvWrite && (ev.Order == model.Release || ev.Order == model.Mb)) {
					o[i] = true
				}
			}
		}
		if (ev.Kind == model.EvFence && ev.Fence == model.FenceMb) || (acc && ev.Order == model.Mb) {
			lastMb = k
			if acc && ev.Kind == model.EvWrite {
				lastMb = k + 1 // a fully ordered RMW: its read half too
			}
		}
		reach[k] = hmcReach{dep: dep, all: all}
		ord[k] = o
		if ev.Kind == model.EvWrite && ext(ev) {
			for i := 0; i < k; i++ {
				if all[i] && !o[i] && ext(&evs[i]) {
					return nil, fmt.Sprintf("P%d: %s (%s) depends on %s (%s), and lkmm does not order them (a plain access, a control dependency to a read, or ctrl; rfi): a load-buffering cycle through them may need a value only itself justifies",
						t, th.Code[ev.Instr].Text, th.Code[ev.Instr].Pos, th.Code[evs[i].Instr].Text, th.Code[evs[i].Instr].Pos)
				}
			}
		}
	}
	return reach, ""
}

// hmcFunctional checks property 2 on CPU t's paths: two paths whose
// events' D-predecessors read the same values make the event alike (or
// both make it). Events are named by instruction and occurrence.
func hmcFunctional(p *model.Program, t int, ps []path, reach [][]hmcReach) string {
	type name struct{ instr, occ int }
	names := make([][]name, len(ps))
	index := make([]map[name]int, len(ps))
	for pi := range ps {
		cnt := map[int]int{}
		index[pi] = map[name]int{}
		for k := range ps[pi].events {
			in := ps[pi].events[k].Instr
			nm := name{in, cnt[in]}
			cnt[in]++
			names[pi] = append(names[pi], nm)
			index[pi][nm] = k
		}
	}
	// A signature is an event's name and its D-predecessors' names; a
	// key adds what those read. outcome: what the event is under a key.
	type sig struct {
		k    name
		deps string
	}
	type key struct {
		s    sig
		vals string
	}
	sigDeps := map[sig][]name{}
	outcome := map[key]string{}
	th := p.Threads[t]
	bad := func(ev *model.Event) string {
		return fmt.Sprintf("P%d: whether %s (%s) is made, where, or what it writes depends on reads it has no dependency on (a value chosen by a branch, used after the branches join)",
			t, th.Code[ev.Instr].Text, th.Code[ev.Instr].Pos)
	}
	for pi := range ps {
		for k := range ps[pi].events {
			ev := &ps[pi].events[k]
			if ev.Kind != model.EvRead && ev.Kind != model.EvWrite {
				continue
			}
			var dn []name
			ds, vs := "", ""
			for i, d := range reach[pi][k].dep {
				if d {
					e := &ps[pi].events[i]
					dn = append(dn, names[pi][i])
					ds += fmt.Sprint(names[pi][i], ";")
					vs += fmt.Sprint(e.Loc, ":", e.Val, ";")
				}
			}
			sg := sig{names[pi][k], ds}
			sigDeps[sg] = dn
			out := fmt.Sprint(ev.Kind, ev.Loc)
			if ev.Kind == model.EvWrite {
				out += fmt.Sprint("=", ev.Val)
			}
			ky := key{sg, vs}
			if o, ok := outcome[ky]; ok && o != out {
				return bad(ev)
			}
			outcome[ky] = out
		}
	}
	// Every path with the D-predecessors' values of an event some path
	// makes must make it alike (or, if it stopped early, a check, an
	// await or the loop bound, not at all), whatever its own event's
	// D-predecessors are (v = r ? r : 1 has a data dependency on one
	// side only).
	for qi := range ps {
		for sg, dn := range sigDeps {
			vs := ""
			all := true
			for _, n := range dn {
				j, ok := index[qi][n]
				if !ok {
					all = false
					break
				}
				e := &ps[qi].events[j]
				vs += fmt.Sprint(e.Loc, ":", e.Val, ";")
			}
			if !all {
				continue
			}
			o, ok := outcome[key{sg, vs}]
			if !ok {
				continue
			}
			if j, made := index[qi][sg.k]; made {
				ev := &ps[qi].events[j]
				out := fmt.Sprint(ev.Kind, ev.Loc)
				if ev.Kind == model.EvWrite {
					out += fmt.Sprint("=", ev.Val)
				}
				if out == o {
					continue
				}
			} else if ps[qi].ts.status != model.Done {
				continue
			}
			{
				in := &th.Code[sg.k.instr]
				return fmt.Sprintf("P%d: whether %s (%s) is made, where, or what it writes depends on reads it has no dependency on (a value chosen by a branch, used after the branches join)",
					t, in.Text, in.Pos)
			}
		}
	}
	return ""
}

// hmcLocks refuses a path that unlocks a lock it does not hold.
func hmcLocks(p *model.Program, t int, pa *path) string {
	held := map[int]bool{}
	for i := range pa.events {
		ev := &pa.events[i]
		if !ev.Lock || ev.Kind != model.EvWrite {
			continue
		}
		if ev.RMW {
			held[ev.Loc] = true
			continue
		}
		if !held[ev.Loc] {
			in := &p.Threads[t].Code[ev.Instr]
			return fmt.Sprintf("P%d: %s (%s) releases a lock it does not hold (lock.cat's checks are not prefix-closed there)", t, in.Text, in.Pos)
		}
		held[ev.Loc] = false
	}
	return ""
}
