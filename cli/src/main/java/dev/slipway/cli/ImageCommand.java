package dev.slipway.cli;

import dev.slipway.json.Json;
import dev.slipway.json.JsonProblem;
import dev.slipway.release.Platform;
import dev.slipway.toolchain.build.BuildReport;
import dev.slipway.toolchain.image.BaseImage;
import dev.slipway.toolchain.image.EcrCredentials;
import dev.slipway.toolchain.image.Image;
import dev.slipway.toolchain.image.ImageAssembler;
import dev.slipway.toolchain.image.ImagePublisher;
import dev.slipway.toolchain.image.ImageReference;
import dev.slipway.toolchain.image.RegistryClient;
import dev.slipway.toolchain.image.RegistryException;
import dev.slipway.toolchain.image.SbomAttachment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway image OUT --to REF}: package a build as a multi-platform OCI image. */
@Command(
    name = "image",
    description = {
      "Lay the Linux binaries of the build in OUT onto a minimal base (scratch with CA certificates and"
          + " a non-root user, or the manifest's base pinned by digest), one image per platform plus an"
          + " OCI index, and push it to REF or write it as an OCI layout. No Docker daemon, no QEMU.",
      "Prints the index digest. Exit 0 when published, 1 when a registry failed or refused, 2 for bad"
          + " input."
    })
final class ImageCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OUT", description = "a `slipway build` output directory")
  Path out;

  @CommandLine.ArgGroup(multiplicity = "1")
  Destination destination;

  static final class Destination {
    @Option(
        names = "--to",
        paramLabel = "REF",
        description = "registry/repository[:tag]; the tag defaults to the release id")
    String to;

    @Option(
        names = "--oci-layout",
        paramLabel = "DIR",
        description = "write an OCI image layout here instead")
    Path layout;
  }

  @Option(
      names = "--ca-bundle",
      paramLabel = "FILE",
      defaultValue = "/etc/ssl/certs/ca-certificates.crt",
      description = "CA certificates for a scratch image (default: ${DEFAULT-VALUE})")
  Path caBundle;

  @Option(
      names = "--source",
      paramLabel = "URL",
      description = "org.opencontainers.image.source label")
  String source;

  @Option(
      names = "--plain-http",
      description = "talk HTTP, not HTTPS, to the registry (automatic for loopback)")
  boolean plainHttp;

  @Override
  public Integer call() throws IOException {
    var err = spec.commandLine().getErr();
    BuildReport report;
    try {
      report =
          Json.mapper()
              .readValue(Files.readString(out.resolve(BuildReport.FILE_NAME)), BuildReport.class);
    } catch (NoSuchFileException e) {
      err.println(
          "slipway image: " + out + ": no " + BuildReport.FILE_NAME + " (run slipway build first)");
      return Slipway.BAD_INPUT;
    } catch (IOException | JsonProblem e) {
      err.println(
          "slipway image: "
              + out.resolve(BuildReport.FILE_NAME)
              + ": unreadable: "
              + e.getMessage());
      return Slipway.BAD_INPUT;
    }
    ImageReference target = null;
    if (destination.to != null) {
      target = ImageReference.parse(destination.to).orElse(null);
      if (target == null || target.digest() != null) {
        err.println(
            "slipway image: --to: '"
                + destination.to
                + "' is not registry/repository[:tag] (e.g. 127.0.0.1:5000/team/app)");
        return Slipway.BAD_INPUT;
      }
      if (target.tag() == null) {
        target = target.withTag(report.releaseId());
      }
    } else if (Files.exists(destination.layout)) {
      err.println("slipway image: --oci-layout: " + destination.layout + " already exists");
      return Slipway.BAD_INPUT;
    }

    String base = report.image().base();
    byte[] ca = null;
    Map<String, BaseImage> bases = new LinkedHashMap<>();
    try {
      if (base.equals("scratch")) {
        if (!Files.isReadable(caBundle)) {
          err.println(
              "slipway image: --ca-bundle: "
                  + caBundle
                  + " cannot be read (install ca-certificates or pass a bundle)");
          return Slipway.BAD_INPUT;
        }
        ca = Files.readAllBytes(caBundle);
      } else {
        ImageReference baseRef = ImageReference.parse(base).orElseThrow();
        RegistryClient baseClient = client(baseRef);
        for (Platform platform : report.image().platforms()) {
          bases.put(
              platform.toString(),
              BaseImage.pull(baseClient, baseRef, platform.os(), platform.arch()));
        }
      }
      Image image =
          ImageAssembler.assemble(report, out, new ImageAssembler.Options(ca, bases, source));
      if (target != null) {
        RegistryClient registry = client(target);
        ImagePublisher.push(registry, target.repository(), target.tag(), image);
        err.println(
            "slipway image: pushed " + target + " (" + image.platforms().size() + " platforms)");
        if (report.sbom() != null && Files.isRegularFile(out.resolve(report.sbom()))) {
          // The SBOM with the image, as an artifact that refers to it (stdout keeps the image's
          // digest alone: the image build reads it from there).
          SbomAttachment.Attached sbom =
              SbomAttachment.attach(
                  registry,
                  target.repository(),
                  image.index(),
                  Files.readAllBytes(out.resolve(report.sbom())));
          err.println("slipway image: SBOM " + sbom.digest() + " attached (" + sbom.how() + ")");
        }
      } else {
        ImagePublisher.writeLayout(destination.layout, report.releaseId(), image);
        err.println("slipway image: wrote OCI layout " + destination.layout);
      }
      spec.commandLine().getOut().println(image.index().digest());
      return Slipway.OK;
    } catch (RegistryException e) {
      err.println("slipway image: " + e.getMessage());
      return Slipway.FAILED;
    }
  }

  private RegistryClient client(ImageReference reference) throws RegistryException {
    RegistryClient.Credentials credentials = null;
    if (EcrCredentials.accountAndRegion(reference.registry()).isPresent()) {
      credentials = EcrCredentials.fetch(reference.registry());
    } else if (System.getenv("SLIPWAY_REGISTRY_USERNAME") != null) {
      credentials =
          new RegistryClient.Credentials(
              System.getenv("SLIPWAY_REGISTRY_USERNAME"),
              System.getenv().getOrDefault("SLIPWAY_REGISTRY_PASSWORD", ""));
    }
    return new RegistryClient(
        reference.registry(), plainHttp || reference.isLoopback(), credentials);
  }
}
