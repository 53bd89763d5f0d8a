"""How long an import holds its request, and whether other calls are served while it runs.

Starts the real stack (Rasa + app) on free loopback ports with a fresh database, unless
`--url` names a running app. Each round imports the live knowledge as a zip (``replace`` mode,
one new phrasing, so the whole base is parsed, checked and diffed): timed are the POST until
its 202 (`accept_ms`), the job until it reads ``done`` (`job_ms`, polled every 20 ms), and
every `GET /api/kb/live` sent back to back while the job was not done (`other_ms`, with the
number served). Then the same file with `?wait=10`, which answers as the synchronous import
did (`wait_ms`). The drafts are deleted afterwards. Last, one `big` import: the zip with a file
of 190,000 list items, which with the base's own nodes passes the 200,000-node bound (parsed up
to the bound, then refused as `too_large`).

    .venv/bin/python -m bench.imports [-n 5] [--url http://127.0.0.1:8000]

Prints JSON and writes var/bench/imports.json (median / p95 / max of each).
"""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import httpx

from bench import live
from bench.publish import _stats  # median / p95 / max, rounded

QID = "power-001"


def _with_phrasing(data: bytes, text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            body = src.read(name).decode("utf-8")
            if name == "faq/power.yml":
                head = "    similar:\n"
                at = body.index(head, body.index(f"- id: {QID}\n")) + len(head)
                body = body[:at] + f"      - {text}\n" + body[at:]
            dst.writestr(name, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def measure(url: str, n: int) -> dict[str, Any]:
    """Import `n` times as a job and `n` times with `?wait=10`."""
    http = httpx.Client(base_url=url, timeout=60)
    token = http.post("/api/auth/token", data={"username": "editor", "password": "editor"})
    http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    exported = http.get("/api/kb/export.zip").content
    accept, job_ms, wait_ms, other = [], [], [], []
    served, drafts = 0, []
    for i in range(n):
        files = {"file": ("kb.zip", _with_phrasing(exported, f"导入测速问法 {i} 号"))}
        start = time.perf_counter()
        resp = http.post("/api/kb/import", files=files, data={"mode": "replace"})
        accept.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 202, resp.text
        location, job = resp.headers["location"], resp.json()
        while job["state"] in ("queued", "running"):
            t = time.perf_counter()
            assert http.get("/api/kb/live").status_code == 200
            other.append((time.perf_counter() - t) * 1000)
            served += 1
            job = http.get(location).json()
        job_ms.append((time.perf_counter() - start) * 1000)
        assert job["state"] == "done", job
        drafts.append(job["result"]["id"])
        start = time.perf_counter()
        resp = http.post("/api/kb/import", params={"wait": 10}, files=files)
        wait_ms.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 201, resp.text
        drafts.append(resp.json()["id"])
    for draft in drafts:
        http.delete(f"/api/kb/drafts/{draft}")
    big = _big_round(http, exported)
    return {
        "n": n,
        "zip_bytes": len(files["file"][1]),
        "accept_ms": _stats(accept),
        "job_ms": _stats(job_ms),
        "wait_ms": _stats(wait_ms),
        "other_ms": _stats(other) if other else None,
        "other_served_while_importing": served,
        "big": big,
    }


def _big_round(http: httpx.Client, exported: bytes) -> dict[str, Any]:
    """One import parsed up to the node bound, then refused: the costly case kept off the
    request."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(exported)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name), zipfile.ZIP_DEFLATED)
        dst.writestr("faq/big.yml", b"questions: [" + b"a," * 190_000 + b"]\n")
    start = time.perf_counter()
    resp = http.post("/api/kb/import", files={"file": ("big.zip", out.getvalue())})
    accept = (time.perf_counter() - start) * 1000
    location, job, served = resp.headers["location"], resp.json(), 0
    while job["state"] in ("queued", "running"):
        assert http.get("/api/kb/live").status_code == 200
        served += 1
        job = http.get(location).json()
    return {
        "accept_ms": round(accept, 1),
        "job_ms": round((time.perf_counter() - start) * 1000, 1),
        "state": job["state"],
        "problem": (job["problems"] or [{}])[0].get("code"),
        "other_served_while_importing": served,
    }


def main() -> None:
    """Command line: see the module docstring."""
    live.run("imports", measure, 5, __doc__ or "", warm=1)


if __name__ == "__main__":
    main()
