#!/usr/bin/env bash
# network_dataset_smoke: generates a small network twice with the same flags;
# both runs must succeed and read back the same counts and digest; the
# generator refuses to overwrite a database. No timing.
#   bench/network_dataset/smoke_test.sh GENERATOR_BINARY
set -euo pipefail
(($# == 1)) || { echo "usage: smoke_test.sh GENERATOR" >&2; exit 2; }
generator="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

run() {  # run NAME -> the summary line without its timing
  "$generator" --database_url "sqlite://$dir/$1.db" --circles 300 --people 1800 --sisters 40 \
    --loans 400 --referrals 60 --batch 97 --seed 7 | tee "$dir/$1.out" >&2
  sed -n 's/^written in [0-9.]* s: //p' "$dir/$1.out"
}

first="$(run first)"
second="$(run second)"
[[ "$first" == *"digest "* ]] || { echo "FAIL: no summary printed" >&2; exit 1; }
[[ "$first" == "$second" ]] || { echo "FAIL: runs differ: $first vs $second" >&2; exit 1; }
[[ "$first" == *"circles 300,"* ]] || { echo "FAIL: expected 300 circles: $first" >&2; exit 1; }

if "$generator" --database_url "sqlite://$dir/first.db" >"$dir/again.out" 2>&1; then
  echo "FAIL: the generator overwrote an existing database" >&2
  exit 1
fi
grep -q "already exists" "$dir/again.out" || { cat "$dir/again.out" >&2; exit 1; }
echo "network dataset smoke: passed ($first)"
