package dev.slipway.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What `slipway plan` and `slipway build` are given: the tree and the release id to stamp. */
final class SourceTreeOptions {
  @Parameters(index = "0", paramLabel = "DIR", description = "the service's source tree")
  Path dir;

  @Option(
      names = "--release-id",
      paramLabel = "ID",
      defaultValue = "${env:SLIPWAY_RELEASE_ID:-dev}",
      description = "stamped as main.version (default: $SLIPWAY_RELEASE_ID, else dev)")
  String releaseId;
}
