package dev.slipway.toolchain.build;

import dev.slipway.release.BuildPlan;
import java.util.List;

/**
 * {@code build-report.json}: what one build produced, and what `slipway image` needs to package it
 * (the image plan travels with the binaries, so the image step does not re-read the source). All of
 * it is reproducible except {@code seconds}.
 */
public record BuildReport(
    String service,
    String releaseId,
    String module,
    String goVersion,
    List<Target> targets,
    String checksums,
    String sbom,
    BuildPlan.ImagePlan image) {

  /** The file name in the output directory. */
  public static final String FILE_NAME = "build-report.json";

  public BuildReport {
    targets = List.copyOf(targets);
  }

  /** One built binary: path relative to the output directory, size, digest, Go, and build time. */
  public record Target(
      String platform,
      String path,
      long bytes,
      String sha256,
      String goVersion,
      double seconds,
      boolean compressed) {}
}
