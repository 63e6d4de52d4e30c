// Package litmus is mmcheck's front end: it reads .lit files (herd7's C
// litmus format plus the extensions of lit-language.md) and lowers them to
// the program IR of package [mmcheck/model].
//
// The pipeline is one-way: [Parse] preprocesses and builds a syntax tree ([File]), [Lower]
// resolves names, checks types and generates a [model.Program], and
// [Load] and [LoadFile] do both (reading #include'd files on the way,
// with [ReadSource]). [Format] prints a tree back as source, and [Disasm]
// lists a thread's lowered code for debugging. [Config] holds the options
// (report several errors on a line).
//
// Errors are data: every function returns a [model.ErrorList], sorted by
// position, one error per line, each "file:line:col: message" with a
// lower-case message in the style of Go's ("expected ';', found '}'",
// "undefined: foo", "x redeclared; previous declaration at f.lit:3:5").
// Every error is reported, only the first of each line unless
// [Config.AllErrors], up to [MaxErrors] (1,000; the list then ends with
// "too many errors: stopped after 1000"): a tool shows as many as it
// likes. The parser keeps going after an error, leaving *BadExpr,
// *BadStmt and *BadDecl nodes; it stops after [MaxErrors] errors by
// panicking with its own sentinel, which Parse recovers (any other panic
// is a bug and is re-raised). Messages quote the input printable and on
// one line: a character that is not part of the language is named by its
// code point ("invalid character U+00E9 'é'"), bad UTF-8 is "invalid
// UTF-8 encoding", and code is quoted up to 60 bytes.
//
// Input of any size or shape gives errors, never a stack overflow: the
// statements, expressions and conditions of one declaration or clause
// nest at most 1,000 levels deep, counted in the finished tree (so that
// the left-associative chains the parser builds by looping, a + b + c
// ..., count too), and also counting the bodies of inlined helpers in
// their callers; declared types nest at most 64 levels of pointers,
// arrays and structs. The work is linear in the input too: a thread's
// code is at most 65,536 instructions, lowering takes at most 2^18 steps
// plus 4 per byte of source (unrolled loops, inlined helpers and dead
// code, checked in each copy of a loop, multiply it), the names of the
// locations take at most 64 MiB, and files are read with [ReadSource]
// (regular files of at most [MaxSourceSize] bytes).
//
// # Grammar
//
// A file is
//
//	File     = "C" Name ["(" Name ")"] [String] {Key "=" Value} [Comment]
//	           { Define | Include | Struct | Typedef | PerCPU | Init | Func | Proc }
//	           { Clause } .
//	Define   = "#define" Name Expr .           // integer constant, one line
//	Include  = "#include" String .             // a header of Defines, Structs, Funcs
//	Struct   = "struct" Name "{" { Decl } "}" ";" .
//	Typedef  = "typedef" (Type | "struct" [Name] "{" { Decl } "}") {"*"} Name {"[" Expr "]"} ";" .
//	PerCPU   = ["static"] ("DEFINE_PER_CPU" | "DECLARE_PER_CPU") "(" Type {"*"} "," Name ")" ["=" (Expr | InitList)] ";" .
//	Init     = "{" { Decl | InitLoc ["=" Value] ";" | "set_cpu_online" "(" Expr "," Expr ")" ";" } "}" .
//	InitLoc  = ["_Atomic"] [Type {"*"}] Reg | ["*"] (Path | "[" Path "]") .  // herd7's; last ";" optional
//	Reg      = ["P"] N ":" Name .
//	Func     = {"static" | "inline" | Attr} Type Name "(" [Params] ")" (Block | ";") .
//	Attr     = "__always_inline" | "__inline" | "__inline__" .   // other attributes: see Attributes
//	Proc     = ["void"] "P" N "(" [Params] ")" Block .
//	Decl     = Type Var {"," Var} ";" .
//	Var      = {"*"} Name {"[" Expr "]"} ["=" (Expr | InitList)] .
//	InitList = "{" [Elem {"," Elem} [","]] "}" .
//	Elem     = ["." Field "=" | "[" Expr "]" "="] (Expr | InitList) .
//	Clause   = ("exists" | "~exists" | "forall" | "final" | "filter") Prop [With]
//	         | "observed" { {Cmp ";"} "and" } {Cmp ";"} [With]
//	         | "locations" "[" Term [Type] ["*"] {";" Term [Type] ["*"]} "]"
//	         | "leak_check" "(" Name {"," Name} ")" .
//	With     = "with" Name ":" ("exists" | "forall" | "~exists") {";" ...} .  // ignored, as herd7 does
//	Prop     = Prop "\/" Prop | Prop "/\" Prop | Prop "=>" Prop | ("~" | "not") Prop | "(" Prop ")"
//	         | "true" | "false" | "freed" "(" Name ")" | Cmp .
//	Cmp      = Term ("=" | "==" | "!=" | "<>") (Term | "*" Term | "[" Path "]" | InitList) .
//	Term     = Reg | Path | "[" Path "]" | ["-"] Int | "NULL" | "&" Path .
//	Path     = (Name | "per_cpu" "(" Path "," Expr ")") { "." Field | "[" Expr "]" } .
//
// That is the file after preprocessing (see Preprocessor below): the
// other directives are gone by then, and so are the lines of groups not
// taken and the definitions of function-like and empty macros, whose
// uses are expanded. The directives, lines starting with "#", are C's:
//
//	If       = ("#if" PPExpr | "#ifdef" Name | "#ifndef" Name) EOL Lines
//	           { "#elif" PPExpr EOL Lines } [ "#else" EOL Lines ] "#endif" EOL .
//	Macro    = "#define" Name ["(" [Params] ")"] {Token} EOL   // no space before "("
//	         | "#undef" Name EOL .
//	Params   = Name {"," Name} ["," "..." | "..."] | "..." .   // ... is __VA_ARGS__
//	SysInc   = "#include" "<" ("linux/" | "asm/") Path ">" EOL . // accepted, ignored
//	PPExpr   = C's integer constant expression, with "defined" "(" Name ")" and "defined" Name .
//
// Types are int and the other C integer types (intptr_t, long, unsigned,
// u32, bool, ...; all 64 bits wide in the model, but bool holds 0 or 1:
// a value converted to it, by an initialisation, assignment, cast or
// return, becomes !!v, bool.go), atomic_t, spinlock_t, cpumask_t and
// struct cpumask (the kernel's { unsigned long bits[W]; }, W words for a
// bit per CPU of the test, cpumask.go), void (results and void *),
// struct Name, the names declared by typedef (typedef.go; a name is a
// type from its typedef on, and after the #include of the header that
// declares it), pointers, and fixed arrays; const and volatile are accepted
// and ignored, and so are sparse's __rcu, __user, __kernel, __iomem and
// __force; __percpu qualifies a base type (T __percpu, the type of a
// per-CPU variable, which only a pointer may point to: T __percpu *p
// takes per_cpu_ptr() and this_cpu_ptr() as &var does; __percpu after a
// '*' is an error). Statements are those of C: declarations, expression
// statements, blocks, if/else, for, while, do-while, switch with case
// and default labels, break, continue, return, goto and labels:
//
//	Switch   = "switch" "(" Expr ")" Stmt .
//	Case     = ("case" Expr ["..." Expr] | "default") ":" [Stmt] .  // GNU's ranges; Stmt absent before "}"
//	Label    = Name ":" [Stmt] .
//	Goto     = "goto" Name ";" .
//	ForEach  = ("for_each_cpu" "(" Name "," Expr ")" | ("for_each_online_cpu" | "for_each_possible_cpu") "(" Name ")") Stmt .
//
// A switch is a chain of compares and jumps (switch.go), or, on a
// constant tag and with every case label heading a statement of the
// body, the code of the case taken alone; a forward goto is a
// jump and a backward one a loop, with an OpLoopIter on its back edge
// (goto.go), except that "L: S; if (c) goto L;" in one block, the only
// goto to L, is lowered as "do { S } while (c);" (an await if it spins). Expressions are those of C with
// C precedence, including assignment operators, ++/--, ?:, casts,
// && and || (short-circuit), ->, ., [], unary & and *, and sizeof
// (LP64 sizes, with C's struct layout: sizeof.go; the operand is not
// evaluated); integer constants
// are decimal, octal, hex, binary or character constants (u and l
// suffixes ignored) of up to 64 bits, and values are int64: a constant
// above LONG_MAX is the int64 of the same bits, as a 64-bit kernel stores
// it (0xffffffffffffffff and ULONG_MAX are -1, -9223372036854775808 is
// LONG_MIN), and constants from 2^40 to 2^40+2^20-1, the values of
// pointers to locations, are refused; NULL, true and false are
// predeclared. Comments are // and /* */ everywhere, and herd7's
// (* *) (nested) outside function bodies, where "(*" is code. After the
// name line, herd7's quoted string and Key=Value lines are kept as they
// are and otherwise ignored.
//
// # Attributes
//
// GCC's attributes and the kernel's macros for them (attr.go) are taken
// out of the token stream by the preprocessor, wherever they are, so the
// grammar above has none:
//
//	Attribute = ("__attribute__" | "__attribute") "(" "(" [AttrItem] {"," [AttrItem]} ")" ")"
//	          | KernelAttr ["(" Tokens ")"] .      // __aligned(64), __read_mostly, fallthrough, ...
//	AttrItem  = Name ["(" Tokens ")"] .           // Tokens: balanced parentheses
//
// An attribute that means nothing here (unused, section(".x"),
// format(printf, 1, 2), noinline, ...; names with or without GCC's __x__
// spelling) is dropped, so "__attribute__((fallthrough));" and
// "fallthrough;" are empty statements. aligned(N) (N an integer constant
// expression of numbers and #defines, a power of 2; 16 without one) is
// recorded: in a struct's head or after its body it is the struct's
// alignment ([StructDecl].Align, [TypedefDecl].Align), in a field's
// declaration the field's ([DeclStmt].Align), which sizeof's layout
// honours; elsewhere it changes no value and is dropped (a typedef of
// anything but a struct body refuses it). packed, cleanup, vector_size,
// mode and the others that change meaning, and any attribute not known,
// are refused by name at their position ("the packed attribute is not
// supported", "attribute 'x' is not supported"). The kernel's names
// (__aligned, __packed, __read_mostly, ____cacheline_aligned (64 bytes),
// __init, __maybe_unused, ...) are words of attr.go, not macros: a
// file's own #define of one is expanded instead.
//
// # Preprocessor
//
// The preprocessor (preproc.go) works on the scanner's tokens, as C's
// does, and hands the parser the tokens that remain: directives carried
// out, groups not taken dropped unparsed, macros expanded. On tokens
// rather than text, so positions stay exact: the lines of a group not
// taken are simply not handed on, and the tokens of a macro's expansion
// carry the position of its use, so that errors and the instructions'
// source text ([model.Instr.Text]) name the use. #if takes C's integer
// constant expressions (a name that is not a macro is 0; the primitives
// are defined, and cannot be #defined); function-like macros are expanded
// with their arguments expanded first and the result rescanned, except for
// the macro itself; # makes a string literal and ## pastes two tokens. A
// #define whose value looks like an integer constant expression is a macro
// for #if and also a constant of the program, a [DefineDecl], resolved by
// the lowering; one with any other value (a primitive, a call, an index)
// is expanded in code, and an empty one expands to nothing. #include
// "file" is read in place by [Load] and [LoadFile], with the macros so
// far, which then include those of the header; #include <linux/...> and
// <asm/...> are accepted and ignored, what the kernel's headers declare
// being built in. Variadic macros take the rest of the arguments as
// __VA_ARGS__. A constant #define'd again after its #undef is expanded in
// code from there on; used in code between the two, it is refused ("not
// supported yet"), as is expansion past 262,144 tokens.
//
// # Names
//
// Shared objects are the declarations and assignments of the init block,
// the parameters of processes, and (in herd7 files) variables only named
// in initial values or in conditions. A process parameter "T *name" names
// the shared variable name of type T, creating it (zero) if needed, and is
// a register holding &name. In code, a name is looked up in the enclosing
// blocks (locals and parameters), then among shared objects, #defines and
// functions. A helper function sees only its own parameters and locals
// and the globals. Conditions name registers as "N:reg" (top-level locals
// of process N) and locations by path; on the right of a comparison a
// bare variable name is its address, as in herd7.
//
// Files that use no extension (no constant #define, struct, helper
// function or #include "file") are read as herd7 reads them: an
// assignment to an undeclared name declares a register, and an int
// register may be dereferenced (herd7's registers are untyped). Files
// that use an extension are typed C: those are errors.
//
// DEFINE_PER_CPU(T, x) (and DECLARE_PER_CPU, and their _ALIGNED,
// _SHARED_ALIGNED, _READ_MOSTLY and _PAGE_ALIGNED forms, at the top level
// and in headers, percpu.go) defines a per-CPU variable: one object of
// type T __percpu, an instance of T for each CPU of the test (each
// process). Its initialiser initialises every instance; per_cpu(x, cpu)
// paths in the init block and in conditions name one. In code its name is
// no value (an error), only per_cpu(), this_cpu_*() and &x (a T __percpu
// *, for per_cpu_ptr() and this_cpu_ptr()) use it. nr_cpu_ids is the
// number of CPUs, a constant.
//
// # Lowering
//
// Every scalar (int, pointer, atomic_t, spinlock_t) field, array element
// or variable of a shared object is one [model.Loc], named "x",
// "mm.mm_count", "rq[1].lazy_mm", "arr[2]" or (CPU 1's instance of a
// per-CPU variable) "per_cpu(rq, 1).lazy_mm"; an object's locations are
// contiguous (fields in order, nested structs and arrays flattened), and
// pointers count in locations, so p + i advances by i elements of the
// pointed-to type. &obj is a pointer to the object's first location.
// Initial values are integer constants, NULL, &path, or the bare name of
// a shared variable (its address, as herd7 has it); ATOMIC_INIT(v) is v.
//
// Locals and parameters are registers ([model.Thread.Regs], with their
// names; temporaries have no name, and an inlined helper's locals are
// named "helper.local"). The address of a local cannot be taken. A
// parameter that is never assigned is not copied: it is the argument's
// register or constant, so that addresses known at compile time reach the
// instructions as immediates (a process parameter keeps its register and
// initial value, for conditions). Likewise a local initialised with a
// constant and never assigned again is used as that constant (its register
// is still set). Helper functions are inlined at each
// call; each instruction records the stack of helpers it was inlined from
// ([model.Instr.Call]), its position, and the source text of its
// operation ([model.Instr.Text]). Recursion is an error.
//
// Loads, stores, RMWs, kfree and lock operations take their address from
// a register or an immediate. A plain C access to shared memory (*p = 1,
// r = p->f, x = 3 for a shared x) is an OpLoad or OpStore of order
// [model.Plain]. A non-constant array index is checked by an OpBoundsCheck
// before use; a constant one out of range is an error. && || and ?:
// short-circuit; comparisons give 0 or 1; the code of a thread ends with
// OpHalt, which a return from the process body jumps to. Jumps to the next
// instruction are removed and "jz c, L1; jmp L2; L1:" becomes "jnz c, L2".
//
// # Loops
//
// A for loop whose trip count is fixed by constants
// (for (i = c0; i < c1; i++), the counter not assigned in the body) is
// unrolled when it runs at most 64 times, with the counter a constant in
// each copy of the body; longer ones are emitted as plain loops. A spin
// loop (a while, for or do-while whose iteration reads shared memory and
// only assigns registers: the body of a while or for loop does nothing,
// e.g. cpu_relax(), and a do-while body may load into registers) is an
// await: OpAwaitBegin, the iteration, and OpAwaitEnd with the register
// that is non-zero when the loop would go round again; so is an endless
// loop (for (;;), while (1)) whose body is "if (c) break;" followed by
// nothing that does anything, which spins while !c. Any other loop
// gets a counter register and an OpLoopIter on each back edge (reset on
// entry when the loop is inside another loop). do { } while (0) runs its
// body once.
//
// for_each_cpu(cpu, mask) S, for_each_online_cpu(cpu) S and
// for_each_possible_cpu(cpu) S are read as the kernel's macros expand,
// "for (cpu = 0; cpu < nr_cpu_ids; cpu++) if (for_each_cpu(cpu, mask))
// S", the call being the test of one CPU: a plain read of the mask's word
// (find_next_bit() reads it so; each CPU's bit is read anew, so the bits
// of one word may come from different writes, where the kernel's single
// read of a run of clear bits could not: no execution fewer), and
// always true for for_each_possible_cpu (the possible CPUs are the
// test's, a constant). The loop is unrolled; cpu is nr_cpu_ids after it.
//
// # Primitives
//
// The names of the kernel's linux-kernel.def, with their LKMM ordering
// (see [PrimitiveNames]): READ_ONCE, WRITE_ONCE, rcu_dereference (Once),
// rcu_assign_pointer (Release), smp_store_mb (Once store, then smp_mb),
// smp_load_acquire, smp_store_release, atomic_read[_acquire],
// atomic_set[_release]; the fences smp_mb, smp_rmb, smp_wmb,
// smp_mb__before_atomic, smp_mb__after_atomic, smp_mb__after_spinlock,
// smp_mb__after_unlock_lock, and rcu_read_lock, rcu_read_unlock,
// synchronize_rcu[_expedited] (fences of the RCU kinds); SRCU on a
// struct srcu_struct (a built-in type, one location): srcu_read_lock(s)
// and srcu_down_read(s) load *s as Srcu-lock, srcu_read_unlock(s, idx) and
// srcu_up_read(s, idx) store idx as Srcu-unlock, synchronize_srcu[_expedited](s)
// is a Sync-srcu fence on s, smp_mb__after_srcu_read_unlock a fence; xchg and cmpxchg
// and their atomic_ forms, atomic_{add,sub,inc,dec}_return,
// atomic_fetch_{add,sub,inc,dec,and,or,xor,andnot} with the _relaxed
// (Once), _acquire and _release variants, value-returning ones being Mb
// otherwise; atomic_{add,sub,inc,dec,and,or,xor,andnot} (Once, no value);
// atomic_dec_and_test, atomic_inc_and_test, atomic_sub_and_test,
// atomic_add_negative, atomic_inc_not_zero and atomic_add_unless (Mb;
// their result is computed from the RMW's old value by ALU instructions
// after it); spin_lock, spin_unlock, spin_trylock, spin_is_locked; kfree;
// BUG_ON, WARN_ON and WARN_ON_ONCE (OpCheck; WARN_ON* also yields !!c),
// assert (OpCheck of !c) and assume (OpAssume); smp_processor_id() (the
// process number); cpu_relax() (nothing) and barrier() (a FenceBarrier that
// only lkmm's mixed-accesses flag heeds). likely(x) and unlikely(x) are
// !!(x) (builtin.go), unless the program defines a helper of that name. [model.Instr.Prim]
// is the name as written.
//
// Beyond linux-kernel.def, as the kernel's headers implement them (see
// docs/lit-language.md for each ordering): try_cmpxchg and
// atomic_try_cmpxchg with their variants (a cmpxchg, an ALU compare, and
// on failure a move into the local whose address is the second argument,
// or a plain store through it); atomic_long_* for every atomic_*;
// smp_cond_load_{acquire,relaxed} and atomic_cond_read_{acquire,relaxed}
// (an await: OpAwaitBegin, the load into the register VAL names, the
// condition, OpAwaitEnd); smp_acquire__after_ctrl_dep (FenceRmb);
// refcount_{read,set,set_release,inc,add,inc_not_zero,add_not_zero,
// inc_not_zero_acquire,add_not_zero_acquire,dec,dec_and_test,sub_and_test,
// dec_not_one,dec_if_one} (RMWs with OpCheck WARNs, and a
// FenceRmb on the success of the _and_test ones); and the
// bit operations {set,clear,change}_bit, test_bit[_acquire],
// test_and_{set,clear,change}_bit, test_and_set_bit_lock,
// clear_bit_unlock and __{set,clear,change}_bit on the word nr/64 with the
// mask 1 << nr%64, and the cpumask_* forms of seven of them (on a
// struct cpumask * or a bitmap); nr is checked as an array index against
// the bitmap, which runs to the end of the object (or per-CPU instance)
// its address points into when that address is known at compile time (a
// constant out of range is an error, a computed nr gets an
// OpBoundsCheck), and for the cpumask_* forms on a struct cpumask
// against the number of CPUs; num_possible_cpus() (the number of
// processes, a constant) and cpu_possible(cpu).
//
// Per-CPU variables (percpu.go): per_cpu(var, cpu), CPU cpu's instance
// of var, an lvalue (plain accesses), per_cpu_ptr(ptr, cpu) and
// this_cpu_ptr(ptr) (ptr is &var, var any lvalue path over per-CPU
// names, or a T __percpu * value), and this_cpu_{read,write,add,sub,inc,
// dec} (with the __this_cpu_ and raw_cpu_ forms): a Once load, a Once
// store, or a Once load and a Once store (not atomic against other CPUs,
// as in the kernel). A CPU number out of range is an error if constant,
// else an OpBoundsCheck.
//
// CPU masks and the online mask (cpumask.go): cpu_online(cpu) and
// cpu_is_offline(cpu) (test_bit: a Once load of the word of
// __cpu_online_mask), set_cpu_online(cpu, online) (test_and_set_bit or
// test_and_clear_bit, Mb, then if the bit changed a relaxed RMW of the
// count __num_online_cpus), num_online_cpus() (a Once load of the
// count), cpumask_empty(mask) and cpumask_weight(mask) (plain loads of
// the words, as bitmap_empty() and bitmap_weight()), and cpu_online_mask,
// the online mask's address. __cpu_online_mask (a struct cpumask, every
// CPU online) and __num_online_cpus are objects created when the program
// uses them and declares no object of that name; set_cpu_online(cpu, v);
// in the init block sets the initial mask. These names, and those of the
// per-CPU primitives and loops, are soft: a helper the program defines
// with one of them (or a macro) takes its place, silently.
//
// # Programs
//
// [model.Program.Cond], Filter and LeakCheck come from the clauses;
// Observed lists the registers and locations of the condition in order of
// first appearance, then those of locations [...]. Features lists the
// primitives used and "if", "else" and "plain-access", like the
// primitives column of the corpus's verdict tables.
//
// # Extensions
//
// Beyond herd7: the C preprocessor; #define of integer constants; struct
// declarations; typedefs; per-CPU variables and CPU masks; typed shared objects of struct and array type, with
// designated initialisers
// ({ .a = 1, .b = &x }, { [1] = &mm }) and assignments to any location
// path in the init block (rq[1].lazy_mm = &mm); helper functions (static,
// inline, void or returning a scalar; prototypes are allowed), inlined;
// locals anywhere with initialisers; the full C statement and expression
// language above; shared objects named directly in code (READ_ONCE(mm.pgd),
// &rq[cpu]); conditions on fields, elements and freed(obj); the leak_check
// clause; and #include "file" of a header holding #defines, structs and
// helper functions, read relative to the including file by [Load] and
// [LoadFile] (or [Config.ResolveIncludes]).
//
// # Files
//
// One concern per file. Reading: load.go and source.go (files and
// includes), scan.go (tokens), preproc.go and attr.go (the preprocessor,
// attributes), parse.go, herdgrammar.go and unsupported.go (the grammar,
// herd7's init and condition forms, the constructs refused by name),
// depth.go (nesting limits), ast.go, walk.go, format.go, errlist.go.
// Lowering: lower.go (the driver), resolve.go (names and types),
// typedef.go, types.go, sizeof.go, constexpr.go, layout.go (shared
// objects and their locations), percpu.go, cpumask.go, initial.go (the
// init block), cond.go (the clauses). Code generation: gen.go (the
// driver), stmt.go, loop.go, switch.go, goto.go, expr.go, bool.go,
// index.go, call.go (helpers and primitives) with the primitive table in
// prims.go, and builtin.go. Listings: describe.go, disasm.go.
package litmus
