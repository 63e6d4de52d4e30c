/*
 * lazymm.h: the kernel helpers of the lazy-mm litmus suite, shared by the
 * scenario files of docs/lazy-mm-protocol.md (section 6).
 *
 * Every function is named as in the kernel (v5.13 kernel/sched/core.c,
 * kernel/fork.c, kernel/exit.c, kernel/kthread.c, fs/exec.c, kernel/cpu.c,
 * arch/x86/mm/tlb.c, plus the seed patch and Andy Lutomirski's 2022 v2),
 * so a counterexample's call stacks read like a kernel backtrace.
 * litmus/unlazy.lit is the seed alone, self-contained; this header is
 * the same code with switches for the variants.
 *
 * An including file #defines these knobs before the #include; all but
 * NR_CPUS have defaults (below, #ifndef), and the variants are if()s on
 * constants (they cost no events):
 *
 *   NR_CPUS       number of CPUs (processes P0..P<NR_CPUS-1>)
 *   LAZY_SCHEME   SCHEME_PRE  v5.13: mmgrab() on user->kernel, rq->prev_mm
 *                             and mmdrop() on kernel->user (section 1)
 *                 SCHEME_SEED the RFC of 2021-06-17 (section 2.1-2.4)
 *                 SCHEME_V2   Andy's 2022 PATCH 16/23 (section 2.6)
 *   HOTPLUG       HOTPLUG_PRE idle_task_exit() + finish_cpu() mmdrop(), as
 *                             v5.8..v5.13; the seed left it so (section 1.6)
 *                 HOTPLUG_FIX_A  finish_cpu() releases by kind (section 3.3)
 *                 HOTPLUG_FIX_H  sched_force_init_mm() on the outgoing CPU
 *                             before __cpu_disable() (section 3.3)
 *                 HOTPLUG_V2  unlazy_mm_irqs_off() in do_idle() after
 *                             cpu_is_offline(); no finish_cpu() (2.6)
 *   LAZYMM_ITER   ITER_ONLINE   for_each_online_cpu (the generic default)
 *                 ITER_CPUMASK  for_each_cpu(cpu, mm_cpumask(mm)) (x86)
 *                 ITER_POSSIBLE for_each_possible_cpu (Fix P, section 3.3)
 *   VARIANT       0, or an | of the mutants and options below
 *
 * Mutants (section 4d/4e and section 6; M6 and M7 are not numbered in the
 * protocol doc, which names M1-M5 and M8 only: M6 and M7 are our names for
 * the two other weakenings it discusses, see litmus/README.md):
 *   M1  kernel->user smp_store_release(&rq->lazy_mm, NULL) -> WRITE_ONCE (L12)
 *   M2  mm_unlazy_mm_count() smp_load_acquire(lazy_mm) -> READ_ONCE (L13)
 *   M3A mmput()'s atomic_dec_and_test() -> relaxed decrement (L14a)
 *   M3B user->kernel WRITE_ONCE(rq->lazy_mm, mm) moved after finish_task() (L14b)
 *   M4  mm_unlazy_mm_count() xchg(&rq->drop_mm, mm) -> xchg_relaxed (L15)
 *   M5  mmdrop_lazy() xchg(&rq->drop_mm, NULL) -> xchg_relaxed (L16)
 *   M6  mmdrop() as refcount_dec_and_test(): release, acquire only on zero
 *       (the "release-only mmdrop" of L13 and L16)
 *   M7  a second clearer of rq->drop_mm (L10b); a scenario, not a switch
 *   M8  mm_unlazy_mm_count() counts the deposits after depositing (L11m)
 * Options:
 *   PETERZ_WARN      mmdrop_lazy() as Peter proposed: WARN_ON_ONCE(!old_mm)
 *   DROP_COUNT_LAZY  Andy's reply: take the N references on first need
 *   LAZY_DROP_CHECK  the seed with v2's mmdrop_lazy() (the L7 fix: leave
 *                    drop_mm alone while it is this CPU's lazy_mm), to
 *                    isolate the stolen-reference bug (L8)
 *
 * The runqueues are per-CPU, defined here; the including file's init
 * block sets per_cpu(runqueues, cpu).curr and .idle for each CPU, and
 * must declare the other objects used here:
 *   struct mm_struct init_mm;          (never freed; BUG_ON in __mmdrop)
 *   struct task_struct idle[NR_CPUS], cpuhp_task[NR_CPUS], stopper[NR_CPUS];
 *                                      (the per-CPU kernel threads)
 *   int __cpu_online_mask[NR_CPUS];    (1 = online)
 *   int cpuhp_kick[NR_CPUS];           (BP -> AP: 1 go down, 2 come up)
 *   int cpuhp_done_down[NR_CPUS];      (AP -> BP: cpuhp_report_idle_dead())
 *   atomic_t cpu_hotplug_state[NR_CPUS]; (AP -> BP: cpu_report_death())
 *
 * Modelling choices (each is named in litmus/README.md):
 *  - mm->pgd stands for the page tables: a CPU that runs on an mm (user
 *    code, switch_mm()'s CR3 load) reads it; mm_cpumask(mm) is a cpumask_t
 *    (one word, bit n for CPU n); x86 switch_mm_irqs_off() clears the CPU's bit
 *    in prev and sets it in next, skipping init_mm, then reads next->pgd.
 *  - kfree(mm) stands for __mmdrop()'s freeing (pgd, context, free_mm).
 *  - A task moving to another CPU waits for ->on_cpu == 0 with an acquire
 *    load (try_to_wake_up()'s smp_cond_load_acquire()).
 *  - rq->lock is taken and released by its own CPU only; stop_machine()
 *    is modelled on the dying CPU only; membarrier state, preemption,
 *    rq clock, TLB generations and the rq->curr RCU pointer are left out.
 */

