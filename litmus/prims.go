package litmus

import (
	"slices"
	"strings"

	"mmcheck/model"
)

// primKind says how a primitive is lowered.
type primKind uint8

const (
	pLoadLV         primKind = iota // READ_ONCE(lv): load from a location named by an lvalue
	pStoreLV                        // WRITE_ONCE(lv, v)
	pStoreMb                        // smp_store_mb(lv, v): store Once, then smp_mb
	pLoadP                          // smp_load_acquire(p): load through a pointer
	pStoreP                         // smp_store_release(p, v)
	pFence                          // smp_mb() etc.
	pXchg                           // xchg(p, v)
	pCmpxchg                        // cmpxchg(p, old, new)
	pAtomicOp                       // atomic_add(i, p): RMW, no value
	pAtomicRet                      // atomic_add_return(i, p): RMW, value old op i
	pAtomicFetch                    // atomic_fetch_add(i, p): RMW, value old
	pTest                           // atomic_dec_and_test(p) & co: RMW, value computed from old
	pAddUnless                      // atomic_add_unless(p, a, u), atomic_inc_not_zero(p)
	pLock                           // spin_lock(p)
	pUnlock                         // spin_unlock(p)
	pTrylock                        // spin_trylock(p)
	pIsLocked                       // spin_is_locked(p)
	pFree                           // kfree(p)
	pCheck                          // BUG_ON(c), WARN_ON(c), WARN_ON_ONCE(c), assert(c)
	pAssume                         // assume(c)
	pCPU                            // smp_processor_id()
	pNop                            // cpu_relax()
	pSrcuLock                       // srcu_read_lock(s), srcu_down_read(s): a Srcu-lock load of *s, its value the index
	pSrcuUnlock                     // srcu_read_unlock(s, idx), srcu_up_read(s, idx): a Srcu-unlock store of idx to *s
	pSyncSrcu                       // synchronize_srcu(s): a Sync-srcu fence on s
	pTryCmpxchg                     // try_cmpxchg(p, &old, new): cmpxchg; true on success, else old = *p
	pCondLoad                       // smp_cond_load_acquire(p, cond): an await on cond, VAL the value read
	pRefInc                         // refcount_inc(r): relaxed RMW; WARN if it was 0
	pRefDec                         // refcount_dec(r), refcount_dec_and_test(r): release RMW (acquire on success)
	pRefAddNotZero                  // refcount_add_not_zero(i, r): relaxed add_unless(r, i, 0)
	pRefDecIfOne                    // refcount_dec_if_one(r): cmpxchg_release(r, 1, 0) == 1
	pRefDecNotOne                   // refcount_dec_not_one(r): release add_unless(r, -1, 1)
	pBitOp                          // set_bit(nr, p): RMW of p's word nr/64, no value
	pTestBit                        // test_bit(nr, p): READ_ONCE of the word, the bit's value
	pTestAndBit                     // test_and_set_bit(nr, p): RMW of the word, value the old bit
	pTestAndSetLock                 // test_and_set_bit_lock(nr, p): READ_ONCE; if clear, an acquire fetch_or
	pPlainBit                       // __set_bit(nr, p): plain read and write of the word
	pNumCPUs                        // num_possible_cpus(): the number of processes
	pCPUIn                          // cpu_possible(cpu): 0 <= cpu < the number of processes
	pPerCPU                         // per_cpu(var, cpu): CPU cpu's instance of var, an lvalue (percpu.go)
	pPerCPUPtr                      // per_cpu_ptr(ptr, cpu): a pointer to CPU cpu's instance
	pThisCPUPtr                     // this_cpu_ptr(ptr): a pointer to this CPU's instance
	pThisCPURead                    // this_cpu_read(pcp): READ_ONCE of this CPU's instance
	pThisCPUWrite                   // this_cpu_write(pcp, v): WRITE_ONCE to it
	pThisCPUOp                      // this_cpu_add(pcp, v) & co: READ_ONCE, then WRITE_ONCE of the sum
	pCPUOnline                      // cpu_online(cpu), cpu_is_offline(cpu): test_bit of the online mask (cpumask.go)
	pSetCPUOnline                   // set_cpu_online(cpu, online)
	pNumOnline                      // num_online_cpus(): atomic_read of the count of online CPUs
	pMaskEmpty                      // cpumask_empty(mask): plain reads of the mask's words
	pMaskWeight                     // cpumask_weight(mask): plain reads of the mask's words
	pForEachCPU                     // for_each_cpu(cpu, mask) & co: the test of one CPU in the loop they make
)

