package dev.slipway.release;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A service's release manifest, {@code slipway.json} at the root of its source tree, with every
 * default applied. Values that reach a build command have been checked against {@link
 * ManifestGrammar} by {@link ManifestReader}.
 */
public record Manifest(
    String service,
    String main,
    List<Platform> targets,
    List<String> tags,
    Map<String, String> xflags,
    boolean test,
    Compression compress,
    Image image,
    Health health,
    ScanPolicy scan,
    Deploy deploy,
    String go,
    Dockerfile dockerfile) {

  public Manifest {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(main, "main");
    targets = List.copyOf(targets);
    tags = List.copyOf(tags);
    xflags = Collections.unmodifiableMap(new TreeMap<>(xflags));
    Objects.requireNonNull(compress, "compress");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(scan, "scan");
    Objects.requireNonNull(deploy, "deploy");
  }

  /**
   * The service's own multi-stage Dockerfile (architecture §4), built instead of Slipway's compile
   * and image builds: its path and build context inside the tree, and the platforms of the one
   * index it pushes. Null: Slipway builds the image itself.
   */
  public record Dockerfile(String path, String context, List<Platform> platforms) {
    public Dockerfile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(context, "context");
      platforms = List.copyOf(platforms);
    }
  }

  /** Binary compression after the build: none, or UPX on Linux targets when installed. */
  public enum Compression {
    NONE,
    UPX
  }

  /**
   * The container image: platforms (Linux targets), base ({@code scratch} or an image pinned by
   * digest), the port the service listens on, and the non-root user it runs as.
   */
  public record Image(List<Platform> platforms, String base, int port, String user, int uid) {
    public Image {
      platforms = List.copyOf(platforms);
      Objects.requireNonNull(base, "base");
      Objects.requireNonNull(user, "user");
    }
  }

  /**
   * Health endpoints and how they are probed: the liveness path by the container health check (its
   * interval, timeout, retries and start period, in ECS's ranges), the readiness path by the load
   * balancer's target group (or, locally, the task runner in its place). A value of 0 for the
   * interval, timeout or retries (a record written before they were kept) means the default.
   */
  public record Health(
      String liveness,
      String readiness,
      int gracePeriodSeconds,
      int intervalSeconds,
      int timeoutSeconds,
      int retries,
      int startPeriodSeconds) {
    public static final int DEFAULT_INTERVAL = 10;
    public static final int DEFAULT_TIMEOUT = 5;
    public static final int DEFAULT_RETRIES = 3;

    public Health {
      Objects.requireNonNull(liveness, "liveness");
      Objects.requireNonNull(readiness, "readiness");
      intervalSeconds = intervalSeconds == 0 ? DEFAULT_INTERVAL : intervalSeconds;
      timeoutSeconds = timeoutSeconds == 0 ? DEFAULT_TIMEOUT : timeoutSeconds;
      retries = retries == 0 ? DEFAULT_RETRIES : retries;
    }

    /** The paths and grace period, the probing at its defaults (start period: the grace). */
    public Health(String liveness, String readiness, int gracePeriodSeconds) {
      this(
          liveness,
          readiness,
          gracePeriodSeconds,
          DEFAULT_INTERVAL,
          DEFAULT_TIMEOUT,
          DEFAULT_RETRIES,
          Math.min(gracePeriodSeconds, 300));
    }
  }

  /**
   * Where the release goes: the ECS cluster, service and container to update, how long the new
   * tasks must stay healthy (the bake time) before the release is LIVE, the task's CPU units and
   * memory (MiB), a pair Fargate allows (null keeps the running task definition's), and what the
   * manifest sets per declared environment (architecture §3, environments; absent ones take the
   * defaults of {@link EnvironmentPolicy#defaults}).
   */
  public record Deploy(
      String cluster,
      String service,
      String container,
      int bakeSeconds,
      Integer cpu,
      Integer memory,
      Map<String, EnvironmentPolicy> environments) {
    public Deploy {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(container, "container");
      environments =
          environments == null
              ? Map.of()
              : Collections.unmodifiableMap(new LinkedHashMap<>(environments));
    }

    public Deploy(
        String cluster,
        String service,
        String container,
        int bakeSeconds,
        Integer cpu,
        Integer memory) {
      this(cluster, service, container, bakeSeconds, cpu, memory, Map.of());
    }

    public Deploy(String cluster, String service, String container, int bakeSeconds) {
      this(cluster, service, container, bakeSeconds, null, null);
    }

    /** This target with another cluster and service (the declared environment's). */
    public Deploy boundTo(String boundCluster, String boundService) {
      return new Deploy(
          boundCluster, boundService, container, bakeSeconds, cpu, memory, environments);
    }

    /** What the manifest sets for {@code environment}, or the defaults. */
    public EnvironmentPolicy policy(String environment) {
      return environments.getOrDefault(environment, EnvironmentPolicy.defaults(bakeSeconds));
    }
  }

  /**
   * One environment's gate, as the manifest sets it: the bake time there, whether a person must
   * approve the deploy into it (for a later environment, promoting it by hand is that approval; an
   * automatic promotion waits for one), and whether the release is promoted into it by itself once
   * the environment before it has baked.
   */
  public record EnvironmentPolicy(
      int bakeSeconds, boolean approval, boolean autoPromote, Strategy strategy) {
    public EnvironmentPolicy(int bakeSeconds, boolean approval, boolean autoPromote) {
      this(bakeSeconds, approval, autoPromote, null);
    }

    /** No approval, promotion by hand, the manifest's own bake time, the service's strategy. */
    public static EnvironmentPolicy defaults(int bakeSeconds) {
      return new EnvironmentPolicy(bakeSeconds, false, false, null);
    }
  }

  /**
   * How ECS shifts traffic to the new revision in one environment (its native deployment
   * strategies, architecture §5): rolling; blue/green (all at once, after the new revision is
   * healthy); linear ({@code percent} more every {@code stepBakeMinutes}); or canary ({@code
   * percent} first, for {@code stepBakeMinutes}, then the rest). Every strategy but rolling needs a
   * load balancer with an alternate target group (the service stack's).
   */
  public record Strategy(Kind kind, double percent, int stepBakeMinutes) {
    public enum Kind {
      ROLLING,
      BLUE_GREEN,
      LINEAR,
      CANARY
    }

    public Strategy {
      java.util.Objects.requireNonNull(kind, "kind");
    }

    public static final Strategy ROLLING = new Strategy(Kind.ROLLING, 0, 0);

    /**
     * The traffic the new revision gets at each step, in percent, ending at 100: a canary's percent
     * then 100; a linear one's steps; blue/green and rolling at once.
     */
    public List<Double> steps() {
      return switch (kind) {
        case ROLLING, BLUE_GREEN -> List.of(100.0);
        case CANARY -> percent >= 100 ? List.of(100.0) : List.of(percent, 100.0);
        case LINEAR -> {
          List<Double> out = new java.util.ArrayList<>();
          for (double p = percent; p < 100 - 1e-9; p += percent) {
            out.add(Math.round(p * 10) / 10.0);
          }
          out.add(100.0);
          yield out;
        }
      };
    }

    /** As the manifest and messages name it: rolling, blue-green, linear, canary. */
    public String label() {
      return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Whether Fargate runs a task of {@code cpu} units with {@code memory} MiB (the pairs AWS lists
   * for Linux tasks).
   */
  public static boolean fargateAllows(int cpu, int memory) {
    return switch (cpu) {
      case 256 -> memory == 512 || memory == 1024 || memory == 2048;
      case 512 -> memory >= 1024 && memory <= 4096 && memory % 1024 == 0;
      case 1024 -> memory >= 2048 && memory <= 8192 && memory % 1024 == 0;
      case 2048 -> memory >= 4096 && memory <= 16384 && memory % 1024 == 0;
      case 4096 -> memory >= 8192 && memory <= 30720 && memory % 1024 == 0;
      case 8192 -> memory >= 16384 && memory <= 61440 && memory % 4096 == 0;
      case 16384 -> memory >= 32768 && memory <= 122880 && memory % 8192 == 0;
      default -> false;
    };
  }
}
