package dev.slipway.engine;

import java.util.Optional;

/** What a failed build left beside its outputs (S3 in AWS). */
public interface BuildLogs {

  /**
   * The failed compile build's own last error line (the buildspec leaves its last lines beside the
   * release's build outputs), or empty when there is none to read.
   */
  Optional<String> failure(String releaseId) throws Unavailable;
}
