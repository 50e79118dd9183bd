package dev.slipway.cli;

import dev.slipway.aws.S3SourceArchives;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Packs a source tree for upload as a reproducible zip (CodeBuild extracts an S3 source only when
 * it is a zip): sorted entries, a fixed time, the executable bit kept, in-tree links as the files
 * they point to. {@code .git/} and the default build output {@code dist/} are never packed; {@code
 * .slipwayignore} (a gitignore subset: comments, {@code *}, {@code ?}, {@code **}, a leading {@code
 * /} to anchor, a trailing {@code /} for directories; no {@code !}) excludes more. Symlinks that
 * leave the tree are refused; the archive is bounded in files and bytes.
 */
final class SourcePacker {
  static final int MAX_FILES = 20_000;
  static final long MAX_BYTES = 256L * 1024 * 1024;

  /** The tree cannot be packed; the message names the path. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** The packed archive and how many files it holds. */
  record Packed(byte[] archive, int files, long bytes) {}

  /**
   * 1980-01-01 00:00 in this machine's zone: zip stores local "DOS" time, so the same wall-clock
   * value gives the same bytes in every zone (reproducible archives, as before).
   */
  private static final long FIXED_TIME =
      LocalDateTime.of(1980, 1, 1, 0, 0).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();

  private SourcePacker() {}

  static Packed pack(Path dir) throws IOException, Refused {
    return pack(dir, S3SourceArchives.MAX_ARCHIVE_BYTES);
  }

  /**
   * Packs {@code dir}, refusing an archive larger than {@code maxArchiveBytes}: the release engine
   * refuses to read a bigger one, so it is not uploaded at all.
   */
  static Packed pack(Path dir, long maxArchiveBytes) throws IOException, Refused {
    Path root = dir.toRealPath();
    List<Pattern[]> ignores = ignoreRules(root);
    List<Path> files = new ArrayList<>();
    List<Path> links = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            String rel = root.relativize(d).toString().replace('\\', '/');
            if (!rel.isEmpty()
                && (rel.equals(".git") || rel.equals("dist") || ignored(ignores, rel, true))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            String rel = root.relativize(f).toString().replace('\\', '/');
            if (ignored(ignores, rel, false)) {
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink()) {
              Path target = f.getParent().resolve(Files.readSymbolicLink(f)).normalize();
              if (!target.startsWith(root)) {
                problems.add(
                    rel
                        + ": a symlink that leaves the tree (to "
                        + Files.readSymbolicLink(f)
                        + ")");
              } else {
                links.add(f);
              }
            } else if (attrs.isRegularFile()) {
              files.add(f);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    if (!problems.isEmpty()) {
      throw new Refused(String.join("; ", problems));
    }
    if (files.size() + links.size() > MAX_FILES) {
      throw new Refused(
          "the tree has "
              + (files.size() + links.size())
              + " files; the limit is "
              + MAX_FILES
              + " (use .slipwayignore)");
    }
    List<Path> all = new ArrayList<>(files);
    all.addAll(links);
    all.sort((a, b) -> root.relativize(a).toString().compareTo(root.relativize(b).toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long bytes = 0;
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
      zip.setEncoding(StandardCharsets.UTF_8.name());
      for (Path path : all) {
        String rel = root.relativize(path).toString().replace('\\', '/');
        if (!Files.isRegularFile(path)) {
          throw new Refused(rel + ": a symlink to a directory (pack the directory itself)");
        }
        // A link inside the tree is packed as the file it points to: CodeBuild extracts the zip as
        // it is, and the upload check refuses links, so the archive holds regular files only.
        ZipArchiveEntry entry = new ZipArchiveEntry(rel);
        entry.setSize(Files.size(path));
        entry.setUnixMode(Files.isExecutable(path) ? 0100755 : 0100644);
        entry.setTime(FIXED_TIME);
        bytes += entry.getSize();
        if (bytes > MAX_BYTES) {
          throw new Refused(
              "the tree holds more than " + MAX_BYTES + " bytes (use .slipwayignore)");
        }
        zip.putArchiveEntry(entry);
        Files.copy(path, zip);
        zip.closeArchiveEntry();
      }
    }
    if (out.size() > maxArchiveBytes) {
      throw new Refused(
          "the packed archive is "
              + out.size()
              + " bytes; releases are built from archives up to "
              + maxArchiveBytes
              + " bytes (use .slipwayignore)");
    }
    return new Packed(out.toByteArray(), all.size(), bytes);
  }

  /** Each rule: the compiled pattern and whether it only matches directories. */
  static List<Pattern[]> ignoreRules(Path root) throws IOException {
    List<Pattern[]> rules = new ArrayList<>();
    Path file = root.resolve(".slipwayignore");
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return rules;
    }
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean dirOnly = line.endsWith("/");
      if (dirOnly) {
        line = line.substring(0, line.length() - 1);
      }
      boolean anchored = line.startsWith("/") || line.contains("/");
      if (line.startsWith("/")) {
        line = line.substring(1);
      }
      String regex = glob(line);
      Pattern pattern = Pattern.compile(anchored ? regex : "(?:.*/)?" + regex);
      rules.add(new Pattern[] {pattern, dirOnly ? Pattern.compile("dir") : null});
    }
    return rules;
  }

  static boolean ignored(List<Pattern[]> rules, String rel, boolean isDirectory) {
    for (Pattern[] rule : rules) {
      if (rule[1] != null && !isDirectory) {
        continue;
      }
      if (rule[0].matcher(rel).matches()) {
        return true;
      }
    }
    return false;
  }

  private static String glob(String glob) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        out.append(".*");
        i++;
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
          i++;
          out.append("/?");
        }
      } else if (c == '*') {
        out.append("[^/]*");
      } else if (c == '?') {
        out.append("[^/]");
      } else {
        out.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return out.toString();
  }
}
