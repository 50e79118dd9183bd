package dev.slipway.toolchain.image;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference: {@code registry[:port]/repository[:tag][@sha256:digest]}. The registry is
 * required (Slipway never guesses Docker Hub).
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?<registry>(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
              + "|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?)"
              + "/(?<repository>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
              + "(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
              + "(?:@(?<digest>sha256:[a-f0-9]{64}))?");

  /** A valid tag on its own. */
  public static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  /** The reference in {@code text}, or empty when it is not one. */
  public static Optional<ImageReference> parse(String text) {
    Matcher m = REFERENCE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String registry = m.group("registry");
    if (!registry.contains(".") && !registry.contains(":") && !registry.equals("localhost")) {
      return Optional.empty(); // "team/app" is a repository, not a registry
    }
    return Optional.of(
        new ImageReference(registry, m.group("repository"), m.group("tag"), m.group("digest")));
  }

  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, newTag, digest);
  }

  /** True for registries on this machine, reached over plain HTTP as Docker does. */
  public boolean isLoopback() {
    String host =
        registry.startsWith("[")
            ? registry.substring(0, registry.indexOf(']') + 1)
            : registry.split(":")[0];
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
  }

  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + (tag == null ? "" : ":" + tag)
        + (digest == null ? "" : "@" + digest);
  }
}
