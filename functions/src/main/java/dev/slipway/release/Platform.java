package dev.slipway.release;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Go build target, {@code GOOS/GOARCH} with an optional variant for 32-bit ARM ({@code
 * linux/arm/v7}). Only the platforms Slipway tests and supports are accepted.
 */
public record Platform(String os, String arch, String variant) {
  /** Every platform a manifest may name, in the order `slipway plan` lists them. */
  public static final List<String> SUPPORTED =
      List.of(
          "linux/amd64",
          "linux/arm64",
          "linux/arm/v7",
          "linux/arm/v6",
          "linux/386",
          "linux/ppc64le",
          "linux/s390x",
          "linux/riscv64",
          "darwin/amd64",
          "darwin/arm64",
          "windows/amd64",
          "windows/arm64",
          "freebsd/amd64",
          "freebsd/arm64");

  /** The platforms an ECS task can run (Fargate and the ECS-optimised AMIs): x86-64 and ARM64. */
  public static final List<String> IMAGE_PLATFORMS = List.of("linux/amd64", "linux/arm64");

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(arch, "arch");
    if (!SUPPORTED.contains(name(os, arch, variant))) {
      throw new IllegalArgumentException(name(os, arch, variant) + " is not a supported platform");
    }
  }

  /** The platform named {@code text}, if it is supported. */
  public static Optional<Platform> parse(String text) {
    if (!SUPPORTED.contains(text)) {
      return Optional.empty();
    }
    String[] parts = text.split("/");
    return Optional.of(new Platform(parts[0], parts[1], parts.length > 2 ? parts[2] : null));
  }

  /** The platform named {@code text}; for JSON readers. */
  @JsonCreator
  public static Platform of(String text) {
    return parse(text)
        .orElseThrow(() -> new IllegalArgumentException(text + " is not a supported platform"));
  }

  public boolean isLinux() {
    return os.equals("linux");
  }

  /** The executable suffix on this platform ({@code .exe} on Windows). */
  public String executableSuffix() {
    return os.equals("windows") ? ".exe" : "";
  }

  /** {@code linux_arm_v7}: the platform as a path segment. */
  public String slug() {
    return toString().replace('/', '_');
  }

  @JsonValue
  @Override
  public String toString() {
    return name(os, arch, variant);
  }

  private static String name(String os, String arch, String variant) {
    return os + "/" + arch + (variant == null ? "" : "/" + variant);
  }
}
