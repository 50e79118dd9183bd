package dev.slipway.release;

import java.util.Objects;

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
    Manifest.Dockerfile dockerfile) {
  public ReleaseConfig {
    Objects.requireNonNull(scan, "scan");
    Objects.requireNonNull(deploy, "deploy");
    Objects.requireNonNull(health, "health");
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