// primInfo describes a primitive.
type primInfo struct {
	kind  primKind
	nargs int
	order model.Order
	rmw   model.RMWOp
	fence model.FenceKind
	check model.CheckKind
	imm   bool        // the RMW operand is the constant val, not an argument
	val   model.Value // with imm
	test  testKind    // pTest: how the result is computed from the old value; pRefDec: testZeroAfter with andTest
	// pRefDec: refcount_dec_and_test, whose result is old == 1 (with an
	// acquire fence on success), not refcount_dec.
	andTest bool
	// soft: a helper function the program defines with the primitive's
	// name takes its place, silently (the kernel's own functions and
	// macros that files written before they were built in define
	// themselves, such as cpu_online()).
	soft bool
	// pCPUOnline: cpu_is_offline, the negation; pForEachCPU: which loop.
	negate bool
	each   eachKind
}

type testKind uint8

const (
	testZeroAfter testKind = iota // old op operand == 0 (dec_and_test, inc_and_test, sub_and_test)
	testNegAfter                  // old + operand < 0 (add_negative)
)

// prims maps each primitive's name to its description.
var prims = map[string]*primInfo{
	"READ_ONCE":           {kind: pLoadLV, nargs: 1, order: model.Once},
	"WRITE_ONCE":          {kind: pStoreLV, nargs: 2, order: model.Once},
	"rcu_dereference":     {kind: pLoadLV, nargs: 1, order: model.Once},
	"rcu_assign_pointer":  {kind: pStoreLV, nargs: 2, order: model.Release},
	"smp_store_mb":        {kind: pStoreMb, nargs: 2, order: model.Once},
	"smp_load_acquire":    {kind: pLoadP, nargs: 1, order: model.Acquire},
	"smp_store_release":   {kind: pStoreP, nargs: 2, order: model.Release},
	"atomic_read":         {kind: pLoadP, nargs: 1, order: model.Once},
	"atomic_read_acquire": {kind: pLoadP, nargs: 1, order: model.Acquire},
	"atomic_set":          {kind: pStoreP, nargs: 2, order: model.Once},
	"atomic_set_release":  {kind: pStoreP, nargs: 2, order: model.Release},

	"smp_mb":                    {kind: pFence, fence: model.FenceMb},
	"smp_rmb":                   {kind: pFence, fence: model.FenceRmb},
	"smp_wmb":                   {kind: pFence, fence: model.FenceWmb},
	"smp_mb__before_atomic":     {kind: pFence, fence: model.FenceBeforeAtomic},
	"smp_mb__after_atomic":      {kind: pFence, fence: model.FenceAfterAtomic},
	"smp_mb__after_spinlock":    {kind: pFence, fence: model.FenceAfterSpinlock},
	"smp_mb__after_unlock_lock": {kind: pFence, fence: model.FenceAfterUnlockLock},
	"rcu_read_lock":             {kind: pFence, fence: model.FenceRCULock},
	"rcu_read_unlock":           {kind: pFence, fence: model.FenceRCUUnlock},
	"synchronize_rcu":           {kind: pFence, fence: model.FenceSyncRCU},
	"synchronize_rcu_expedited": {kind: pFence, fence: model.FenceSyncRCU},

	"srcu_read_lock":                 {kind: pSrcuLock, nargs: 1},
	"srcu_down_read":                 {kind: pSrcuLock, nargs: 1},
	"srcu_read_unlock":               {kind: pSrcuUnlock, nargs: 2},
	"srcu_up_read":                   {kind: pSrcuUnlock, nargs: 2},
	"synchronize_srcu":               {kind: pSyncSrcu, nargs: 1},
	"synchronize_srcu_expedited":     {kind: pSyncSrcu, nargs: 1},
	"smp_mb__after_srcu_read_unlock": {kind: pFence, fence: model.FenceAfterSrcuUnlock},

	"atomic_add":    {kind: pAtomicOp, nargs: 2, order: model.Once, rmw: model.RMWAdd},
	"atomic_sub":    {kind: pAtomicOp, nargs: 2, order: model.Once, rmw: model.RMWSub},
	"atomic_and":    {kind: pAtomicOp, nargs: 2, order: model.Once, rmw: model.RMWAnd},
	"atomic_or":     {kind: pAtomicOp, nargs: 2, order: model.Once, rmw: model.RMWOr},
	"atomic_xor":    {kind: pAtomicOp, nargs: 2, order: model.Once, rmw: model.RMWXor},
	"atomic_andnot": {kind: pAtomicOp, nargs: 2, order: model.Once, rmw: model.RMWAndNot},
	"atomic_inc":    {kind: pAtomicOp, nargs: 1, order: model.Once, rmw: model.RMWAdd, imm: true, val: 1},
	"atomic_dec":    {kind: pAtomicOp, nargs: 1, order: model.Once, rmw: model.RMWSub, imm: true, val: 1},

	"atomic_dec_and_test": {kind: pTest, nargs: 1, order: model.Mb, rmw: model.RMWSub, imm: true, val: 1},
	"atomic_inc_and_test": {kind: pTest, nargs: 1, order: model.Mb, rmw: model.RMWAdd, imm: true, val: 1},
	"atomic_sub_and_test": {kind: pTest, nargs: 2, order: model.Mb, rmw: model.RMWSub},
	"atomic_add_negative": {kind: pTest, nargs: 2, order: model.Mb, rmw: model.RMWAdd, test: testNegAfter},
	"atomic_inc_not_zero": {kind: pAddUnless, nargs: 1, order: model.Mb, rmw: model.RMWAddUnless},
	"atomic_add_unless":   {kind: pAddUnless, nargs: 3, order: model.Mb, rmw: model.RMWAddUnless},

	"spin_lock":      {kind: pLock, nargs: 1},
	"spin_unlock":    {kind: pUnlock, nargs: 1},
	"spin_trylock":   {kind: pTrylock, nargs: 1},
	"spin_is_locked": {kind: pIsLocked, nargs: 1},

	"kfree": {kind: pFree, nargs: 1},

	"BUG_ON":       {kind: pCheck, nargs: 1, check: model.CheckBug},
	"WARN_ON":      {kind: pCheck, nargs: 1, check: model.CheckWarn},
	"WARN_ON_ONCE": {kind: pCheck, nargs: 1, check: model.CheckWarn},
	"assert":       {kind: pCheck, nargs: 1, check: model.CheckAssert},
	"assume":       {kind: pAssume, nargs: 1},

	"smp_processor_id": {kind: pCPU},
	"cpu_relax":        {kind: pNop},
	"barrier":          {kind: pFence, fence: model.FenceBarrier}, // F[barrier]: only lkmm's mixed-accesses flag heeds it

	// include/asm-generic/barrier.h: smp_rmb() (not in linux-kernel.def).
	"smp_acquire__after_ctrl_dep": {kind: pFence, fence: model.FenceRmb},

	// include/asm-generic/barrier.h: spin until cond (VAL the value read) holds.
	"smp_cond_load_acquire":    {kind: pCondLoad, nargs: 2, order: model.Acquire},
	"smp_cond_load_relaxed":    {kind: pCondLoad, nargs: 2, order: model.Once},
	"atomic_cond_read_acquire": {kind: pCondLoad, nargs: 2, order: model.Acquire},
	"atomic_cond_read_relaxed": {kind: pCondLoad, nargs: 2, order: model.Once},

	// include/linux/refcount.h (refcount_t is atomic_t underneath).
	"refcount_read":         {kind: pLoadP, nargs: 1, order: model.Once},
	"refcount_set":          {kind: pStoreP, nargs: 2, order: model.Once},
	"refcount_set_release":  {kind: pStoreP, nargs: 2, order: model.Release},
	"refcount_inc":          {kind: pRefInc, nargs: 1, order: model.Once, rmw: model.RMWAdd, imm: true, val: 1},
	"refcount_add":          {kind: pRefInc, nargs: 2, order: model.Once, rmw: model.RMWAdd},
	"refcount_inc_not_zero": {kind: pAddUnless, nargs: 1, order: model.Once, rmw: model.RMWAddUnless},
	"refcount_add_not_zero": {kind: pRefAddNotZero, nargs: 2, order: model.Once, rmw: model.RMWAddUnless},
	// For objects whose memory is reused (SLAB_TYPESAFE_BY_RCU): acquire
	// on success, with refcount_set_release.
	"refcount_inc_not_zero_acquire": {kind: pAddUnless, nargs: 1, order: model.Acquire, rmw: model.RMWAddUnless},
	"refcount_add_not_zero_acquire": {kind: pRefAddNotZero, nargs: 2, order: model.Acquire, rmw: model.RMWAddUnless},
	"refcount_dec":                  {kind: pRefDec, nargs: 1, order: model.Release, rmw: model.RMWSub, imm: true, val: 1},
	"refcount_dec_and_test":         {kind: pRefDec, nargs: 1, order: model.Release, rmw: model.RMWSub, imm: true, val: 1, andTest: true},
	"refcount_sub_and_test":         {kind: pRefDec, nargs: 2, order: model.Release, rmw: model.RMWSub, andTest: true},
	"refcount_dec_not_one":          {kind: pRefDecNotOne, nargs: 1, order: model.Release, rmw: model.RMWAddUnless},
	"refcount_dec_if_one":           {kind: pRefDecIfOne, nargs: 1, order: model.Release, rmw: model.RMWCmpXchg},

	// Documentation/atomic_bitops.txt, include/asm-generic/bitops/atomic.h
	// and lock.h: bit nr of the bitmap of unsigned longs at p.
	"set_bit":               {kind: pBitOp, nargs: 2, order: model.Once, rmw: model.RMWOr},
	"clear_bit":             {kind: pBitOp, nargs: 2, order: model.Once, rmw: model.RMWAndNot},
	"change_bit":            {kind: pBitOp, nargs: 2, order: model.Once, rmw: model.RMWXor},
	"clear_bit_unlock":      {kind: pBitOp, nargs: 2, order: model.Release, rmw: model.RMWAndNot},
	"test_bit":              {kind: pTestBit, nargs: 2, order: model.Once},
	"test_bit_acquire":      {kind: pTestBit, nargs: 2, order: model.Acquire},
	"test_and_set_bit":      {kind: pTestAndBit, nargs: 2, order: model.Mb, rmw: model.RMWOr},
	"test_and_clear_bit":    {kind: pTestAndBit, nargs: 2, order: model.Mb, rmw: model.RMWAndNot},
	"test_and_change_bit":   {kind: pTestAndBit, nargs: 2, order: model.Mb, rmw: model.RMWXor},
	"test_and_set_bit_lock": {kind: pTestAndSetLock, nargs: 2, order: model.Acquire, rmw: model.RMWOr},
	"__set_bit":             {kind: pPlainBit, nargs: 2, order: model.Plain, rmw: model.RMWOr},
	"__clear_bit":           {kind: pPlainBit, nargs: 2, order: model.Plain, rmw: model.RMWAndNot},
	"__change_bit":          {kind: pPlainBit, nargs: 2, order: model.Plain, rmw: model.RMWXor},

	// include/linux/cpumask.h on a bitmap of unsigned longs (cpumask_t
	// is not a type yet): the bit operations of cpu in mask.
	"cpumask_set_cpu":            {kind: pBitOp, nargs: 2, order: model.Once, rmw: model.RMWOr},
	"cpumask_clear_cpu":          {kind: pBitOp, nargs: 2, order: model.Once, rmw: model.RMWAndNot},
	"cpumask_test_cpu":           {kind: pTestBit, nargs: 2, order: model.Once},
	"cpumask_test_and_set_cpu":   {kind: pTestAndBit, nargs: 2, order: model.Mb, rmw: model.RMWOr},
	"cpumask_test_and_clear_cpu": {kind: pTestAndBit, nargs: 2, order: model.Mb, rmw: model.RMWAndNot},
	"__cpumask_set_cpu":          {kind: pPlainBit, nargs: 2, order: model.Plain, rmw: model.RMWOr},
	"__cpumask_clear_cpu":        {kind: pPlainBit, nargs: 2, order: model.Plain, rmw: model.RMWAndNot},

	// The test's CPUs (its processes) are the possible ones.
	"num_possible_cpus": {kind: pNumCPUs},
	"cpu_possible":      {kind: pCPUIn, nargs: 1},

	// include/linux/percpu-defs.h (percpu.go): per_cpu() is an lvalue
	// (plain accesses); this_cpu_*() are not ordered (READ_ONCE and
	// WRITE_ONCE; the RMWs are not atomic against other CPUs).
	"per_cpu":          {kind: pPerCPU, nargs: 2, soft: true},
	"per_cpu_ptr":      {kind: pPerCPUPtr, nargs: 2, soft: true},
	"this_cpu_ptr":     {kind: pThisCPUPtr, nargs: 1, soft: true},
	"raw_cpu_ptr":      {kind: pThisCPUPtr, nargs: 1, soft: true},
	"this_cpu_read":    {kind: pThisCPURead, nargs: 1, soft: true},
	"__this_cpu_read":  {kind: pThisCPURead, nargs: 1, soft: true},
	"raw_cpu_read":     {kind: pThisCPURead, nargs: 1, soft: true},
	"this_cpu_write":   {kind: pThisCPUWrite, nargs: 2, soft: true},
	"__this_cpu_write": {kind: pThisCPUWrite, nargs: 2, soft: true},
	"raw_cpu_write":    {kind: pThisCPUWrite, nargs: 2, soft: true},
	"this_cpu_add":     {kind: pThisCPUOp, nargs: 2, rmw: model.RMWAdd, soft: true},
	"this_cpu_sub":     {kind: pThisCPUOp, nargs: 2, rmw: model.RMWSub, soft: true},
	"this_cpu_inc":     {kind: pThisCPUOp, nargs: 1, rmw: model.RMWAdd, imm: true, val: 1, soft: true},
	"this_cpu_dec":     {kind: pThisCPUOp, nargs: 1, rmw: model.RMWSub, imm: true, val: 1, soft: true},
	"__this_cpu_add":   {kind: pThisCPUOp, nargs: 2, rmw: model.RMWAdd, soft: true},
	"__this_cpu_sub":   {kind: pThisCPUOp, nargs: 2, rmw: model.RMWSub, soft: true},
	"__this_cpu_inc":   {kind: pThisCPUOp, nargs: 1, rmw: model.RMWAdd, imm: true, val: 1, soft: true},
	"__this_cpu_dec":   {kind: pThisCPUOp, nargs: 1, rmw: model.RMWSub, imm: true, val: 1, soft: true},

	// include/linux/cpumask.h and kernel/cpu.c (cpumask.go): the online
	// mask, built in unless the program declares __cpu_online_mask (or
	// defines these functions) itself.
	"cpu_online":      {kind: pCPUOnline, nargs: 1, order: model.Once, soft: true},
	"cpu_is_offline":  {kind: pCPUOnline, nargs: 1, order: model.Once, soft: true, negate: true},
	"set_cpu_online":  {kind: pSetCPUOnline, nargs: 2, soft: true},
	"num_online_cpus": {kind: pNumOnline, order: model.Once, soft: true},
	"cpumask_empty":   {kind: pMaskEmpty, nargs: 1, order: model.Plain, soft: true},
	"cpumask_weight":  {kind: pMaskWeight, nargs: 1, order: model.Plain, soft: true},

	"for_each_cpu":          {kind: pForEachCPU, nargs: 2, order: model.Plain, soft: true, each: eachMask},
	"for_each_online_cpu":   {kind: pForEachCPU, nargs: 1, order: model.Plain, soft: true, each: eachOnline},
	"for_each_possible_cpu": {kind: pForEachCPU, nargs: 1, soft: true, each: eachPossible},
}

