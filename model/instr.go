package model

// Op is an instruction's operation. Registers hold [Value]s; memory is only
// touched by OpLoad, OpStore, OpRMW, OpFree and the lock operations, each of
// which makes events in the execution graph.
type Op uint8

const (
	OpNop         Op = iota
	OpMove           // Dst = A
	OpUnary          // Dst = Alu A            (AluNeg, AluNot, AluBitNot)
	OpBinary         // Dst = A Alu B
	OpJump           // goto Target
	OpJumpIf         // if A != 0 goto Target
	OpJumpIfNot      // if A == 0 goto Target
	OpLoad           // Dst = *A               (Order, Prim)
	OpStore          // *A = B                 (Order, Prim)
	OpRMW            // Dst = old *A; *A = f(old, B, C) (RMW, Order, Prim)
	OpFence          // Fence
	OpFree           // kfree(A)
	OpCheck          // violation Check if A != 0 (lowering negates assert's argument)
	OpAssume         // discard the execution if A == 0
	OpAwaitBegin     // start of one iteration of a spin loop (an await)
	OpAwaitEnd       // if A != 0 the loop would spin again: the CPU blocks here
	OpLoopIter       // Dst++; if Dst > the loop bound the execution is cut
	OpBoundsCheck    // violation CheckIndex unless 0 <= A < B
	OpLock           // spin_lock(A): await *A == 0, then *A = 1 (acquire RMW)
	OpUnlock         // spin_unlock(A): release store *A = 0
	OpTrylock        // Dst = spin_trylock(A)
	OpIsLocked       // Dst = spin_is_locked(A)
	OpHalt           // the CPU has finished
)

var opNames = [...]string{"nop", "mov", "unary", "binary", "jmp", "jnz", "jz", "load", "store",
	"rmw", "fence", "free", "check", "assume", "await", "awaitend", "loopiter", "bounds",
	"lock", "unlock", "trylock", "islocked", "halt"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op?"
}

// Alu is an arithmetic or logical operator.
type Alu uint8

const (
	AluAdd Alu = iota
	AluSub
	AluMul
	AluDiv // division by zero is a violation (CheckDivZero)
	AluMod
	AluAnd
	AluOr
	AluXor
	AluShl
	AluShr
	AluEq
	AluNe
	AluLt
	AluLe
	AluGt
	AluGe
	AluNeg    // unary -
	AluNot    // unary !
	AluBitNot // unary ~
)

var aluNames = [...]string{"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", "<=", ">", ">=", "-", "!", "~"}

func (a Alu) String() string { return aluNames[a] }

// Order is a memory access's ordering annotation, as the kernel writes it.
type Order uint8

const (
	Plain   Order = iota // C access: x = 1, r = *p
	Once                 // READ_ONCE, WRITE_ONCE, relaxed RMWs, atomic_read/set
	Acquire              // smp_load_acquire, *_acquire RMWs
	Release              // smp_store_release, rcu_assign_pointer, *_release RMWs
	Mb                   // fully ordered RMWs (xchg, atomic_dec_and_test, ...)
)

var orderNames = [...]string{"plain", "once", "acquire", "release", "mb"}

func (o Order) String() string { return orderNames[o] }

// RMWOp says what an OpRMW writes, given the old value and operands B, C.
type RMWOp uint8

const (
	RMWXchg      RMWOp = iota // new = B
	RMWCmpXchg                // if old == B { new = C } else no write
	RMWAdd                    // new = old + B
	RMWSub                    // new = old - B
	RMWAnd                    // new = old & B
	RMWOr                     // new = old | B
	RMWXor                    // new = old ^ B
	RMWAndNot                 // new = old &^ B
	RMWAddUnless              // if old != C { new = old + B } else no write
)

var rmwNames = [...]string{"xchg", "cmpxchg", "add", "sub", "and", "or", "xor", "andnot", "add_unless"}

func (r RMWOp) String() string { return rmwNames[r] }

