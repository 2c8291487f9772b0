#!/usr/bin/env bash
# membership_dataset_smoke: generates a tiny fund twice with the same flags; each
# run must pass the generator's domain checks (--verify) and both must give the
# same content digest. Refuses to overwrite an existing database. No timing.
#   bench/membership_dataset/smoke_test.sh GENERATOR_BINARY
set -euo pipefail
(($# == 1)) || { echo "usage: smoke_test.sh GENERATOR" >&2; exit 2; }
generator="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

run() {  # run NAME -> the digest
  "$generator" --database_url "sqlite://$dir/$1.db" --circles 40 --people 300 --batch 7 \
    --seed 7 --verify | tee "$dir/$1.out" >&2
  sed -n 's/.*digest \([0-9a-f]*\).*/\1/p' "$dir/$1.out"
}

first="$(run first)"
second="$(run second)"
[[ -n "$first" ]] || { echo "FAIL: no digest printed" >&2; exit 1; }
[[ "$first" == "$second" ]] || { echo "FAIL: digests differ: $first vs $second" >&2; exit 1; }

if "$generator" --database_url "sqlite://$dir/first.db" --circles 40 --people 300 \
  >"$dir/again.out" 2>&1; then
  echo "FAIL: the generator overwrote an existing database" >&2
  exit 1
fi
grep -q "already exists" "$dir/again.out" || { cat "$dir/again.out" >&2; exit 1; }

# Too few people for the circles' founders is refused with the reason.
if "$generator" --database_url "sqlite://$dir/few.db" --circles 40 --people 10 \
  >"$dir/few.out" 2>&1; then
  echo "FAIL: 10 people were accepted for 40 circles" >&2
  exit 1
fi
grep -q "founders" "$dir/few.out" || { cat "$dir/few.out" >&2; exit 1; }
echo "membership dataset smoke: passed (digest $first)"