#define SCHEME_PRE	0
#define SCHEME_SEED	1
#define SCHEME_V2	2

#define HOTPLUG_PRE	0
#define HOTPLUG_FIX_A	1
#define HOTPLUG_FIX_H	2
#define HOTPLUG_V2	3

#define ITER_ONLINE	0
#define ITER_CPUMASK	1
#define ITER_POSSIBLE	2

#define M1		(1 << 1)
#define M2		(1 << 2)
#define M3A		(1 << 3)
#define M3B		(1 << 4)
#define M4		(1 << 5)
#define M5		(1 << 6)
#define M6		(1 << 7)
#define M8		(1 << 9)
#define PETERZ_WARN	(1 << 10)
#define DROP_COUNT_LAZY	(1 << 11)
#define LAZY_DROP_CHECK	(1 << 12)

#ifndef LAZY_SCHEME
#define LAZY_SCHEME	SCHEME_SEED
#endif
#ifndef HOTPLUG
#define HOTPLUG		HOTPLUG_PRE
#endif
#ifndef LAZYMM_ITER
#define LAZYMM_ITER	ITER_ONLINE
#endif
#ifndef VARIANT
#define VARIANT		0
#endif

#define CPUHP_KICK_DOWN	1
#define CPUHP_KICK_UP	2
#define CPU_DEAD	7	/* cpu_hotplug_state after cpu_report_death() */

struct mm_struct {
	atomic_t mm_users;
	atomic_t mm_count;
	cpumask_t cpu_bitmap;	/* mm_cpumask(mm) */
	int pgd;		/* the page tables */
};

#define mm_cpumask(mm)	(&(mm)->cpu_bitmap)

struct task_struct {
	struct mm_struct *mm;
	struct mm_struct *active_mm;
	int on_cpu;
};

struct rq {
	spinlock_t lock;
	struct task_struct *curr;
	struct task_struct *idle;
	struct mm_struct *prev_mm;	/* SCHEME_PRE only */
	struct mm_struct *lazy_mm;	/* hazard pointer: the owner writes, anyone reads */
	struct mm_struct *drop_mm;	/* one parked counted reference */
};

DEFINE_PER_CPU_SHARED_ALIGNED(struct rq, runqueues);	/* .curr and .idle set per CPU by the init block */

/* ---- per-CPU helpers ---- */

