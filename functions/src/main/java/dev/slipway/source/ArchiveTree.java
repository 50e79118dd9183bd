package dev.slipway.source;

import dev.slipway.json.JsonField;
import dev.slipway.release.SourceTree;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * An uploaded source archive (zip or tar.gz) read into memory as a {@link SourceTree}, without
 * writing anything to disk and within fixed bounds: entries, total expanded bytes (a zip bomb stops
 * at the limit, not at the disk's end), path depth and length. Names that are absolute, climb out
 * with {@code ..}, hold control characters or are not valid UTF-8 are refused; links are refused
 * (the build would create them), and the tree is read as the build extracts it, as it is.
 */
public final class ArchiveTree implements SourceTree {
  /** Bounds on what an archive may hold. */
  public record Limits(int maxEntries, long maxExpandedBytes, int maxKeptFileBytes, int maxDepth) {
    public static final Limits DEFAULT = new Limits(20_000, 256L * 1024 * 1024, 1024 * 1024, 32);
  }

  /** The archive could not be read as a source tree; the message says why, for the release. */
  public static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, byte[]> files;
  private final Map<String, Long> largeFiles;
  private final Set<String> links;
  private final Set<String> directories;

  private ArchiveTree(
      Map<String, byte[]> files,
      Map<String, Long> largeFiles,
      Set<String> links,
      Set<String> directories) {
    this.files = files;
    this.largeFiles = largeFiles;
    this.links = links;
    this.directories = directories;
  }

  /** The archive format an object key implies, or empty. */
  public static Optional<String> formatOf(String key) {
    if (key.endsWith(".zip")) {
      return Optional.of("zip");
    }
    if (key.endsWith(".tar.gz") || key.endsWith(".tgz")) {
      return Optional.of("tar.gz");
    }
    return Optional.empty();
  }

  public static ArchiveTree read(InputStream in, String format, Limits limits) throws Unreadable {
    Map<String, byte[]> files = new TreeMap<>();
    Map<String, Long> large = new TreeMap<>();
    Set<String> links = new HashSet<>();
    long expanded = 0;
    int entries = 0;
    try (Entries archive = open(in, format, limits)) {
      ArchiveEntry entry;
      while ((entry = archive.next()) != null) {
        if (++entries > limits.maxEntries()) {
          throw new Unreadable("archive has more than " + limits.maxEntries() + " entries");
        }
        String name = checkedName(entry.getName(), limits);
        if (entry.isDirectory()) {
          continue;
        }
        if (isLink(entry)) {
          // CodeBuild extracts an archive as it is, links included: a hard link to /etc/shadow
          // would become one. No Go module needs a link, so the upload check refuses them all.
          throw new Unreadable(
              "archive entry "
                  + name
                  + " is a "
                  + (entry instanceof TarArchiveEntry tar && tar.isLink() ? "hard" : "symbolic")
                  + " link; uploaded archives may hold no links");
        }
        if (!isRegular(entry)) {
          continue; // devices, fifos: never part of a Go source tree
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long size = 0;
        int n;
        InputStream content = archive.content(entry);
        while ((n = content.read(buffer)) > 0) {
          size += n;
          expanded += n;
          if (expanded > limits.maxExpandedBytes()) {
            throw new Unreadable("archive expands beyond " + limits.maxExpandedBytes() + " bytes");
          }
          if (size <= limits.maxKeptFileBytes()) {
            kept.write(buffer, 0, n);
          }
        }
        if (files.containsKey(name) || large.containsKey(name)) {
          throw new Unreadable("archive holds " + name + " twice");
        }
        if (size <= limits.maxKeptFileBytes()) {
          files.put(name, kept.toByteArray());
        } else {
          large.put(name, size);
        }
      }
    } catch (IOException e) {
      throw new Unreadable(
          "archive is truncated or corrupt: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (RuntimeException e) {
      // commons-compress answers some damaged archives with an unchecked exception (a zip entry
      // whose header was cut or flipped: NullPointerException; found by HostileInputFuzzTest).
      // Whatever the library throws while reading an upload is the upload's fault, said as such.
      throw new Unreadable(
          "archive is truncated or corrupt: it could not be read ("
              + e.getClass().getSimpleName()
              + ")");
    }
    return asExtracted(files, large, links);
  }

  /** An archive's entries in order, and each one's content. */
  private interface Entries extends Closeable {
    ArchiveEntry next() throws IOException;

    InputStream content(ArchiveEntry entry) throws IOException;
  }

  /**
   * A tar.gz is read as a stream. A zip is read through its central directory, as unzip (and so
   * CodeBuild) reads it: only there are an entry's Unix mode and so its being a link recorded, and
   * a local header that disagrees with it cannot show the check a different tree.
   */
  private static Entries open(InputStream in, String format, Limits limits)
      throws IOException, Unreadable {
    switch (format) {
      case "zip" -> {
        byte[] bytes =
            in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxExpandedBytes() + 1));
        if (bytes.length > limits.maxExpandedBytes()) {
          throw new Unreadable("archive is larger than " + limits.maxExpandedBytes() + " bytes");
        }
        ZipFile zip =
            ZipFile.builder()
                .setSeekableByteChannel(new SeekableInMemoryByteChannel(bytes))
                .setCharset(StandardCharsets.UTF_8)
                .get();
        Enumeration<ZipArchiveEntry> all = zip.getEntriesInPhysicalOrder();
        return new Entries() {
          @Override
          public ArchiveEntry next() {
            return all.hasMoreElements() ? all.nextElement() : null;
          }

          @Override
          public InputStream content(ArchiveEntry entry) throws IOException {
            return zip.getInputStream((ZipArchiveEntry) entry);
          }

          @Override
          public void close() throws IOException {
            zip.close();
          }
        };
      }
      case "tar.gz" -> {
        TarArchiveInputStream tar =
            new TarArchiveInputStream(
                new GZIPInputStream(new BufferedInputStream(in)), StandardCharsets.UTF_8.name());
        return new Entries() {
          @Override
          public ArchiveEntry next() throws IOException {
            return tar.getNextEntry();
          }

          @Override
          public InputStream content(ArchiveEntry entry) {
            return tar;
          }

          @Override
          public void close() throws IOException {
            tar.close();
          }
        };
      }
      default -> throw new Unreadable("unknown archive format " + format + " (zip or tar.gz)");
    }
  }

  private static boolean isLink(ArchiveEntry entry) {
    if (entry instanceof TarArchiveEntry tar) {
      return tar.isSymbolicLink() || tar.isLink();
    }
    return entry instanceof ZipArchiveEntry zip && zip.isUnixSymlink();
  }

  private static boolean isRegular(ArchiveEntry entry) {
    if (entry instanceof TarArchiveEntry tar) {
      return tar.isFile();
    }
    return true;
  }

  private static String checkedName(String raw, Limits limits) throws Unreadable {
    if (raw == null || raw.isEmpty()) {
      throw new Unreadable("archive has an entry without a name");
    }
    String name = raw.startsWith("./") ? raw.substring(2) : raw;
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    String shown = JsonField.quote(raw);
    if (name.startsWith("/") || name.contains("\\") || name.matches("^[A-Za-z]:.*")) {
      throw new Unreadable("archive entry " + shown + " has an absolute path");
    }
    // The readers replace bytes that are not UTF-8 with '?' or U+FFFD; neither belongs in a Go
    // tree.
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == 0xfffd || c == '?')) {
      throw new Unreadable("archive entry " + shown + " has a name that is not printable UTF-8");
    }
    String[] segments = name.split("/");
    if (segments.length > limits.maxDepth() || name.length() > 1024) {
      throw new Unreadable("archive entry " + shown + " is nested too deeply");
    }
    for (String segment : segments) {
      if (segment.equals("..")) {
        throw new Unreadable("archive entry " + shown + " climbs out of the tree with ..");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        throw new Unreadable("archive entry " + shown + " has an empty path segment");
      }
    }
    return name;
  }

  /**
   * The tree as CodeBuild extracts it: as it is. An archive whose files all sit under one top
   * directory holding the manifest (as GitHub's archives are) would build nothing there, so it is
   * refused here with the way out, rather than at compile.
   */
  private static ArchiveTree asExtracted(
      Map<String, byte[]> files, Map<String, Long> large, Set<String> links) throws Unreadable {
    Set<String> all = new HashSet<>(files.keySet());
    all.addAll(large.keySet());
    all.addAll(links);
    String top = null;
    boolean single = !all.isEmpty();
    for (String path : all) {
      int slash = path.indexOf('/');
      if (slash < 0) {
        single = false;
        break;
      }
      String first = path.substring(0, slash);
      if (top == null) {
        top = first;
      } else if (!top.equals(first)) {
        single = false;
        break;
      }
    }
    if (single && (all.contains(top + "/slipway.json") || all.contains(top + "/go.mod"))) {
      throw new Unreadable(
          "the archive's files are all under "
              + top
              + "/ (as GitHub's archives are); the build extracts it as it is, so slipway.json"
              + " and go.mod must be at its root: pack the directory's contents (slipway push DIR"
              + " does)");
    }
    return new ArchiveTree(files, large, links, directoriesOf(all));
  }

  private static Set<String> directoriesOf(Set<String> paths) {
    Set<String> dirs = new HashSet<>();
    dirs.add("");
    for (String path : paths) {
      int slash = path.lastIndexOf('/');
      while (slash > 0) {
        dirs.add(path.substring(0, slash));
        slash = path.lastIndexOf('/', slash - 1);
      }
    }
    return dirs;
  }

  @Override
  public Optional<String> read(String path, int maxBytes) throws Refused {
    if (links.contains(path)) {
      throw new Refused("is a link; Slipway does not follow links in uploaded archives");
    }
    if (largeFiles.containsKey(path)) {
      throw new Refused("is " + largeFiles.get(path) + " bytes; the limit is " + maxBytes);
    }
    byte[] content = files.get(path);
    if (content == null) {
      return Optional.empty();
    }
    if (content.length > maxBytes) {
      throw new Refused("is " + content.length + " bytes; the limit is " + maxBytes);
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString());
    } catch (CharacterCodingException e) {
      throw new Refused("is not UTF-8 text");
    }
  }

  @Override
  public Optional<List<String>> files(String dir) throws Refused {
    if (links.contains(dir)) {
      throw new Refused("is a link; Slipway does not follow links in uploaded archives");
    }
    if (!directories.contains(dir)) {
      return Optional.empty();
    }
    String prefix = dir.isEmpty() ? "" : dir + "/";
    List<String> names = new ArrayList<>();
    for (String path : files.keySet()) {
      if (path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0) {
        names.add(path.substring(prefix.length()));
      }
    }
    names.sort(null);
    return Optional.of(names);
  }

  /** How many regular files the archive holds (kept or not). */
  public int fileCount() {
    return files.size() + largeFiles.size();
  }

  /** For tests: every regular file path. */
  Map<String, Integer> sizes() {
    Map<String, Integer> out = new HashMap<>();
    files.forEach((k, v) -> out.put(k, v.length));
    return out;
  }
}
