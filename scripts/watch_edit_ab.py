#!/usr/bin/env python3
"""Watch-edit latency of two broadsheet binaries on the same site, one after the other.

  scripts/watch_edit_ab.py ARTICLE NAME=BINARY:SITE:OUT [NAME=BINARY:SITE:OUT ...] [--edits 5]

For each binary: starts `BINARY watch --root SITE --output-dir OUT`, waits for its first
"rebuilt"/"built" line, then appends a paragraph to ARTICLE (a path under SITE's content, the
same file for all: give SITEs that share their content) EDITS times, each time waiting for the
watcher's next line, and prints the milliseconds that line reports. The article is restored
at the end. Rounds alternate between the binaries.
"""
import re, subprocess, sys, time

args = [a for a in sys.argv[1:]]
edits = 5
if "--edits" in args:
    i = args.index("--edits")
    edits = int(args[i + 1])
    del args[i:i + 2]
article, runs = args[0], [a.split("=", 1) for a in args[1:]]
original = open(article, encoding="utf-8").read()
results = {name: [] for name, _ in runs}
try:
    for name, spec in runs:
        binary, site, out = spec.split(":")
        proc = subprocess.Popen([binary, "watch", "--root", site, "--output-dir", out],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        def next_line():
            while True:
                line = proc.stdout.readline()
                if not line:
                    raise SystemExit(f"{name}: watch stopped")
                if re.search(r"\bin \d+ ms|\d+(\.\d+)? ms", line) and "built" in line:
                    return line.strip()
        next_line()
        for n in range(edits):
            time.sleep(1.0)
            with open(article, "a", encoding="utf-8") as f:
                f.write(f"\n\n{name} 第{n}次编辑追加的段落。\n")
            line = next_line()
            ms = re.findall(r"(\d+(?:\.\d+)?) ms", line)
            results[name].append(float(ms[-1]) if ms else None)
            print(f"{name} edit {n}: {line}", flush=True)
        proc.terminate()
        proc.wait()
finally:
    open(article, "w", encoding="utf-8").write(original)
for name, values in results.items():
    ok = sorted(v for v in values if v is not None)
    if ok:
        print(f"{name}: median {ok[len(ok) // 2]} ms over {len(ok)} edits: {values}")
