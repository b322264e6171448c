#!/usr/bin/env python3
"""Crash test: sustained rating and report load on `minhbach`, killed with SIGKILL at random
moments, many times, then restarted on the same database. After every restart:
- every submission whose answer (200) had reached the client is in the database;
- no submission is stored twice (each idempotency key once; each retried key once);
- on SQLite, `PRAGMA integrity_check` says ok (run on the file while the server is down).
At the end, a SIGTERM while requests are in flight: every request the server had accepted is
answered (graceful shutdown), none is cut off.

    python3 tests/bench/crash.py                  # SQLite, 25 kills
    DB=postgres python3 tests/bench/crash.py      # PostgreSQL
    KILLS=50 WORKERS=12 python3 tests/bench/crash.py

MINHBACH_BIN picks the binary (default target/debug/minhbach; build it first). Prints one
summary line per kill and a final table; exits 1 if anything acknowledged is missing.
"""

import hashlib
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("MINHBACH_BIN", os.path.join(ROOT, "target", "debug", "minhbach"))
DB = os.environ.get("DB", "sqlite")
KILLS = int(os.environ.get("KILLS", "25"))
WORKERS = int(os.environ.get("WORKERS", "8"))
PORT = int(os.environ.get("PORT", "8103"))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PHOTO = os.path.join(ROOT, "..", "shared", "testdata", "photos", "Canon_40D.jpg")

work = tempfile.mkdtemp(prefix="mb-crash-")
if DB == "postgres":
    name = f"mb_crash_{os.getpid()}"
    subprocess.run(["psql", "-q", PG_ADMIN, "-c", f"CREATE DATABASE {name}"], check=True)
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
else:
    db_file = os.path.join(work, "crash.db")
    url = f"sqlite://{db_file}"

env = dict(
    os.environ,
    DATABASE_URL=url,
    MINHBACH_ADDR=f"127.0.0.1:{PORT}",
    RUST_LOG="warn",
    MINHBACH_WARM_ASSETS="false",
    MINHBACH_CITIZEN_PER_NETWORK_PER_MINUTE="100000000",
    MINHBACH_CITIZEN_PER_DEVICE_PER_MINUTE="100000000",
)
log = open(os.path.join(work, "server.log"), "ab")
server = None


def start(demo=False):
    global server
    args = [BIN, "serve"] + (["--demo"] if demo else [])
    server = subprocess.Popen(args, env=env, stdout=log, stderr=log)
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited ({server.returncode}); see {work}/server.log")
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("the server did not become ready")


