package dev.slipway.toolchain.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A reproducible image layer: entries sorted by path, every timestamp fixed at the epoch, numeric
 * owners only, no host user or group names, and a gzip stream without a file name or time. The same
 * entries give the same bytes, so the same binaries give the same image digests.
 */
public final class Layer {
  /** The timestamp of every entry, and the image's {@code created}: the epoch, as ko does. */
  public static final Instant EPOCH = Instant.EPOCH;

  /** One file or directory in the layer; directories have null content. */
  public record Entry(String path, int mode, int uid, int gid, byte[] content) {
    public static Entry file(String path, int mode, byte[] content) {
      return new Entry(path, mode, 0, 0, content);
    }

    public static Entry directory(String path, int mode) {
      return new Entry(path, mode, 0, 0, null);
    }

    public Entry ownedBy(int uid, int gid) {
      return new Entry(path, mode, uid, gid, content);
    }
  }

  /** The built layer: its gzipped blob and the digest of the uncompressed tar (the diff id). */
  public record Built(Blob blob, String diffId) {}

  private final List<Entry> entries = new ArrayList<>();

  public Layer add(Entry entry) {
    entries.add(entry);
    return this;
  }

  public Built build() throws IOException {
    ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(tarBytes, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      List<Entry> sorted = new ArrayList<>(entries);
      sorted.sort(Comparator.comparing(Entry::path));
      for (Entry e : sorted) {
        boolean dir = e.content() == null;
        TarArchiveEntry entry = new TarArchiveEntry(dir ? e.path() + "/" : e.path(), true);
        entry.setMode((dir ? 040000 : 0100000) | e.mode());
        entry.setModTime(Date.from(EPOCH));
        entry.setUserId(e.uid());
        entry.setGroupId(e.gid());
        entry.setUserName("");
        entry.setGroupName("");
        if (!dir) {
          entry.setSize(e.content().length);
        }
        tar.putArchiveEntry(entry);
        if (!dir) {
          tar.write(e.content());
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    byte[] uncompressed = tarBytes.toByteArray();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    // java.util.zip writes a fixed header: no name, mtime 0.
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(uncompressed);
    }
    return new Built(
        Blob.of(MediaTypes.OCI_LAYER_GZIP, gz.toByteArray()), Blob.sha256(uncompressed));
  }
}
