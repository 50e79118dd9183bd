#!/usr/bin/env python3
"""What one release costs on AWS, on paper (issue 19), from the figures the other benchmarks measured.

Reads bench/results/pipeline-overhead.json (each release's requests by who made them and what they
asked), cold-start.json (each handler's warm p50 and cold wall time) and build-image.json (the
image's compressed size per platform); applies AWS's published on-demand prices (us-east-1, the
pages cited in PRICES); writes bench/results/cost.{md,json}. Also prices one CodePipeline V2
execution of the same steps. Usage: bench/cost.py [RELEASES_PER_DAY]   (default 1000)

Nothing here is measured on AWS: the request counts are the local runtime's, which judges every
request against the template's IAM policies and counts it; the CodeBuild minutes are an assumption
stated below (AWS bills a build by the minute, rounded up, and provisioning is not run locally).
"""
import json
import math
import os
import statistics
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
results = os.path.join(root, "bench", "results")
per_day = int(sys.argv[1]) if len(sys.argv) > 1 else 1000

# On-demand list prices, us-east-1, as the pricing pages state them (free tiers left out: a team
# shipping 1,000 releases a day is past them). This machine cannot open the pages; check them
# before budgeting.
PRICES = {
    "s3_put_list_per_1000": (0.005, "https://aws.amazon.com/s3/pricing/ (S3 Standard: PUT, COPY, POST, LIST)"),
    "s3_get_other_per_1000": (0.0004, "https://aws.amazon.com/s3/pricing/ (S3 Standard: GET, SELECT and all other requests)"),
    "sqs_per_million": (0.40, "https://aws.amazon.com/sqs/pricing/ (standard queue requests)"),
    "eventbridge_custom_per_million": (1.00, "https://aws.amazon.com/eventbridge/pricing/ (custom events; AWS service events on the default bus are free)"),
    "lambda_arm_gb_second": (0.0000133334, "https://aws.amazon.com/lambda/pricing/ (Arm, per GB-second)"),
    "lambda_per_million_requests": (0.20, "https://aws.amazon.com/lambda/pricing/ (requests)"),
    "codebuild_small_per_minute": (0.005, "https://aws.amazon.com/codebuild/pricing/ (on-demand EC2 general1.small; the stack's ARM small is listed lower: this is an upper bound)"),
    "ecr_storage_gb_month": (0.10, "https://aws.amazon.com/ecr/pricing/ (storage; pulls within the Region are free)"),
    "inspector_ecr_initial_scan": (0.09, "https://aws.amazon.com/inspector/pricing/ (ECR image, initial scan; basic scanning is ECR's and free)"),
    "inspector_ecr_rescan": (0.01, "https://aws.amazon.com/inspector/pricing/ (ECR image, each continuous-scanning rescan)"),
    "cloudwatch_api_per_1000": (0.01, "https://aws.amazon.com/cloudwatch/pricing/ (API requests such as DescribeAlarms)"),
    "codepipeline_v2_action_minute": (0.002, "https://aws.amazon.com/codepipeline/pricing/ (V2: per action execution minute)"),
}
P = {k: v[0] for k, v in PRICES.items()}

LAMBDA_GB = 1.0  # the stack's memorySize default (1024 MB, Arm)
COMPILE_MINUTES = 2  # assumption: provisioning, source download, module download, two-platform build
IMAGE_MINUTES = 1  # assumption: the image build (1.7 s locally) and push, rounded up to the minute
RECONCILE_MINUTES = 5  # the stack's default schedule
QUEUES = 7  # one per rule with a Lambda consumer
POLLERS_PER_QUEUE = 5  # Lambda starts an SQS event source mapping with five pollers
LONG_POLL_SECONDS = 20


def load(name):
    with open(os.path.join(results, name)) as f:
        return json.load(f)


overhead = load("pipeline-overhead.json")
cold = load("cold-start.json")
image = load("build-image.json")


def median_over_releases(pred):
    return statistics.median(sum(v for k, v in r["requests"].items() if pred(k)) for r in overhead["rows"])


def handler(k):
    return k.startswith("Handlers")


def op(k):
    return k.split(" ", 1)[1]


def handlers_op(name, reconciler):
    return median_over_releases(
        lambda k: handler(k) and op(k) == name and (("Reconciler" in k) == reconciler))


