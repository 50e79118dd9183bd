package dev.slipway.toolchain.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * The release's CycloneDX SBOM attached to its image, as ko attaches one: an OCI artifact manifest
 * (artifact type {@value #ARTIFACT_TYPE}, the empty config, the SBOM as its one layer) whose {@code
 * subject} is the image index, so {@code oras discover}, {@code cosign tree} or any client of the
 * referrers API finds it. Pushed by digest. A registry that answers the push with {@code
 * OCI-Subject} keeps the referrers itself (OCI distribution 1.1, as ECR does); for one that does
 * not (distribution 3.0.0, the registry Slipway installs locally), the referrers tag schema's
 * fallback: an index under the tag {@code sha256-<hex of the image digest>} listing the artifact,
 * merged with what it listed. Reproducible: the same SBOM and image give the same artifact digest.
 */
public final class SbomAttachment {
  public static final String ARTIFACT_TYPE = "application/vnd.cyclonedx+json";

  /** OCI 1.1's empty descriptor content, {@code {}}. */
  static final Blob EMPTY_CONFIG =
      Blob.of("application/vnd.oci.empty.v1+json", "{}".getBytes(StandardCharsets.UTF_8));

  private SbomAttachment() {}

  /** The artifact's digest, and how the registry keeps the link (its API, or the tag). */
  public record Attached(String digest, String how) {}

  public static Attached attach(RegistryClient client, String repository, Blob subject, byte[] sbom)
      throws RegistryException {
    Blob layer = Blob.of(ARTIFACT_TYPE, sbom);
    ObjectNode manifest = Json.mapper().createObjectNode();
    manifest
        .put("schemaVersion", 2)
        .put("mediaType", MediaTypes.OCI_MANIFEST)
        .put("artifactType", ARTIFACT_TYPE);
    descriptor(manifest.putObject("config"), EMPTY_CONFIG);
    descriptor(manifest.putArray("layers").addObject(), layer);
    descriptor(manifest.putObject("subject"), subject);
    Blob artifact =
        Blob.of(MediaTypes.OCI_MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8));
    client.pushBlob(repository, EMPTY_CONFIG);
    client.pushBlob(repository, layer);
    if (client.putReferrer(repository, artifact)) {
      return new Attached(artifact.digest(), "referrers API");
    }
    String tag = subject.digest().replace(':', '-');
    ArrayNode listed = Json.mapper().createArrayNode();
    try {
      JsonNode existing = client.getManifest(repository, tag).json();
      for (JsonNode m : existing.path("manifests")) {
        if (!m.path("digest").asText().equals(artifact.digest())) {
          listed.add(m);
        }
      }
    } catch (RegistryException none) {
      // no referrers yet: the tag is created
    }
    ObjectNode entry = descriptor(listed.addObject(), artifact);
    entry.put("artifactType", ARTIFACT_TYPE);
    ObjectNode index = Json.mapper().createObjectNode();
    index.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    index.set("manifests", listed);
    client.putManifest(
        repository,
        tag,
        Blob.of(MediaTypes.OCI_INDEX, index.toString().getBytes(StandardCharsets.UTF_8)));
    return new Attached(artifact.digest(), "tag " + tag);
  }

  private static ObjectNode descriptor(ObjectNode node, Blob blob) {
    node.put("mediaType", blob.mediaType()).put("digest", blob.digest()).put("size", blob.size());
    return node;
  }
}
