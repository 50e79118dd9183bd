package dev.slipway.release;

import java.util.Optional;

/** What a failed build's log says, in one line a release's reason can carry. */
public final class BuildLog {
  static final int MAX_LINE = 300;

  private BuildLog() {}

  /**
   * The build's own error line: the last of Go's {@code file.go:line: message} diagnostics (compile
   * errors, failing tests), else the last line naming an error, a failure or a panic, else the last
   * line at all; CodeBuild's own {@code [Container]} lines are never it. Control characters become
   * {@code ?}; at most 300 characters.
   */
  public static Optional<String> errorLine(String log) {
    String diagnostic = null;
    String failure = null;
    String last = null;
    for (String line : log.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("[Container]")) {
        continue;
      }
      last = trimmed;
      if (trimmed.matches("^\\S+\\.go:\\d+(:\\d+)?: .*")) {
        diagnostic = trimmed;
      } else if (trimmed.matches("(?i).*\\b(error|failed|panic)\\b.*")) {
        failure = trimmed;
      }
    }
    String chosen = diagnostic != null ? diagnostic : failure != null ? failure : last;
    if (chosen == null) {
      return Optional.empty();
    }
    chosen = chosen.replaceAll("\\p{Cntrl}", "?");
    return Optional.of(chosen.length() > MAX_LINE ? chosen.substring(0, MAX_LINE) + "..." : chosen);
  }
}
