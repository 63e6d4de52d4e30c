//go:build cgo && linux

package main

// With cgo (the default build links it, for os/user, which kong
// imports), glibc gives each thread that calls malloc an arena of its
// own and reserves 64 MiB of address space for each: under `ulimit -v
// 1000000` mmcheck died before exploring anything although it used 62
// MB. One arena is enough: mmcheck's memory is Go's, not malloc's. The
// constructor runs before the Go runtime starts its threads.

/*
#include <malloc.h>

static void __attribute__((constructor)) mmcheck_one_arena(void) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 1);
#endif
}
*/
import "C"
