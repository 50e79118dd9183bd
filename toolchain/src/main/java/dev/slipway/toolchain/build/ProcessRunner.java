package dev.slipway.toolchain.build;

import dev.slipway.release.BuildPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one planned command as a process: argv exactly as planned (no shell), in a directory, with
 * the plan's environment laid over this process's (so PATH, HOME, GOCACHE, GOPROXY and friends pass
 * through). Output is captured, bounded, for error messages.
 */
public final class ProcessRunner {
  /** The most output kept from one command; the tail is what explains a failure. */
  static final int MAX_OUTPUT_BYTES = 256 * 1024;

  private final Duration timeout;

  public ProcessRunner(Duration timeout) {
    this.timeout = timeout;
  }

  /** What a finished command left: its exit code and its combined output. */
  public record Outcome(int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  /** A command that could not be run at all (missing program) or ran past the timeout. */
  public static final class RunFailure extends Exception {
    private static final long serialVersionUID = 1L;

    RunFailure(String message) {
      super(message, null, false, false);
    }
  }

  public Outcome run(BuildPlan.Command command, Path dir) throws RunFailure, InterruptedException {
    return run(command.argv(), command.env(), dir, command.withoutCredentials());
  }

  public Outcome run(List<String> argv, Map<String, String> env, Path dir)
      throws RunFailure, InterruptedException {
    return run(argv, env, dir, false);
  }

  private Outcome run(
      List<String> argv, Map<String, String> env, Path dir, boolean withoutCredentials)
      throws RunFailure, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    if (withoutCredentials) {
      withoutCredentials(builder.environment());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new RunFailure("cannot run " + argv.get(0) + ": " + e.getMessage());
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the child does not read stdin; nothing to do
    }
    TailReader tail = new TailReader(process.getInputStream());
    Thread reader = new Thread(tail, "output-" + argv.get(0));
    reader.setDaemon(true);
    reader.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new RunFailure(
          String.join(" ", argv) + " did not finish within " + timeout.toSeconds() + "s");
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return new Outcome(process.exitValue(), tail.text());
  }

  /**
   * Takes every AWS setting out of {@code env} (keys, session tokens, the container credentials
   * endpoint CodeBuild gives a build, profiles, endpoints) and points the SDKs' credential files
   * and instance metadata nowhere: code run so (the user's tests) cannot act as the build's role.
   */
  static void withoutCredentials(Map<String, String> env) {
    env.keySet().removeIf(name -> name.startsWith("AWS_"));
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    env.put("AWS_CONFIG_FILE", "/dev/null");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
  }

  /** Keeps the last {@link #MAX_OUTPUT_BYTES} of a stream. */
  private static final class TailReader implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean truncated;

    TailReader(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) > 0) {
          synchronized (this) {
            kept.write(buffer, 0, n);
            if (kept.size() > 2 * MAX_OUTPUT_BYTES) {
              byte[] all = kept.toByteArray();
              kept.reset();
              kept.write(all, all.length - MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES);
              truncated = true;
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended; what was read is what there is
      }
    }

    synchronized String text() {
      byte[] all = kept.toByteArray();
      int from = Math.max(0, all.length - MAX_OUTPUT_BYTES);
      String text = new String(all, from, all.length - from, StandardCharsets.UTF_8);
      return truncated || from > 0 ? "...\n" + text : text;
    }
  }
}
