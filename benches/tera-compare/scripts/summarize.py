#!/usr/bin/env python3
"""Markdown tables from samples-default.json + samples-t2fast.json (medians of the reps)."""
import json, statistics, sys
d = sys.argv[1]
runs = {"default": json.load(open(f"{d}/samples-default.json")), "fast": json.load(open(f"{d}/samples-t2fast.json"))}
def idx(run):
    out = {}
    for r in runs[run]["results"]:
        out[(r["set"], r["page"], r["engine"], r["mode"], r["threads"])] = r
    return out
D, F = idx("default"), idx("fast")
med = lambda xs: statistics.median(xs)
def us(t, key, metric="wall_us_per_page"):
    r = t.get(key)
    return med(r[metric]) if r else float("nan")
def mbs(t, key):
    r = t.get(key)
    return r["bytes_per_page"] / med(r["wall_us_per_page"])
pages = [("theme","article"),("theme","section-20"),("theme","section-800"),("theme","author"),("theme","index"),("theme","issue"),
         ("equiv","article"),("equiv","section-800"),("equiv","index")]
def fmt(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"
for metric, title in (("wall_us_per_page", "wall"), ("cpu_us_per_page", "process CPU")):
    print(f"\n#### 1 thread, µs per page ({title} time, median of {len(runs['default']['loads'])} reps)\n")
    print("| templates / page | out KB | T1 from_value (today) | T1 from_serialize(struct) | T1 render only | T2 from_serialize(json) | T2 from_serialize(struct) | T2 shared Values | T2 render only | T2 render only, default features | T2 speed-up, shared vs today |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s, p in pages:
        k = lambda e, m, run=F: us(run, (s, p, e, m, 1), metric)
        today = k("tera1", "from_value")
        shared = k("tera2", "shared")
        kb = F[(s, p, "tera1", "render", 1)]["bytes_per_page"] / 1024
        print(f"| {s} / {p} | {kb:.1f} | {fmt(today)} | {fmt(k('tera1','from_serialize'))} | {fmt(k('tera1','render'))} | "
              f"{fmt(k('tera2','from_serialize_json'))} | {fmt(k('tera2','from_serialize'))} | {fmt(shared)} | {fmt(k('tera2','render'))} | "
              f"{fmt(k('tera2','render',D))} | {today/shared:.2f}x |")
print("\n#### Output throughput, MB/s (bytes out / wall time, median), 1 and 2 rayon threads\n")
print("| templates / page | T1 from_value 1t | T1 from_value 2t | T2 from_serialize(json) 1t | 2t | T2 shared 1t | T2 shared 2t |")
print("|---|---:|---:|---:|---:|---:|---:|")
for s, p in pages:
    m = lambda e, mo, th: mbs(F, (s, p, e, mo, th))
    print(f"| {s} / {p} | {m('tera1','from_value',1):.0f} | {m('tera1','from_value',2):.0f} | {m('tera2','from_serialize_json',1):.0f} | {m('tera2','from_serialize_json',2):.0f} | {m('tera2','shared',1):.0f} | {m('tera2','shared',2):.0f} |")
print("\nloads (default run):", " | ".join(runs["default"]["loads"]))
print("loads (fast run):", " | ".join(runs["fast"]["loads"]))
