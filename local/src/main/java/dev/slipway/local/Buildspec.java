package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A CodeBuild buildspec (version 0.2) as CodeBuild runs it, for the local CodeBuild stand-in:
 *
 * <ul>
 *   <li>the phases in order (install, pre_build, build, post_build), every command in one shell
 *       session (exported variables, the working directory and {@code set -o} options carry from
 *       one command and phase to the next), each command's own exit status deciding;
 *   <li>a failing command fails its phase and the commands after it in that phase are skipped; a
 *       phase's {@code finally} commands run anyway;
 *   <li>a failed install or pre_build skips everything after it; a failed build still runs
 *       post_build, with {@code CODEBUILD_BUILD_SUCCEEDING=0};
 *   <li>{@code env.variables} are set before the first phase; {@code env.shell} must be bash (the
 *       only shell Slipway's buildspecs use; anything else is refused);
 *   <li>the artifacts' {@code files} globs are taken relative to {@code base-directory}.
 * </ul>
 *
 * <p>Not played: runtime-versions (the local Go and JDK stand in for the image's), reports, cache,
 * secrets-manager and parameter-store variables, {@code on-failure: CONTINUE}.
 */
final class Buildspec {
  static final List<String> PHASES = List.of("install", "pre_build", "build", "post_build");

  /** One phase's commands and its finally block. */
  record Phase(String name, List<String> commands, List<String> finallyCommands) {}

  /** The buildspec cannot be run as CodeBuild would run it; the message says why. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private final List<Phase> phases;
  private final Map<String, String> variables;
  private final List<String> artifactFiles;
  private final String baseDirectory;

  private Buildspec(
      List<Phase> phases,
      Map<String, String> variables,
      List<String> artifactFiles,
      String baseDirectory) {
    this.phases = phases;
    this.variables = variables;
    this.artifactFiles = artifactFiles;
    this.baseDirectory = baseDirectory;
  }

  static Buildspec parse(String yaml) throws Invalid {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new Invalid("the buildspec is not YAML: " + e.getMessage());
    }
    if (root == null || !root.path("version").asText().equals("0.2")) {
      throw new Invalid(
          "buildspec version must be 0.2, not " + (root == null ? "" : root.path("version")));
    }
    String shell = root.path("env").path("shell").asText("bash");
    if (!shell.equals("bash")) {
      throw new Invalid("env.shell " + shell + ": the local CodeBuild runs bash only");
    }
    Map<String, String> variables = new LinkedHashMap<>();
    root.path("env")
        .path("variables")
        .fields()
        .forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
    List<Phase> phases = new ArrayList<>();
    for (String name : PHASES) {
      JsonNode phase = root.path("phases").path(name);
      List<String> commands = new ArrayList<>();
      phase.path("commands").forEach(c -> commands.add(c.asText()));
      List<String> finallyCommands = new ArrayList<>();
      phase.path("finally").forEach(c -> finallyCommands.add(c.asText()));
      phases.add(new Phase(name, commands, finallyCommands));
    }
    List<String> files = new ArrayList<>();
    root.path("artifacts").path("files").forEach(f -> files.add(f.asText()));
    return new Buildspec(
        phases, variables, files, root.path("artifacts").path("base-directory").asText(""));
  }

  Map<String, String> variables() {
    return variables;
  }

  /**
   * Writes the script that runs the phases in one bash session into {@code dir} (each command in a
   * file of its own, sourced, so no command's text is ever re-quoted), and returns it.
   */
  Path script(Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder sh = new StringBuilder();
    sh.append("export CODEBUILD_BUILD_SUCCEEDING=1\n");
    sh.append("__early_failure=0\n");
    int n = 0;
    for (Phase phase : phases) {
      if (phase.commands().isEmpty() && phase.finallyCommands().isEmpty()) {
        continue;
      }
      String upper = phase.name().toUpperCase(Locale.ROOT);
      sh.append("if [ \"$__early_failure\" = 0 ]; then\n");
      sh.append("  echo '[Container] Entering phase ").append(upper).append("'\n");
      sh.append("  __ok=1\n");
      for (String command : phase.commands()) {
        Path file = dir.resolve("command-" + (n++) + ".sh");
        Files.writeString(file, command + "\n");
        sh.append("  if [ \"$__ok\" = 1 ]; then\n");
        sh.append("    echo ")
            .append(quote("[Container] Running command " + firstLine(command)))
            .append('\n');
        sh.append("    . ").append(quote(file.toString())).append('\n');
        sh.append("    __rc=$?\n");
        sh.append("    if [ \"$__rc\" != 0 ]; then __ok=0; echo ")
            .append(
                quote(
                    "[Container] Command did not exit successfully "
                        + firstLine(command)
                        + " exit status "))
            .append("\"$__rc\"; fi\n");
        sh.append("  fi\n");
      }
      for (String command : phase.finallyCommands()) {
        Path file = dir.resolve("command-" + (n++) + ".sh");
        Files.writeString(file, command + "\n");
        sh.append("  echo ")
            .append(quote("[Container] Running command " + firstLine(command)))
            .append('\n');
        sh.append("  . ").append(quote(file.toString())).append(" || __ok=0\n");
      }
      sh.append("  if [ \"$__ok\" = 1 ]; then\n");
      sh.append("    echo '[Container] Phase complete: ")
          .append(upper)
          .append(" State: SUCCEEDED'\n");
      sh.append("  else\n");
      sh.append("    echo '[Container] Phase complete: ").append(upper).append(" State: FAILED'\n");
      sh.append("    export CODEBUILD_BUILD_SUCCEEDING=0\n");
      if (phase.name().equals("install") || phase.name().equals("pre_build")) {
        sh.append("    __early_failure=1\n");
      }
      sh.append("  fi\n");
      // A failed build leaves __early_failure as it was: post_build runs after it.
      sh.append("fi\n");
    }
    sh.append("if [ \"$CODEBUILD_BUILD_SUCCEEDING\" = 1 ]; then exit 0; else exit 1; fi\n");
    Path script = dir.resolve("buildspec.sh");
    Files.writeString(script, sh.toString());
    return script;
  }

  /**
   * The files the artifacts section selects, relative to the base directory under {@code src},
   * sorted (empty when the buildspec declares none).
   */
  List<Path> artifacts(Path src) throws IOException {
    Path base = baseDirectory.isEmpty() ? src : src.resolve(baseDirectory).normalize();
    if (artifactFiles.isEmpty() || !base.startsWith(src) || !Files.isDirectory(base)) {
      return List.of();
    }
    List<PathMatcher> matchers = new ArrayList<>();
    for (String pattern : artifactFiles) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      if (pattern.startsWith("**/")) {
        // CodeBuild's **/ also matches nothing: "**/*" takes the top-level files too.
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)));
      }
    }
    TreeSet<Path> out = new TreeSet<>();
    try (var walk = Files.walk(base)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        Path rel = base.relativize(file);
        if (matchers.stream().anyMatch(m -> m.matches(rel))) {
          out.add(rel);
        }
      }
    }
    return List.copyOf(out);
  }

  /** The base directory the artifacts are taken from, under {@code src}. */
  Path artifactBase(Path src) {
    return baseDirectory.isEmpty() ? src : src.resolve(baseDirectory).normalize();
  }

  private static String firstLine(String command) {
    String line = command.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl) + " ...";
  }

  /** Single-quoted for bash. */
  private static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
