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
    boolean autoPromote,
    Manifest.Strategy strategy) {
  public Stage {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(service, "service");
  }

  public Stage(
      String environment,
      String cluster,
      String service,
      int bakeSeconds,
      boolean approval,
      boolean autoPromote) {
    this(environment, cluster, service, bakeSeconds, approval, autoPromote, null);
  }

  /**
   * True when ECS's own strategy bakes the new revision (blue/green, linear, canary: ECS keeps the
   * old one beside it for {@link #ecsBakeMinutes} and rolls back on the service's alarms), so
   * Slipway's bake after the deployment has nothing left to wait for.
   */
  public boolean ecsBakes() {
    return strategy != null && strategy.kind() != Manifest.Strategy.Kind.ROLLING;
  }

  /** The environment's bake as ECS's {@code bakeTimeInMinutes} (whole minutes, rounded up). */
  public int ecsBakeMinutes() {
    return (bakeSeconds + 59) / 60;
  }

  /** {@code cluster/service}, as messages and the CLI name a target. */
  public String target() {
    return cluster + "/" + service;
  }
}
