// Package model holds the data every other package of mmcheck shares: source
// positions ([Pos]) and positioned errors ([ErrorList]); the program IR that
// the litmus front end produces ([Program], [Thread], [Instr]); and the
// execution graphs that the explorer builds and the memory models judge
// ([Execution], [Event]).
//
// # The program IR
//
// A [Program] is shared memory plus one instruction list per CPU. Memory
// is a flat array of locations ([Loc]), one per scalar variable, struct
// field or array element; top-level declarations are [Object]s, the unit of
// kfree. A pointer is the [Value] PtrBase+loc, so pointer arithmetic is in
// units of locations and NULL is 0. Locals are registers. Helper functions
// are inlined by the front end, so a thread's code is a flat list with
// jumps. Only OpLoad, OpStore, OpRMW, OpFence, OpFree and the lock
// operations touch memory; each makes events. Every instruction keeps the
// source [Pos], the source text of the operation and the stack of inlined
// calls, so that traces can quote the code.
//
// Spin loops that only read are awaits: OpAwaitBegin starts an iteration
// and OpAwaitEnd blocks the CPU if the loop would go round again (an
// explorer never runs a second iteration: some other execution reads the
// later values). Other loops count iterations with OpLoopIter and are cut
// at the loop bound.
//
// # Execution graphs
//
// An [Execution] is the axiomatic view of one run (as in herd7 and GenMC):
// events per thread in program order (po); for each read, the write it
// reads from (rf, in [Event].RF); for each location, the coherence order
// of its writes (co, in [Execution].CO, with the initial write first and
// implicit). Memory models are predicates over these graphs.
//
// model imports nothing but the standard library.
package model
