#!/usr/bin/env python3
"""Environments and strategies (issue 17): per environment, how long each phase of a release takes
locally, and how many requests reached a bad revision before a canary rolled it back.

One `slipway local` runtime (the project's template and declarations); hello-staged (staging, then
production with a 25% canary of one ECS minute and a one-minute ECS bake). Each round:
  1. a good version: pushed, live in staging (rolling), promoted, canary in production, LIVE;
  2. a version answering 500 at / : live in staging (no declared alarm guards hello-staged there),
     promoted, and rolled back by the canary in production.
Phase times come from the ledger (`slipway status --json`: transitions and each environment's
track); the requests from the task runner's log line ("N of M requests reached the new revision").
Local ECS minutes run 36 times shorter (one minute = 1.67 s), as the README's fidelity section says.

Usage: bench/environments.py [ROUNDS]  (default 3). Needs the reactor built (mvn install). Writes
bench/results/environments.json and .md; figures are medians over the rounds.
"""
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SLIPWAY = str(ROOT / "slipway")
TEMPLATE = ROOT / "infra-cdk" / "target" / "templates" / "SlipwayPipeline.template.json"
OK = 'writeJSON(w, http.StatusOK, map[string]string{"message": "hello from hello-go", "version": version})'
BAD = 'writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "broken", "version": version})'
MANIFEST = {
    "service": "hello-staged",
    "targets": ["linux/amd64"],
    "health": {"liveness": "/healthz", "readiness": "/readyz", "intervalSeconds": 5,
               "timeoutSeconds": 2, "retries": 1, "startPeriodSeconds": 0},
    "deploy": {"bakeSeconds": 60, "environments": {
        "staging": {"bakeSeconds": 3},
        "production": {"strategy": "canary", "canary": {"percent": 25, "bakeMinutes": 1},
                       "bakeSeconds": 60}}},
}


def at(text):
    """An ISO instant as the ledger writes it (nanoseconds, Z) as a datetime (microseconds)."""
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z", text)
    fraction = (m.group(2) or "0")[:6].ljust(6, "0")
    return datetime.fromisoformat(m.group(1) + "." + fraction + "+00:00")


def seconds(a, b):
    return round((at(b) - at(a)).total_seconds(), 2)


def slipway(state, *args, check=True):
    run = subprocess.run([SLIPWAY, *args, "--state", str(state)], capture_output=True, text=True)
    if check and run.returncode != 0:
        raise SystemExit(f"slipway {' '.join(args)}: exit {run.returncode}\n{run.stdout}\n{run.stderr}")
    return run


def variant(work, name, bad):
    src = work / name
    shutil.copytree(ROOT / "examples" / "hello-go", src, ignore=shutil.ignore_patterns("dist"))
    main = src / "main.go"
    text = main.read_text()
    assert OK in text, "examples/hello-go/main.go no longer has the answer this bench replaces"
    if bad:
        main.write_text(text.replace(OK, BAD))
    (src / "slipway.json").write_text(json.dumps(MANIFEST))
    return src


def status(state, release):
    return json.loads(slipway(state, "status", release, "--json").stdout)


def await_state(state, release, wanted, seconds_=300):
    deadline = time.time() + seconds_
    while time.time() < deadline:
        r = status(state, release)
        if r["state"] in wanted:
            return r
        time.sleep(0.5)
    raise SystemExit(f"{release} did not reach {wanted}: {r['state']}")


def first(history, state):
    return next(t["at"] for t in history if t["to"] == state)


