package dev.slipway.event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the sample events live: the project's {@code events/} and the shared real AWS samples. */
final class Samples {
  private Samples() {}

  static Path root() {
    String root = System.getProperty("slipway.root");
    Path path = root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    if (!Files.isDirectory(path.resolve("events"))) {
      throw new IllegalStateException("cannot find the project's events/ from " + path);
    }
    return path;
  }

  static Path projectEvents() {
    return root().resolve("events");
  }

  /**
   * Real AWS events as AWS sends them, copied unchanged from AWS's documentation and public
   * projects (each file's source is in the folder's SOURCES.md); null when the folder is missing.
   */
  static Path sharedEvents() {
    Path kept = Path.of("src/test/resources/aws-events-samples");
    return Files.isDirectory(kept) ? kept : null;
  }

  /** Every {@code *.json} under {@code dir}, sorted, as paths relative to {@code dir}. */
  static List<Path> jsonFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
          .map(dir::relativize)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file with {@code .json} replaced by {@code suffix}. */
  static Path sibling(Path file, String suffix) {
    String name = file.getFileName().toString();
    return file.resolveSibling(name.substring(0, name.length() - ".json".length()) + suffix);
  }
}
