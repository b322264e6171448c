"""Schemathesis hooks for tests/schemathesis/run.sh: signs the fuzzer in and gives it real data.

Signing in. Each operation is called as the account that can reach the most of it, so that the
fuzzer gets past the role checks into the code behind them (as anyone else it would mostly see
403s):
- the inspection committee (demo account `ubkt`) for what only the committee does: the audit
  log, the oversight patterns, the findings, an officer's record, the reveal of an identity;
- the head of a commune (demo account `chutich.xa`) for the cases and the weekly reception
  sessions, which the head handles;
- a national administrator (made by run.sh with `minhbach admin create`) for everything else,
  including what only a national administrator edits (the calendar, the deadline settings);
- no one for the citizens' and the public operations (ratings, reports, tracking, the public
  pages' figures, sign-in, the probes).
`POST /api/v1/auth/logout` ends the session it is called with, so it gets a session of its own
each time (never cached); otherwise the first logout would sign the whole run out.

Real data. Identifiers are random: made up by the fuzzer, every case id, staff id or tracking
code is a 404 and the code behind it is never run. So before the run this module makes a few
records through the API itself (units, counters, staff, an account, ratings, reports with a
photo, a reception session) and then, for each generated request, the fuzzer may swap a path
parameter, a query parameter or a body field that names a record for one of these real ones
(or keep its own value: both are tried, and shrinking prefers its own). The records that PATCH
operations edit are made for the purpose, so that the fuzzer deactivating or renaming them
cannot lock the run's own accounts out.

run.sh passes the server's address and the credentials in the environment.
"""

import atexit
import json
import os
import struct
import urllib.error
import urllib.request
import uuid
import zlib

import requests
import schemathesis
from hypothesis import strategies as st

BASE = os.environ["MINHBACH_ST_BASE_URL"]
ADMIN = (os.environ["MINHBACH_ST_ADMIN_USER"], os.environ["MINHBACH_ST_ADMIN_PASSWORD"])
COMMITTEE = (os.environ["MINHBACH_ST_COMMITTEE_USER"], os.environ["MINHBACH_ST_DEMO_PASSWORD"])
HEAD = (os.environ["MINHBACH_ST_HEAD_USER"], os.environ["MINHBACH_ST_DEMO_PASSWORD"])


def sign_in(username: str, password: str) -> str:
    """An access token for the account, from the login API."""
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(
        f"{BASE}/api/v1/auth/login",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["access_token"]
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"sign-in as {username} failed: {e.code} {e.read()[:300]!r}") from e


def bearer(case, token: str) -> None:
    case.headers = case.headers or {}
    case.headers["Authorization"] = f"Bearer {token}"


# --- the data the fuzzer may use ----------------------------------------------------------------


