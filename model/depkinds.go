package model

// DepKinds is a set of kinds of dependency ([Deps]): Instr.NoDeps names
// those of an instruction's events that the execution does not record,
// although the values flow as before. No litmus program sets it: `mmcheck
// weaken` does, on a copy of the program, to see whether the ordering a
// dependency gives is what a verdict rests on (a dependency broken).
type DepKinds uint8

const (
	DepAddr DepKinds = 1 << iota // the address depends on reads (Deps.Addr)
	DepData                      // the value written depends on reads (Deps.Data)
	DepCtrl                      // a branch on reads decides whether it runs (Deps.Ctrl)
)

var depKindNames = []string{"addr", "data", "ctrl"}

// String names the kinds: "addr", "addr|ctrl"; "" for none.
func (k DepKinds) String() string {
	s := ""
	for i, n := range depKindNames {
		if k&(1<<i) != 0 {
			if s != "" {
				s += "|"
			}
			s += n
		}
	}
	return s
}
