package model

// ViolationKind classifies what went wrong in an execution.
type ViolationKind uint8

const (
	UseAfterFree ViolationKind = iota // an access not ordered before the kfree of its object
	DoubleFree                        // kfree of a freed object
	BadFree                           // kfree of a pointer that is not the start of an object
	NullDeref                         // access through NULL
	WildDeref                         // access through a non-pointer or outside memory
	BugOn                             // BUG_ON(c) with c true
	WarnOn                            // WARN_ON(c) with c true
	AssertFail                        // assert(c) with c false
	IndexRange                        // array index out of range
	DivZero                           // division by zero
	Deadlock                          // every unfinished CPU is blocked for good
	Leak                              // an object still allocated at the end
	DataRace                          // a data race on a plain access (lkmm, --check-races)
	CondWitness                       // a final state witnessing exists / falsifying ~exists, forall
)

var violationNames = [...]string{"use after free", "double free", "bad free", "NULL dereference",
	"wild dereference", "BUG_ON", "WARN_ON", "assertion failed", "index out of range",
	"division by zero", "deadlock", "leak", "data race", "condition"}

func (k ViolationKind) String() string { return violationNames[k] }

// Violation is a bug found in one execution. Event and Other locate it in the
// execution graph (NoEvent when not applicable).
type Violation struct {
	Kind     ViolationKind
	Msg      string  // one sentence: "READ_ONCE(mm.pgd) is not ordered before kfree(mm)"
	Thread   int     // the CPU where it happened (-1 for global ones)
	Event    EventID // the offending access (or NoEvent)
	Other    EventID // the related event: the kfree, the first kfree, ... (or NoEvent)
	Pos      Pos     // where in the source
	OtherPos Pos     // where the related event is
}