class Api:
    """A signed-in client for making the fixtures; any answer but 200 stops the run."""

    def __init__(self, who):
        self.token = sign_in(*who) if who else None

    def call(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        r = requests.request(method, f"{BASE}{path}", headers=headers, timeout=60, **kwargs)
        if r.status_code != 200:
            raise RuntimeError(f"fixture {method} {path}: {r.status_code} {r.text[:500]}")
        return r.json()


def png(width=64, height=48) -> bytes:
    """A small real PNG (a gradient), made without any imaging library."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 4 % 256, y * 5 % 256, 128)) for x in range(width)) for y in range(height)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def key() -> str:
    return uuid.uuid4().hex


def make_fixtures() -> dict:
    admin, head, committee, citizen = Api(ADMIN), Api(HEAD), Api(COMMITTEE), Api(None)
    run = uuid.uuid4().hex[:6]  # the codes and names that must be unique
    units = admin.call("GET", "/api/v1/units", params={"per_page": 500})["items"]
    by_code = {u["code"]: u for u in units}
    province, commune = by_code["DEMO-NB"], by_code["DEMO-NB-GV"]
    counters = admin.call("GET", "/api/v1/counters", params={"unit_id": commune["id"]})["items"]
    staff = admin.call("GET", "/api/v1/staff", params={"unit_id": commune["id"]})["items"]

    # What the PATCH operations may edit freely.
    target_unit = admin.call(
        "POST",
        "/api/v1/units",
        json={"parent_id": province["id"], "kind": "commune", "code": f"ST-{run}", "name": "Xã Thử Nghiệm"},
    )
    target_counter = admin.call(
        "POST", "/api/v1/counters", json={"unit_id": target_unit["id"], "name": "Quầy thử nghiệm"}
    )
    target_staff = admin.call(
        "POST",
        "/api/v1/staff",
        json={
            "unit_id": target_unit["id"],
            "full_name": "Ngô Văn Thử",
            "title": "Công chức thử nghiệm",
            "badge_number": f"ST-{run}",
            "counter_id": target_counter["id"],
        },
    )
    target_account = admin.call(
        "POST",
        "/api/v1/accounts",
        json={
            "username": f"st.target.{run}",
            "password": "st-target-password",
            "full_name": "Tài khoản thử nghiệm",
            "role": "officer",
            "unit_id": target_unit["id"],
            "staff_id": target_staff["id"],
        },
    )

    # A citizen's ratings (one per counter: one per phone per counter) and reports.
    ratings = []
    for i, counter in enumerate(counters):
        receipt = citizen.call(
            "POST",
            "/api/v1/ratings",
            headers={"x-device-id": uuid.uuid4().hex},  # a phone of its own
            json={
                "counter_token": counter["qr_token"],
                "overall": ["not_satisfied", "satisfied", "very_satisfied"][i % 3],
                "staff_id": staff[i % len(staff)]["id"],
                "idempotency_key": key(),
            },
        )
        ratings.append(receipt)
    reports = []
    for kind, category, anonymous, about in [
        ("feedback", "rude", False, 0),
        ("denunciation", "asking_money", False, 1),
        ("complaint", "late_dossier", True, 2),
    ]:
        report = {
            "kind": kind,
            "category": category,
            "counter_token": counters[about % len(counters)]["qr_token"],
            "staff_id": staff[about % len(staff)]["id"],
            "description": "Cán bộ yêu cầu nộp thêm 200.000 đồng ngoài lệ phí để giải quyết nhanh hồ sơ.",
            "wants_meeting": about == 0,
            "idempotency_key": key(),
        }
        if not anonymous:
            report["reporter"] = {"full_name": "Nguyễn Văn An", "phone": "0912345678", "consent": True}
        files = [("report", (None, json.dumps(report), "application/json")), ("photos", ("a.png", png(), "image/png"))]
        receipt = citizen.call("POST", "/api/v1/reports", files=files)
        view = citizen.call(
            "POST",
            "/api/v1/reports/track",
            json={"tracking_code": receipt["tracking_code"], "secret": receipt.get("secret")},
        )
        reports.append({**receipt, "access": view.get("access")})

    session = head.call("POST", "/api/v1/reception/sessions", json={})
    # The head's inbox and the committee's: the photos are read as the head, who handles them.
    head_cases = [c["id"] for c in head.call("GET", "/api/v1/cases")["items"]]
    committee_cases = [c["id"] for c in committee.call("GET", "/api/v1/cases")["items"]]
    case_ids = list(dict.fromkeys(head_cases + committee_cases))
    photos = [
        (case_id, photo)
        for case_id in head_cases
        for photo in head.call("GET", f"/api/v1/cases/{case_id}")["photos"]
    ]
    measure_ids = [m["id"] for m in admin.call("GET", "/api/v1/discipline-measures")["items"]]
    officers = [
        a["id"]
        for a in admin.call("GET", "/api/v1/accounts", params={"unit_id": commune["id"]})["items"]
        if a["role"] == "officer"
    ]

    return {
        "unit": [commune["id"], province["id"], target_unit["id"]],
        "unit_code": [commune["code"], province["code"], target_unit["code"]],
        "patch_unit": [target_unit["id"]],
        "counter": [c["id"] for c in counters] + [target_counter["id"]],
        "patch_counter": [target_counter["id"]],
        "counter_token": [c["qr_token"] for c in counters],
        "staff": [s["id"] for s in staff] + [target_staff["id"]],
        "patch_staff": [target_staff["id"]],
        "account": [target_account["id"]],
        "rating": [r["id"] for r in ratings if "id" in r],
        "case": case_ids,
        "photo": photos,
        "session": [session["id"]],
        "measure": measure_ids,
        "report": reports,
        "officer_account": officers,
        "province": province["id"],
        "province_code": province["code"],
        "commune_code": commune["code"],
        "target_unit": target_unit["id"],
        "target_counter": target_counter["id"],
        "target_username": target_account["username"],
    }


FIXTURES = make_fixtures()


def pick(name):
    """A strategy over the real values of one kind."""
    return st.sampled_from(FIXTURES[name]) if FIXTURES.get(name) else st.nothing()


def maybe(original, real):
    """The fuzzer's own value or a real one."""
    return st.one_of(st.just(original), real)


# Which real records each path parameter may name, by operation (method, path).
PATH_IDS = {
    "/api/v1/units/{id}": {"GET": "unit", "PATCH": "patch_unit"},
    "/api/v1/counters/{id}": {"GET": "counter", "PATCH": "patch_counter"},
    "/api/v1/counters/{id}/rotate-token": {"POST": "patch_counter"},
    "/api/v1/counters/{id}/qr.svg": {"GET": "counter"},
    "/api/v1/counters/{id}/qr.png": {"GET": "counter"},
    "/api/v1/staff/{id}": {"GET": "staff", "PATCH": "patch_staff"},
    "/api/v1/staff/{id}/photo": {"GET": "staff", "PUT": "patch_staff"},
    "/api/v1/staff/{id}/record": {"GET": "staff"},
    "/api/v1/accounts/{id}": {"GET": "account", "PATCH": "account"},
    "/api/v1/reception/sessions/{id}": {"GET": "session"},
    "/api/v1/reception/sessions/{id}/entries": {"POST": "session"},
    "/api/v1/reception/sessions/{id}/log.xlsx": {"GET": "session"},
    "/api/v1/cases/{id}": {"GET": "case"},
    "/api/v1/cases/{id}/actions": {"POST": "case"},
    "/api/v1/cases/{id}/identity": {"POST": "case"},
    "/api/v1/cases/{id}/findings": {"GET": "case", "POST": "case"},
    "/api/v1/ratings/{id}/detail": {"POST": "rating"},
    "/api/v1/discipline-measures/{id}": {"PATCH": "measure"},
}


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    op = context.operation
    if not path_parameters:
        return st.just(path_parameters)
    params = dict(path_parameters)
    real = {}
    kind = PATH_IDS.get(op.path, {}).get(op.method.upper())
    if kind and "id" in params:
        real["id"] = pick(kind)
    if "staff_id" in params:
        real["staff_id"] = pick("staff")
    if "token" in params:
        real["token"] = pick("counter_token")
    if "code" in params:
        real["code"] = pick("unit_code")
    if "year" in params:
        real["year"] = st.sampled_from([1900, 1999, 2000, 2025, 2026, 2100, 2101, 9999])
    if "photo_id" in params and FIXTURES["photo"]:
        pair = st.sampled_from(FIXTURES["photo"]).map(lambda p: {**params, "id": p[0], "photo_id": p[1]})
        return st.one_of(st.just(params), pair)
    if not real:
        return st.just(params)
    return st.fixed_dictionaries({k: maybe(v, real[k]) if k in real else st.just(v) for k, v in params.items()})


QUERY_IDS = {"unit_id": "unit", "staff_id": "staff", "counter_id": "counter"}

# Values at the edges of what the server accepts, which a generator rarely draws by chance: the
# first and last days and months a date holds (1900-01-01, 9999-12-31), a leap day, the largest
# page numbers. A dictionary, as fuzzers keep one.
EDGE_DATES = ["9999-12-31", "9999-12-01", "31/12/9999", "1900-01-01", "01/01/1900", "2028-02-29", "2026-02-29"]
QUERY_EDGES = {
    "day": EDGE_DATES,
    "from": EDGE_DATES,
    "to": EDGE_DATES,
    "month": ["9999-12", "12/9999", "1900-01", "1/1900", "2026-13", "0/2026"],
    "page": [0, 1, 4294967295],
    "per_page": [0, 1, 4294967295],
}


@schemathesis.hook
def flatmap_query(context, query):
    if query is None:
        query = {}
    if not isinstance(query, dict):
        return st.just(query)
    fields = {}
    for k, v in query.items():
        if k in QUERY_IDS and FIXTURES.get(QUERY_IDS[k]):
            fields[k] = maybe(v, pick(QUERY_IDS[k]))
        elif k in QUERY_EDGES:
            fields[k] = maybe(v, st.sampled_from(QUERY_EDGES[k]))
        else:
            fields[k] = st.just(v)
    # The operation's edge-valued parameters the fuzzer left out may be added.
    absent = [p.name for p in context.operation.query if p.name in QUERY_EDGES and p.name not in query]
    optional = {k: st.sampled_from(QUERY_EDGES[k]) for k in absent}
    return st.fixed_dictionaries(fields, optional=optional)


# Body fields that name a record, and the records they may name.
BODY_IDS = {
    "unit_id": "unit",
    "parent_id": "unit",
    "to_unit_id": "unit",
    "staff_id": "staff",
    "officer_id": "staff",
    "counter_id": "counter",
    "counter_token": "counter_token",
    "report_id": "case",
    "discipline_id": "measure",
}


def real_body(body):
    """A strategy for the body with some of its reference fields made real."""
    if isinstance(body, list):
        return st.just(body)
    fields = {}
    for k, v in body.items():
        if k in BODY_IDS and FIXTURES.get(BODY_IDS[k]):
            fields[k] = maybe(v, pick(BODY_IDS[k]))
        elif k == "rating_ids" and FIXTURES["rating"]:
            fields[k] = maybe(v, st.lists(pick("rating"), min_size=1, max_size=3))
        elif isinstance(v, dict) and k == "action":
            fields[k] = real_body(v)
        else:
            fields[k] = st.just(v)
    strategy = st.fixed_dictionaries(fields)
    reports = FIXTURES["report"]
    if "tracking_code" in body:
        strategy = st.one_of(
            strategy,
            st.sampled_from(reports).map(
                lambda r: {**body, "tracking_code": r["tracking_code"], "secret": r.get("secret")}
            ),
        )
    if "access" in body:
        strategy = st.one_of(strategy, st.sampled_from(reports).map(lambda r: {**body, "access": r["access"]}))
    return strategy


# Valid bodies, by operation, made from the fixtures and a fresh suffix (for what must be
# unique): the fuzzer's own bodies are mostly refused by validation (a unit code has its
# character set, an idempotency key its length, ...), so each operation is also sent a valid
# body with up to two of its fields taken from the fuzzer's body, which reaches the code behind
# the validation with values at its edges.
TEXT = "Cán bộ yêu cầu nộp thêm tiền ngoài lệ phí; đề nghị xác minh và trả lời."
SIPAS = {"access": 5, "procedure": 4, "attitude": 3, "timeliness": 2, "feedback_handling": 1}


def case_actions(f, sfx):
    return [
        {"action": "first_open"},
        {"action": "accept"},
        {"action": "decline", "reason": TEXT},
        {"action": "forward", "to_unit_id": f["target_unit"], "reason": TEXT},
        {"action": "assign", "officer_id": (f["officer_account"] or ["x"])[0]},
        {"action": "start"},
        {"action": "reply_public", "text": TEXT},
        {"action": "note_internal", "text": TEXT},
        {"action": "answer", "text": TEXT},
        {"action": "extend", "reason": TEXT, "decision_no": f"{sfx[:3]}/QĐ-UBND"},
        {"action": "declare_complex", "reason": TEXT},
        {"action": "close"},
        {"action": "escalate", "reason": TEXT},
        {"action": "reopen", "reason": TEXT},
    ]


def citizen_actions(f, sfx):
    return [
        {"action": "citizen_feedback", "satisfied": False, "comment": TEXT},
        {"action": "citizen_feedback", "satisfied": True},
        {"action": "appeal", "reason": TEXT},
        {"action": "citizen_add_info", "text": TEXT},
        {"action": "withdraw", "reason": TEXT},
    ]


VALID = {
    ("POST", "/api/v1/units"): lambda f, sfx, n: {
        "parent_id": f["province"], "kind": "commune", "code": f"ST-{sfx}", "name": f"Xã Thử {sfx}",
        "address": "Thôn Đông", "reception_weekday": 3, "reception_start": "07:30",
        "reception_end": "11:30", "remote_area": n % 2 == 0,
    },
    ("PATCH", "/api/v1/units/{id}"): lambda f, sfx, n: {
        "name": f"Xã Thử {sfx}", "address": "Thôn Tây", "reception_weekday": 1 + n % 7,
        "reception_start": "08:00", "reception_end": "10:30", "remote_area": n % 2 == 1,
        "active": True,
    },
    ("POST", "/api/v1/counters"): lambda f, sfx, n: {"unit_id": f["target_unit"], "name": f"Quầy {sfx}"},
    ("PATCH", "/api/v1/counters/{id}"): lambda f, sfx, n: {"name": f"Quầy {sfx}", "active": n % 3 != 0},
    ("POST", "/api/v1/staff"): lambda f, sfx, n: {
        "unit_id": f["target_unit"], "full_name": "Lý Thị Mơ", "title": "Công chức Tư pháp - Hộ tịch",
        "badge_number": f"B-{sfx}", "counter_id": f["target_counter"],
    },
    ("PATCH", "/api/v1/staff/{id}"): lambda f, sfx, n: {
        "full_name": "Lý Thị Mơ", "title": "Công chức", "badge_number": f"BB-{sfx}",
        "counter_id": [None, f["target_counter"]][n % 2], "active": True,
    },
    ("POST", "/api/v1/accounts"): lambda f, sfx, n: {
        "username": f"u.{sfx}", "password": "mat-khau-thu-nghiem", "full_name": "Người Thử",
        "role": ["officer", "head", "committee", "admin"][n % 4], "unit_id": f["target_unit"],
        "phone": "0912 345 678", "email": f"u{sfx}@example.com",
    },
    ("PATCH", "/api/v1/accounts/{id}"): lambda f, sfx, n: {
        "full_name": "Người Thử", "phone": ["0987654321", None, ""][n % 3],
        "email": [f"a{sfx}@example.com", None, ""][n % 3], "role": ["officer", "head"][n % 2], "active": True,
    },
    ("POST", "/api/v1/auth/login"): lambda f, sfx, n: {
        "username": f["target_username"], "password": "st-target-password",
    },
    ("POST", "/api/v1/ratings"): lambda f, sfx, n: {
        "counter_token": f["counter_token"][n % len(f["counter_token"])],
        "overall": ["not_satisfied", "satisfied", "very_satisfied"][n % 3],
        "staff_id": f["staff"][n % len(f["staff"])], "sipas": SIPAS, "comment": TEXT,
        "dossier_code": f"000.00.12.H42-{sfx}", "idempotency_key": f"st-{sfx}-{sfx}",
    },
    ("POST", "/api/v1/ratings/{id}/detail"): lambda f, sfx, n: {
        "staff_id": f["staff"][0], "sipas": SIPAS, "comment": TEXT, "dossier_code": f"H42-{sfx}",
    },
    ("POST", "/api/v1/ratings/review"): lambda f, sfx, n: {
        "rating_ids": f["rating"][: 1 + n % 3], "outcome": ["counted", "rejected"][n % 2], "note": TEXT,
    },
    ("POST", "/api/v1/reception/sessions"): lambda f, sfx, n: {"unit_id": f["unit"][0]},
    ("POST", "/api/v1/reception/sessions/{id}/entries"): lambda f, sfx, n: {
        "citizen_name": "Trần Văn Bình", "citizen_address": "Thôn Trung, xã Gia Viễn",
        "matter": "Hỏi về tiến độ hồ sơ đất đai", "earlier_handling": "Đã nộp hồ sơ tháng trước",
        "request": "Đề nghị giải quyết sớm", "action_taken": "Đã hướng dẫn", "outcome": "Công dân đồng ý",
        "follow_up": "Hẹn tuần sau", "public": n % 2 == 0, "report_id": [None, *f["case"]][n % (1 + len(f["case"]))],
    },
    ("POST", "/api/v1/cases/{id}/actions"): lambda f, sfx, n: case_actions(f, sfx)[n % 14],
    ("POST", "/api/v1/cases/{id}/findings"): lambda f, sfx, n: {
        "conclusion": ["founded", "partly_founded", "unfounded"][n % 3],
        "discipline_id": f["measure"][n % len(f["measure"])] if n % 3 != 2 else None,
        "note": TEXT, "referral_to": ["managing_authority", None][n % 2], "referral_text": TEXT,
        "staff_id": f["staff"][0],
    },
    ("POST", "/api/v1/cases/{id}/identity"): lambda f, sfx, n: {"reason": TEXT},
    ("PUT", "/api/v1/cases/{id}/photos/{photo_id}/redaction"): lambda f, sfx, n: {
        "regions": [{"x": 100, "y": 250, "w": 200, "h": 300, "mode": ["blur", "black"][n % 2]}],
    },
    ("POST", "/api/v1/discipline-measures"): lambda f, sfx, n: {"name_vi": f"Hình thức {sfx}", "name_en": f"Measure {sfx}"},
    ("PATCH", "/api/v1/discipline-measures/{id}"): lambda f, sfx, n: {
        "name_vi": f"Hình thức {sfx}", "name_en": f"Measure {sfx}", "position": 1 + n % 6, "active": True,
    },
    ("POST", "/api/v1/reports/track"): lambda f, sfx, n: {
        "tracking_code": f["report"][n % 3]["tracking_code"], "secret": f["report"][n % 3].get("secret"),
    },
    ("POST", "/api/v1/reports/track/action"): lambda f, sfx, n: {
        "access": f["report"][n % 3]["access"], "action": citizen_actions(f, sfx)[n % 5],
    },
    ("PUT", "/api/v1/calendar/{year}"): lambda f, sfx, n: {
        "year": 2026, "provisional": n % 2 == 0, "source": "Thông báo của Bộ Nội vụ",
        "days_off": [{"date": "2026-09-02", "name_vi": "Quốc khánh", "name_en": "National Day"}],
        "make_up_days": [{"date": "2026-01-10", "note_vi": "Làm bù", "note_en": "Make-up day"}],
    },
    ("POST", "/api/v1/import/units"): lambda f, sfx, n: (
        "code,name,kind,parent_code,address,reception_weekday,reception_start,reception_end\n"
        f"IMP-{sfx},Xã Nhập {sfx},commune,{f['province_code']},Thôn A,3,07:30,11:30\n"
    ),
    ("POST", "/api/v1/import/staff"): lambda f, sfx, n: (
        "unit_code,full_name,title,badge_number,counter_name\n"
        f"{f['commune_code']},Hà Văn Nhập,Công chức,IMP-{sfx},Quầy nhập {sfx}\n"
    ),
    ("PUT", "/api/v1/staff/{id}/photo"): lambda f, sfx, n: png(32 + n, 40),
}


@st.composite
def near_valid(draw, make, generated):
    """A valid body with up to two of its fields (a CSV: a cell; bytes: a byte) taken from
    the fuzzer's own body."""
    sfx = draw(st.uuids()).hex[:10]
    n = draw(st.integers(min_value=0, max_value=1000))
    body = make(FIXTURES, sfx, n)
    if isinstance(body, dict) and isinstance(generated, dict) and generated:
        for k in draw(st.lists(st.sampled_from(sorted(generated)), max_size=2, unique=True)):
            body[k] = generated[k]
    elif isinstance(body, str) and isinstance(generated, str) and draw(st.booleans()):
        header, row = body.rstrip("\n").split("\n")
        cells = row.split(",")
        cells[draw(st.integers(0, len(cells) - 1))] = generated
        body = f"{header}\n{','.join(cells)}\n"
    elif isinstance(body, bytes) and draw(st.booleans()):
        data = bytearray(body)
        at = draw(st.integers(0, len(data) - 1))
        cut = draw(st.booleans())
        body = bytes(data[:at]) if cut else bytes(data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :])
    return body


