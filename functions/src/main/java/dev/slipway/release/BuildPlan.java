package dev.slipway.release;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a build of one release will do, decided before anything runs: the commands (as argv,
 * never shell text) with their environments, where each binary goes, and what the image, scan gate
 * and deployment will be. `slipway plan` prints it; `slipway build` (and CodeBuild) executes it.
 */
public record BuildPlan(
    String service,
    String releaseId,
    String module,
    String goVersion,
    List<Command> prepare,
    Command test,
    List<Target> targets,
    ImagePlan image,
    Manifest.Health health,
    ScanPlan scan,
    Manifest.Deploy deploy) {

  public BuildPlan {
    prepare = List.copyOf(prepare);
    targets = List.copyOf(targets);
  }

  /**
   * One process to run: argv[0] is the program; {@code env} overrides the build environment (which
   * passes through PATH, HOME and Go's cache and proxy settings). {@code withoutCredentials}: the
   * command runs the user's own code (tests), so no AWS credentials of the build reach it.
   */
  public record Command(List<String> argv, Map<String, String> env, boolean withoutCredentials) {
    public Command {
      argv = List.copyOf(argv);
      env = Collections.unmodifiableMap(new TreeMap<>(env));
    }

    public Command(List<String> argv, Map<String, String> env) {
      this(argv, env, false);
    }
  }

  /** One binary: its platform, path under the output directory, the build, and UPX or not. */
  public record Target(Platform platform, String output, Command build, boolean compress) {
    public Target {
      Objects.requireNonNull(platform, "platform");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(build, "build");
    }
  }

  /** The image to assemble from the Linux binaries. */
  public record ImagePlan(
      List<Platform> platforms,
      String base,
      List<String> entrypoint,
      int port,
      String user,
      int uid,
      Map<String, String> labels) {
    public ImagePlan {
      platforms = List.copyOf(platforms);
      entrypoint = List.copyOf(entrypoint);
      labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    }
  }

  /** The scan gate as it stands on the day of the plan, with each allowance's expiry checked. */
  public record ScanPlan(List<Severity> block, List<Severity> approve, List<Allowed> allow) {
    public ScanPlan {
      block = List.copyOf(block);
      approve = List.copyOf(approve);
      allow = List.copyOf(allow);
    }
  }

  /** An allow-listed finding and whether it has expired on the plan's day. */
  public record Allowed(String id, String expires, String reason, boolean expired) {}
}