#define cpu_rq(cpu)	(&per_cpu(runqueues, (cpu)))
#define this_rq()	this_cpu_ptr(&runqueues)

static struct task_struct *get_current(void)
{
	return this_rq()->curr;
}

static int cpu_online(int cpu)
{
	return READ_ONCE(__cpu_online_mask[cpu]);
}

/* ---- include/linux/sched/mm.h, kernel/fork.c ---- */

static void __mmdrop(struct mm_struct *mm)
{
	BUG_ON(mm == &init_mm);
	WARN_ON_ONCE(mm == get_current()->mm);
	WARN_ON_ONCE(mm == get_current()->active_mm);
	kfree(mm);		/* mm_free_pgd(), destroy_context(), free_mm() */
}

static void mmgrab(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_count);
}

static void mmdrop(struct mm_struct *mm)
{
	if (VARIANT & M6) {
		/* refcount_dec_and_test(): release; acquire only on zero */
		if (atomic_dec_return_release(&mm->mm_count) == 0) {
			smp_rmb();	/* smp_acquire__after_ctrl_dep() */
			__mmdrop(mm);
		}
		return;
	}
	/*
	 * The implicit full barrier implied by atomic_dec_and_test() is
	 * required by the membarrier system call before returning to
	 * user-space, after storing to rq->curr.
	 */
	if (atomic_dec_and_test(&mm->mm_count))
		__mmdrop(mm);
}

/* ---- kernel/sched/core.c: the hazard-pointer scheme ---- */

static void mmdrop_lazy(struct rq *rq)
{
	struct mm_struct *old_mm;
	struct mm_struct *cur;

	if (LAZY_SCHEME == SCHEME_V2 || (VARIANT & LAZY_DROP_CHECK)) {
		old_mm = READ_ONCE(rq->drop_mm);
		for (;;) {
			/* do not drop an mm that this CPU still uses lazily */
			if (!old_mm || old_mm == rq->lazy_mm)
				return;
			/* try_cmpxchg_relaxed(&rq->drop_mm, &old_mm, NULL) */
			cur = cmpxchg_relaxed(&rq->drop_mm, old_mm, NULL);
			if (cur == old_mm)
				break;
			old_mm = cur;
		}
		mmdrop(old_mm);
		return;
	}

	if (!READ_ONCE(rq->drop_mm))
		return;

	/*
	 * Slow path.  This only happens when we recently stopped using
	 * an mm that is exiting.
	 */
	if (VARIANT & M5)
		old_mm = xchg_relaxed(&rq->drop_mm, NULL);
	else
		old_mm = xchg(&rq->drop_mm, NULL);
	if (VARIANT & PETERZ_WARN) {
		if (WARN_ON_ONCE(!old_mm))
			return;
		mmdrop(old_mm);
		return;
	}
	if (old_mm)
		mmdrop(old_mm);
}

/*
 * The CPU iterators, over the suite's own online flags (cpu_online()
 * above; see the modelling notes), and the seed's
 * for_each_possible_lazymm_cpu(): for_each_cpu() over mm_cpumask(mm) on
 * x86, for_each_online_cpu() elsewhere, every possible CPU with Fix P.
 * The x86 iterator reads mm_cpumask(mm) with cpumask_test_cpu() (a
 * READ_ONCE), where the kernel's for_each_cpu() reads plainly.
 */
#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu) if (!cpu_online(cpu)) {} else
#if LAZYMM_ITER == ITER_CPUMASK
#define for_each_possible_lazymm_cpu(cpu, mm) \
	for_each_possible_cpu(cpu) if (!cpumask_test_cpu((cpu), mm_cpumask(mm))) {} else
#elif LAZYMM_ITER == ITER_ONLINE
#define for_each_possible_lazymm_cpu(cpu, mm)	for_each_online_cpu(cpu)
#else
#define for_each_possible_lazymm_cpu(cpu, mm)	for_each_possible_cpu(cpu)
#endif