@schemathesis.hook
def flatmap_body(context, body):
    op = context.operation
    own = real_body(body) if isinstance(body, dict) else st.just(body)
    make = VALID.get((op.method.upper(), op.path))
    if make is None:
        return own
    return st.one_of(own, near_valid(make, body))


# --- signing in -----------------------------------------------------------------------------------

# Registered in order: the first provider whose filter matches the operation signs it in.


@schemathesis.auth(refresh_interval=None).apply_to(method="POST", path="/api/v1/auth/logout")
class FreshSession:
    def get(self, case, ctx):
        return sign_in(*ADMIN)

    def set(self, case, data, ctx):
        bearer(case, data)


@schemathesis.auth().apply_to(
    path_regex=r"^/api/v1/(audit|oversight/|cases/\{id\}/(findings|identity)|staff/\{id\}/record)"
)
class Committee:
    def get(self, case, ctx):
        return sign_in(*COMMITTEE)

    def set(self, case, data, ctx):
        bearer(case, data)


@schemathesis.auth().apply_to(path_regex=r"^/api/v1/(reception/|cases)")
class Head:
    def get(self, case, ctx):
        return sign_in(*HEAD)

    def set(self, case, data, ctx):
        bearer(case, data)


# The citizens' and the public operations go without a token, as a citizen's phone sends them.
@schemathesis.auth().skip_for(
    path_regex=r"^/(healthz|readyz)$|^/api/v1/(public/|ratings$|ratings/\{id\}/detail|reports|auth/(login|refresh)$)"
)
class NationalAdmin:
    def get(self, case, ctx):
        return sign_in(*ADMIN)

    def set(self, case, data, ctx):
        bearer(case, data)


# --- what the run reached -------------------------------------------------------------------------

# The answers of each operation by status, written at exit when run.sh asks for it: an operation
# that never answered 2xx was only ever refused, and its code behind the checks was not fuzzed.
TALLY = {}


@schemathesis.hook
def after_call(context, case, response):
    key = f"{case.operation.method.upper()} {case.operation.path}"
    statuses = TALLY.setdefault(key, {})
    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1


def write_tally():
    path = os.environ.get("MINHBACH_ST_TALLY")
    if path:
        with open(path, "w") as f:
            json.dump(TALLY, f, indent=1, sort_keys=True)


atexit.register(write_tally)
