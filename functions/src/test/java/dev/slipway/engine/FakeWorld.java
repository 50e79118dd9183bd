package dev.slipway.engine;

import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Finding;
import dev.slipway.release.Input;
import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.ScanPolicy;
import dev.slipway.release.SourceRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything outside the engine, faked in memory: archives, registry and scanner, builds, build
 * logs, deployments and alarms, and an effect runner that records what it was asked to do (the
 * command ports go through it too, so both record alike).
 */
public final class FakeWorld
    implements SourceArchives, Images, Builds, BuildLogs, Deployments, Alarms, EffectRunner {
  static final String DEPLOYMENT_ID = "ecs-svc/4827193650284719365";

  /** The release the samples in events/ belong to. */
  public static final String SAMPLE_RELEASE = "hello-go-25f25853d6a0";

  /** hello-go, declared with its own repository and one environment, under the default floor. */
  public static final Declarations DECLARATIONS =
      new Declarations(
          List.of(
              new Declarations.Service(
                  "hello-go",
                  "slipway/hello-go",
                  List.of(
                      new Declarations.Environment(
                          "production", "slipway-demo", "hello-go", null, null)))),
          Declarations.Floor.DEFAULT);

  /** The service the uploaded manifest names. */
  public String service = "hello-go";

  public ReleaseConfig config =
      new ReleaseConfig(
          ScanPolicy.DEFAULT,
          new Manifest.Deploy("slipway-demo", "hello-go", "hello-go", 300),
          new Manifest.Health("/healthz", "/readyz", 30));
  String invalidReason;
  public final Map<String, List<Finding>> findings = new ConcurrentHashMap<>();
  final Map<String, String> buildStatuses = new ConcurrentHashMap<>();
  final Map<String, Boolean> deploymentOutcomes = new ConcurrentHashMap<>();

  /** Every deployment outcome the reconciler asked ECS for: "cluster/service deploymentId". */
  public final List<String> outcomesAsked = Collections.synchronizedList(new ArrayList<>());

  public final List<String> ran = Collections.synchronizedList(new ArrayList<>());

  /** Every deploy effect carried out, in order (target and image). */
  public final List<Effect.Deploy> deploys = Collections.synchronizedList(new ArrayList<>());

  final AtomicInteger registered = new AtomicInteger();
  volatile String deployFailure;

  @Override
  public Checked check(SourceRef source) {
    return invalidReason != null ? Checked.invalid(invalidReason) : Checked.valid(service, config);
  }

  /** What the registry holds by tag (the reconciler looks a lost push up there). */
  public final Map<String, String> tags = new ConcurrentHashMap<>();

  @Override
  public Optional<Tagged> tagged(String repository, String tag) {
    return Optional.ofNullable(tags.get(repository + ":" + tag))
        .map(d -> new Tagged("210987654321.dkr.ecr.eu-west-1.amazonaws.com", d));
  }

  /** What the source bucket holds (the reconciler looks a lost upload up there). */
  public final List<Upload> uploads = Collections.synchronizedList(new ArrayList<>());

  /** How many uploads one page of the listing holds (S3: 1,000). */
  public int uploadPage = 1000;

  /** Where each listing of the uploads started (null: from the first). */
  public final List<String> uploadListings = Collections.synchronizedList(new ArrayList<>());

  @Override
  public UploadPage uploads(String after) {
    uploadListings.add(after);
    List<Upload> sorted =
        uploads.stream()
            .filter(u -> after == null || u.source().key().compareTo(after) > 0)
            .sorted(java.util.Comparator.comparing(u -> u.source().key()))
            .toList();
    List<Upload> page = sorted.subList(0, Math.min(uploadPage, sorted.size()));
    return new UploadPage(
        page, sorted.size() > page.size() ? page.get(page.size() - 1).source().key() : null);
  }

  @Override
  public List<String> platformDigests(String repository, String digest) {
    return List.of();
  }

  /** Digests the scanner will not scan, with ECR's answer. */
  public final Map<String, String> unscannable = new ConcurrentHashMap<>();

  @Override
  public List<Finding> findings(String repository, String digest) throws Unscannable {
    if (unscannable.containsKey(digest)) {
      throw new Unscannable(unscannable.get(digest));
    }
    return findings.get(digest);
  }

  /** The pipeline's ports, all this world's, around {@code ledger}. */
  public Pipeline.Ports ports(ReleaseLedger ledger) {
    return new Pipeline.Ports(ledger, this, this, this, this, this, this, this, () -> 0);
  }

  @Override
  public String start(Release release, Effect.BuildKind kind, Declarations.Service service)
      throws Refused {
    return ((Input.BuildStarted)
            done(
                run(
                    release,
                    new Effect.StartBuild(
                        kind, release.id(), release.service(), release.source()))))
        .buildId();
  }

  @Override
  public void stop(Release release, String buildId) throws Refused {
    done(run(release, new Effect.StopBuild(buildId)));
  }

  @Override
  public Input.DeployStarted deploy(
      Release release, Effect.Deploy deploy, Declarations.Environment environment) throws Refused {
    return (Input.DeployStarted) done(run(release, deploy));
  }

  /**
   * Runs once after the next deploy has reached ECS, before its start is recorded: a test's way in
   * between two steps of a handler.
   */
  public volatile Runnable afterNextDeploy;

  @Override
  public String rollBack(Release release, String cluster, String service, String taskDefinitionArn)
      throws Refused {
    done(run(release, new Effect.RollBack(cluster, service, taskDefinitionArn)));
    return "ecs-svc/rollback-" + release.id();
  }

  private static Input done(Outcome outcome) throws Refused {
    if (outcome instanceof Outcome.Failed failed) {
      throw new Refused(failed.reason());
    }
    return ((Outcome.Done) outcome).followUp();
  }

  @Override
  public Optional<String> failure(String releaseId) {
    return Optional.empty();
  }

  @Override
  public Optional<String> status(String buildId) {
    return Optional.ofNullable(buildStatuses.get(buildId));
  }

  /** Alarms the test has put in ALARM. */
  public final java.util.Set<String> firing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Override
  public List<String> firing(List<String> alarms) {
    return alarms.stream().filter(firing::contains).toList();
  }

  @Override
  public Optional<Boolean> outcome(String cluster, String service, String deploymentId) {
    outcomesAsked.add(cluster + "/" + service + " " + deploymentId);
    return Optional.ofNullable(deploymentOutcomes.get(deploymentId));
  }

  @Override
  public Outcome run(Release release, Effect effect) {
    ran.add(release.id() + " " + describe(effect));
    if (effect instanceof Effect.StartBuild build) {
      String project =
          switch (build.kind()) {
            case COMPILE -> "slipway-compile";
            case IMAGE -> "slipway-image";
            case DOCKERFILE -> "slipway-dockerfile";
          };
      String suffix =
          !release.id().equals(SAMPLE_RELEASE)
              ? release.id() + "-" + build.kind()
              : build.kind() == Effect.BuildKind.COMPILE
                  ? "0d1c2b3a-4f5e-4d6c-8b7a-9f8e7d6c5b4a"
                  : "1e2d3c4b-5a6f-4e7d-9c8b-0a9f8e7d6c5b";
      String id = "arn:aws:codebuild:eu-west-1:210987654321:build/" + project + ":" + suffix;
      return new Outcome.Done(new Input.BuildStarted("started:" + id, build.kind(), id));
    }
    if (effect instanceof Effect.Deploy deploy) {
      if (deployFailure != null) {
        return new Outcome.Failed(deployFailure);
      }
      deploys.add(deploy);
      Runnable hook = afterNextDeploy;
      afterNextDeploy = null;
      if (hook != null) {
        hook.run();
      }
      int revision = 7 + registered.incrementAndGet();
      return new Outcome.Done(
          new Input.DeployStarted(
              "deployed:" + release.id() + ":" + deploy.service(),
              "arn:aws:ecs:eu-west-1:210987654321:task-definition/hello-go:" + revision,
              "arn:aws:ecs:eu-west-1:210987654321:task-definition/hello-go:7",
              release.id().equals(SAMPLE_RELEASE)
                  ? DEPLOYMENT_ID
                  : deploy.service().equals("hello-go")
                      ? "ecs-svc/" + release.id()
                      : "ecs-svc/" + deploy.service() + "/" + release.id()));
    }
    if (effect instanceof Effect.Redeploy redeploy) {
      return new Outcome.Done(
          new Input.DeployStarted(
              "redeployed:" + release.id(),
              redeploy.taskDefinitionArn(),
              null,
              "ecs-svc/redeploy-" + release.id()));
    }
    return new Outcome.Done(null);
  }

  static String describe(Effect effect) {
    if (effect instanceof Effect.StartBuild b) {
      return "StartBuild " + b.kind();
    }
    if (effect instanceof Effect.Publish p) {
      return "Publish " + p.type().detailType();
    }
    if (effect instanceof Effect.Deploy d) {
      return "Deploy " + d.image();
    }
    if (effect instanceof Effect.Redeploy r) {
      return "Redeploy " + r.taskDefinitionArn();
    }
    if (effect instanceof Effect.WakeAt w) {
      return "WakeAt " + w.at();
    }
    if (effect instanceof Effect.RollBack r) {
      return "RollBack " + r.taskDefinitionArn();
    }
    return effect.key();
  }
}
