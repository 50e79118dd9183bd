package dev.slipway.release;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What `slipway plan` needs from {@code go.mod}: the module path and the Go version it asks for.
 */
public record GoModule(String path, String goVersion, String toolchain) {
  private static final Pattern MODULE =
      Pattern.compile("(?m)^\\s*module\\s+(?:\"([^\"]+)\"|(\\S+))\\s*(?://.*)?$");
  private static final Pattern GO =
      Pattern.compile("(?m)^\\s*go\\s+(\\d+\\.\\d+(?:\\.\\d+)?(?:rc\\d+)?)\\s*(?://.*)?$");
  private static final Pattern TOOLCHAIN =
      Pattern.compile("(?m)^\\s*toolchain\\s+(go\\d+\\.\\d+(?:\\.\\d+)?\\S*)\\s*(?://.*)?$");

  /** Reads {@code go.mod}; empty when it declares no module. */
  public static Optional<GoModule> parse(String goMod) {
    Matcher module = MODULE.matcher(goMod);
    if (!module.find()) {
      return Optional.empty();
    }
    String path = module.group(1) != null ? module.group(1) : module.group(2);
    Matcher go = GO.matcher(goMod);
    Matcher toolchain = TOOLCHAIN.matcher(goMod);
    return Optional.of(
        new GoModule(
            path, go.find() ? go.group(1) : null, toolchain.find() ? toolchain.group(1) : null));
  }
}
