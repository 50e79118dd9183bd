#!/usr/bin/env python3
"""Handler cold start (issue 7, benchmark 1): each handler of the functions jar (the deployment package, shrunk by ProGuard) in a fresh JVM
that loads it and handles one event against moto_server, against the floor: a fresh JVM running an
empty RequestStreamHandler from a jar of the same packaging (shaded, with aws-lambda-java-core).
Each is run with and without an AppCDS archive (made by one training run of that handler,
-XX:ArchiveClassesAtExit). The JVM flags are Lambda's Java runtime defaults (C1 only).

Runs are interleaved (round after round over every configuration), so drift on this shared machine
falls on all of them alike; figures are medians, and ratios against the floor of the same round.

Also the SDK's floor (SdkReadHandler): a fresh JVM doing nothing but one S3 read through the SDK
from the functions jar, what six handlers' first events do before anything of their own.

Usage: bench/cold-start.py [RUNS]   (default 10). Writes bench/results/cold-start.json and .md, and
cold-start.png when matplotlib is installed. With SLIPWAY_BENCH_BASELINE_JAR=<an older functions jar>,
every handler is also run from that jar in the same rounds (rows "NAME@baseline", not warm-run), and
the table gets each handler's wall time against its baseline's, pair by pair (issue 19's before/after).
"""
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
JAR = ROOT / "functions" / "target" / "slipway-functions.jar"
BASELINE_JAR = os.environ.get("SLIPWAY_BENCH_BASELINE_JAR")
JVM_FLAGS = ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"]
BUCKET = "slipway-sources-bench"
REPOSITORY = "slipway/hello-go"