ops = sorted({op(k) for r in overhead["rows"] for k in r["requests"] if handler(k)})
per_release = {o: handlers_op(o, False) for o in ops}  # event-driven work, the reconciler apart
reconciler_local = {o: handlers_op(o, True) for o in ops}
carrying = median_over_releases(lambda k: k in ("poller sqs:ReceiveMessage", "poller sqs:DeleteMessage"))
events = median_over_releases(lambda k: k == "poller sqs:ReceiveMessage")  # one invocation each
s3_write = sum(v for o, v in per_release.items() if o in ("s3:PutObject", "s3:ListObjects", "s3:ListObjectVersions"))
s3_read = sum(v for o, v in per_release.items() if o in ("s3:GetObject", "s3:HeadObject"))
put_events = per_release.get("events:PutEvents", 0)
describe_alarms = per_release.get("monitoring:DescribeAlarms", 0)
# cold-start.json keeps both as lists of [handler, figures] pairs
warm = {h: w["p50Ms"] for h, w in dict(cold["warm"]).items() if h != "EmptyHandler"}
handlers_cold = dict(cold["handlers"])
cold_wall = {h: v["wallMsMedian"] for h, v in handlers_cold.items() if "+" not in h and h != "EmptyHandler"}
warm_ms = statistics.mean(warm.values())  # the handlers' warm p50s, averaged
cold_ms = statistics.median(cold_wall.values())
image_bytes = sum(i["compressedBytes"] for i in image["images"])
platforms = len(image["images"])

rows = []


def row(service, what, quantity, unit_price, per, note=""):
    cost = quantity * unit_price / per
    rows.append({"service": service, "what": what, "quantity": float(f"{quantity:.4g}"), "cost": cost, "note": note})
    return cost


row("S3", "PUT and LIST (ledger writes, links, listings)", s3_write, P["s3_put_list_per_1000"], 1000)
row("S3", "GET and HEAD (ledger reads, the archive)", s3_read, P["s3_get_other_per_1000"], 1000)
# Each event: EventBridge's SendMessage to the rule's queue, the poller's receive and delete.
row("SQS", "EventBridge's sends + the poller's receives and deletes", events + carrying, P["sqs_per_million"], 1e6)
row("EventBridge", "Slipway's own events (PutEvents)", put_events, P["eventbridge_custom_per_million"], 1e6,
    "AWS's own events (S3, CodeBuild, ECR, Inspector, ECS, CloudWatch) are free on the default bus")
row("Lambda", "invocations", events, P["lambda_per_million_requests"], 1e6)
row("Lambda", f"duration, warm ({warm_ms:.0f} ms, the handlers' mean p50, x {events:g} at {LAMBDA_GB:g} GB)",
                  events * warm_ms / 1000 * LAMBDA_GB, P["lambda_arm_gb_second"], 1)
row("CloudWatch", "DescribeAlarms before a bake ends", describe_alarms, P["cloudwatch_api_per_1000"], 1000)
codebuild = row("CodeBuild", f"{COMPILE_MINUTES} + {IMAGE_MINUTES} build minutes (assumed, see note)",
                COMPILE_MINUTES + IMAGE_MINUTES, P["codebuild_small_per_minute"], 1,
                "billed per minute, rounded up; the local builds take seconds, AWS adds provisioning")
ecr = row("ECR", f"{image_bytes / 2**20:.2f} MiB of image layers kept one month", image_bytes / 2**30,
          P["ecr_storage_gb_month"], 1, "layers shared with the previous release are stored once")
inspector = row("Inspector", f"{platforms} platform images, initial scan (enhanced scanning)", platforms,
                P["inspector_ecr_initial_scan"], 1, "the stack's default; with -c enhancedScanning=false, ECR's basic scanning costs nothing")
orchestration = sum(r["cost"] for r in rows if r["service"] in ("S3", "SQS", "EventBridge", "Lambda", "CloudWatch"))
total = sum(r["cost"] for r in rows)
cold_extra = events * (cold_ms - warm_ms) / 1000 * LAMBDA_GB * P["lambda_arm_gb_second"]

# Standing costs, whatever the number of releases (a month of 30 days).
month_s = 30 * 24 * 3600
empty_receives = QUEUES * POLLERS_PER_QUEUE * month_s / LONG_POLL_SECONDS
ticks = month_s / 60 / RECONCILE_MINUTES
standing = {
    "poller receives on idle queues": empty_receives * P["sqs_per_million"] / 1e6,
    "reconciler ticks (invocations, ~4 requests each, 1 s at 1 GB)": ticks * (
        P["lambda_per_million_requests"] / 1e6 + 1.0 * LAMBDA_GB * P["lambda_arm_gb_second"]
        + 2 * P["s3_put_list_per_1000"] / 1000 + 2 * P["s3_get_other_per_1000"] / 1000),
}

