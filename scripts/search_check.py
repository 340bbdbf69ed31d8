#!/usr/bin/env python3
"""Checks the search page against grep: for each query, the articles search.js lists (every
page of results, in headless Chromium through tests/browser/search_page.mjs) must be exactly
the articles whose text contains the query as a fixed string (what `grep -F` finds), in the
output's article texts (cut from the `search/x/N.txt` blocks where the `search/d/` rows say)
and titles.

  scripts/search_check.py OUTPUT_DIR URL [QUERY ...]

OUTPUT_DIR is the built site (e.g. public/), URL its search page as served on 127.0.0.1
(e.g. http://127.0.0.1:8000/search/). Without queries it runs ten two-to-four-character ones that the 10,000-article benchmark
corpus (gen_corpus.py --articles 10000) holds 60-150 times each (every page is visited).
Prints one line per query (expected, listed, missed, extra, first-query ms and bytes) and
exits 1 unless every query's recall and precision are 100%.
"""

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

QUERIES = ["城积", "民扎", "施医", "展科", "动老", "城稳", "医院有", "港区稳步", "社区大力", "医院有序"]


def documents(out):
    """Document id -> (title, url, body text) from the metadata and text blocks."""
    manifest = json.loads((out / "search.json").read_text(encoding="utf-8"))
    docs = {}
    texts = {}
    for block in range((manifest["docs"] + manifest["block"] - 1) // manifest["block"]):
        rows = json.loads((out / f"search/d/{block}.json").read_text(encoding="utf-8"))
        for i, row in enumerate(rows):
            doc = block * manifest["block"] + i
            text_block = doc // manifest["textBlock"]
            if text_block not in texts:
                texts[text_block] = (out / f"search/x/{text_block}.txt").read_bytes()
            body = texts[text_block][row[5]:row[5] + row[6]].decode("utf-8")
            docs[doc] = (row[0], row[1], body)
    return docs


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, url = Path(sys.argv[1]), sys.argv[2]
    queries = sys.argv[3:] or QUERIES
    docs = documents(out)
    script = Path(__file__).resolve().parent.parent / "tests/browser/search_page.mjs"
    ok = True
    for query in queries:
        expected = {i for i, (title, _, body) in docs.items() if query in title or query in body}
        expected_urls = {docs[i][1] for i in expected}
        page = f"{url}?q={urllib.parse.quote(query)}"
        run = subprocess.run(["node", str(script), "--all", page], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{query}: search_page.mjs failed: {run.stderr.strip()}")
            ok = False
            continue
        report = json.loads(run.stdout)
        base = urllib.parse.urlparse(url).path.rsplit("/search/", 1)[0]
        listed = {r["href"][len(base):] if r["href"].startswith(base + "/") else r["href"]
                  for r in report["results"]}
        missed, extra = expected_urls - listed, listed - expected_urls
        ok = ok and not missed and not extra and not report["consoleErrors"]
        print(f"{query}: grep {len(expected_urls)}, listed {len(listed)}, missed {len(missed)}, "
              f"extra {len(extra)}, first page {report['ms']} ms, {report['bytes']} bytes")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