func init() {
	orders := []struct {
		suffix string
		order  model.Order
	}{{"", model.Mb}, {"_relaxed", model.Once}, {"_acquire", model.Acquire}, {"_release", model.Release}}
	for _, o := range orders {
		add := func(name string, p primInfo) {
			p.order = o.order
			prims[name+o.suffix] = &p
		}
		add("xchg", primInfo{kind: pXchg, nargs: 2, rmw: model.RMWXchg})
		add("atomic_xchg", primInfo{kind: pXchg, nargs: 2, rmw: model.RMWXchg})
		add("cmpxchg", primInfo{kind: pCmpxchg, nargs: 3, rmw: model.RMWCmpXchg})
		add("atomic_cmpxchg", primInfo{kind: pCmpxchg, nargs: 3, rmw: model.RMWCmpXchg})
		add("try_cmpxchg", primInfo{kind: pTryCmpxchg, nargs: 3, rmw: model.RMWCmpXchg})
		add("atomic_try_cmpxchg", primInfo{kind: pTryCmpxchg, nargs: 3, rmw: model.RMWCmpXchg})
		add("atomic_add_return", primInfo{kind: pAtomicRet, nargs: 2, rmw: model.RMWAdd})
		add("atomic_sub_return", primInfo{kind: pAtomicRet, nargs: 2, rmw: model.RMWSub})
		add("atomic_inc_return", primInfo{kind: pAtomicRet, nargs: 1, rmw: model.RMWAdd, imm: true, val: 1})
		add("atomic_dec_return", primInfo{kind: pAtomicRet, nargs: 1, rmw: model.RMWSub, imm: true, val: 1})
		for _, f := range []struct {
			name string
			rmw  model.RMWOp
		}{{"add", model.RMWAdd}, {"sub", model.RMWSub}, {"and", model.RMWAnd}, {"or", model.RMWOr},
			{"xor", model.RMWXor}, {"andnot", model.RMWAndNot}} {
			add("atomic_fetch_"+f.name, primInfo{kind: pAtomicFetch, nargs: 2, rmw: f.rmw})
		}
		add("atomic_fetch_inc", primInfo{kind: pAtomicFetch, nargs: 1, rmw: model.RMWAdd, imm: true, val: 1})
		add("atomic_fetch_dec", primInfo{kind: pAtomicFetch, nargs: 1, rmw: model.RMWSub, imm: true, val: 1})
	}
	// atomic_long_t has every operation of atomic_t, with the same
	// ordering (include/linux/atomic/atomic-long.h; values have no width).
	var atomics []string
	for name := range prims {
		if strings.HasPrefix(name, "atomic_") {
			atomics = append(atomics, name)
		}
	}
	for _, name := range atomics {
		prims["atomic_long_"+strings.TrimPrefix(name, "atomic_")] = prims[name]
	}
}

// PrimitiveNames returns the names of all the primitives the language
// knows, for documentation and tests.
func PrimitiveNames() []string {
	names := make([]string, 0, len(prims))
	for n := range prims {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
