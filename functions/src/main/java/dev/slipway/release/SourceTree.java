package dev.slipway.release;

import java.util.List;
import java.util.Optional;

/**
 * Read access to a service's source tree, rooted at its top directory (the port behind `slipway
 * plan` and the source-uploaded handler). Paths are relative, with {@code /} separators;
 * implementations refuse anything that resolves outside the tree.
 */
public interface SourceTree {

  /** The text of the regular file at {@code path}; empty when there is no such file. */
  Optional<String> read(String path, int maxBytes) throws Refused;

  /** The names of the regular files directly in {@code dir}; empty when it is not a directory. */
  Optional<List<String>> files(String dir) throws Refused;

  /** A path that exists but may not be read: too large, a link out of the tree, unreadable. */
  final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message, null, false, false);
    }
  }
}
