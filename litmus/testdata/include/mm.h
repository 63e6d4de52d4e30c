/* Shared definitions of the lazy-mm tests. */
#include "defs.h"

struct mm_struct {
	atomic_t mm_count;
	int pgd;
};

static void mmdrop(struct mm_struct *mm)
{
	if (atomic_dec_and_test(&mm->mm_count))
		kfree(mm);
}
