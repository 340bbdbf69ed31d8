#!/usr/bin/env bash
# Kill test by hand (issue #11): SIGKILL a cached build at random points, then check that the
# next cached build gives exactly a clean build's output (diff -r). The bounded version runs
# in `cargo test` (tests/it/interrupt.rs); this one is for 10,000 articles.
#
#   scripts/kill_test.sh [--articles 10000] [--points 6] [--bin target/release/broadsheet]
#                        [--work DIR] [--seed N]
#
# Two content trees: A (generated) and B (every tenth article edited, one deleted, one
# added). Per point: build A with the cache; switch to B; start a cached build and kill -9 it
# after a random delay within the measured build time; then build B (or, every other point,
# A again: the cache must not vouch for pages the killed build replaced) with the cache, and
# `diff -r` it against a clean build (--no-cache, fresh folder) of that tree.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARTICLES=10000 POINTS=6 BIN=$REPO/target/release/broadsheet WORK=$REPO/target/kill-test SEED=11
while [[ $# -gt 0 ]]; do
  case $1 in
    --articles) ARTICLES=$2; shift 2 ;;
    --points) POINTS=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x $BIN ]] || { echo "no binary at $BIN (cargo build --release, or --bin)" >&2; exit 2; }
RANDOM=$SEED
SITE=$WORK/site
say() { echo "[$(date +%T)] $*" >&2; }

rm -rf "$WORK"; mkdir -p "$WORK"
"$BIN" init "$SITE" >/dev/null
rm -rf "$SITE/content"
python3 "$REPO/scripts/gen_corpus.py" "$SITE" --articles "$ARTICLES" --layout issue >/dev/null
cp -r "$SITE/content" "$WORK/A"
cp -r "$WORK/A" "$WORK/B"
mapfile -t FILES < <(find "$WORK/B" -name '*.md' | sort)
for ((i = 0; i < ${#FILES[@]}; i += 10)); do printf '\n补记:本段为修改后的内容。\n' >>"${FILES[i]}"; done
rm "${FILES[1]}"
printf -- '---\ntitle: 新增的文章\n---\n\n新增的正文。\n' >"$(dirname "${FILES[2]}")/99-added.md"

switch() { rm -rf "$SITE/content"; cp -r "$WORK/$1" "$SITE/content"; }
build() { "$BIN" build --root "$SITE" "$@" >>"$WORK/builds.log" 2>&1; }
for tree in A B; do
  switch $tree
  say "clean reference build of $tree"
  build --no-cache --output-dir "$WORK/ref-$tree"
done
switch A; build
switch B
start=$(date +%s%N); build; total_ms=$(( ($(date +%s%N) - start) / 1000000 ))
say "a cached build of B after A takes $total_ms ms; killing at random points within it"

failures=0
for ((p = 1; p <= POINTS; p++)); do
  switch A; build
  switch B
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % (total_ms + 1) ))
  "$BIN" build --root "$SITE" >>"$WORK/builds.log" 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -KILL "$pid" 2>/dev/null; then state="killed"; else state="had already finished"; fi
  wait "$pid" 2>/dev/null || true
  staging=$([[ -d $SITE/.public.staging ]] && echo "staging left" || echo "no staging")
  tree=$([[ $((p % 2)) == 1 ]] && echo B || echo A)
  switch $tree
  build || { say "point $p: the build after the kill FAILED"; failures=$((failures + 1)); continue; }
  if diff -r "$SITE/public" "$WORK/ref-$tree" >"$WORK/diff-$p.txt"; then
    say "point $p: $state at ${delay_ms} ms ($staging); next build of $tree == clean build: OK"
  else
    say "point $p: $state at ${delay_ms} ms; next build of $tree DIFFERS (see $WORK/diff-$p.txt)"
    failures=$((failures + 1))
  fi
done
say "$POINTS points, $failures failures"
[[ $failures == 0 ]]
