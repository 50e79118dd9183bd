package dev.slipway.release;

import java.util.Collections;
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
    String go) {

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
   * Where the release goes: the ECS cluster, service and container to update, and how long the new
   * tasks must stay healthy (the bake time) before the release is LIVE.
   */
  public record Deploy(String cluster, String service, String container, int bakeSeconds) {
    public Deploy {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(container, "container");
    }
  }
}
