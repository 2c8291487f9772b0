#!/usr/bin/env bash
# run_fuzzer.sh FUZZER REGRESSIONS_DIR [LIBFUZZER FLAGS...]
# One fuzzing pass: a fresh corpus folder gets one seed per method (written by
# the fuzzer itself, CERCLES_FUZZ_SEED_DIR), the kept regressions are replayed
# with it, then libFuzzer mutates. New inputs go to the fresh folder only; a
# finding is written to ./crash-* (or -artifact_prefix) and fails the run.
set -euo pipefail
fuzzer="$1"
regressions="$2"
shift 2
corpus="$(mktemp -d "${TMPDIR:-/tmp}/cercles-fuzz-corpus.XXXXXX")"
trap 'rm -rf "$corpus"' EXIT
# Leaks are checked by the other tests' ASan runs; per-input leak checks here
# would count the services' caches, which live as long as the process.
CERCLES_FUZZ_SEED_DIR="$corpus" "$fuzzer" -detect_leaks=0 -max_len=4096 -timeout=60 \
  -print_final_stats=1 "$@" "$corpus" "$regressions"