/* Andy's v2: hand rq one reference to mm, or drop it if rq is done with mm */
static int __try_mm_drop_rq_ref(struct rq *rq, struct mm_struct *mm)
{
	struct mm_struct *old_drop = smp_load_acquire(&rq->drop_mm);

	WARN_ON_ONCE(old_drop == mm);
	if (!old_drop)
		return cmpxchg(&rq->drop_mm, NULL, mm) == NULL;

	/* It is critical that we load rq->lazy_mm again after loading drop_mm. */
	if (smp_load_acquire(&rq->lazy_mm) != mm) {
		mmdrop(mm);	/* rq stopped using mm */
		return 1;
	}
	if (cmpxchg(&rq->drop_mm, old_drop, mm) != old_drop)
		return 0;
	mmdrop(old_drop);
	return 1;
}

/*
 * This converts all lazy_mm references to mm to mm_count refcounts.  Our
 * caller holds an mm_count reference, so we don't need to worry about mm
 * being freed out from under us.
 */
static void mm_unlazy_mm_count(struct mm_struct *mm)
{
	int drop_count = num_possible_cpus();
	int cpu;
	struct rq *rq;
	struct mm_struct *lazy;
	struct mm_struct *old_mm;

	if (LAZY_SCHEME == SCHEME_V2) {
		drop_count = 0;
		for_each_possible_lazymm_cpu(cpu, mm) {
			rq = cpu_rq(cpu);
			if (smp_load_acquire(&rq->lazy_mm) != mm)
				continue;
			if (!drop_count) {
				/* Collect lots of references.  We'll drop the ones we don't use. */
				drop_count = num_possible_cpus();
				atomic_add(drop_count, &mm->mm_count);
			}
			drop_count--;
			while (!__try_mm_drop_rq_ref(rq, mm))
				;
		}
		atomic_sub(drop_count, &mm->mm_count);
		return;
	}

	/* mm_users is zero, so no cpu will set its rq->lazy_mm to mm. */
	WARN_ON_ONCE(atomic_read(&mm->mm_users) != 0);

	if (VARIANT & DROP_COUNT_LAZY)
		drop_count = 0;
	else if (!(VARIANT & M8))
		atomic_add(drop_count, &mm->mm_count);	/* enough references for the rest */

	for_each_possible_lazymm_cpu(cpu, mm) {
		rq = cpu_rq(cpu);

		if (VARIANT & M2)
			lazy = READ_ONCE(rq->lazy_mm);
		else
			lazy = smp_load_acquire(&rq->lazy_mm);
		if (lazy != mm)
			continue;

		if ((VARIANT & DROP_COUNT_LAZY) && !drop_count) {
			drop_count = num_possible_cpus();
			atomic_add(drop_count, &mm->mm_count);
		}
		drop_count--;	/* grab a reference; cpu will drop it later. */

		if (VARIANT & M4)
			old_mm = xchg_relaxed(&rq->drop_mm, mm);
		else
			old_mm = xchg(&rq->drop_mm, mm);

		/*
		 * We know that old_mm != mm: when we did the xchg(), we were
		 * the only cpu to be putting mm into any drop_mm variable.
		 */
		WARN_ON_ONCE(old_mm == mm);
		if (old_mm) {
			/* We just stole an mm reference from the target CPU. */
			mmdrop(old_mm);
		}
	}

	if (VARIANT & M8)
		atomic_add(num_possible_cpus(), &mm->mm_count);	/* the mutant: counted after depositing */
	atomic_sub(drop_count, &mm->mm_count);
}

static void exit_mmap(struct mm_struct *mm)
{
	int pgd = READ_ONCE(mm->pgd);	/* unmap_vmas(), free_pgtables() */
}

static void __mmput(struct mm_struct *mm)
{
	BUG_ON(atomic_read(&mm->mm_users));	/* VM_BUG_ON() */
	exit_mmap(mm);
	if (LAZY_SCHEME != SCHEME_PRE)
		mm_unlazy_mm_count(mm);
	mmdrop(mm);
}

static void mmput(struct mm_struct *mm)
{
	if (VARIANT & M3A) {
		if (atomic_dec_return_relaxed(&mm->mm_users) == 0)
			__mmput(mm);
		return;
	}
	if (atomic_dec_and_test(&mm->mm_users))
		__mmput(mm);
}

