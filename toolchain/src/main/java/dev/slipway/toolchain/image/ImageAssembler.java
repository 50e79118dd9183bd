package dev.slipway.toolchain.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import dev.slipway.release.BuildPlan;
import dev.slipway.release.Platform;
import dev.slipway.toolchain.build.BuildReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lays each Linux binary of a build onto its base as one OCI image per platform, plus the index.
 * With the {@code scratch} base, the first layer holds {@code /etc/passwd} and {@code /etc/group}
 * for the non-root user, the CA bundle, {@code /tmp} and the user's home; the second holds the
 * binary. Timestamps are the epoch, JSON is written in a fixed order, so the same binaries and
 * options always give the same digests.
 */
public final class ImageAssembler {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String CREATED = "1970-01-01T00:00:00Z";
  private static final String CA_PATH = "etc/ssl/certs/ca-certificates.crt";

  /**
   * Inputs beyond the build: the CA bundle for scratch, a base per platform, and the source URL.
   */
  public record Options(byte[] caBundle, Map<String, BaseImage> bases, String source) {
    public Options {
      bases = bases == null ? Map.of() : Map.copyOf(bases);
    }
  }

  private ImageAssembler() {}

  public static Image assemble(BuildReport report, Path out, Options options) throws IOException {
    BuildPlan.ImagePlan plan = report.image();
    List<Image.PlatformImage> images = new ArrayList<>();
    ArrayNode manifests = NODES.arrayNode();
    for (Platform platform : plan.platforms()) {
      BuildReport.Target target =
          report.targets().stream()
              .filter(t -> t.platform().equals(platform.toString()))
              .findFirst()
              .orElseThrow(() -> new IOException("the build has no binary for " + platform));
      byte[] binary = Files.readAllBytes(out.resolve(target.path()));
      if (!GoBuildDigest.matches(binary, target.sha256())) {
        throw new IOException(target.path() + " does not match the sha256 in the build report");
      }
      BaseImage base = options.bases().get(platform.toString());
      List<Blob> layers = new ArrayList<>();
      List<String> diffIds = new ArrayList<>();
      ArrayNode history = NODES.arrayNode();
      ObjectNode baseConfig = base == null ? null : base.config();
      if (base != null) {
        layers.addAll(base.layers());
        baseConfig.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        baseConfig.path("history").forEach(h -> history.add(h.deepCopy()));
      } else {
        Layer.Built files = baseFiles(plan, options.caBundle());
        layers.add(files.blob());
        diffIds.add(files.diffId());
        history.add(historyEntry("slipway image: /etc/passwd, /etc/group, CA certificates, /tmp"));
      }
      Layer.Built app =
          new Layer()
              .add(Layer.Entry.file(plan.entrypoint().get(0).substring(1), 0755, binary))
              .build();
      layers.add(app.blob());
      diffIds.add(app.diffId());
      history.add(
          historyEntry(
              "slipway image: " + plan.entrypoint().get(0) + " (" + report.releaseId() + ")"));

      Blob config =
          Blob.of(
              MediaTypes.OCI_CONFIG,
              bytes(config(plan, report, platform, baseConfig, diffIds, history, options)));
      ObjectNode manifest = NODES.objectNode();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
      manifest.set("config", descriptor(config));
      ArrayNode layerArray = manifest.putArray("layers");
      layers.forEach(l -> layerArray.add(descriptor(l)));
      Blob manifestBlob = Blob.of(MediaTypes.OCI_MANIFEST, bytes(manifest));
      images.add(new Image.PlatformImage(platform.toString(), manifestBlob, config, layers));

      ObjectNode entry = descriptor(manifestBlob);
      ObjectNode p = entry.putObject("platform");
      p.put("architecture", platform.arch());
      p.put("os", platform.os());
      if (platform.variant() != null) {
        p.put("variant", platform.variant());
      }
      manifests.add(entry);
    }
    ObjectNode index = NODES.objectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.set("manifests", manifests);
    index.set("annotations", annotations(plan, options));
    return new Image(Blob.of(MediaTypes.OCI_INDEX, bytes(index)), images);
  }

