package dev.slipway.source;

import dev.slipway.release.SourceTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link SourceTree} over a directory on disk. Every path is resolved against the real root and
 * must stay inside it after following links, so a tree cannot make Slipway read {@code /etc/passwd}
 * through a symlink; reads are bounded and must be UTF-8.
 */
public final class DirectoryTree implements SourceTree {
  private final Path root;

  private DirectoryTree(Path root) {
    this.root = root;
  }

  /** The tree at {@code dir}, which must be an existing directory. */
  public static DirectoryTree open(Path dir) throws IOException {
    Path real = dir.toRealPath();
    if (!Files.isDirectory(real)) {
      throw new IOException(dir + " is not a directory");
    }
    return new DirectoryTree(real);
  }

  public Path root() {
    return root;
  }

  @Override
  public Optional<String> read(String path, int maxBytes) throws Refused {
    Path file = resolve(path);
    if (file == null || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new Refused("is " + size + " bytes; the limit is " + maxBytes);
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(maxBytes + 1);
      }
      if (bytes.length > maxBytes) {
        throw new Refused("grew past " + maxBytes + " bytes while being read");
      }
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      throw new Refused("is not UTF-8 text");
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new Refused("cannot be read: " + e.getMessage());
    }
  }

  @Override
  public Optional<List<String>> files(String dir) throws Refused {
    Path directory = resolve(dir);
    if (directory == null || !Files.isDirectory(directory)) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          names.add(entry.getFileName().toString());
        }
      }
    } catch (IOException e) {
      throw new Refused("cannot be listed: " + e.getMessage());
    }
    names.sort(null);
    return Optional.of(names);
  }

  /** The real path of {@code path} inside the tree; null when it does not exist. */
  private Path resolve(String path) throws Refused {
    Path candidate = root.resolve(path).normalize();
    if (!candidate.startsWith(root)) {
      throw new Refused("is outside the source tree");
    }
    if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try {
      Path real = candidate.toRealPath();
      if (!real.startsWith(root)) {
        throw new Refused("is a link that leads out of the source tree");
      }
      return real;
    } catch (NoSuchFileException e) {
      return null; // a dangling link
    } catch (IOException e) {
      throw new Refused("cannot be resolved: " + e.getMessage());
    }
  }
}
