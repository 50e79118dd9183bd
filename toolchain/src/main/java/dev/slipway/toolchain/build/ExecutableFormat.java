package dev.slipway.toolchain.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads an executable's header to tell its OS family and architecture (ELF, Mach-O, PE), so a build
 * can prove each output is what its target says: a cross-compile that silently built for the host
 * would be caught here.
 */
public final class ExecutableFormat {
  private ExecutableFormat() {}

  /**
   * What a header says: {@code os} is linux, freebsd, darwin or windows; {@code arch} is GOARCH.
   */
  public record Executable(String format, String os, String arch) {}

  /** The executable at {@code file}, or empty when the header is not one Slipway builds. */
  public static Optional<Executable> read(Path file) throws IOException {
    byte[] header;
    try (InputStream in = Files.newInputStream(file)) {
      header = in.readNBytes(4096);
    }
    return parse(header);
  }

  static Optional<Executable> parse(byte[] h) {
    ByteBuffer le = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
    if (h.length >= 20 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F') {
      // EI_OSABI: Go marks FreeBSD binaries with 9 and leaves Linux ones at 0 (System V).
      String os = h[7] == 9 ? "freebsd" : "linux";
      ByteBuffer buffer = h[5] == 2 ? ByteBuffer.wrap(h).order(ByteOrder.BIG_ENDIAN) : le;
      int machine = Short.toUnsignedInt(buffer.getShort(18));
      String arch =
          switch (machine) {
            case 0x3e -> "amd64";
            case 0xb7 -> "arm64";
            case 0x28 -> "arm";
            case 0x03 -> "386";
            case 0x15 -> "ppc64le";
            case 0x16 -> "s390x";
            case 0xf3 -> "riscv64";
            default -> null;
          };
      return arch == null ? Optional.empty() : Optional.of(new Executable("ELF", os, arch));
    }
    if (h.length >= 8 && le.getInt(0) == 0xfeedfacf) {
      String arch =
          switch (le.getInt(4)) {
            case 0x01000007 -> "amd64";
            case 0x0100000c -> "arm64";
            default -> null;
          };
      return arch == null
          ? Optional.empty()
          : Optional.of(new Executable("Mach-O", "darwin", arch));
    }
    if (h.length >= 0x40 && h[0] == 'M' && h[1] == 'Z') {
      int pe = le.getInt(0x3c);
      if (pe > 0
          && pe + 6 <= h.length
          && h[pe] == 'P'
          && h[pe + 1] == 'E'
          && h[pe + 2] == 0
          && h[pe + 3] == 0) {
        String arch =
            switch (Short.toUnsignedInt(le.getShort(pe + 4))) {
              case 0x8664 -> "amd64";
              case 0xaa64 -> "arm64";
              case 0x14c -> "386";
              default -> null;
            };
        return arch == null ? Optional.empty() : Optional.of(new Executable("PE", "windows", arch));
      }
    }
    return Optional.empty();
  }
}
