package dev.slipway.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs the CLI in-process and captures what a user would see. */
record Cli(int code, String out, String err) {

  static Cli run(String... args) {
    return runWithStdin(null, args);
  }

  static Cli runWithStdin(byte[] stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream original = System.in;
    try {
      if (stdin != null) {
        System.setIn(new ByteArrayInputStream(stdin));
      }
      int code = Slipway.run(args, new PrintWriter(out), new PrintWriter(err));
      return new Cli(code, out.toString(), err.toString());
    } finally {
      System.setIn(original);
    }
  }

  List<String> outLines() {
    return out.lines().toList();
  }

  List<String> errLines() {
    return err.lines().toList();
  }

  static Path root() {
    String root = System.getProperty("slipway.root");
    Path path = root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    if (!Files.isDirectory(path.resolve("events"))) {
      throw new IllegalStateException("cannot find the project root from " + path);
    }
    return path;
  }
}
