package dev.slipway.release;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a release keeps from its manifest: the scan gate, where it deploys, and how it is probed;
 * and, from the declarations it was admitted under, who may approve it ({@code approvers}: the
 * principal the steering URL admits; null, this account's identities allowed by their policies).
 */
public record ReleaseConfig(
    ScanPolicy scan,
    Manifest.Deploy deploy,
    Manifest.Health health,
    String goVersion,
    String approvers,
    Manifest.Dockerfile dockerfile,
    List<Stage> stages) {
  /** The environment of a record written before environments were kept. */
  public static final String DEFAULT_ENVIRONMENT = "default";

  public ReleaseConfig {
    Objects.requireNonNull(scan, "scan");
    Objects.requireNonNull(deploy, "deploy");
    Objects.requireNonNull(health, "health");
    stages = stages == null || stages.isEmpty() ? null : List.copyOf(stages);
  }

  public ReleaseConfig(
      ScanPolicy scan,
      Manifest.Deploy deploy,
      Manifest.Health health,
      String goVersion,
      String approvers,
      Manifest.Dockerfile dockerfile) {
    this(scan, deploy, health, goVersion, approvers, dockerfile, null);
  }

  /**
   * The environments this release goes through, in order: as admitted, or (a record written before
   * they were kept, or a configuration made for a test) the one deploy target.
   */
  public List<Stage> path() {
    if (stages != null) {
      return stages;
    }
    return List.of(
        new Stage(
            DEFAULT_ENVIRONMENT,
            deploy.cluster(),
            deploy.service(),
            deploy.bakeSeconds(),
            false,
            false));
  }

  /** The stage named {@code environment}, if this release goes through it. */
  public Optional<Stage> stage(String environment) {
    return path().stream().filter(s -> s.environment().equals(environment)).findFirst();
  }

  /** The stage after {@code environment}, if there is one. */
  public Optional<Stage> after(String environment) {
    List<Stage> path = path();
    for (int i = 0; i < path.size() - 1; i++) {
      if (path.get(i).environment().equals(environment)) {
        return Optional.of(path.get(i + 1));
      }
    }
    return Optional.empty();
  }

  /** The position of {@code environment} on the path; 0 for an unknown one (the first). */
  public int indexOf(String environment) {
    List<Stage> path = path();
    for (int i = 0; i < path.size(); i++) {
      if (path.get(i).environment().equals(environment)) {
        return i;
      }
    }
    return 0;
  }

  /** This configuration with its path through the environments. */
  public ReleaseConfig withStages(List<Stage> newStages) {
    return new ReleaseConfig(scan, deploy, health, goVersion, approvers, dockerfile, newStages);
  }

  public ReleaseConfig(
      ScanPolicy scan,
      Manifest.Deploy deploy,
      Manifest.Health health,
      String goVersion,
      String approvers) {
    this(scan, deploy, health, goVersion, approvers, null);
  }

  /** Without a Go version of its own: the compile project's pinned default. */
  public ReleaseConfig(ScanPolicy scan, Manifest.Deploy deploy, Manifest.Health health) {
    this(scan, deploy, health, null, null);
  }

  public ReleaseConfig(
      ScanPolicy scan, Manifest.Deploy deploy, Manifest.Health health, String goVersion) {
    this(scan, deploy, health, goVersion, null);
  }

  /** Who may approve, as people read it. */
  public String approversText() {
    return approvers != null
        ? approvers
        : "this account's IAM identities allowed to invoke the steering URL";
  }

  public static ReleaseConfig of(Manifest manifest) {
    return new ReleaseConfig(
        manifest.scan(),
        manifest.deploy(),
        manifest.health(),
        manifest.go(),
        null,
        manifest.dockerfile());
  }
}