HANDLERS = [
    ("SourceUploadedHandler", "s3"),
    ("BuildStateHandler", "events/codebuild/build-state-compile-succeeded.json"),
    ("ImagePushedHandler", "events/ecr/image-action-push-other-repository.json"),
    ("ScanHandler", "events/ecr/image-scan-complete-clean.json"),
    ("DeploymentHandler", "events/ecs/deployment-completed.json"),
    # the steering function takes function URL requests (payload 2.0), not bus events
    ("ApprovalHandler", "bench/coldstart/steering-approve.json"),
    ("ReconcilerHandler", "events/other/scheduled-event.json"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def build(work):
    if not JAR.exists():
        run(["mvn", "-q", "-B", "-DskipTests", "package", "-pl", "functions"], cwd=ROOT)
    core = next((Path.home() / ".m2/repository/com/amazonaws/aws-lambda-java-core").glob("*/*.jar"))
    classes = work / "classes"
    classes.mkdir()
    src = ROOT / "bench" / "coldstart"
    run(["javac", "--release", "17", "-d", str(classes), str(src / "Invoke.java")])
    driver = work / "driver.jar"
    run(["jar", "cf", str(driver), "-C", str(classes), "Invoke.class"])
    # The floor: the empty handler shaded with its one dependency, as the functions jar is.
    floor_classes = work / "floor"
    floor_classes.mkdir()
    run(["javac", "--release", "17", "-cp", str(core), "-d", str(floor_classes),
         str(src / "EmptyHandler.java")])
    with zipfile.ZipFile(core) as z:
        for name in z.namelist():
            if name.endswith(".class"):
                z.extract(name, floor_classes)
    floor = work / "floor.jar"
    run(["jar", "cf", str(floor), "-C", str(floor_classes), "."])
    # The SDK's floor: one S3 read through the functions jar's own SDK classes, nothing else.
    sdk_classes = work / "sdk-floor"
    sdk_classes.mkdir()
    run(["javac", "--release", "17", "-cp", str(JAR), "-d", str(sdk_classes),
         str(src / "SdkReadHandler.java")])
    sdk_floor = work / "sdk-floor.jar"  # a jar: AppCDS takes no class directories on the path
    run(["jar", "cf", str(sdk_floor), "-C", str(sdk_classes), "."])
    return driver, floor, sdk_floor


def hello_go_zip():
    out = io.BytesIO()
    src = ROOT / "examples" / "hello-go"
    with zipfile.ZipFile(out, "w") as z:
        for f in sorted(src.iterdir()):
            if f.is_file():
                z.writestr(f.name, f.read_bytes())
    return out.getvalue()


class CodeBuild:
    """moto's CodeBuild answers carry timestamps the Java SDK cannot parse: StartBuild is answered
    here instead, as CodeBuild answers it (the build is never run; the bench needs only the call)."""

    def __init__(self):
        import http.server
        import threading
        import uuid

        started = self.started = []

        class Answer(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                project = body.get("projectName", "slipway-compile")
                build_id = f"{project}:{uuid.uuid4()}"
                release = next((v["value"] for v in body.get("environmentVariablesOverride", [])
                                if v["name"] == "SLIPWAY_RELEASE_ID"), None)
                started.append((build_id, project, release))
                answer = json.dumps({"build": {
                    "id": build_id, "buildStatus": "IN_PROGRESS", "projectName": project,
                    "arn": f"arn:aws:codebuild:us-east-1:123456789012:build/{build_id}",
                    "startTime": time.time()}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Moto:
    def __init__(self, work):
        self.port = free_port()
        self.log = open(work / "moto.log", "w")
        self.proc = subprocess.Popen(
            ["moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return
            except Exception:
                time.sleep(0.1)
        raise SystemExit("moto_server did not start")

    def client(self, service):
        import boto3
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="bench", aws_secret_access_key="bench")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def events_for(moto, work, run_index, archive):
    """One event file per handler for this run: the S3 upload is a new object each run, so every
    SourceUploaded run creates a release (the same work each time); the others are the samples."""
    s3 = moto.client("s3")
    key = "sources/hello-go/bench-" + "".join(c if c.isalnum() else "-" for c in str(run_index)) + ".zip"
    put = s3.put_object(Bucket=BUCKET, Key=key, Body=archive)
    files = {}
    for handler, source in HANDLERS:
        if source == "s3":
            event = json.loads((ROOT / "events/s3/object-created-source-upload.json").read_text())
            event["detail"]["bucket"]["name"] = BUCKET
            event["resources"] = [f"arn:aws:s3:::{BUCKET}"]
            obj = event["detail"]["object"]
            obj["key"] = key
            obj["size"] = len(archive)
            obj["etag"] = put["ETag"].strip('"')
            obj.pop("version-id", None)
            text = json.dumps(event)
        else:
            text = (ROOT / source).read_text()
        f = work / f"event-{handler}-{run_index}.json"
        f.write_text(text)
        files[handler] = f
    return files


def invoke(cp, handler, event, env, extra, work, warm_dir=None):
    result = work / "result.json"
    if result.exists():
        result.unlink()
    start = time.perf_counter()
    p = subprocess.run(["java", *JVM_FLAGS, *extra, "-cp", cp, "Invoke", handler, str(event),
                        str(result), *([str(warm_dir)] if warm_dir else [])],
                       env=env, capture_output=True, text=True)
    wall = (time.perf_counter() - start) * 1000
    if p.returncode != 0 or not result.exists():
        raise SystemExit(f"{handler} failed (exit {p.returncode}): {p.stderr[-2000:]}")
    r = json.loads(result.read_text())
    r["wallMs"] = wall
    r["log"] = p.stdout.strip().splitlines()[-1:] if p.stdout.strip() else []
    r["primedLog"] = [line for line in p.stdout.splitlines() if '"primed: ' in line][:1]
    return r


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    work = Path(tempfile.mkdtemp(prefix="slipway-cold-"))
    moto = None
    try:
        driver, floor, sdk_floor = build(work)
        moto = Moto(work)
        s3 = moto.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        moto.client("ecr").create_repository(repositoryName=REPOSITORY)
        codebuild = CodeBuild()
        archive = hello_go_zip()
        env = dict(os.environ, AWS_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench",
                   AWS_SECRET_ACCESS_KEY="bench", AWS_ENDPOINT_URL=moto.url,
                   AWS_ENDPOINT_URL_CODEBUILD=codebuild.url,
                   SLIPWAY_SOURCE_BUCKET=BUCKET,
                   # the demo's declarations: hello-go's manifest deploys to a declared target, so
                   # its upload is admitted and its build started (not refused at admission)
                   SLIPWAY_SERVICES=(ROOT / "examples/services.json").read_text())
        env.pop("JAVA_TOOL_OPTIONS", None)
        configs = [("EmptyHandler", f"{floor}:{driver}", "EmptyHandler"),
                   ("SdkReadHandler", f"{sdk_floor}:{JAR}:{driver}", "SdkReadHandler")]
        configs += [(h, f"{JAR}:{driver}", f"dev.slipway.handler.{h}") for h, _ in HANDLERS]
        if BASELINE_JAR:
            configs += [(f"{h}@baseline", f"{BASELINE_JAR}:{driver}", f"dev.slipway.handler.{h}")
                        for h, _ in HANDLERS]
        # One training run per configuration makes its AppCDS archive.
        archives = {}
        train = events_for(moto, work, "train", archive)
        for name, cp, cls in configs:
            jsa = work / f"{name}.jsa"
            event = train.get(name.split("@")[0], train["ReconcilerHandler"])
            invoke(cp, cls, event, env, [f"-XX:ArchiveClassesAtExit={jsa}", "-Xlog:cds=off"], work)
            archives[name] = jsa
        samples = {f"{name}{cds}": [] for name, _, _ in configs for cds in ("", "+cds")}
        # "+primed": the SnapStart checkpoint hook first, then the first event (Slipway's handlers)
        samples.update({f"{name}+primed": [] for name, _, _ in configs if name.split("@")[0] in PRIMED})
        for i in range(runs):
            for name, cp, cls in configs:
                # a fresh upload for every run: a SourceUploaded run after another on the same
                # object would find its release made and take the cheaper path
                variants = [("", []), ("+cds", [f"-XX:SharedArchiveFile={archives[name]}"])]
                if name.split("@")[0] in PRIMED:
                    variants.append(("+primed", ["-Dslipway.bench.prime=true"]))
                for cds, extra in variants:
                    files = events_for(moto, work, f"{i}-{name}{cds}", archive)
                    event = files.get(name.split("@")[0], files["ReconcilerHandler"])
                    samples[name + cds].append(invoke(cp, cls, event, env, extra, work))
            print(f"round {i + 1}/{runs} done", file=sys.stderr)
        warm = warm_runs(moto, codebuild, work, archive, configs, env)
        report(samples, runs, warm)
    finally:
        if moto:
            moto.stop()
        shutil.rmtree(work, ignore_errors=True)


PRIMED = [h for h, _ in HANDLERS]

WARM_EVENTS = int(os.environ.get("SLIPWAY_BENCH_WARM_EVENTS", "200"))


def warm_runs(moto, codebuild, work, archive, configs, env):
    """Warm cost against the emulator: one JVM per handler, its first event as above, then
    WARM_EVENTS more, each timed. SourceUploaded gets new uploads (each creates a release and starts
    its compile build); BuildState gets the end of each of those compile builds (each starts the
    image build); the others get their sample again (read the ledger, find nothing to do)."""
    s3 = moto.client("s3")
    up_dir = work / "warm-SourceUploadedHandler"
    up_dir.mkdir()
    template = json.loads((ROOT / "events/s3/object-created-source-upload.json").read_text())
    codebuild.started.clear()
    for n in range(WARM_EVENTS):
        key = f"sources/hello-go/warm-{n}.zip"
        put = s3.put_object(Bucket=BUCKET, Key=key, Body=archive + b"")
        event = json.loads(json.dumps(template))
        event["detail"]["bucket"]["name"] = BUCKET
        obj = event["detail"]["object"]
        obj.update(key=key, size=len(archive), etag=put["ETag"].strip('"'))
        obj.pop("version-id", None)
        event["id"] = f"warm-upload-{n}"
        (up_dir / f"{n:05d}.json").write_text(json.dumps(event))
    dirs = {"SourceUploadedHandler": up_dir}
    cp_of = {name: (cp, cls) for name, cp, cls in configs}
    files = events_for(moto, work, "warm", archive)
    out = {}
    for name in ["SourceUploadedHandler", "BuildStateHandler"] + [
            n for n, _, _ in configs
            # the SDK's floor builds its client per event: it has no warm cost to show
            if n not in ("SourceUploadedHandler", "BuildStateHandler", "SdkReadHandler")
            and "@" not in n]:
        if name == "BuildStateHandler":
            bs_dir = work / "warm-BuildStateHandler"
            bs_dir.mkdir()
            template = json.loads((ROOT / "events/codebuild/build-state-compile-succeeded.json").read_text())
            compiles = [b for b in codebuild.started if b[1] == "slipway-compile"][:WARM_EVENTS]
            for n, (build_id, project, release) in enumerate(compiles):
                event = json.loads(json.dumps(template))
                event["id"] = f"warm-build-{n}"
                event["detail"]["build-id"] = f"arn:aws:codebuild:us-east-1:123456789012:build/{build_id}"
                for v in event["detail"]["additional-information"]["environment"]["environment-variables"]:
                    if v["name"] == "SLIPWAY_RELEASE_ID":
                        v["value"] = release
                (bs_dir / f"{n:05d}.json").write_text(json.dumps(event))
            dirs[name] = bs_dir
        if name not in dirs:
            d = work / f"warm-{name}"
            d.mkdir()
            sample = files.get(name, files["ReconcilerHandler"]).read_text()
            for n in range(WARM_EVENTS):
                (d / f"{n:05d}.json").write_text(sample)
            dirs[name] = d
        cp, cls = cp_of[name]
        first = files.get(name, files["ReconcilerHandler"])
        r = invoke(cp, cls, first, env, [], work, dirs[name])
        ms = sorted(r["warmMs"])
        out[name] = {"events": len(ms), "errors": r["warmErrors"],
                     "p50Ms": round(ms[len(ms) // 2], 2) if ms else None,
                     "p99Ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2) if ms else None,
                     "maxMs": round(ms[-1], 2) if ms else None}
        print(f"warm {name}: {out[name]}", file=sys.stderr)
    return out


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def report(samples, runs, warm):
    floor = samples["EmptyHandler"]
    out = {"machine": f"{os.cpu_count()} cores, {platform.machine()}", "runs": runs,
           "jvm": subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0],
           "jvmFlags": JVM_FLAGS, "jarBytes": JAR.stat().st_size, "handlers": {}, "warm": warm}
    for name, rows in samples.items():
        base = samples["EmptyHandler+cds" if name.endswith("+cds") else "EmptyHandler"]
        out["handlers"][name] = {
            "wallMsMedian": round(med(rows, "wallMs"), 1),
            "wallMsMin": round(min(r["wallMs"] for r in rows), 1),
            "wallMsMax": round(max(r["wallMs"] for r in rows), 1),
            "uptimeMsMedian": med(rows, "uptimeMs"),
            "initMsMedian": round(med(rows, "initMs"), 1),
            "handleMsMedian": round(med(rows, "handleMs"), 1),
            "primeMsMedian": round(med(rows, "primeMs"), 1),
            "classesMedian": med(rows, "classes"),
            # pair by pair: this run against the floor run of the same round
            "wallRatioToFloorMedian": round(statistics.median(
                r["wallMs"] / b["wallMs"] for r, b in zip(rows, base)), 2),
            "error": rows[-1]["error"],
            # the same handler from the baseline jar, in the same rounds
            **({"wallRatioToBaselineMedian": round(statistics.median(
                r["wallMs"] / b["wallMs"] for r, b in zip(rows, samples[name.replace("+cds", "") + "@baseline" + ("+cds" if name.endswith("+cds") else "")])), 2)}
               if name.replace("+cds", "") + "@baseline" + ("+cds" if name.endswith("+cds") else "") in samples else {}),
            "lastLog": rows[-1]["log"],
            "primed": next((json.loads(r["primedLog"][0]).get("message") for r in rows if r.get("primedLog")), ""),
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cold-start.json").write_text(json.dumps(out, indent=2) + "\n")
    lines = ["# Handler cold start", "",
             f"Machine: {out['machine']}; {out['jvm']}; flags `{' '.join(JVM_FLAGS)}` (Lambda's); "
             f"{runs} interleaved runs each; functions jar {out['jarBytes'] / 1048576:.1f} MiB. "
             "`bench/cold-start.py`.", "",
             "| handler | wall ms (median) | x floor | JVM start to first event handled, ms | "
             "constructor ms | first event ms | classes loaded | with AppCDS: wall ms | x floor (CDS) | classes (CDS) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    if BASELINE_JAR:
        out["baselineJar"] = BASELINE_JAR
        out["baselineJarBytes"] = Path(BASELINE_JAR).stat().st_size
        lines[2] += (f" Baseline: `{BASELINE_JAR}` ({out['baselineJarBytes'] / 1048576:.1f} MiB), run in the "
                     "same rounds; \"x baseline\" is this jar's wall time over the baseline's, pair by pair "
                     "(median), without and with AppCDS.")
        lines[4] += " x baseline | x baseline (CDS) |"
        lines[5] += "---|---|"
    for name in [n for n in samples if not n.endswith(("+cds", "+primed"))]:
        h, c = out["handlers"][name], out["handlers"][name + "+cds"]
        extra = ""
        if BASELINE_JAR:
            extra = (f" {h.get('wallRatioToBaselineMedian', '')} | {c.get('wallRatioToBaselineMedian', '')} |")
        lines.append(f"| {name} | {h['wallMsMedian']:.0f} | {h['wallRatioToFloorMedian']:.2f} | "
                     f"{h['uptimeMsMedian']:.0f} | {h['initMsMedian']:.0f} | {h['handleMsMedian']:.0f} | "
                     f"{h['classesMedian']:.0f} | {c['wallMsMedian']:.0f} | {c['wallRatioToFloorMedian']:.2f} | "
                     f"{c['classesMedian']:.0f} |" + extra)
    lines += ["", "With SnapStart's checkpoint hook run first (`beforeCheckpoint`: what Lambda runs before it takes "
              "the snapshot), in the same fresh JVM: the first event's time is what a restore leaves to the first "
              "invocation (the restore itself is Lambda's, not measured here):", "",
              "| handler | checkpoint hook ms | first event after it, ms (median) | first event without it, ms | "
              "the hook's log |",
              "|---|---|---|---|---|"]
    for name in [n for n in samples if n.endswith("+primed")]:
        p, h = out["handlers"][name], out["handlers"][name[:-len("+primed")]]
        lines.append(f"| {name[:-len('+primed')]} | {p['primeMsMedian']:.0f} | {p['handleMsMedian']:.0f} | "
                     f"{h['handleMsMedian']:.0f} | {p['primed']} |")
    lines += ["", f"Warm, against the emulator (one JVM per handler, after its first event, {WARM_EVENTS} more "
              "events each; SourceUploaded: new uploads, each creating a release and starting its build; "
              "BuildState: each of those builds' end, each starting the image build; the others: their "
              "sample again, a ledger read that finds nothing to do):", "",
              "| handler | events | p50 ms | p99 ms | max ms | failed |", "|---|---|---|---|---|---|"]
    for name, w in warm.items():
        lines.append(f"| {name} | {w['events']} | {w['p50Ms']} | {w['p99Ms']} | {w['maxMs']} | {w['errors']} |")
    lines += ["", "What each handler did with its event (its last log line):", ""]
    for name in [n for n in samples if not n.endswith(("+cds", "+primed")) and n != "EmptyHandler"]:
        h = out["handlers"][name]
        msg = h["lastLog"][0] if h["lastLog"] else ""
        try:
            msg = json.loads(msg).get("message", msg)
        except ValueError:
            pass
        lines.append(f"- {name}: {msg}" + (f" (raised: {h['error']})" if h["error"] else ""))
    (RESULTS / "cold-start.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    chart(out)


def chart(out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no chart: pip install matplotlib)", file=sys.stderr)
        return
    names = [n for n in out["handlers"] if not n.endswith(("+cds", "+primed"))]
    plain = [out["handlers"][n]["wallMsMedian"] for n in names]
    cds = [out["handlers"][n + "+cds"]["wallMsMedian"] for n in names]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ys = range(len(names))
    ax.barh([y + 0.2 for y in ys], plain, height=0.4, label="default CDS")
    ax.barh([y - 0.2 for y in ys], cds, height=0.4, label="AppCDS archive")
    ax.set_yticks(list(ys), [n.replace("Handler", "") or n for n in names])
    ax.invert_yaxis()
    ax.set_xlabel("fresh JVM to first event handled, wall ms (median)")
    ax.set_title(f"Handler cold start vs an empty handler ({out['machine']})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "cold-start.png", dpi=110)


if __name__ == "__main__":
    main()
