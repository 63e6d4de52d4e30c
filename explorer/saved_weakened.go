package explorer

// SavedWeakening is one ordering site of a litmus program weakened, as a
// saved trace of `mmcheck weaken` records it (SavedTrace.Weakened): what
// package weaken needs to find the site in the program lowered again and
// weaken it the same way. Replay does not read it: it replays the trace
// against the program it is given, which the caller weakens first.
type SavedWeakening struct {
	Pos  string   `json:"pos"`           // the site's source position: "file:line:col", the file's base name
	Prim string   `json:"primitive"`     // the primitive as written: "smp_load_acquire"
	Kind string   `json:"kind"`          // the site's kind: "load", "fence", "addr-dep", ...
	CPU  *int     `json:"cpu,omitempty"` // a site of one call (weaken --per-call): its CPU
	Via  []string `json:"via,omitempty"` // and its chain of inlined helpers, outermost first
	Form string   `json:"form"`          // the form it was weakened to: "READ_ONCE", "plain", "nothing", "no dependency"
}
