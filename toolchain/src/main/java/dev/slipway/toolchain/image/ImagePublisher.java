package dev.slipway.toolchain.image;

import dev.slipway.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Puts an assembled {@link Image} somewhere: a registry, or an OCI image layout on disk. */
public final class ImagePublisher {
  private ImagePublisher() {}

  /**
   * Pushes every blob, then each platform manifest by digest, and the index last under the tag, so
   * the tag never names an image whose parts are missing. Returns the index digest.
   */
  public static String push(RegistryClient client, String repository, String tag, Image image)
      throws RegistryException {
    for (Image.PlatformImage platform : image.platforms()) {
      for (Blob layer : platform.layers()) {
        client.pushBlob(repository, layer);
      }
      client.pushBlob(repository, platform.config());
      client.putManifest(repository, platform.manifest().digest(), platform.manifest());
    }
    client.putManifest(repository, tag, image.index());
    return image.index().digest();
  }

  /**
   * Writes an OCI image layout at {@code dir} (which must not exist): built beside it and moved
   * into place, so a failure leaves nothing behind.
   */
  public static void writeLayout(Path dir, String tag, Image image) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    Files.createDirectories(target.getParent());
    Path staging =
        Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".partial-");
    try {
      Path blobs = Files.createDirectories(staging.resolve("blobs/sha256"));
      Map<String, Blob> all = new LinkedHashMap<>();
      all.put(image.index().digest(), image.index());
      for (Image.PlatformImage platform : image.platforms()) {
        all.put(platform.manifest().digest(), platform.manifest());
        all.put(platform.config().digest(), platform.config());
        platform.layers().forEach(l -> all.put(l.digest(), l));
      }
      for (Blob blob : all.values()) {
        Files.write(blobs.resolve(blob.hex()), blob.content());
      }
      Files.writeString(staging.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      var index = Json.mapper().createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
      var entry = index.putArray("manifests").addObject();
      entry.put("mediaType", MediaTypes.OCI_INDEX);
      entry.put("digest", image.index().digest());
      entry.put("size", image.index().size());
      entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
      Files.write(staging.resolve("index.json"), Json.mapper().writeValueAsBytes(index));
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(staging)) {
        try (var paths = Files.walk(staging)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }
}
