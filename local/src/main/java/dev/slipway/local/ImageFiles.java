package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import dev.slipway.toolchain.image.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What the local stand-ins read out of an image in the local registry: its platform manifests, and
 * the entrypoint binary of one of them (the task runner runs it, the scanner reads its Go modules).
 */
final class ImageFiles {
  private ImageFiles() {}

  /**
   * The platform manifests of the image {@code digest}: {@code os/arch -> digest}; for an index,
   * its entries (attestations left out); for a single manifest, itself under its config's platform.
   */
  static Map<String, String> platforms(RegistryClient client, String repository, String digest)
      throws Exception {
    RegistryClient.Manifest top = client.getManifest(repository, digest);
    Map<String, String> platforms = new LinkedHashMap<>();
    JsonNode json = top.json();
    if (json.has("manifests")) {
      for (JsonNode m : json.path("manifests")) {
        String platform =
            m.path("platform").path("os").asText()
                + "/"
                + m.path("platform").path("architecture").asText();
        if (!platform.startsWith("unknown")) {
          platforms.put(platform, m.path("digest").asText());
        }
      }
      return platforms;
    }
    JsonNode config = config(client, repository, json);
    platforms.put(config.path("os").asText() + "/" + config.path("architecture").asText(), digest);
    return platforms;
  }

  private static JsonNode config(RegistryClient client, String repository, JsonNode manifest)
      throws Exception {
    return Json.parse(
        new String(
            client.getBlob(repository, manifest.path("config").path("digest").asText()),
            StandardCharsets.UTF_8),
        "$");
  }

  /**
   * Unpacks the entrypoint of the platform manifest {@code manifestDigest} into {@code dir} and
   * returns it (executable). Only that one file is written, under a name of this code's choosing:
   * nothing in the layers picks a path.
   */
  static Path entrypoint(RegistryClient client, String repository, String manifestDigest, Path dir)
      throws Exception {
    JsonNode manifest = client.getManifest(repository, manifestDigest).json();
    JsonNode entry = config(client, repository, manifest).path("config").path("Entrypoint");
    if (!entry.isArray() || entry.isEmpty() || !entry.get(0).asText().startsWith("/")) {
      throw new IOException("the image has no absolute entrypoint to run");
    }
    String entrypoint = entry.get(0).asText().substring(1);
    Files.createDirectories(dir);
    for (JsonNode layer : manifest.path("layers")) {
      byte[] blob = client.getBlob(repository, layer.path("digest").asText());
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(blob)))) {
        TarArchiveEntry file;
        while ((file = tar.getNextEntry()) != null) {
          String name =
              file.getName().startsWith("./") ? file.getName().substring(2) : file.getName();
          if (file.isFile() && name.equals(entrypoint)) {
            Path binary = dir.resolve("entrypoint");
            Files.write(binary, tar.readAllBytes());
            binary.toFile().setExecutable(true);
            return binary;
          }
        }
      }
    }
    throw new IOException("the image has no /" + entrypoint);
  }
}