def call(method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    return r.status, r.read()


def query(sql):
    """Runs SQL on the database (the server may be down) and returns the rows."""
    if DB == "postgres":
        out = subprocess.run(["psql", "-tA", "-F", "\t", url, "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]
    con = sqlite3.connect(db_file)
    try:
        return [tuple(str(v) for v in row) for row in con.execute(sql)]
    finally:
        con.close()


start(demo=True)
status, body = call("POST", "/api/v1/auth/login",
                    json.dumps({"username": "quantri", "password": "minhbach-demo"}),
                    {"content-type": "application/json"})
token = json.loads(body)["access_token"]
status, body = call("GET", "/api/v1/counters?per_page=500", headers={"authorization": f"Bearer {token}"})
counters = [c["qr_token"] for c in json.loads(body)["items"]]
photo = open(PHOTO, "rb").read() if os.path.exists(PHOTO) else None

lock = threading.Lock()
acked_ratings, acked_reports = {}, {}   # idempotency key -> receipt id / tracking code
unanswered = 0                          # sent, but the answer never came (the kill)
stop = threading.Event()
paused = threading.Event()              # set while the server is down
retry_queue = []                        # keys whose answer was lost: sent again after restart


def rating_request(key):
    body = json.dumps({"counter_token": random.choice(counters),
                       "overall": random.choice(["very_satisfied", "satisfied", "not_satisfied"]),
                       "idempotency_key": key})
    return "/api/v1/ratings", body, {"content-type": "application/json", "x-device-id": uuid.uuid4().hex}


def report_request(key, with_photo):
    boundary = uuid.uuid4().hex
    report = json.dumps({"kind": "feedback", "category": "late_dossier",
                         "counter_token": random.choice(counters),
                         "description": "Hồ sơ trễ hẹn hai tuần mà không có phiếu xin lỗi, thử tải khi máy chủ bị tắt.",
                         "idempotency_key": key})
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"report\"\r\n\r\n{report}\r\n".encode()]
    if with_photo and photo:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\n"
                     "Content-Type: image/jpeg\r\n\r\n".encode() + photo + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return "/api/v1/reports", b"".join(parts), {"content-type": f"multipart/form-data; boundary={boundary}"}


def worker(seed):
    global unanswered
    rnd = random.Random(seed)
    while not stop.is_set():
        if paused.is_set():
            time.sleep(0.05)
            continue
        with lock:
            retry = retry_queue.pop() if retry_queue else None
        if retry:
            kind, key, (path, body, headers) = retry
        else:
            kind, key = ("report" if rnd.random() < 0.2 else "rating"), uuid.uuid4().hex
            if kind == "rating":
                path, body, headers = rating_request(key)
            else:
                path, body, headers = report_request(key, rnd.random() < 0.5)
        try:
            status, answer = call("POST", path, body, headers)
        except OSError:
            with lock:
                unanswered += 1
                # As the page does: the same request, same key, is sent again once the
                # server is back.
                retry_queue.append((kind, key, (path, body, headers)))
            time.sleep(0.05)
            continue
        if status == 200:
            receipt = json.loads(answer)
            with lock:
                if kind == "rating":
                    acked_ratings[key] = receipt["id"]
                else:
                    acked_reports[key] = receipt["tracking_code"]
        elif status not in (429, 503):
            print(f"unexpected {status}: {answer[:200]!r}", file=sys.stderr)


def check(after_kill):
    """Every acknowledged submission present once; the SQLite file intact."""
    ratings = dict(query("SELECT idempotency_key, id FROM ratings"))
    dup_ratings = query("SELECT idempotency_key FROM ratings GROUP BY idempotency_key HAVING count(*) > 1")
    reports = dict(query("SELECT idempotency_key, tracking_code FROM reports"))
    with lock:
        missing_r = [k for k, v in acked_ratings.items() if ratings.get(k) != v]
        missing_p = [k for k, v in acked_reports.items()
                     if reports.get(hashlib.sha256(f"report:{k}".encode()).hexdigest()) != v.replace("-", "")]
        n_r, n_p = len(acked_ratings), len(acked_reports)
    integrity = "n/a"
    if DB != "postgres":
        integrity = query("PRAGMA integrity_check")[0][0]
    return dict(kill=after_kill, ratings_acked=n_r, reports_acked=n_p, ratings_missing=len(missing_r),
                reports_missing=len(missing_p), duplicates=len(dup_ratings), integrity=integrity,
                ratings_stored=len(ratings), reports_stored=len(reports))


threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(WORKERS)]
for t in threads:
    t.start()
results, failed = [], False
began = time.time()
for kill in range(1, KILLS + 1):
    time.sleep(random.uniform(0.5, 3.0))
    paused.set()
    server.send_signal(signal.SIGKILL)
    server.wait()
    time.sleep(0.2)  # the workers' connections see the kill
    r = check(kill)
    results.append(r)
    print(json.dumps(r), flush=True)
    if r["ratings_missing"] or r["reports_missing"] or r["duplicates"] or r["integrity"] not in ("ok", "n/a"):
        failed = True
    start()
    paused.clear()

# Graceful shutdown: SIGTERM with requests in flight. Each request started before the signal
# must be answered or refused at connect (never accepted), never cut off half-way.
time.sleep(1.0)
stop.set()
for t in threads:
    t.join()
inflight = {"answered": 0, "refused": 0, "cut": 0}


def slow_request(i):
    path, body, headers = report_request(uuid.uuid4().hex, True)
    try:
        status, _ = call("POST", path, body, headers, timeout=60)
        inflight["answered" if status == 200 else "cut"] += 1
    except ConnectionRefusedError:
        inflight["refused"] += 1
    except OSError:
        inflight["cut"] += 1


sigterm_threads = [threading.Thread(target=slow_request, args=(i,)) for i in range(16)]
for t in sigterm_threads:
    t.start()
time.sleep(0.05)
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)
for t in sigterm_threads:
    t.join()
final = check("end")
elapsed = time.time() - began
print(json.dumps(final))
print(f"\nkills: {KILLS} on {DB}, {WORKERS} workers, {elapsed:.0f} s")
print(f"ratings acknowledged {final['ratings_acked']}, found {final['ratings_acked'] - final['ratings_missing']}, stored {final['ratings_stored']}")
print(f"reports acknowledged {final['reports_acked']}, found {final['reports_acked'] - final['reports_missing']}, stored {final['reports_stored']}")
print(f"answers lost to a kill (sent again with the same key): {unanswered}")
print(f"duplicates: {final['duplicates']}; integrity: {final['integrity']}; exit on SIGTERM: {server.returncode}")
print(f"SIGTERM with 16 uploads in flight: {inflight}")
if DB == "postgres":
    subprocess.run(["psql", "-q", PG_ADMIN, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
if failed or final["ratings_missing"] or final["reports_missing"] or inflight["cut"]:
    print("FAILED")
    sys.exit(1)
print("passed")
