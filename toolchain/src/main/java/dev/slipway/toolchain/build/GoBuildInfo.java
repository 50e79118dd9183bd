package dev.slipway.toolchain.build;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The build information Go embeds in every binary, as {@code go version -m} prints it: the Go
 * version, the main package, the main module, each dependency (with its replacement), and the build
 * settings. This is the source of the SBOM and of what the local scanner matches against
 * advisories.
 */
public record GoBuildInfo(
    String goVersion,
    String mainPackage,
    Module main,
    List<Module> deps,
    Map<String, String> settings) {

  public GoBuildInfo {
    Objects.requireNonNull(goVersion, "goVersion");
    deps = List.copyOf(deps);
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** A module: path, version ({@code (devel)} for the main module), go.sum hash, replacement. */
  public record Module(String path, String version, String sum, Module replacement) {
    public Module {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(version, "version");
    }

    /** The module that was actually compiled in: the replacement when there is one. */
    public Module effective() {
      return replacement == null ? this : replacement;
    }
  }

  /**
   * Parses the output of {@code go version -m FILE}. The first line is {@code FILE: goX.Y.Z}; each
   * following line is a tab-separated record ({@code path}, {@code mod}, {@code dep}, {@code =>},
   * {@code build}).
   */
  public static GoBuildInfo parse(String output) {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("no build information");
    }
    String first = lines.get(0);
    int colon = first.lastIndexOf(": ");
    if (colon < 0) {
      throw new IllegalArgumentException("not go version -m output: " + first);
    }
    String goVersion = first.substring(colon + 2).strip();
    String mainPackage = null;
    Module main = null;
    List<Module> deps = new ArrayList<>();
    Map<String, String> settings = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.strip().split("\t");
      switch (f[0]) {
        case "path" -> mainPackage = field(f, 1);
        case "mod" -> main = new Module(field(f, 1), field(f, 2), optional(f, 3), null);
        case "dep" -> deps.add(new Module(field(f, 1), field(f, 2), optional(f, 3), null));
        case "=>" -> {
          Module replacement =
              new Module(field(f, 1), optional(f, 2) == null ? "" : f[2], optional(f, 3), null);
          if (!deps.isEmpty()) {
            Module last = deps.remove(deps.size() - 1);
            deps.add(new Module(last.path(), last.version(), last.sum(), replacement));
          } else if (main != null) {
            main = new Module(main.path(), main.version(), main.sum(), replacement);
          }
        }
        case "build" -> {
          String setting = field(f, 1);
          int eq = setting.indexOf('=');
          if (eq > 0) {
            settings.put(setting.substring(0, eq), setting.substring(eq + 1));
          } else {
            settings.put(setting, "");
          }
        }
        default -> {
          // a record kind newer than this reader: ignored, not fatal
        }
      }
    }
    return new GoBuildInfo(goVersion, mainPackage, main, deps, settings);
  }

  private static String field(String[] f, int i) {
    if (i >= f.length) {
      throw new IllegalArgumentException("short build info line: " + String.join("\\t", f));
    }
    return f[i];
  }

  private static String optional(String[] f, int i) {
    return i < f.length && !f[i].isEmpty() ? f[i] : null;
  }
}
