package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import dev.slipway.release.Finding;
import dev.slipway.release.Severity;
import dev.slipway.toolchain.build.GoBuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local stand-in for Inspector: matches the Go modules a binary was built from (and its Go
 * standard library) against OSV advisories, by SEMVER range, and reports findings with the
 * advisory's severity.
 */
public final class OsvScanner {
  /** The advisories shipped with Slipway, enough for the examples. */
  static final List<String> BUNDLED = List.of("GO-2022-0969.json", "GO-2023-2102.json");

  record Range(List<String[]> events) {}

  record Affected(String module, List<Range> ranges) {}

  /** One advisory: its id, severity and affected modules. */
  public record Advisory(String id, Severity severity, List<Affected> affected) {}

  private final List<Advisory> advisories;

  public OsvScanner(List<Advisory> advisories) {
    this.advisories = List.copyOf(advisories);
  }

  /** The bundled advisories, or every {@code *.json} in {@code dir} when given. */
  public static OsvScanner load(Path dir) throws IOException {
    List<Advisory> out = new ArrayList<>();
    if (dir == null) {
      for (String name : BUNDLED) {
        try (InputStream in = OsvScanner.class.getResourceAsStream("/advisories/" + name)) {
          out.add(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
    } else {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
          out.add(parse(Files.readString(file)));
        }
      }
    }
    return new OsvScanner(out);
  }

  static Advisory parse(String json) {
    JsonNode node = Json.parse(json, "$");
    String severity = node.path("database_specific").path("severity").asText("UNDEFINED");
    Severity level =
        Severity.parse(severity.equals("MODERATE") ? "MEDIUM" : severity)
            .orElse(Severity.UNDEFINED);
    List<Affected> affected = new ArrayList<>();
    for (JsonNode a : node.path("affected")) {
      List<Range> ranges = new ArrayList<>();
      for (JsonNode r : a.path("ranges")) {
        if (!r.path("type").asText().equals("SEMVER")) {
          continue;
        }
        List<String[]> events = new ArrayList<>();
        r.path("events").fields();
        for (JsonNode e : r.path("events")) {
          e.fields()
              .forEachRemaining(f -> events.add(new String[] {f.getKey(), f.getValue().asText()}));
        }
        ranges.add(new Range(events));
      }
      affected.add(new Affected(a.path("package").path("name").asText(), ranges));
    }
    return new Advisory(node.path("id").asText(), level, affected);
  }

  /** The findings for one binary's build info. */
  public List<Finding> scan(GoBuildInfo info) {
    List<String[]> modules = new ArrayList<>();
    modules.add(new String[] {"stdlib", info.goVersion().replaceFirst("^go", "")});
    for (GoBuildInfo.Module dep : info.deps()) {
      GoBuildInfo.Module used = dep.effective();
      modules.add(
          new String[] {dep.path(), (used.version().isEmpty() ? dep.version() : used.version())});
    }
    List<Finding> findings = new ArrayList<>();
    for (Advisory advisory : advisories) {
      for (Affected affected : advisory.affected()) {
        for (String[] module : modules) {
          if (module[0].equals(affected.module())
              && affected.ranges().stream().anyMatch(r -> inRange(module[1], r))) {
            findings.add(new Finding(advisory.id(), advisory.severity(), module[0], module[1]));
          }
        }
      }
    }
    return findings;
  }

  /** OSV SEMVER: affected from an "introduced" until the next "fixed" (or "last_affected"). */
  static boolean inRange(String version, Range range) {
    boolean affected = false;
    for (String[] event : range.events()) {
      switch (event[0]) {
        case "introduced" -> {
          if (event[1].equals("0") || compare(version, event[1]) >= 0) {
            affected = true;
          }
        }
        case "fixed" -> {
          if (affected && compare(version, event[1]) >= 0) {
            affected = false;
          } else if (affected) {
            return true;
          }
        }
        case "last_affected" -> {
          if (affected && compare(version, event[1]) > 0) {
            affected = false;
          } else if (affected) {
            return true;
          }
        }
        default -> {
          // "limit" and unknown events do not change the answer
        }
      }
    }
    return affected;
  }

  /**
   * Semantic-version order, Go style: a leading v is ignored, a pre-release sorts before its
   * release.
   */
  static int compare(String a, String b) {
    String[] x = strip(a).split("-", 2);
    String[] y = strip(b).split("-", 2);
    String[] xs = x[0].split("\\.");
    String[] ys = y[0].split("\\.");
    for (int i = 0; i < Math.max(xs.length, ys.length); i++) {
      long xi = i < xs.length ? number(xs[i]) : 0;
      long yi = i < ys.length ? number(ys[i]) : 0;
      if (xi != yi) {
        return Long.compare(xi, yi);
      }
    }
    if (x.length == 1 || y.length == 1) {
      return Integer.compare(y.length, x.length); // no pre-release is greater
    }
    return x[1].compareTo(y[1]);
  }

  private static String strip(String v) {
    String s = v.startsWith("v") ? v.substring(1) : v;
    int plus = s.indexOf('+');
    return plus >= 0 ? s.substring(0, plus) : s;
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
