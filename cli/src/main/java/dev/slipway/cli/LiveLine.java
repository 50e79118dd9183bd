package dev.slipway.cli;

import dev.slipway.release.Release;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * On a terminal, the line under a followed release's timeline that says how long it has been in its
 * state, rewritten in place; the timeline's own lines stay as they are. Off a terminal (a pipe, a
 * CI log) it writes nothing: one line per transition, nothing else.
 */
final class LiveLine {
  private static final String CLEAR = "\r\033[K";
  private final PrintWriter out;
  private final boolean terminal;
  private boolean showing;

  LiveLine(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(Release release) {
    if (!terminal || release.history().isEmpty()) {
      return;
    }
    Instant since = release.history().get(release.history().size() - 1).at();
    out.print(
        CLEAR
            + ReleaseOutput.waiting(release.state(), Duration.between(since, Instant.now()).abs()));
    out.flush();
    showing = true;
  }

  /** Removes the line, before a timeline line or the end. */
  void clear() {
    if (showing) {
      out.print(CLEAR);
      showing = false;
    }
  }
}
