package dev.slipway.release;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates a source tree (its manifest, {@code go.mod}, and the main package), then has {@link
 * BuildPlanner} plan its build. Every problem is reported at once. Reads go through the {@link
 * SourceTree} port, so this is as pure as its inputs: a directory for `slipway plan`, an unpacked
 * archive in the handler.
 */
public final class TreePlanner {
  /** Largest {@code go.mod} or Go source file read while checking. */
  static final int MAX_SOURCE_BYTES = 1024 * 1024;

  private static final Pattern PACKAGE_CLAUSE =
      Pattern.compile("(?m)^\\s*package\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*(?://.*)?$");

  /** A plan, or every problem that stops one. */
  public sealed interface Result {
    /** The tree is buildable; here is how, and the manifest it was planned from. */
    record Planned(BuildPlan plan, Manifest manifest) implements Result {}

    /** What must be fixed, each with its field path or file name and the bad value. */
    record Invalid(List<Problem> problems) implements Result {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  private TreePlanner() {}

  /**
   * Checks {@code tree} and plans release {@code releaseId}, writing binaries under {@code outDir}.
   */
  public static Result plan(SourceTree tree, String releaseId, String outDir, LocalDate today) {
    List<Problem> problems = new ArrayList<>();
    if (!ManifestGrammar.RELEASE_ID.matcher(releaseId).matches()) {
      problems.add(
          new Problem(
              "release id",
              JsonQuote.of(releaseId)
                  + " is not a release id (letters, digits, . _ -; at most 128; starting with a"
                  + " letter or digit)"));
    }

    Manifest manifest = null;
    boolean mainChecked = true;
    Optional<String> manifestText =
        read(tree, ManifestReader.FILE_NAME, ManifestReader.MAX_BYTES + 1, problems);
    if (manifestText != null && manifestText.isEmpty()) {
      problems.add(
          new Problem(ManifestReader.FILE_NAME, "not found at the root of the source tree"));
    } else if (manifestText != null) {
      ManifestReader.Result read = ManifestReader.read(manifestText.get());
      if (read instanceof ManifestReader.Result.Valid valid) {
        manifest = valid.manifest();
      } else if (read instanceof ManifestReader.Result.Invalid invalid) {
        problems.addAll(invalid.problems());
        manifest = invalid.partial();
        mainChecked =
            invalid.problems().stream()
                .noneMatch(p -> p.path().startsWith(ManifestReader.FILE_NAME + ": main"));
      }
    }

    GoModule module = null;
    Optional<String> goMod = read(tree, "go.mod", MAX_SOURCE_BYTES, problems);
    if (goMod != null && goMod.isEmpty()) {
      problems.add(
          new Problem(
              "go.mod", "not found at the root of the source tree (Slipway builds Go modules)"));
    } else if (goMod != null) {
      module = GoModule.parse(goMod.get()).orElse(null);
      if (module == null) {
        problems.add(new Problem("go.mod", "has no module line"));
      }
    }

    if (manifest != null && mainChecked) {
      checkMainPackage(tree, manifest.main(), problems);
    }
    try {
      if (tree.files("vendor").isPresent()) {
        // Builds run with -mod=readonly: modules come from the proxy, checked against go.sum. A
        // vendor tree would be ignored, unchecked, so it is refused rather than silently unused.
        problems.add(
            new Problem(
                "vendor/",
                "a vendor tree is not built from: Slipway takes modules from the module proxy,"
                    + " checked against go.sum (remove vendor/, or list it in .slipwayignore)"));
      }
    } catch (SourceTree.Refused e) {
      problems.add(new Problem("vendor/", e.getMessage()));
    }

    if (!problems.isEmpty() || manifest == null || module == null) {
      return new Result.Invalid(problems);
    }
    return new Result.Planned(
        BuildPlanner.plan(manifest, module, releaseId, outDir, today), manifest);
  }

  private static void checkMainPackage(SourceTree tree, String main, List<Problem> problems) {
    String field = ManifestReader.FILE_NAME + ": main";
    String dir = main.equals(".") ? "" : main.substring(2);
    Optional<List<String>> files;
    try {
      files = tree.files(dir);
    } catch (SourceTree.Refused e) {
      problems.add(new Problem(field, JsonQuote.of(main) + " " + e.getMessage()));
      return;
    }
    if (files.isEmpty()) {
      problems.add(
          new Problem(field, JsonQuote.of(main) + " is not a directory in the source tree"));
      return;
    }
    List<String> goFiles =
        files.get().stream()
            .filter(f -> f.endsWith(".go") && !f.endsWith("_test.go"))
            .sorted()
            .toList();
    if (goFiles.isEmpty()) {
      problems.add(new Problem(field, JsonQuote.of(main) + " has no Go source files"));
      return;
    }
    List<String> packages = new ArrayList<>();
    for (String file : goFiles) {
      String path = dir.isEmpty() ? file : dir + "/" + file;
      Optional<String> text = read(tree, path, MAX_SOURCE_BYTES, problems);
      if (text == null || text.isEmpty()) {
        continue;
      }
      Matcher clause = PACKAGE_CLAUSE.matcher(text.get());
      if (clause.find()) {
        if (clause.group(1).equals("main")) {
          return;
        }
        packages.add(clause.group(1));
      }
    }
    problems.add(
        new Problem(
            field,
            JsonQuote.of(main)
                + " is not a main package"
                + (packages.isEmpty() ? "" : " (it is package " + packages.get(0) + ")")));
  }

  /** The file's text, empty when missing, or null after recording why it could not be read. */
  private static Optional<String> read(
      SourceTree tree, String path, int maxBytes, List<Problem> problems) {
    try {
      return tree.read(path, maxBytes);
    } catch (SourceTree.Refused e) {
      problems.add(new Problem(path, e.getMessage()));
      return null;
    }
  }
}
