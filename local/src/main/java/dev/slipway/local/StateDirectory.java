package dev.slipway.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;

/**
 * The local runtime's state directory: one runtime at a time (a lock), the helper processes an
 * earlier run left behind when it was killed (stopped before starting new ones), and what {@code
 * --fresh} forgets.
 */
final class StateDirectory {
  static final String JOURNAL = "aws-journal.jsonl";
  static final String DELIVERED = "delivered-events";
  private static final String PIDS = "pids";

  private StateDirectory() {}

  /**
   * Makes {@code state} its owner's only (rwx------), and the journal in it (rw-------): the
   * journal keeps every request body the emulator saw, build logs and task logs are beside it. A
   * file system without POSIX permissions is left as it is.
   */
  static void secure(Path state) throws IOException {
    Files.createDirectories(state);
    if (!Files.getFileStore(state).supportsFileAttributeView("posix")) {
      return;
    }
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
    Path journal = state.resolve(JOURNAL);
    if (!Files.exists(journal)) {
      Files.createFile(
          journal,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rw-------"));
  }

  /** Holds the directory's lock until closed; refuses when another runtime holds it. */
  static AutoCloseable lock(Path state) throws IOException {
    FileChannel channel =
        FileChannel.open(
            state.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      throw new IOException(
          "--state: "
              + state
              + " is in use by another `slipway local`; stop it, or pass another --state DIR");
    }
    return () -> {
      lock.release();
      channel.close();
    };
  }

  /** Notes the helper processes of this run, for {@link #stopLeftovers} after a kill. */
  static void remember(Path state, long... pids) throws IOException {
    StringBuilder text = new StringBuilder();
    for (long pid : pids) {
      text.append(pid).append('\n');
    }
    Files.writeString(state.resolve(PIDS), text.toString());
  }

  /**
   * Stops what a killed earlier run left running: its emulator and registry (by the pids it noted,
   * if they still run those programs) and its tasks (binaries under this state directory).
   */
  static void stopLeftovers(Path state, PrintStream log) throws IOException {
    Path pids = state.resolve(PIDS);
    if (Files.exists(pids)) {
      for (String line : Files.readAllLines(pids, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        ProcessHandle.of(Long.parseLong(line.trim()))
            .filter(
                p ->
                    p.info()
                        .commandLine()
                        .orElse("")
                        .matches(".*(moto_server|docker-registry|/bin/registry serve).*"))
            .ifPresent(p -> stop(p, log));
      }
      Files.delete(pids);
    }
    String tasks = state.toAbsolutePath().resolve("tasks").toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").startsWith(tasks))
        .forEach(p -> stop(p, log));
    // A build's shell (its script lives under builds/) and everything it started.
    String builds = state.toAbsolutePath().resolve("builds").toString();
    ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info().command().orElse("").endsWith("bash")
                    && p.info().commandLine().orElse("").contains(builds))
        .forEach(
            p -> {
              p.descendants().forEach(d -> stop(d, log));
              stop(p, log);
            });
  }

  private static void stop(ProcessHandle process, PrintStream log) {
    log.println(
        "slipway local: stopping pid "
            + process.pid()
            + " left by an earlier run ("
            + process.info().command().orElse("?")
            + ")");
    process.destroy();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
    }
  }

  /** Writes {@code file} whole or not at all (a sibling, then an atomic rename). */
  static void writeAtomically(Path file, String text) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, text);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Forgets an earlier run's releases: its journal, handled events, builds and tasks. */
  static void forget(Path state) throws IOException {
    for (String name : List.of(JOURNAL, DELIVERED, "builds", "tasks")) {
      Path path = state.resolve(name);
      if (!Files.exists(path)) {
        continue;
      }
      try (var walk = Files.walk(path)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** Deletes {@code dir} and everything under it (nothing when it does not exist). */
  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      PathUtils.delete(dir); // links are deleted, never followed
    }
  }
}
