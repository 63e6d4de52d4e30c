package model

// EventID names an event: its thread and its index in that thread's program
// order. The initial write of location l is InitID(l).
type EventID struct {
	Thread int32 // -1 for initial writes
	Index  int32 // po index; for initial writes, the location
}

// InitID is the initial write of a location.
func InitID(loc int) EventID { return EventID{Thread: -1, Index: int32(loc)} }

// IsInit reports whether the event is an initial write.
func (e EventID) IsInit() bool { return e.Thread < 0 }

// NoEvent is the zero-information ID (used for "none").
var NoEvent = EventID{Thread: -2, Index: -1}

// EventKind says what an event does.
type EventKind uint8

const (
	EvRead  EventKind = iota // reads Loc, value Val, from RF
	EvWrite                  // writes Val to Loc
	EvFence                  // a barrier (Fence)
	EvFree                   // kfree of the object Loc (conflicts with all its locations)
)

var kindNames = [...]string{"R", "W", "F", "FREE"}

func (k EventKind) String() string { return kindNames[k] }

// Event is one node of an execution graph.
type Event struct {
	Kind  EventKind
	Order Order     // access ordering; both halves of an RMW carry the RMW's; a failed cmpxchg's read is Once
	Fence FenceKind // for EvFence
	RMW   bool      // read: its po-successor is the write half of the same RMW; write: its po-predecessor is the read half
	Lock  bool      // part of spin_lock/spin_unlock (lock.cat's LKR/LKW/UL)
	Srcu  bool      // read: srcu_read_lock (Srcu-lock); write: srcu_read_unlock (Srcu-unlock)
	Loc   int       // location; for EvFree, the object; for synchronize_srcu, the srcu_struct; else -1 for fences
	Val   Value     // value read or written
	RF    EventID   // for reads: the write it reads from
	Instr int       // the instruction (index into Thread.Code) that made it
}

// IsAccess reports whether the event reads or writes memory.
func (e *Event) IsAccess() bool { return e.Kind == EvRead || e.Kind == EvWrite }

// ThreadStatus says how a thread ended in an execution.
type ThreadStatus uint8

const (
	Running ThreadStatus = iota // not finished (partial execution)
	Done                        // reached the end of its code
	Blocked                     // spinning in an await (or lock) that cannot be satisfied
	Cut                         // stopped by the loop bound
	Stopped                     // stopped at a violation or a failed assume
)

var statusNames = [...]string{"running", "done", "blocked", "cut", "stopped"}

func (s ThreadStatus) String() string { return statusNames[s] }

// Execution is an execution graph: events per thread in program order, the
// reads-from of each read (in the event), and the coherence order of the
// writes to each location. The initial write of each location is implicitly
// first in coherence order and is not listed in CO.
type Execution struct {
	Prog   *Program
	Events [][]Event      // per thread
	CO     [][]EventID    // per location: writes in coherence order (without the initial write)
	Status []ThreadStatus // per thread
	Regs   [][]Value      // per thread: final register values (when known)

	// Deps, when the model asks for them (memmodel.Model.NeedsDeps), gives
	// each event's dependencies: Deps[t][i] for Events[t][i]. Nil otherwise.
	Deps [][]Deps
}

// Deps lists the po-earlier reads of the same thread (by po index) that an
// event depends on, as the Linux-kernel memory model defines them:
//   - Addr: reads whose values were used to compute the event's address;
//   - Data: reads whose values were used to compute the value it writes;
//   - Ctrl: reads whose values decided a conditional branch that is
//     po-before the event (every event after such a branch depends on it).
type Deps struct {
	Addr, Data, Ctrl []int32
}

// Ev returns the event with the given ID (not an initial write).
func (x *Execution) Ev(id EventID) *Event { return &x.Events[id.Thread][id.Index] }

// WriteVal returns the value written by a write, including initial writes.
func (x *Execution) WriteVal(id EventID) Value {
	if id.IsInit() {
		return x.Prog.Init[id.Index]
	}
	return x.Ev(id).Val
}

// Loc returns the location an event accesses; for initial writes, the location.
func (x *Execution) Loc(id EventID) int {
	if id.IsInit() {
		return int(id.Index)
	}
	return x.Ev(id).Loc
}

// COIndex returns the position of a write in its location's coherence
// order: 0 for the initial write, k for CO[loc][k-1], -1 if absent.
func (x *Execution) COIndex(id EventID) int {
	if id.IsInit() {
		return 0
	}
	loc := x.Ev(id).Loc
	for i, w := range x.CO[loc] {
		if w == id {
			return i + 1
		}
	}
	return -1
}

// COLast returns the coherence-last write of a location.
func (x *Execution) COLast(loc int) EventID {
	if n := len(x.CO[loc]); n > 0 {
		return x.CO[loc][n-1]
	}
	return InitID(loc)
}

// NumEvents counts the events (not initial writes).
func (x *Execution) NumEvents() int {
	n := 0
	for _, t := range x.Events {
		n += len(t)
	}
	return n
}

// Clone returns a deep copy.
func (x *Execution) Clone() *Execution {
	y := &Execution{Prog: x.Prog}
	y.Events = make([][]Event, len(x.Events))
	for i, t := range x.Events {
		y.Events[i] = append([]Event(nil), t...)
	}
	y.CO = make([][]EventID, len(x.CO))
	for i, c := range x.CO {
		y.CO[i] = append([]EventID(nil), c...)
	}
	y.Status = append([]ThreadStatus(nil), x.Status...)
	if x.Deps != nil {
		y.Deps = make([][]Deps, len(x.Deps))
		for i, d := range x.Deps {
			y.Deps[i] = append([]Deps(nil), d...)
		}
	}
	y.Regs = make([][]Value, len(x.Regs))
	for i, r := range x.Regs {
		y.Regs[i] = append([]Value(nil), r...)
	}
	return y
}

// Final returns the final state of a complete execution: final registers,
// the coherence-last value of each location, and which objects were freed.
func (x *Execution) Final() *FinalState {
	s := &FinalState{Regs: x.Regs}
	x.FinalMem(s)
	return s
}

// FinalMem sets s.Mem and s.Freed as Final does, reusing their storage
// when it is big enough (an explorer fills one FinalState per complete
// execution); it leaves s.Regs alone.
func (x *Execution) FinalMem(s *FinalState) {
	if cap(s.Mem) < len(x.Prog.Locs) {
		s.Mem = make([]Value, len(x.Prog.Locs))
	}
	s.Mem = s.Mem[:len(x.Prog.Locs)]
	for l := range x.Prog.Locs {
		s.Mem[l] = x.WriteVal(x.COLast(l))
	}
	if cap(s.Freed) < len(x.Prog.Objects) {
		s.Freed = make([]bool, len(x.Prog.Objects))
	}
	s.Freed = s.Freed[:len(x.Prog.Objects)]
	clear(s.Freed)
	for _, t := range x.Events {
		for i := range t {
			if t[i].Kind == EvFree && t[i].Loc >= 0 {
				s.Freed[t[i].Loc] = true
			}
		}
	}
}
