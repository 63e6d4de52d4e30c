#!/bin/sh
# bench/slow-tests.sh [go test flags...]: the slow exhaustive runs kept out
# of the default `go test ./...` (which must pass within minutes on a busy
# 2-core machine): the lkmm protocol lines marked "(slow)" in
# litmus/lazy-mm/*.expected, the explorer's random differential oracles at full
# size, the SRCU rewrites of the corpus's biggest tests. About 15 minutes
# idle on 2 cores; every search is bounded by states, never by seconds.
set -e
cd "$(dirname "$0")/.."
MMCHECK_SLOW=1 exec go test -count=1 -timeout 90m "$@" ./...
