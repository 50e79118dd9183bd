package dev.slipway.toolchain.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A base image for one platform, pulled by digest: its layers (as blobs, to copy along) and its
 * config (for the environment and the layers' diff ids).
 */
public record BaseImage(List<Blob> layers, ObjectNode config) {
  public BaseImage {
    layers = List.copyOf(layers);
    config = config.deepCopy();
  }

  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  /** Pulls the image for {@code os/arch} at {@code reference} (which must carry a digest). */
  public static BaseImage pull(
      RegistryClient client, ImageReference reference, String os, String arch)
      throws RegistryException {
    RegistryClient.Manifest manifest =
        client.getManifest(reference.repository(), reference.digest());
    if (MediaTypes.isIndex(manifest.mediaType()) || manifest.json().has("manifests")) {
      String chosen = null;
      for (JsonNode entry : manifest.json().path("manifests")) {
        JsonNode platform = entry.path("platform");
        if (os.equals(platform.path("os").asText())
            && arch.equals(platform.path("architecture").asText())) {
          chosen = entry.path("digest").asText();
          break;
        }
      }
      if (chosen == null) {
        throw new RegistryException(
            "base image " + reference + " has no " + os + "/" + arch + " image");
      }
      manifest = client.getManifest(reference.repository(), chosen);
    }
    JsonNode json = manifest.json();
    String configDigest = json.path("config").path("digest").asText();
    ObjectNode config =
        (ObjectNode)
            Json.parse(
                new String(
                    client.getBlob(reference.repository(), configDigest), StandardCharsets.UTF_8),
                "$");
    List<Blob> layers = new ArrayList<>();
    for (JsonNode layer : json.path("layers")) {
      String digest = layer.path("digest").asText();
      String mediaType = layer.path("mediaType").asText(MediaTypes.OCI_LAYER_GZIP);
      if (mediaType.equals(MediaTypes.DOCKER_LAYER_GZIP)) {
        mediaType = MediaTypes.OCI_LAYER_GZIP; // the same bytes under the OCI name
      }
      byte[] content = client.getBlob(reference.repository(), digest);
      layers.add(new Blob(mediaType, digest, content.length, content));
    }
    return new BaseImage(layers, config);
  }
}
