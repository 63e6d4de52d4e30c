package main

// The limits a user sets on explore (flags whose values have a range),
// checked before anything is read, and the default memory limit.

import (
	"bufio"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Ranges of the numeric flags. A loop bound past maxLoopBound unrolls
// loops into programs no search finishes (and deep recursion in the
// front end); workers past maxWorkers only cost memory.
const (
	maxLoopBound = 1000
	maxWorkers   = 256
)

// check refuses flag values out of range, with the flag's name.
func (c *exploreCmd) check() error {
	switch {
	case c.LoopBound < 1 || c.LoopBound > maxLoopBound:
		return fmt.Errorf("--loop-bound %d: must be between 1 and %d", c.LoopBound, maxLoopBound)
	case c.Timeout < 0:
		return fmt.Errorf("--timeout %v: must not be negative (0 means no limit)", c.Timeout)
	case c.MaxStates < 0:
		return fmt.Errorf("--max-states %d: must not be negative (0 means no limit)", c.MaxStates)
	case c.SpecStates < -1:
		return fmt.Errorf("--spec-states %d: must be -1 (no limit), 0 (the default) or a number of states", c.SpecStates)
	case c.Workers < 0 || c.Workers > maxWorkers:
		return fmt.Errorf("--workers %d: must be between 0 (one per CPU) and %d", c.Workers, maxWorkers)
	}
	if c.MaxMemory != "" {
		n, err := parseBytes(c.MaxMemory)
		if err != nil {
			return fmt.Errorf("--max-memory %s: %v", c.MaxMemory, err)
		}
		if n != 0 && n < 64<<20 {
			return fmt.Errorf("--max-memory %s: must be 0 (no limit) or at least 64MiB", c.MaxMemory)
		}
	}
	return nil
}

// tuneRuntime sets the collector for a search, once for the process: the
// search keeps little live memory (a depth-first path of graphs) but
// allocates fast, so a lazier collector leaves the CPUs to it; near the
// memory limit (0: none) the runtime collects harder before the
// explorer's watchdog stops the search.
func tuneRuntime(maxMemory int64) {
	debug.SetGCPercent(400)
	if maxMemory > 0 {
		debug.SetMemoryLimit(maxMemory)
	}
}

// maxMemory is the memory limit in bytes: --max-memory, or by default
// half of the machine's memory (or of the cgroup's limit, if lower).
func (c *exploreCmd) maxMemory() int64 {
	if c.MaxMemory != "" {
		n, _ := parseBytes(c.MaxMemory) // checked by check
		return n
	}
	return defaultMaxMemory()
}

// parseBytes reads a size: a number of bytes, or with a unit (K, M, G, T
// as powers of 1024, with or without "iB"/"B"; KB, MB, GB, TB as powers
// of 1000).
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToUpper(strings.TrimSpace(t[i:]))
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("not a size (say 4GiB, 512MiB or 0 for no limit)")
	}
	mult := map[string]float64{"": 1, "B": 1,
		"K": 1 << 10, "KIB": 1 << 10, "M": 1 << 20, "MIB": 1 << 20, "G": 1 << 30, "GIB": 1 << 30, "T": 1 << 40, "TIB": 1 << 40,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("unknown unit %q (say 4GiB, 512MiB or 0 for no limit)", unit)
	}
	if f*mult >= 1<<62 {
		return 0, fmt.Errorf("too large")
	}
	return int64(f * mult), nil
}

// defaultMaxMemory is half of the memory the process may use: the
// machine's (MemTotal), or its cgroup's limit if lower; 4GiB if neither
// can be read.
func defaultMaxMemory() int64 {
	total := int64(0)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && (total == 0 || n < total) {
			total = n
		}
	}
	if total == 0 {
		return 4 << 30
	}
	return total / 2
}
