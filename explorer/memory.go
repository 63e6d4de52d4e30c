package explorer

import (
	"context"
	"fmt"
	"runtime/metrics"
	"time"
)

// The memory limit (Options.MaxMemory). A search that keeps more live
// memory than the limit stops, inconclusive, with what it explored, rather
// than dying in the runtime's out-of-memory error (a goroutine dump and
// exit 2, the status of bad input). A watchdog samples the memory the
// process holds and stops the search at 90% of the limit, which leaves
// room for the report. Every phase of a search checks its context, so
// each stops promptly. The runtime's soft limit (debug.SetMemoryLimit),
// which makes the collector work harder as the heap nears it, is the
// process's to set, once (the CLI does): searches run side by side
// (mmcheck weaken) must not set and restore it under each other.

// memSample is how often the watchdog looks.
const memSample = 50 * time.Millisecond

// heldMemory is the memory the Go runtime holds from the system and has
// not returned to it.
func heldMemory(s []metrics.Sample) uint64 {
	metrics.Read(s)
	total, released := s[0].Value.Uint64(), s[1].Value.Uint64()
	if released > total {
		return 0
	}
	return total - released
}

// memoryError is why a search stopped at its memory limit.
type memoryError struct{ limit, held int64 }

func (m *memoryError) Error() string {
	return fmt.Sprintf("--max-memory %s reached (%s held)", formatBytes(m.limit), formatBytes(m.held))
}

// watchMemory returns a context that is cancelled, with a *memoryError
// as its cause, when the process holds more than 90% of limit bytes, and
// a function that ends the watch.
func watchMemory(parent context.Context, limit int64) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
		tk := time.NewTicker(memSample)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-tk.C:
				if held := heldMemory(s); held > uint64(limit)/10*9 {
					cancel(&memoryError{limit, int64(held)})
					return
				}
			}
		}
	}()
	return ctx, func() {
		close(stop)
		<-done
		cancel(nil)
	}
}

// formatBytes writes n bytes in binary units, as --max-memory takes them.
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.3g%ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
