#!/usr/bin/env python3
"""Pick the benchmark contexts from the dumps (dumps/p20.jsonl: paginate=20, dumps/p0.jsonl: paginate=0)."""
import json, collections
def rows(p):
    for l in open(p):
        yield json.loads(l)
def w(name, rs):
    with open(f'contexts/{name}.jsonl', 'w') as f:
        for r in rs: f.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(name, len(rs))
by = collections.defaultdict(list)
for r in rows('dumps/p20.jsonl'): by[r['template']].append(r)
arts = by['article.html']; w('article', arts[::len(arts)//60][:60])
s20 = [r for r in by['section.html'] if r['context']['paginator']['current'] in (1, 2)
       and len(r['context']['paginator']['articles']) == 20][:24]
w('section20', s20)
pick = []
for k in (1, 2, 3):
    pick += [r for r in by['author.html'] if len(r['context']['author']['articles']) == k][:10]
w('author', pick)
w('index', by['index.html'])
w('issue', by['issue.html'][:10])
p0 = [r for r in rows('dumps/p0.jsonl') if r['template'] == 'section.html']
w('section800', [r for r in p0 if len(r['context']['paginator']['articles']) >= 700])
