package dev.slipway.release;

import java.util.Objects;

/**
 * One environment of a release's way to production, as it was admitted (architecture §3,
 * environments): the declared environment's name and ECS target, and the manifest's gate for it
 * (bake time, a person's approval, promotion by itself after the environment before it).
 */
public record Stage(
    String environment,
    String cluster,
    String service,
    int bakeSeconds,
    boolean approval,
    boolean autoPromote) {
  public Stage {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(service, "service");
  }

  /** {@code cluster/service}, as messages and the CLI name a target. */
  public String target() {
    return cluster + "/" + service;
  }
}