/* ---- arch/x86/mm/tlb.c ---- */

static void switch_mm_irqs_off(struct mm_struct *prev, struct mm_struct *next,
			       struct task_struct *tsk)
{
	int cpu = smp_processor_id();
	int pgd;

	if (prev == next)
		return;
	if (prev != &init_mm)
		cpumask_clear_cpu(cpu, mm_cpumask(prev));
	if (next != &init_mm)
		cpumask_set_cpu(cpu, mm_cpumask(next));
	pgd = READ_ONCE(next->pgd);				/* load_new_mm_cr3() */
}

static void switch_mm(struct mm_struct *prev, struct mm_struct *next,
		      struct task_struct *tsk)
{
	switch_mm_irqs_off(prev, next, tsk);
}

static void enter_lazy_tlb(struct mm_struct *mm, struct task_struct *tsk)
{
	/* x86: this_cpu_write(cpu_tlbstate.is_lazy, true); mm is untouched */
}

/* user code, or a lazy CPU's speculative page-table walk, touching mm */
static void run_on_mm(struct mm_struct *mm)
{
	int pgd = READ_ONCE(mm->pgd);
}

/* ---- kernel/sched/core.c: the context switch ---- */

static void finish_task(struct task_struct *prev)
{
	/*
	 * This must be the very last reference to @prev from this CPU. After
	 * p->on_cpu is cleared, the task can be moved to a different CPU.
	 */
	smp_store_release(&prev->on_cpu, 0);
}

static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	struct mm_struct *mm = NULL;

	if (LAZY_SCHEME == SCHEME_PRE) {
		mm = rq->prev_mm;
		rq->prev_mm = NULL;
	}
	finish_task(prev);
	spin_unlock(&rq->lock);		/* finish_lock_switch() */

	if (LAZY_SCHEME == SCHEME_PRE) {
		/*
		 * Membarrier requires a barrier after storing to rq->curr,
		 * before returning to userspace: mmdrop() provides it.
		 */
		if (mm)
			mmdrop(mm);
		return;
	}
	/*
	 * Do this unconditionally.  There's a race in which a remote CPU
	 * sees rq->lazy_mm != NULL and gives us an extra mm ref while we
	 * are executing this code and we don't notice.
	 */
	mmdrop_lazy(rq);
}

/*
 * kernel -> kernel   lazy + transfer active
 *   user -> kernel   lazy + mmgrab() active      (seed: lazy_mm grab)
 *
 * kernel ->   user   switch + mmdrop() active    (seed: lazy_mm release)
 *   user ->   user   switch
 */
static void context_switch(struct rq *rq, struct task_struct *prev,
			   struct task_struct *next)
{
	next->on_cpu = 1;			/* prepare_task_switch() -> prepare_task() */

	if (!next->mm) {				// to kernel
		enter_lazy_tlb(prev->active_mm, next);

		next->active_mm = prev->active_mm;
		if (prev->mm) {				// from user
			if (LAZY_SCHEME == SCHEME_PRE) {
				mmgrab(prev->active_mm);
			} else {
				WARN_ON_ONCE(rq->lazy_mm);	/* SCHED_WARN_ON() */
				if (VARIANT & M3B)
					finish_task(prev);	/* the mutant: hand prev off first */
				/*
				 * Acquire a lazy_mm reference to the active (lazy)
				 * mm.  No explicit barrier needed: we still hold an
				 * explicit (mm_users) reference.  __mmput() can't be
				 * called until we call mmput() to drop our
				 * reference, and __mmput() is a release barrier.
				 */
				WRITE_ONCE(rq->lazy_mm, next->active_mm);
			}
		} else {
			prev->active_mm = NULL;
		}
	} else {					// to user
		switch_mm_irqs_off(prev->active_mm, next->mm, next);

		if (!prev->mm) {			// from kernel
			if (LAZY_SCHEME == SCHEME_PRE) {
				/* will mmdrop() in finish_task_switch(). */
				rq->prev_mm = prev->active_mm;
				prev->active_mm = NULL;
			} else {
				prev->active_mm = NULL;
				/*
				 * Drop our lazy_mm reference to the old lazy mm.
				 * After this, any CPU may free it if it is
				 * unreferenced.
				 */
				if (VARIANT & M1)
					WRITE_ONCE(rq->lazy_mm, NULL);
				else
					smp_store_release(&rq->lazy_mm, NULL);
			}
		}
	}

