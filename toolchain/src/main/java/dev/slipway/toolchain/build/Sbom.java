package dev.slipway.toolchain.build;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;

/**
 * A CycloneDX 1.6 SBOM of the Go modules compiled into the binaries of one build, read from their
 * embedded build info (not from go.mod, which may list modules that were never linked). The Go
 * standard library is a component too ({@code pkg:golang/stdlib@1.x.y}), since most Go advisories
 * are against it. No timestamp and no random serial number: the same binaries give the same bytes.
 */
public final class Sbom {
  private Sbom() {}

  /** The SBOM as JSON text. */
  public static String cycloneDx(
      String service, String releaseId, Map<String, GoBuildInfo> infoByTarget) {
    Bom bom = new Bom();
    bom.setSerialNumber(null);
    Metadata metadata = new Metadata();
    metadata.setTimestamp(null); // reproducible: no build time in the SBOM
    Component root = new Component();
    root.setType(Component.Type.APPLICATION);
    root.setName(service);
    root.setVersion(releaseId);
    root.setBomRef("service:" + service);
    metadata.setComponent(root);
    List<Property> properties = new ArrayList<>();
    infoByTarget.keySet().stream()
        .sorted()
        .forEach(
            target -> {
              Property property = new Property();
              property.setName("slipway:target");
              property.setValue(target);
              properties.add(property);
            });
    metadata.setProperties(properties);
    bom.setMetadata(metadata);

    Map<String, Component> components = new TreeMap<>();
    for (GoBuildInfo info : infoByTarget.values()) {
      String stdlib =
          info.goVersion().startsWith("go") ? info.goVersion().substring(2) : info.goVersion();
      components.putIfAbsent(
          purl("stdlib", stdlib), component("stdlib", stdlib, Component.Type.FRAMEWORK));
      if (info.main() != null) {
        root.setPurl(purl(info.main().path(), releaseId));
      }
      for (GoBuildInfo.Module dep : info.deps()) {
        GoBuildInfo.Module used = dep.effective();
        String version = used.version().isEmpty() ? dep.version() : used.version();
        String path =
            used.path().startsWith(".") || used.path().startsWith("/") ? dep.path() : used.path();
        components.putIfAbsent(
            purl(path, version), component(path, version, Component.Type.LIBRARY));
      }
    }
    bom.setComponents(new ArrayList<>(components.values()));
    try {
      return BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString() + "\n";
    } catch (GeneratorException e) {
      throw new IllegalStateException("cannot write the SBOM", e);
    }
  }

  private static Component component(String path, String version, Component.Type type) {
    Component c = new Component();
    c.setType(type);
    c.setName(path);
    c.setVersion(version);
    c.setPurl(purl(path, version));
    c.setBomRef(purl(path, version));
    return c;
  }

  /** A package URL for a Go module; path segments are kept, each percent-encoded where needed. */
  static String purl(String path, String version) {
    StringBuilder out = new StringBuilder("pkg:golang/");
    String[] segments = path.split("/");
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        out.append('/');
      }
      out.append(encode(segments[i]));
    }
    return out.append('@').append(encode(version)).toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
