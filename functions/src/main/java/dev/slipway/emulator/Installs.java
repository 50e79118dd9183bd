package dev.slipway.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;

/**
 * What Slipway installs for itself, without root and nothing system-wide, under its cache directory
 * ({@code $SLIPWAY_CACHE}, else {@code ~/.cache/slipway}): Python tools into their own virtual
 * environment (pip, pinned), Go programs with {@code go install} (pinned, from the module proxy).
 * Each install goes to a directory named with its version and is marked whole by a file written
 * last, so an install a kill interrupted is made again; a lock file keeps two processes from
 * installing the same thing at once. Each prints one line saying what it fetches.
 */
public final class Installs {
  private Installs() {}

  /** Where Slipway keeps what it installs for itself: $SLIPWAY_CACHE, else ~/.cache/slipway. */
  public static Path cache() {
    String set = System.getenv("SLIPWAY_CACHE");
    return set != null && !set.isBlank()
        ? Path.of(set)
        : Path.of(System.getProperty("user.home"), ".cache", "slipway");
  }

  /** A tool's directory under the cache: {@code <name>-<version>}. */
  public static Path home(Path cache, String name, String version) {
    return cache.resolve(name + "-" + version);
  }

  /** Whether the tool's directory holds a whole install. */
  public static boolean installed(Path cache, String name, String version) {
    return Files.isRegularFile(home(cache, name, version).resolve(".installed"));
  }

  /**
   * {@code executable} of the pip package {@code requirement} (e.g. {@code moto[server]==5.2.1}),
   * installed first into a virtual environment {@code <cache>/<name>-<version>} when missing.
   */
  public static Path pip(
      Path cache,
      String name,
      String version,
      String requirement,
      String executable,
      String purpose,
      PrintStream log)
      throws IOException {
    Path dir = home(cache, name, version);
    Path program = dir.resolve("bin").resolve(executable);
    return locked(
        cache,
        dir,
        program,
        () -> {
          log.println(
              "slipway: installing " + requirement + " (pip) into " + dir + " for " + purpose);
          String python = ManagedProcess.find("python3");
          if (python == null) {
            throw new IOException(
                "python3 is not installed; Slipway needs it to install " + requirement);
          }
          // A venv's scripts name its own path, so it is made where it stays.
          run(List.of(python, "-m", "venv", dir.toString()), cache, Map.of());
          run(
              List.of(
                  dir.resolve("bin/pip").toString(),
                  "install",
                  "--quiet",
                  "--disable-pip-version-check",
                  requirement),
              cache,
              Map.of());
        });
  }

  /**
   * The program {@code module@version} builds with {@code go install} (static, stripped), into
   * {@code <cache>/<name>-<version>/bin}, installed first when missing.
   */
  public static Path go(
      Path cache, String name, String module, String version, String purpose, PrintStream log)
      throws IOException {
    Path dir = home(cache, name, version);
    String program = module.substring(module.lastIndexOf('/') + 1);
    Path binary = dir.resolve("bin").resolve(program);
    return locked(
        cache,
        dir,
        binary,
        () -> {
          log.println(
              "slipway: installing "
                  + module
                  + "@"
                  + version
                  + " (go install, from the Go module proxy) into "
                  + dir
                  + " for "
                  + purpose);
          String go = ManagedProcess.find("go");
          if (go == null) {
            throw new IOException("go is not installed; Slipway needs it to install " + module);
          }
          Files.createDirectories(dir.resolve("bin"));
          run(
              List.of(go, "install", "-trimpath", "-ldflags=-s -w", module + "@" + version),
              cache,
              Map.of("GOBIN", dir.resolve("bin").toString(), "CGO_ENABLED", "0"));
        });
  }

  interface Install {
    void run() throws IOException;
  }

  private static Path locked(Path cache, Path dir, Path program, Install install)
      throws IOException {
    Path marker = dir.resolve(".installed");
    if (Files.isRegularFile(marker) && Files.isExecutable(program)) {
      return program;
    }
    Files.createDirectories(cache);
    Path lockFile = cache.resolve(dir.getFileName() + ".lock");
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      if (Files.isRegularFile(marker) && Files.isExecutable(program)) {
        return program; // another process installed it while this one waited
      }
      deleteTree(dir);
      install.run();
      if (!Files.isExecutable(program)) {
        throw new IOException("the install left no " + program);
      }
      Files.writeString(marker, dir.getFileName().toString());
      return program;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      PathUtils.delete(dir); // links are deleted, never followed
    }
  }

  private static void run(List<String> command, Path dir, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(dir.toFile())
            .redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command));
    }
  }
}