	/* switch_to(prev, next, prev); barrier(); */
	finish_task_switch(prev);
}

/* schedule() on this CPU from prev to next, with the rq lock */
static void __schedule(struct task_struct *prev, struct task_struct *next)
{
	struct rq *rq = this_rq();

	spin_lock(&rq->lock);		/* rq_lock() */
	smp_mb__after_spinlock();
	rq->curr = next;		/* RCU_INIT_POINTER(rq->curr, next) */
	context_switch(rq, prev, next);
}

/* try_to_wake_up(): smp_cond_load_acquire(&p->on_cpu, !VAL) */
static void try_to_wake_up(struct task_struct *p)
{
	while (smp_load_acquire(&p->on_cpu))
		cpu_relax();
}

/* ---- kernel/exit.c, fs/exec.c, kernel/kthread.c ---- */

static void exit_mm(void)
{
	struct task_struct *tsk = get_current();
	struct mm_struct *mm = tsk->mm;

	if (LAZY_SCHEME != SCHEME_V2)
		mmgrab(mm);		/* a counted lazy reference for active_mm */
	BUG_ON(mm != tsk->active_mm);
	smp_mb__after_spinlock();	/* task_lock(current); smp_mb__after_spinlock() */
	tsk->mm = NULL;
	enter_lazy_tlb(mm, tsk);
	if (LAZY_SCHEME == SCHEME_V2)
		WRITE_ONCE(this_rq()->lazy_mm, mm);	/* __change_current_mm_to_kernel() */
	mmput(mm);
}

/* exec_mmap(): current gets the new mm; a user task drops its old one */
static void exec_mmap(struct mm_struct *mm)
{
	struct task_struct *tsk = get_current();
	struct mm_struct *old_mm = tsk->mm;
	struct mm_struct *active_mm;

	smp_mb();			/* task_lock(tsk); membarrier_exec_mmap(mm) */
	active_mm = tsk->active_mm;
	tsk->active_mm = mm;
	tsk->mm = mm;
	switch_mm(active_mm, mm, tsk);	/* activate_mm() */
	if (old_mm) {
		BUG_ON(active_mm != old_mm);
		mmput(old_mm);
		return;
	}
	if (LAZY_SCHEME == SCHEME_V2)
		smp_store_release(&this_rq()->lazy_mm, NULL);	/* __change_current_mm() */
	else
		mmdrop(active_mm);	/* a kernel thread drops its lazy reference */
}

/* kthread_use_mm(): the caller holds mm_users of mm */
static void kthread_use_mm(struct mm_struct *mm)
{
	struct task_struct *tsk = get_current();
	struct mm_struct *active_mm;

	/* task_lock(tsk); local_irq_disable() */
	active_mm = tsk->active_mm;
	if (LAZY_SCHEME == SCHEME_V2) {
		/* __change_current_mm(mm, false): kernel -> user */
		tsk->active_mm = mm;
		tsk->mm = mm;
		switch_mm_irqs_off(active_mm, mm, tsk);
		smp_store_release(&this_rq()->lazy_mm, NULL);
		return;
	}
	if (active_mm != mm) {
		mmgrab(mm);
		tsk->active_mm = mm;
	}
	tsk->mm = mm;
	switch_mm_irqs_off(active_mm, mm, tsk);
	/* local_irq_enable(); task_unlock(tsk) */
	if (active_mm != mm)
		mmdrop(active_mm);
	else
		smp_mb();
}

static void kthread_unuse_mm(struct mm_struct *mm)
{
	struct task_struct *tsk = get_current();

	smp_mb__after_spinlock();	/* task_lock(tsk); smp_mb__after_spinlock() */
	tsk->mm = NULL;
	enter_lazy_tlb(mm, tsk);
	if (LAZY_SCHEME == SCHEME_V2)
		WRITE_ONCE(this_rq()->lazy_mm, mm);	/* __change_current_mm_to_kernel() */
}

