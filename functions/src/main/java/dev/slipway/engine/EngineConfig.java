package dev.slipway.engine;

import dev.slipway.release.Declarations;
import dev.slipway.release.DeclarationsReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The pipeline's own names and limits, read once from the environment by each handler (style §10):
 * the source bucket, the two CodeBuild projects, the declared services (and their image
 * repositories), which alarm guards which service, when the reconciler calls a release stuck, and
 * how long a handler may hold an effect's claim before another takes it over (longer than a handler
 * can run: on Lambda, more than the function's timeout).
 */
public record EngineConfig(
    String sourceBucket,
    String compileProject,
    String imageProject,
    Declarations services,
    Map<String, String> alarmServices,
    Duration stuckAfter,
    Duration claimTtl,
    Duration stuckLimit,
    Duration approvalLimit,
    String dockerfileProject,
    String dockerfileRefusal) {

  /** The claim's lifetime when none is configured: five minutes, five times the Lambda timeout. */
  public static final Duration DEFAULT_CLAIM_TTL = Duration.ofMinutes(5);

  /** How long a release may stay in one state (but waiting for a person) before it is stuck. */
  public static final Duration DEFAULT_STUCK_LIMIT = Duration.ofHours(1);

  /** How long a release may wait for a person's approval before it is called stuck. */
  public static final Duration DEFAULT_APPROVAL_LIMIT = Duration.ofDays(3);

  public EngineConfig(
      String sourceBucket,
      String compileProject,
      String imageProject,
      Declarations services,
      Map<String, String> alarmServices,
      Duration stuckAfter,
      Duration claimTtl) {
    this(
        sourceBucket,
        compileProject,
        imageProject,
        services,
        alarmServices,
        stuckAfter,
        claimTtl,
        DEFAULT_STUCK_LIMIT,
        DEFAULT_APPROVAL_LIMIT,
        "slipway-dockerfile",
        null);
  }

  /**
   * The time limit of {@code state} for {@code release} (null: none): waiting for a person has its
   * own; a deployment's includes its bake.
   */
  public Duration limitOf(dev.slipway.release.ReleaseState state, int bakeSeconds) {
    return switch (state) {
      case AWAITING_APPROVAL -> approvalLimit;
      case AWAITING_PROMOTION -> null; // live where it is; a promotion may never come
      case DEPLOYING -> stuckLimit.plusSeconds(bakeSeconds);
      default -> stuckLimit;
    };
  }

  public EngineConfig(
      String sourceBucket,
      String compileProject,
      String imageProject,
      Declarations services,
      Map<String, String> alarmServices,
      Duration stuckAfter) {
    this(
        sourceBucket,
        compileProject,
        imageProject,
        services,
        alarmServices,
        stuckAfter,
        DEFAULT_CLAIM_TTL);
  }

  public EngineConfig {
    Objects.requireNonNull(sourceBucket, "sourceBucket");
    Objects.requireNonNull(compileProject, "compileProject");
    Objects.requireNonNull(imageProject, "imageProject");
    Objects.requireNonNull(services, "services");
    alarmServices = Map.copyOf(alarmServices);
    Objects.requireNonNull(stuckAfter, "stuckAfter");
    Objects.requireNonNull(claimTtl, "claimTtl");
    Objects.requireNonNull(stuckLimit, "stuckLimit");
    Objects.requireNonNull(approvalLimit, "approvalLimit");
    if (claimTtl.isNegative() || claimTtl.isZero()) {
      throw new IllegalArgumentException("claimTtl must be positive: " + claimTtl);
    }
  }

  /**
   * Reads the configuration from environment variables: {@code SLIPWAY_SOURCE_BUCKET}, {@code
   * SLIPWAY_COMPILE_PROJECT}, {@code SLIPWAY_IMAGE_PROJECT}, {@code SLIPWAY_SERVICES} (the
   * declarations, {@link DeclarationsReader#toEnvironment}), {@code SLIPWAY_ALARMS} ({@code
   * alarm=service,alarm=service}), {@code SLIPWAY_STUCK_AFTER_SECONDS}, {@code
   * SLIPWAY_CLAIM_TTL_SECONDS}.
   */
  public static EngineConfig fromEnvironment(Map<String, String> env) {
    Declarations declared = declarations(required(env, DeclarationsReader.ENVIRONMENT_VARIABLE));
    // The declared services' alarms, and any the stack's props add (SLIPWAY_ALARMS).
    Map<String, String> alarms = new LinkedHashMap<>(declared.alarmServices());
    String raw = env.getOrDefault("SLIPWAY_ALARMS", "");
    for (String pair : raw.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        alarms.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return new EngineConfig(
        required(env, "SLIPWAY_SOURCE_BUCKET"),
        env.getOrDefault("SLIPWAY_COMPILE_PROJECT", "slipway-compile"),
        env.getOrDefault("SLIPWAY_IMAGE_PROJECT", "slipway-image"),
        declared,
        alarms,
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("SLIPWAY_STUCK_AFTER_SECONDS", "900"))),
        env.containsKey("SLIPWAY_CLAIM_TTL_SECONDS")
            ? Duration.ofSeconds(Long.parseLong(env.get("SLIPWAY_CLAIM_TTL_SECONDS")))
            : DEFAULT_CLAIM_TTL,
        env.containsKey("SLIPWAY_STUCK_LIMIT_SECONDS")
            ? Duration.ofSeconds(Long.parseLong(env.get("SLIPWAY_STUCK_LIMIT_SECONDS")))
            : DEFAULT_STUCK_LIMIT,
        env.containsKey("SLIPWAY_APPROVAL_LIMIT_SECONDS")
            ? Duration.ofSeconds(Long.parseLong(env.get("SLIPWAY_APPROVAL_LIMIT_SECONDS")))
            : DEFAULT_APPROVAL_LIMIT,
        env.getOrDefault("SLIPWAY_DOCKERFILE_PROJECT", "slipway-dockerfile"),
        // Set where no Dockerfile can be built (slipway local): why, for the upload's refusal.
        env.get("SLIPWAY_DOCKERFILE_REFUSAL"));
  }

  private static Declarations declarations(String json) {
    try {
      return DeclarationsReader.fromEnvironment(json, DeclarationsReader.ENVIRONMENT_VARIABLE);
    } catch (DeclarationsReader.Invalid e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set");
    }
    return value;
  }
}
