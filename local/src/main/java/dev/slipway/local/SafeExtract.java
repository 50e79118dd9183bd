package dev.slipway.local;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * Unpacks an uploaded source archive to disk for the local build, with the same refusals as the
 * handler's reader: no absolute paths, no {@code ..}, no links followed or written, bounded size.
 */
final class SafeExtract {
  static final long MAX_BYTES = 256L * 1024 * 1024;

  private SafeExtract() {}

  static void extract(InputStream in, String key, Path dir) throws IOException {
    InputStream buffered = new BufferedInputStream(in);
    ArchiveInputStream<? extends ArchiveEntry> archive =
        key.endsWith(".zip")
            ? new ZipArchiveInputStream(buffered, StandardCharsets.UTF_8.name(), false, true)
            : new TarArchiveInputStream(
                new GZIPInputStream(buffered), StandardCharsets.UTF_8.name());
    Path root = dir.toAbsolutePath().normalize();
    long total = 0;
    try (archive) {
      ArchiveEntry entry;
      while ((entry = archive.getNextEntry()) != null) {
        String name = entry.getName();
        if (name.startsWith("/") || name.contains("..") || name.chars().anyMatch(c -> c < 0x20)) {
          throw new IOException("archive entry '" + name + "' is not a plain relative path");
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
          throw new IOException("archive entry '" + name + "' leaves the tree");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        if (entry instanceof TarArchiveEntry tar && !tar.isFile()) {
          continue; // links, devices: never written
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          byte[] buffer = new byte[8192];
          int n;
          while ((n = archive.read(buffer)) > 0) {
            total += n;
            if (total > MAX_BYTES) {
              throw new IOException("archive expands beyond " + MAX_BYTES + " bytes");
            }
            out.write(buffer, 0, n);
          }
        }
        if (entry instanceof TarArchiveEntry tar && (tar.getMode() & 0100) != 0) {
          target.toFile().setExecutable(true);
        }
      }
    }
  }
}
