#!/usr/bin/env python3
"""Benchmark of `broadsheet watch` on a generated 10,000-article site.

Measures, for a one-paragraph edit of one article, the time from the file write to the
watcher's "rebuilt" line (printed after the article page, the issue front, the section pages,
the feeds and the sitemap are written), as the median of N edits; then the peak RSS
(VmHWM) before and after 500 more edits.

Usage: scripts/bench_watch.py [WORKDIR] [--edits 25] [--soak 500]
Needs a release build (cargo build --release) in $CARGO_TARGET_DIR (default target/).
"""
import os, queue, shutil, statistics, subprocess, sys, threading, time

work = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "/tmp/bench-watch"
def opt(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default
edits, soak = opt("--edits", 25), opt("--soak", 500)
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(repo, "target")), "release", "broadsheet")
site, corpus, out = f"{work}/site", f"{work}/corpus", f"{work}/public"

if not os.path.isdir(f"{corpus}/content"):
    subprocess.run(["python3", "/work/shared/bench/gen_corpus.py", corpus, "--articles", "10000",
                    "--sections", "12", "--issues", "333"], check=True)
if not os.path.isdir(site):
    subprocess.run([binary, "init", site], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(f"{site}/content")
    shutil.copytree(f"{corpus}/content", f"{site}/content")
shutil.rmtree(out, ignore_errors=True)

proc = subprocess.Popen([binary, "watch", "--root", site, "--output-dir", out],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
lines = queue.Queue()
threading.Thread(target=lambda: [lines.put((time.perf_counter(), l)) for l in proc.stdout], daemon=True).start()

def wait_for(needle, timeout=120):
    deadline = time.perf_counter() + timeout
    while True:
        at, line = lines.get(timeout=max(0.01, deadline - time.perf_counter()))
        if needle in line:
            return at, line.strip()

print(wait_for("initial build", 600)[1])
wait_for("watching")
articles = sorted(os.path.join(d, f) for d, _, fs in os.walk(f"{site}/content") for f in fs
                  if f.endswith(".md") and f != "_index.md")
target = articles[len(articles) // 2]

def edit(i):
    start = time.perf_counter()
    with open(target, "a", encoding="utf-8") as f:
        f.write(f"\n\n基准测试段落 bench-{i}。\n")
    at, line = wait_for("rebuilt")
    return (at - start) * 1000, line

def hwm():
    for line in open(f"/proc/{proc.pid}/status"):
        if line.startswith(("VmHWM", "VmRSS")):
            yield line.split(":")[0], int(line.split()[1]) // 1024

edit(0)  # warm
times, last = [], ""
for i in range(1, edits + 1):
    ms, last = edit(i)
    times.append(ms)
print(f"edit → output written, {edits} edits: median {statistics.median(times):.1f} ms, "
      f"min {min(times):.1f}, max {max(times):.1f}")
print(f"last line: {last}")
before = dict(hwm())
for i in range(edits + 1, edits + 1 + soak):
    edit(i)
after = dict(hwm())
print(f"memory over {soak} more edits: VmHWM {before['VmHWM']} → {after['VmHWM']} MiB, "
      f"VmRSS {before['VmRSS']} → {after['VmRSS']} MiB")
proc.kill()
