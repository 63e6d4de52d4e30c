package explorer

import "mmcheck/model"

// dropDeps clears the dependencies of an instruction's action that the
// instruction says the model is not told of (model.Instr.NoDeps, which
// `mmcheck weaken` sets to break a dependency). The values, and the
// taint of the registers, flow as before: only the relation the model
// sees (model.Execution.Deps) and the load-buffering check (depKept)
// lose the edges.
func dropDeps(in *model.Instr, a *action) {
	if in.NoDeps == 0 {
		return
	}
	if in.NoDeps&model.DepAddr != 0 {
		a.addr = nil
	}
	if in.NoDeps&model.DepData != 0 {
		a.data = nil
	}
	if in.NoDeps&model.DepCtrl != 0 {
		a.ctrl = nil
	}
}

// depKept reports whether the load-buffering check may count on a
// dependency of kind k of in's events: false when in.NoDeps drops it.
func depKept(in *model.Instr, k model.DepKinds) bool { return in.NoDeps&k == 0 }