def phases(r):
    """Seconds per phase from the record: build, scan, then per environment deploy and bake."""
    h = r["history"]
    out = {
        "build": seconds(h[0]["at"], first(h, "IMAGE_READY")),
        "scan": seconds(first(h, "SCANNING"), first(h, "APPROVED")),
    }
    for track in r["environments"]:
        env = track["environment"]
        d = track.get("deployment") or {}
        if d.get("startedAt") and d.get("completedAt"):
            out[f"{env}: rollout"] = seconds(d["startedAt"], d["completedAt"])
        elif d.get("startedAt") and track["state"] == "ROLLED_BACK":
            out[f"{env}: rollout until rolled back"] = seconds(d["startedAt"], h[-1]["at"])
        if d.get("completedAt") and track.get("leftAt"):
            out[f"{env}: bake and promotion"] = seconds(d["completedAt"], track["leftAt"])
    out["upload to final"] = seconds(h[0]["at"], h[-1]["at"])
    return out


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    work = Path(tempfile.mkdtemp(prefix="slipway-bench-env-"))
    state = work / "state"
    log = open(work / "local.log", "w")
    local = subprocess.Popen([SLIPWAY, "local", "--state", str(state), "--fresh",
                              "--template", str(TEMPLATE)], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(240):
            if (state / "local.json").exists():
                break
            time.sleep(0.5)
        good_rounds, bad_rounds = [], []
        for i in range(rounds):
            good = variant(work, f"good-{i}", False)
            push = slipway(state, "push", str(good), "--follow", "--timeout", "300")
            release = push.stdout.splitlines()[0].strip()
            t0 = time.time()
            slipway(state, "promote", release, "--to", "production")
            live = await_state(state, release, {"LIVE", "ROLLED_BACK", "FAILED"})
            assert live["state"] == "LIVE", live["state"]
            good_rounds.append({"release": release, "phases": phases(live),
                                "promote to LIVE": round(time.time() - t0, 2)})
            bad = variant(work, f"bad-{i}", True)
            push = slipway(state, "push", str(bad), "--follow", "--timeout", "300")
            release = push.stdout.splitlines()[0].strip()
            slipway(state, "promote", release, "--to", "production")
            ended = await_state(state, release, {"LIVE", "ROLLED_BACK", "FAILED"})
            assert ended["state"] == "ROLLED_BACK", ended["state"]
            text = (work / "local.log").read_text()
            m = re.findall(r"tasks hello-staged: canary rolled back at ([\d.]+)%: (\d+) of (\d+) requests"
                           r" reached the new revision, (\d+) failed", text)
            share, reached, sent, failed = m[-1]
            still = slipway(state, "status", good_rounds[-1]["release"], "--json")
            bad_rounds.append({"release": release, "phases": phases(ended),
                               "canary share %": float(share), "requests to the bad revision": int(reached),
                               "requests sent": int(sent), "errors seen": int(failed),
                               "previous still LIVE": json.loads(still.stdout)["state"] == "LIVE"})
    finally:
        local.terminate()
        local.wait(30)

    def medians(rows):
        keys = rows[0]["phases"].keys()
        return {k: statistics.median(r["phases"][k] for r in rows if k in r["phases"]) for k in keys}

    result = {
        "command": "bench/environments.py " + str(rounds),
        "machine": {"cores": os.cpu_count(), "arch": platform.machine(), "python": platform.python_version()},
        "manifest": MANIFEST,
        "good": {"rounds": good_rounds, "median phases (s)": medians(good_rounds),
                 "median promote to LIVE (s)": statistics.median(r["promote to LIVE"] for r in good_rounds)},
        "bad canary": {"rounds": bad_rounds, "median phases (s)": medians(bad_rounds),
                       "median requests to the bad revision": statistics.median(r["requests to the bad revision"] for r in bad_rounds),
                       "median requests sent": statistics.median(r["requests sent"] for r in bad_rounds),
                       "previous still LIVE every time": all(r["previous still LIVE"] for r in bad_rounds)},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "environments.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [f"# Environments and strategies: `{result['command']}`", "",
             f"{os.cpu_count()} cores, {platform.machine()}; medians of {rounds} rounds; local ECS minutes are 36x shorter.", "",
             "| phase | good release (s) | bad canary (s) |", "|---|---|---|"]
    g, b = result["good"]["median phases (s)"], result["bad canary"]["median phases (s)"]
    for k in dict.fromkeys([*g, *b]):
        lines.append(f"| {k} | {g.get(k, '-')} | {b.get(k, '-')} |")
    lines += ["", f"Promote to LIVE (good, production canary 25% then bake): {result['good']['median promote to LIVE (s)']} s median.",
              f"Bad canary: {result['bad canary']['median requests to the bad revision']} of "
              f"{result['bad canary']['median requests sent']} requests reached the bad revision before the rollback (median); "
              f"the previous release stayed LIVE every time: {result['bad canary']['previous still LIVE every time']}."]
    (RESULTS / "environments.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