  private static Layer.Built baseFiles(BuildPlan.ImagePlan plan, byte[] caBundle)
      throws IOException {
    String user = plan.user();
    int uid = plan.uid();
    String passwd =
        "root:x:0:0:root:/root:/sbin/nologin\n"
            + user
            + ":x:"
            + uid
            + ":"
            + uid
            + ":"
            + user
            + ":/home/"
            + user
            + ":/sbin/nologin\n";
    String group = "root:x:0:\n" + user + ":x:" + uid + ":\n";
    Layer layer =
        new Layer()
            .add(Layer.Entry.directory("etc", 0755))
            .add(Layer.Entry.file("etc/passwd", 0644, passwd.getBytes(StandardCharsets.UTF_8)))
            .add(Layer.Entry.file("etc/group", 0644, group.getBytes(StandardCharsets.UTF_8)))
            .add(Layer.Entry.directory("home", 0755))
            .add(Layer.Entry.directory("home/" + user, 0700).ownedBy(uid, uid))
            .add(Layer.Entry.directory("tmp", 01777));
    if (caBundle != null) {
      layer
          .add(Layer.Entry.directory("etc/ssl", 0755))
          .add(Layer.Entry.directory("etc/ssl/certs", 0755))
          .add(Layer.Entry.file(CA_PATH, 0644, caBundle));
    }
    return layer.build();
  }

  private static ObjectNode config(
      BuildPlan.ImagePlan plan,
      BuildReport report,
      Platform platform,
      ObjectNode baseConfig,
      List<String> diffIds,
      ArrayNode history,
      Options options) {
    ObjectNode config = NODES.objectNode();
    config.put("created", CREATED);
    config.put("architecture", platform.arch());
    config.put("os", platform.os());
    if (platform.variant() != null) {
      config.put("variant", platform.variant());
    }
    ObjectNode c = config.putObject("config");
    c.put("User", plan.uid() + ":" + plan.uid());
    c.putObject("ExposedPorts").putObject(plan.port() + "/tcp");
    ArrayNode env = c.putArray("Env");
    JsonNode baseEnv = baseConfig == null ? null : baseConfig.path("config").path("Env");
    if (baseEnv != null && baseEnv.isArray() && !baseEnv.isEmpty()) {
      baseEnv.forEach(e -> env.add(e.asText()));
    } else {
      env.add("PATH=/usr/local/bin:/usr/bin:/bin");
      if (options.caBundle() != null) {
        env.add("SSL_CERT_FILE=/" + CA_PATH);
      }
    }
    ArrayNode entrypoint = c.putArray("Entrypoint");
    plan.entrypoint().forEach(entrypoint::add);
    c.put("WorkingDir", "/");
    c.set("Labels", annotations(plan, options));
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    diffIds.forEach(ids::add);
    config.set("history", history);
    return config;
  }

  private static ObjectNode annotations(BuildPlan.ImagePlan plan, Options options) {
    Map<String, String> labels = new TreeMap<>(plan.labels());
    if (options.source() != null) {
      labels.put("org.opencontainers.image.source", options.source());
    }
    ObjectNode out = NODES.objectNode();
    labels.forEach(out::put);
    return out;
  }

  private static ObjectNode historyEntry(String createdBy) {
    ObjectNode h = NODES.objectNode();
    h.put("created", CREATED);
    h.put("created_by", createdBy);
    return h;
  }

  private static ObjectNode descriptor(Blob blob) {
    ObjectNode d = NODES.objectNode();
    d.put("mediaType", blob.mediaType());
    d.put("digest", blob.digest());
    d.put("size", blob.size());
    return d;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise image JSON", e);
    }
  }

  /** Checks binaries against the report before they go into an image. */
  private static final class GoBuildDigest {
    static boolean matches(byte[] content, String sha256Hex) {
      return Blob.sha256(content).equals("sha256:" + sha256Hex);
    }
  }
}