/* ---- CPU hotplug: kernel/cpu.c, kernel/smpboot.c, kernel/sched ---- */

/* Fix H: on the outgoing CPU, before __cpu_disable() (sched_cpu_wait_empty()) */
static void sched_force_init_mm(void)
{
	struct task_struct *tsk = get_current();
	struct rq *rq = this_rq();
	struct mm_struct *mm = tsk->active_mm;

	if (mm == &init_mm)
		return;
	mmgrab(&init_mm);
	/* local_irq_disable() */
	tsk->active_mm = &init_mm;
	switch_mm_irqs_off(mm, &init_mm, tsk);
	if (rq->lazy_mm == mm)
		smp_store_release(&rq->lazy_mm, NULL);	/* a hazard reference */
	else
		mmdrop(mm);				/* a counted one */
	/* local_irq_enable(); finish_arch_post_lock_switch() */
	mmdrop_lazy(rq);	/* flush a parked reference while RCU still watches */
}

/* the cpuhp thread's teardown steps on the outgoing CPU before take_cpu_down() */
static void sched_cpu_wait_empty(void)
{
	if (HOTPLUG == HOTPLUG_FIX_H)
		sched_force_init_mm();
}

/* take_cpu_down() in the stopper: __cpu_disable() */
static int take_cpu_down(void)
{
	WRITE_ONCE(__cpu_online_mask[smp_processor_id()], 0);	/* set_cpu_online(cpu, false) */
	return 0;
}

/* Andy's v2 (patches 12 and 16): do_idle() on an offline CPU, before reporting dead */
static void unlazy_mm_irqs_off(void)
{
	struct task_struct *tsk = get_current();
	struct rq *rq = this_rq();
	struct mm_struct *mm = tsk->active_mm;

	if (mm == &init_mm)
		return;
	switch_mm_irqs_off(mm, &init_mm, tsk);
	tsk->active_mm = &init_mm;
	/* We don't need a lazy reference to init_mm. */
	smp_store_release(&rq->lazy_mm, NULL);
	/* finish_arch_post_lock_switch() */
	mmdrop_lazy(rq);
}

static void idle_task_exit(void)
{
	struct mm_struct *mm = get_current()->active_mm;

	if (HOTPLUG == HOTPLUG_V2)
		return;		/* removed from every arch by v2 patch 12 */
	if (HOTPLUG == HOTPLUG_FIX_H) {
		WARN_ON(mm != &init_mm);
		return;
	}
	BUG_ON(cpu_online(smp_processor_id()));
	BUG_ON(get_current() != this_rq()->idle);

	if (mm != &init_mm)
		switch_mm(mm, &init_mm, get_current());

	/* finish_cpu(), as ran on the BP, will clean up the active_mm state */
}

static void cpuhp_report_idle_dead(void)
{
	/* rcu_report_dead(); then complete_ap_thread(st, false) by IPI to the BP */
	smp_store_release(&cpuhp_done_down[smp_processor_id()], 1);
}

static void cpu_report_death(void)
{
	atomic_xchg(&cpu_hotplug_state[smp_processor_id()], CPU_DEAD);
}

/* x86 play_dead_common(), from arch_cpu_idle_dead() */
static void play_dead_common(void)
{
	idle_task_exit();
	cpu_report_death();
}

/* do_idle() on a CPU that cpu_is_offline() */
static void do_idle_offline(void)
{
	if (HOTPLUG == HOTPLUG_V2)
		unlazy_mm_irqs_off();
	cpuhp_report_idle_dead();
	play_dead_common();	/* arch_cpu_idle_dead() */
}

