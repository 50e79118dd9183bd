package dev.slipway.release;

import java.util.Objects;

/**
 * What a release keeps from its manifest: the scan gate, where it deploys, and how it is probed.
 */
public record ReleaseConfig(
    ScanPolicy scan, Manifest.Deploy deploy, Manifest.Health health, String goVersion) {
  public ReleaseConfig {
    Objects.requireNonNull(scan, "scan");
    Objects.requireNonNull(deploy, "deploy");
    Objects.requireNonNull(health, "health");
  }

  /** Without a Go version of its own: the compile project's pinned default. */
  public ReleaseConfig(ScanPolicy scan, Manifest.Deploy deploy, Manifest.Health health) {
    this(scan, deploy, health, null);
  }

  public static ReleaseConfig of(Manifest manifest) {
    return new ReleaseConfig(manifest.scan(), manifest.deploy(), manifest.health(), manifest.go());
  }
}
