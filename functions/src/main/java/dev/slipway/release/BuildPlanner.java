package dev.slipway.release;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a valid manifest into a {@link BuildPlan}. Pure: the release id, output directory and day
 * are inputs, so the same inputs always give the same plan.
 *
 * <p>Reproducibility choices, so the same source and Go give the same bytes: {@code CGO_ENABLED=0}
 * (no host C toolchain in the binary), {@code -trimpath} (no build directory in the binary), {@code
 * -buildvcs=false} (no VCS stamp, since uploaded trees have no .git), {@code -s -w} (no symbol or
 * DWARF tables), and {@code GOTOOLCHAIN=local} (never download a different Go behind the user's
 * back: a go.mod asking for a newer Go fails with Go's own message instead).
 */
public final class BuildPlanner {
  private BuildPlanner() {}

  /** The plan for {@code manifest} built from {@code module} as release {@code releaseId}. */
  public static BuildPlan plan(
      Manifest manifest, GoModule module, String releaseId, String outDir, LocalDate today) {
    if (!ManifestGrammar.RELEASE_ID.matcher(releaseId).matches()) {
      throw new IllegalArgumentException("release id " + releaseId + " does not match its grammar");
    }
    Map<String, String> goEnv = GO_ENVIRONMENT;
    List<BuildPlan.Command> prepare =
        List.of(
            new BuildPlan.Command(List.of("go", "mod", "download"), goEnv),
            new BuildPlan.Command(List.of("go", "mod", "verify"), goEnv));
    BuildPlan.Command test =
        manifest.test()
            ? new BuildPlan.Command(
                List.of("go", "test", "-trimpath", "./..."),
                with(GO_ENVIRONMENT, "CGO_ENABLED", "0"),
                true) // the user's code runs here: no credentials reach it (ProcessRunner)
            : null;

    List<BuildPlan.Target> targets = new ArrayList<>();
    for (Platform platform : manifest.targets()) {
      String output =
          manifest.service()
              + "_"
              + platform.slug()
              + "/"
              + manifest.service()
              + platform.executableSuffix();
      targets.add(
          new BuildPlan.Target(
              platform,
              output,
              new BuildPlan.Command(
                  buildArgv(manifest, releaseId, join(outDir, output)), buildEnv(platform)),
              manifest.compress() == Manifest.Compression.UPX && platform.isLinux()));
    }

    Manifest.Image image = manifest.image();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.title", manifest.service());
    labels.put("org.opencontainers.image.version", releaseId);
    labels.put("dev.slipway.release-id", releaseId);
    labels.put("dev.slipway.module", module.path());
    BuildPlan.ImagePlan imagePlan =
        new BuildPlan.ImagePlan(
            image.platforms(),
            image.base(),
            List.of("/" + manifest.service()),
            image.port(),
            image.user(),
            image.uid(),
            labels);

    ScanPolicy scan = manifest.scan();
    BuildPlan.ScanPlan scanPlan =
        new BuildPlan.ScanPlan(
            List.copyOf(scan.block()),
            List.copyOf(scan.approve()),
            scan.allow().stream()
                .map(
                    a ->
                        new BuildPlan.Allowed(
                            a.id(), a.expires().toString(), a.reason(), a.isExpired(today)))
                .collect(Collectors.toList()));

    return new BuildPlan(
        manifest.service(),
        releaseId,
        module.path(),
        module.goVersion(),
        prepare,
        test,
        targets,
        imagePlan,
        manifest.health(),
        scanPlan,
        manifest.deploy());
  }

  private static List<String> buildArgv(Manifest manifest, String releaseId, String output) {
    List<String> argv = new ArrayList<>(List.of("go", "build", "-trimpath", "-buildvcs=false"));
    if (!manifest.tags().isEmpty()) {
      argv.add("-tags=" + String.join(",", manifest.tags()));
    }
    StringBuilder ldflags = new StringBuilder("-s -w -X main.version=").append(releaseId);
    manifest
        .xflags()
        .forEach((name, value) -> ldflags.append(" -X ").append(name).append('=').append(value));
    argv.add("-ldflags=" + ldflags);
    argv.add("-o");
    argv.add(output);
    argv.add(manifest.main());
    return argv;
  }

  /**
   * What every go command runs with, whatever the host has set: the local toolchain only (the build
   * pins it), go.mod and go.sum as uploaded (-mod=readonly: nothing is added or updated, a module
   * missing from go.sum fails), and no go.work from above the tree.
   */
  static final Map<String, String> GO_ENVIRONMENT =
      Map.of("GOTOOLCHAIN", "local", "GOFLAGS", "-mod=readonly", "GOWORK", "off");

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> out = new LinkedHashMap<>(env);
    out.put(name, value);
    return out;
  }

  private static Map<String, String> buildEnv(Platform platform) {
    Map<String, String> env = new LinkedHashMap<>(GO_ENVIRONMENT);
    env.put("CGO_ENABLED", "0");
    env.put("GOOS", platform.os());
    env.put("GOARCH", platform.arch());
    if (platform.variant() != null) {
      env.put("GOARM", platform.variant().substring(1));
    }
    return env;
  }

  private static String join(String dir, String path) {
    return dir.endsWith("/") ? dir + path : dir + "/" + path;
  }
}
