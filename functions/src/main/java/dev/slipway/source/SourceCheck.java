package dev.slipway.source;

import dev.slipway.engine.SourceArchives;
import dev.slipway.release.Problem;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.TreePlanner;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.stream.Collectors;

/**
 * Checks an uploaded archive the way `slipway plan` checks a directory: reads it safely into memory
 * and plans it; the release gets the manifest's configuration or every problem as its reason.
 */
public final class SourceCheck {
  private SourceCheck() {}

  public static SourceArchives.Checked check(
      InputStream archive, String key, String releaseId, LocalDate today) {
    String format = ArchiveTree.formatOf(key).orElse(null);
    if (format == null) {
      return SourceArchives.Checked.invalid(key + " is neither .zip nor .tar.gz");
    }
    if (!format.equals("zip")) {
      // CodeBuild extracts an S3 source only when it is a zip; any other archive would reach the
      // compile build as one file and no Go module.
      return SourceArchives.Checked.invalid(
          key
              + " is a "
              + format
              + ": the build extracts only .zip sources (slipway push uploads a zip)");
    }
    return checkArchive(archive, format, releaseId, today);
  }

  /** Reads and plans an archive of {@code format} (zip or tar.gz), whatever its key says. */
  static SourceArchives.Checked checkArchive(
      InputStream archive, String format, String releaseId, LocalDate today) {
    ArchiveTree tree;
    try {
      tree = ArchiveTree.read(archive, format, ArchiveTree.Limits.DEFAULT);
    } catch (ArchiveTree.Unreadable e) {
      return SourceArchives.Checked.invalid(e.getMessage());
    }
    TreePlanner.Result result = TreePlanner.plan(tree, releaseId, "/dist", today);
    if (result instanceof TreePlanner.Result.Planned planned) {
      return SourceArchives.Checked.valid(
          planned.manifest().service(), ReleaseConfig.of(planned.manifest()));
    }
    return SourceArchives.Checked.invalid(
        ((TreePlanner.Result.Invalid) result)
            .problems().stream().map(Problem::line).collect(Collectors.joining("; ")));
  }
}
