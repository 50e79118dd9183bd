package dev.slipway.event;

import java.util.List;

/**
 * One Amazon Inspector finding. {@code repository} and {@code digest} come from the first ECR image
 * resource and are null for findings on other resources; {@code vulnerabilityId} is null for
 * findings that are not package vulnerabilities.
 */
public record InspectorFinding(
    EventMeta meta,
    String findingArn,
    String severity,
    String status,
    String type,
    String vulnerabilityId,
    String repository,
    String digest,
    List<VulnerablePackage> packages)
    implements PipelineEvent {
  public InspectorFinding {
    packages = List.copyOf(packages);
  }

  /** A package named by a finding; {@code fixedInVersion} is null when no fix is published. */
  public record VulnerablePackage(String name, String version, String fixedInVersion) {}
}