/* the BP cleans up after the dead CPU (CPUHP_BRINGUP_CPU teardown) */
static int finish_cpu(int cpu)
{
	struct task_struct *idle = cpu_rq(cpu)->idle;	/* idle_thread_get() */
	struct rq *rq = cpu_rq(cpu);
	struct mm_struct *mm = idle->active_mm;
	struct mm_struct *old;

	if (HOTPLUG == HOTPLUG_V2)
		return 0;	/* finish_cpu() is deleted by v2 patch 12 */

	if (HOTPLUG == HOTPLUG_FIX_H) {
		WARN_ON(mm != &init_mm);
		mmdrop(mm);	/* sched_force_init_mm()'s mmgrab(&init_mm) */
		old = xchg(&rq->drop_mm, NULL);	/* flush a parked reference */
		if (old)
			mmdrop(old);
		return 0;
	}

	if (HOTPLUG == HOTPLUG_FIX_A) {
		/* c is dead: no concurrent owner-side access to rq(c) */
		idle->active_mm = &init_mm;
		if (mm != READ_ONCE(rq->lazy_mm))
			mmdrop(mm);	/* a counted reference (lazy_mm is never init_mm) */
		smp_store_release(&rq->lazy_mm, NULL);	/* clear the stale hazard */
		old = xchg(&rq->drop_mm, NULL);	/* flush; the owner is dead, we are the sole clearer */
		if (old)
			mmdrop(old);
		return 0;
	}

	/*
	 * idle_task_exit() will have switched to &init_mm, now
	 * clean up any remaining active_mm state.
	 */
	if (mm != &init_mm)
		idle->active_mm = &init_mm;
	mmdrop(mm);
	return 0;
}

static void cpu_wait_death(int cpu)
{
	while (atomic_read(&cpu_hotplug_state[cpu]) != CPU_DEAD)
		cpu_relax();
	smp_mb();
}

/* _cpu_down() on the BP, cut down to its handshakes with the dying CPU */
static void _cpu_down(int cpu)
{
	smp_store_release(&cpuhp_kick[cpu], CPUHP_KICK_DOWN);	/* cpuhp_kick_ap_work() */
	/* takedown_cpu(): wait_for_ap_thread(st, false) */
	while (!smp_load_acquire(&cpuhp_done_down[cpu]))
		cpu_relax();
	cpu_wait_death(cpu);				/* __cpu_die() */
	finish_cpu(cpu);				/* CPUHP_BRINGUP_CPU teardown */
}

/* the dying CPU's cpuhp thread waits for the BP's kick */
static void cpuhp_thread_fun(int kick)
{
	while (smp_load_acquire(&cpuhp_kick[smp_processor_id()]) != kick)
		cpu_relax();
}

/*
 * The whole offline sequence on the dying CPU, whose current task is its
 * idle task (lazily on whatever mm it inherited): the cpuhp thread runs
 * the AP teardown states down to CPUHP_AP_SCHED_WAIT_EMPTY
 * (sched_cpu_wait_empty()), then stop_machine() runs take_cpu_down() in
 * the stopper, and the idle task finds the CPU offline in do_idle().
 * Every switch here is kernel -> kernel.
 */
static void cpu_down_ap(void)
{
	int cpu = smp_processor_id();

	cpuhp_thread_fun(CPUHP_KICK_DOWN);
	__schedule(&idle[cpu], &cpuhp_task[cpu]);
	sched_cpu_wait_empty();
	__schedule(&cpuhp_task[cpu], &stopper[cpu]);
	take_cpu_down();
	__schedule(&stopper[cpu], &idle[cpu]);
	do_idle_offline();
}

/* bring the dead CPU back: _cpu_up() on the BP */
static void _cpu_up(int cpu)
{
	smp_store_release(&cpuhp_kick[cpu], CPUHP_KICK_UP);	/* __cpu_up(): kick the AP */
	while (!cpu_online(cpu))				/* wait for start_secondary() */
		cpu_relax();
}

/* start_secondary() -> cpu_init() on the AP's idle task */
static void start_secondary(void)
{
	struct task_struct *idle = get_current();

	cpuhp_thread_fun(CPUHP_KICK_UP);
	if (LAZY_SCHEME != SCHEME_V2)
		mmgrab(&init_mm);
	idle->active_mm = &init_mm;
	BUG_ON(idle->mm);
	enter_lazy_tlb(&init_mm, idle);
	smp_store_release(&__cpu_online_mask[smp_processor_id()], 1);	/* set_cpu_online(cpu, true) */
}