// Apply returns the value an RMW writes and whether it writes at all.
func (r RMWOp) Apply(old, b, c Value) (Value, bool) {
	switch r {
	case RMWXchg:
		return b, true
	case RMWCmpXchg:
		if old == b {
			return c, true
		}
		return 0, false
	case RMWAdd:
		return old + b, true
	case RMWSub:
		return old - b, true
	case RMWAnd:
		return old & b, true
	case RMWOr:
		return old | b, true
	case RMWXor:
		return old ^ b, true
	case RMWAndNot:
		return old &^ b, true
	case RMWAddUnless:
		if old != c {
			return old + b, true
		}
		return 0, false
	}
	return 0, false
}

// FenceKind is a barrier primitive.
type FenceKind uint8

const (
	FenceMb              FenceKind = iota // smp_mb
	FenceRmb                              // smp_rmb
	FenceWmb                              // smp_wmb
	FenceBeforeAtomic                     // smp_mb__before_atomic
	FenceAfterAtomic                      // smp_mb__after_atomic
	FenceAfterSpinlock                    // smp_mb__after_spinlock
	FenceAfterUnlockLock                  // smp_mb__after_unlock_lock
	FenceRCULock                          // rcu_read_lock (lkmm)
	FenceRCUUnlock                        // rcu_read_unlock (lkmm)
	FenceSyncRCU                          // synchronize_rcu (lkmm)
	FenceSyncSRCU                         // synchronize_srcu(s) (lkmm): the event's Loc is s
	FenceAfterSrcuUnlock                  // smp_mb__after_srcu_read_unlock (lkmm)
	FenceBarrier                          // barrier(): a compiler barrier; only lkmm's mixed-accesses flag heeds it
	NumFences                             // the number of fence kinds
)

var fenceNames = [...]string{"smp_mb", "smp_rmb", "smp_wmb", "smp_mb__before_atomic",
	"smp_mb__after_atomic", "smp_mb__after_spinlock", "smp_mb__after_unlock_lock",
	"rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "synchronize_srcu",
	"smp_mb__after_srcu_read_unlock", "barrier"}

func (f FenceKind) String() string { return fenceNames[f] }

// CheckKind is what an OpCheck (or a runtime check) reports.
type CheckKind uint8

const (
	CheckBug     CheckKind = iota // BUG_ON(c)
	CheckWarn                     // WARN_ON(c), WARN_ON_ONCE(c)
	CheckAssert                   // assert(c)
	CheckIndex                    // array index out of range
	CheckDivZero                  // division by zero
)

var checkNames = [...]string{"BUG_ON", "WARN_ON", "assert", "index out of range", "division by zero"}

func (c CheckKind) String() string { return checkNames[c] }

// Arg is an instruction operand: a register, or an immediate when Reg < 0.
type Arg struct {
	Reg int32
	Imm Value
}

// R returns a register operand; Imm an immediate one.
func R(reg int) Arg       { return Arg{Reg: int32(reg)} }
func Imm(v Value) Arg     { return Arg{Reg: -1, Imm: v} }
func (a Arg) IsImm() bool { return a.Reg < 0 }

// Instr is one instruction. Fields not used by Op are zero.
type Instr struct {
	Op     Op
	Alu    Alu
	Dst    int32 // destination register; -1 for none
	A      Arg
	B      Arg
	C      Arg
	Target int32 // jump target (index into Thread.Code)
	Order  Order
	RMW    RMWOp
	Fence  FenceKind // for OpFence; FenceSyncSRCU takes the srcu_struct's address in A
	Srcu   bool      // OpLoad: srcu_read_lock(A) (lkmm's Srcu-lock); OpStore: srcu_read_unlock(A, B) (Srcu-unlock)
	Check  CheckKind
	Prim   string   // primitive as written ("smp_load_acquire", "kfree"); "" for plain accesses
	Pos    Pos      // where the operation is in the source
	Text   string   // the source text of the operation ("atomic_dec_and_test(&mm->mm_count)")
	Call   []string // inlined helper functions, outermost first: ["finish_cpu", "mmdrop"]
	NoDeps DepKinds // dependencies of this instruction's events the model is not told of (see DepKinds)
}
