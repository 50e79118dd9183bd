package dev.slipway.release;

import java.util.Objects;

/**
 * What a release keeps from its manifest: the scan gate, where it deploys, and how it is probed.
 */
public record ReleaseConfig(ScanPolicy scan, Manifest.Deploy deploy, Manifest.Health health) {
  public ReleaseConfig {
    Objects.requireNonNull(scan, "scan");
    Objects.requireNonNull(deploy, "deploy");
    Objects.requireNonNull(health, "health");
  }

  public static ReleaseConfig of(Manifest manifest) {
    return new ReleaseConfig(manifest.scan(), manifest.deploy(), manifest.health());
  }
}
