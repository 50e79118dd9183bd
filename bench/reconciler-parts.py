#!/usr/bin/env python3
"""Where a reconciler tick's time goes at 2,000 final releases (issue 19), part by part, against
moto_server: the lost-upload sweep's ListObjectVersions pages over sources/ (1,000 versions a page,
the first and the one after it), the service index's GET (2,000 entries, the JSON the ledger
writes), and the services listing (ListObjectsV2 with a delimiter). Medians of 5 calls each, after
the bucket is filled; against plain moto and against moto with Slipway's sitecustomize.

Needs moto_server and boto3 (moto's own dependency) on this Python. Writes
bench/results/reconciler-parts.{json,md}. Usage: bench/reconciler-parts.py [UPLOADS]"""
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time

import boto3

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
speedups = os.path.join(root, "functions/src/main/resources/dev/slipway/emulator")


def measure(pythonpath):
    """Each part's median against a fresh moto_server, started with PYTHONPATH=pythonpath."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
        for _ in range(100):
            try:
                s3.list_buckets()
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.1)
        bucket = "slipway-sources"
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        for i in range(n):
            s3.put_object(Bucket=bucket, Key=f"sources/hello-go/release-{i}.zip", Body=b"zip")
        index = json.dumps({"service": "hello-go", "releases": [
            {"id": "hello-go-%012x" % i, "requestedAt": "2026-12-04T00:00:00Z", "state": "SUPERSEDED",
             "seenAt": "2026-12-04T00:00:01Z", "transitions": 9, "environment": None} for i in range(n)]})
        s3.put_object(Bucket=bucket, Key="ledger/releases/hello-go/index.json", Body=index.encode())
        first = s3.list_object_versions(Bucket=bucket, Prefix="sources/", MaxKeys=1000)
        more = ({"KeyMarker": first["NextKeyMarker"], "VersionIdMarker": first["NextVersionIdMarker"]}
                if first.get("IsTruncated") else {})

        def median_ms(call):
            times = []
            for _ in range(5):
                start = time.perf_counter()
                call()
                times.append((time.perf_counter() - start) * 1000)
            return statistics.median(times)

        return index, {
            "ListObjectVersions, the first page of sources/ (1,000 a page)": median_ms(
                lambda: s3.list_object_versions(Bucket=bucket, Prefix="sources/", MaxKeys=1000)),
            "ListObjectVersions, the page after it (by its next markers)": median_ms(
                lambda: s3.list_object_versions(Bucket=bucket, Prefix="sources/", MaxKeys=1000, **more)),
            "GetObject of the index": median_ms(
                lambda: s3.get_object(Bucket=bucket, Key="ledger/releases/hello-go/index.json")["Body"].read()),
            "ListObjectsV2 of the services (delimiter)": median_ms(
                lambda: s3.list_objects_v2(Bucket=bucket, Prefix="ledger/releases/", Delimiter="/")),
        }
    finally:
        moto.terminate()


index, plain = measure(None)
_, faster = measure(speedups)
out = {"uploads": n, "cores": os.cpu_count(), "indexBytes": len(index), "msMedian": plain,
       "msMedianWithSitecustomize": faster}
json.dump(out, open(os.path.join(root, "bench/results/reconciler-parts.json"), "w"), indent=2)
lines = ["# Where a reconciler tick's time goes, part by part (moto)", "",
         f"Machine: {os.cpu_count()} cores, {platform.machine()}; `bench/reconciler-parts.py {n}`: "
         f"{n:,} uploads under sources/ (a versioned bucket) and an index of {n:,} entries "
         f"({len(index):,} bytes); each call 5 times against moto_server, median; plain moto, then moto "
         "with Slipway's sitecustomize (as `slipway local` and the tests start it), each freshly filled.", "",
         "| call | plain moto, ms | with the sitecustomize, ms | ratio |", "|---|---|---|---|"]
lines += [f"| {k} | {v:.1f} | {faster[k]:.1f} | x{v / faster[k]:.2f} |" for k, v in plain.items()]
open(os.path.join(root, "bench/results/reconciler-parts.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
