#!/usr/bin/env python3
"""moto with and without Slipway's sitecustomize (issue 19): the same requests, timed.

py-spy on moto in the 200-release drill showed two thirds of its CPU in two places that are
caches it lacks (see functions/src/main/resources/dev/slipway/emulator/sitecustomize.py). This
starts moto_server twice per round, plain and with the caches, and times in each the same work: a
bus with seven rules whose SQS targets have input transformers (as Slipway's stack has), events put
one at a time, and S3 writes and reads of small objects (the ledger's). Rounds alternate which goes
first; medians and the ratio per kind are written to bench/results/moto-speedups.{json,md}.

Usage: bench/moto-speedups.py [ROUNDS [EVENTS]]   (run with a Python that has boto3, e.g. moto's)
"""
import json, os, platform, shutil, socket, statistics, subprocess, sys, time, urllib.request

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEEDUPS = os.path.join(ROOT, "functions/src/main/resources/dev/slipway/emulator")
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
EVENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 200


def moto_server():
    found = shutil.which("moto_server")
    if found:
        return found
    cached = os.path.expanduser("~/.cache/slipway/moto-5.2.1/bin/moto_server")
    if os.path.exists(cached):
        return cached
    sys.exit("moto_server: not on the PATH and not in ~/.cache/slipway (run slipway local once)")


def start(with_speedups):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, MOTO_ACCOUNT_ID="123456789012")
    env.pop("PYTHONPATH", None)
    if with_speedups:
        env["PYTHONPATH"] = SPEEDUPS
    proc = subprocess.Popen([moto_server(), "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return proc, url
        except Exception:
            time.sleep(0.1)
    proc.kill()
    sys.exit("moto did not start")


def clients(url):
    kw = dict(endpoint_url=url, region_name="eu-west-1", aws_access_key_id="test",
              aws_secret_access_key="test")
    return boto3.client("events", **kw), boto3.client("sqs", **kw), boto3.client("s3", **kw)


def work(url):
    events, sqs, s3 = clients(url)
    for i in range(7):
        q = sqs.create_queue(QueueName=f"q{i}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name=f"r{i}", EventPattern=json.dumps({"source": [f"src{i}"]}))
        events.put_targets(Rule=f"r{i}", Targets=[{
            "Id": "t", "Arn": arn,
            "InputTransformer": {
                "InputPathsMap": {"id": "$.id", "detail": "$.detail", "kind": "$.detail-type"},
                "InputTemplate": '{"id": "<id>", "kind": "<kind>", "detail": <detail>}'}}])
    s3.create_bucket(Bucket="bench-ledger", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    out = {}
    start_t = time.perf_counter()
    for n in range(EVENTS):
        events.put_events(Entries=[{"Source": f"src{n % 7}", "DetailType": "Step",
                                    "Detail": json.dumps({"release": f"r-{n}", "state": "BUILDING"})}])
    out["putEventsPerSecond"] = EVENTS / (time.perf_counter() - start_t)
    # What a target got, its event id aside: compared across the two below (the same, or no figures).
    q0 = sqs.get_queue_url(QueueName="q0")["QueueUrl"]
    got = json.loads(sqs.receive_message(QueueUrl=q0, MaxNumberOfMessages=1)["Messages"][0]["Body"])
    got.pop("id")
    out["delivered"] = got
    body = b"x" * 1024
    start_t = time.perf_counter()
    for n in range(EVENTS):
        s3.put_object(Bucket="bench-ledger", Key=f"ledger/{n}.json", Body=body)
        s3.get_object(Bucket="bench-ledger", Key=f"ledger/{n}.json")["Body"].read()
    out["s3RequestsPerSecond"] = 2 * EVENTS / (time.perf_counter() - start_t)
    return out


def main():
    runs = {"plain": [], "speedups": []}
    for r in range(ROUNDS):
        order = ["plain", "speedups"] if r % 2 == 0 else ["speedups", "plain"]
        for mode in order:
            proc, url = start(mode == "speedups")
            try:
                runs[mode].append(work(url))
            finally:
                proc.kill()
                proc.wait()
            print(mode, runs[mode][-1], file=sys.stderr)
    delivered = {json.dumps(x.pop("delivered"), sort_keys=True) for m in runs for x in runs[m]}
    if len(delivered) != 1:
        sys.exit(f"the targets got different messages with and without the caches: {delivered}")
    kinds = ["putEventsPerSecond", "s3RequestsPerSecond"]
    summary = {k: {m: statistics.median(x[k] for x in runs[m]) for m in runs} for k in kinds}
    for k in kinds:
        summary[k]["ratio"] = summary[k]["speedups"] / summary[k]["plain"]
    results = os.path.join(ROOT, "bench/results")
    json.dump({"rounds": ROUNDS, "events": EVENTS, "runs": runs, "summary": summary},
              open(os.path.join(results, "moto-speedups.json"), "w"), indent=2)
    lines = ["# moto with and without Slipway's caches", "",
             f"Machine: {os.cpu_count()} cores, {platform.machine()}; `bench/moto-speedups.py {ROUNDS} {EVENTS}` "
             "(each round starts both, alternating which goes first; medians over the rounds).", "",
             "| requests | plain moto / s | with the caches / s | ratio |", "|---|---|---|---|"]
    names = {"putEventsPerSecond": "PutEvents, 7 rules with input transformers to SQS",
             "s3RequestsPerSecond": "S3 PutObject + GetObject, 1 KiB"}
    for k in kinds:
        s = summary[k]
        lines.append(f"| {names[k]} | {s['plain']:.1f} | {s['speedups']:.1f} | x{s['ratio']:.2f} |")
    open(os.path.join(results, "moto-speedups.md"), "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