# One CodePipeline V2 execution of the same steps: an S3 source action, the two CodeBuild actions,
# an Inspector scan action, an ECS deploy action that waits for the rollout (a bake would be a wait
# or approval action). Action minutes are each action's duration rounded up.
cp_actions = {"source (S3)": 1, "compile (CodeBuild)": COMPILE_MINUTES, "image (CodeBuild)": IMAGE_MINUTES,
              "scan (Inspector action)": 1, "deploy (ECS, until steady)": 5}
cp_minutes = sum(cp_actions.values())
cp_orchestration = cp_minutes * P["codepipeline_v2_action_minute"]

out = {
    "releasesPerDay": per_day,
    "prices": {k: {"usd": v[0], "source": v[1]} for k, v in PRICES.items()},
    "measured": {"handlerRequestsPerReleaseExcludingReconciler": per_release,
                 "reconcilerRequestsPerLocalRelease": reconciler_local,
                 "pollerCarryingRequests": carrying, "invocations": events,
                 "warmMsMedian": warm_ms, "coldMsMedian": cold_ms, "imageBytes": image_bytes},
    "rows": rows, "perRelease": total, "orchestrationPerRelease": orchestration,
    "coldStartEveryInvocationExtra": cold_extra, "standingPerMonth": standing,
    "codePipelineV2": {"actionMinutes": cp_actions, "orchestrationPerExecution": cp_orchestration},
}
with open(os.path.join(results, "cost.json"), "w") as f:
    json.dump(out, f, indent=2)

month = per_day * 30
lines = [
    "# What a release costs on AWS, on paper", "",
    f"`bench/cost.py {per_day}`, from `pipeline-overhead.json` ({len(overhead['rows'])} local releases of hello-go: "
    "requests by who made them and what they asked), `cold-start.json` (handlers' warm p50) and `build-image.json` "
    "(image size). Prices: us-east-1 on-demand, from the pages listed at the end. Not measured on AWS.", "",
    "| service | what, per release | quantity | USD |", "|---|---|---|---|"]
for r in rows:
    lines.append(f"| {r['service']} | {r['what']} | {r['quantity']:g} | {r['cost']:.6f} |")
lines += [
    f"| **all** | | | **{total:.4f}** |", "",
    f"Slipway's own orchestration (S3, SQS, EventBridge, Lambda, CloudWatch): **${orchestration:.6f}** a release; "
    f"if every invocation were a cold start: +${cold_extra:.6f} (cold median {cold_ms:.0f} ms, billed since AWS bills "
    "the init phase). The rest is the work itself: CodeBuild minutes, ECR storage and, with enhanced scanning, "
    "Inspector's per-image scan, which is most of the bill.", "",
    "Standing costs a month, whatever the releases: " + "; ".join(f"{k} ${v:.2f}" for k, v in standing.items()) + ".",
    "",
    f"**{per_day:,} releases a day** ({month:,} a month): orchestration ${orchestration * month:,.2f}, "
    f"CodeBuild ${codebuild * month:,.2f}, ECR ${ecr * month:,.2f} a month of images kept, "
    f"Inspector ${inspector * month:,.2f} (enhanced scanning, the stack's default; $0 with basic), "
    f"standing ${sum(standing.values()):,.2f}: **${total * month + sum(standing.values()):,.2f} a month** "
    f"(${(total - inspector) * month + sum(standing.values()):,.2f} with basic scanning).", "",
    "**CodePipeline V2, one execution of the same steps** (action minutes, each action rounded up: "
    + ", ".join(f"{k} {v}" for k, v in cp_actions.items())
    + f"): {cp_minutes} action minutes = **${cp_orchestration:.3f}** of orchestration, "
    f"{cp_orchestration / orchestration:.0f}x Slipway's ${orchestration:.6f}; the builds, images and scans cost the same "
    f"either way. At {per_day:,} releases a day: ${cp_orchestration * month:,.2f} a month against "
    f"${orchestration * month:,.2f}.", "",
    "Prices used:", ""]
for k, (usd, src) in PRICES.items():
    lines.append(f"- `{k}` = {usd}: {src}")
with open(os.path.join(results, "cost.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
