"""Figures of issue 13, points 1 and 2: fragment bombs of 5-7 levels, a plain query sent while four
7-level bombs are, the directory page q3, 3,000 text-search counts and 200 logins in one request.

Usage: start a server (RATE_LIMIT=off), then
  python3 scripts/measure_work_bounds.py http://127.0.0.1:8080/graphql "$(clusterbridge issue-token --role ADMIN --subject a@example.org)" 5,6,7 7
"""
import urllib.error, json, sys, time, urllib.request, subprocess, threading

url = sys.argv[1]
token = sys.argv[2] if len(sys.argv) > 2 else None

def post(body, tok=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    if tok: req.add_header("authorization", "Bearer " + tok)
    t = time.time()
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            out = json.loads(r.read())
    except urllib.error.HTTPError as e:
        out = json.loads(e.read() or b"{}")
        out["status"] = e.code
    return time.time() - t, out

def bomb(levels):
    frags = ["fragment F0 on Query { __typename }"]
    for i in range(1, levels + 1):
        frags.append(f"fragment F{i} on Query {{ " + " ".join([f"...F{i-1}"] * 10) + " }")
    return f"{{ ...F{levels} }} " + " ".join(frags)

LEVELS = [int(x) for x in (sys.argv[3] if len(sys.argv) > 3 else "5,6,7").split(",")]
for n in LEVELS:
    q = bomb(n)
    dt, out = post({"query": q})
    err = out.get("errors", [{}])[0]
    print(f"bomb {n} levels, {len(q)} bytes: {dt*1000:.0f} ms, {err.get('extensions', {}).get('code', 'served')}: {err.get('message', '')[:90]}")

# A plain query while four 7-level documents are being sent.
CONC = int(sys.argv[4]) if len(sys.argv) > 4 else 7
q7 = bomb(CONC)
def bombard():
    try: post({"query": q7})
    except Exception as e: print("bomb failed:", e)
threads = [threading.Thread(target=bombard) for _ in range(4)]
for t in threads: t.start()
time.sleep(0.05)
t0 = time.time()
try:
    dt, out = post({"query": "{ clusters(first: 1) { nodes { name } } }"})
    print(f"plain query during four {CONC}-level bombs: {dt*1000:.0f} ms, {'served' if 'data' in out and out['data'] else out}")
except Exception as e:
    print(f"plain query during four {CONC}-level bombs: {(time.time()-t0)*1000:.0f} ms, failed: {e}")
for t in threads: t.join()

q3 = """{ clusters(first: 50) { totalCount nodes { id name country
  members(first: 20) { nodes { id name kind } }
  partnerships { nodes { id name members { nodes { id name country } } } } } } }"""
for who, tok in (("anonymous", None), ("signed in", token)):
    dt, out = post({"query": q3}, tok)
    print(f"directory page q3 ({who}): cost {out.get('extensions', {}).get('cost')}, {dt*1000:.0f} ms, errors: {[e['message'][:80] for e in out.get('errors', [])]}")

count = "fragment C on Query { " + " ".join(f"c{i}: clusters(first: 1, filter: {{query: \"aero\"}}) {{ totalCount }}" for i in range(5)) + " }"
q3000 = "{ ...H } fragment H on Query { " + " ".join(["...C"] * 600) + " } " + count
dt, out = post({"query": q3000}, token)
err = out.get("errors", [{}])[0]
print(f"3,000 search totalCounts (5 aliases spread 600 times, {len(q3000)} bytes, signed in): {dt*1000:.0f} ms, cost {out.get('extensions', {}).get('cost')}, {err.get('extensions', {}).get('code', 'served')} {err.get('message', '')[:80]}")

lf = "fragment L on Mutation { " + " ".join(f"l{i}: login(input: {{email: \"nobody@example.org\", password: \"wrong password here\"}}) {{ accessToken }}" for i in range(5)) + " }"
logins = "mutation { " + " ".join(["...L"] * 40) + " } " + lf
dt, out = post({"query": logins})
errs = out.get("errors", [])
print(f"200 logins (5 aliases spread 40 times): {dt*1000:.0f} ms, cost {out.get('extensions', {}).get('cost')}, {len(errs)} errors, first: {json.dumps(errs[:1])[:200]}")
