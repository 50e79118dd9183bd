package dev.slipway.handler;

import dev.slipway.engine.ServiceIndex;
import dev.slipway.engine.SourceArchives;
import dev.slipway.json.Json;
import dev.slipway.release.Input;
import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.ReleaseMachine;
import dev.slipway.release.ScanPolicy;
import dev.slipway.release.SourceRef;
import dev.slipway.source.SourceCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * SnapStart priming of Slipway's own code (issue 19): what a first event does besides calling AWS,
 * done in memory before the snapshot, so that its classes are loaded and Jackson's (de)serializers
 * built. Nothing is written anywhere. Measured by {@code bench/cold-start.py} (the first event
 * after the checkpoint hook).
 */
final class Priming {
  private Priming() {}

  static final String SERVICE = "slipway-priming";

  /**
   * The ledger's records through the mapper both ways, as every handler's events read and write
   * them: Jackson builds a type's (de)serializers on its first use (about 0.1 s of a first event).
   * A release made in memory by the state machine.
   */
  static void records() throws IOException {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    Release release =
        ReleaseMachine.decide(
                null,
                new Input.SourceUploaded(
                    SERVICE,
                    at,
                    new SourceRef(SERVICE, "sources/" + SERVICE + "/priming.zip", "v", null),
                    new ReleaseConfig(
                        ScanPolicy.DEFAULT,
                        new Manifest.Deploy(SERVICE, SERVICE, "app", 60),
                        new Manifest.Health("/healthz", "/readyz", 5)),
                    null),
                at,
                null)
            .release();
    Json.mapper().readValue(Json.mapper().writeValueAsBytes(release), Release.class);
    ServiceIndex index = ServiceIndex.empty(release.service()).with(release);
    Json.mapper().readValue(Json.mapper().writeValueAsBytes(index), ServiceIndex.class);
  }

  /**
   * An upload's check, as the source step makes it: a Go module's zip as {@code slipway push} makes
   * one, read safely and planned. Valid (the test checks it), so the whole path is run.
   */
  static SourceArchives.Checked sourceCheck() throws IOException {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip)) {
      put(out, "go.mod", "module example.com/" + SERVICE + "\n\ngo 1.22\n");
      // stored, not deflated: zips come both ways, and each is read by its own path
      put(out, "main.go", "package main\n\nfunc main() {}\n", true);
      put(
          out,
          "slipway.json",
          "{\"service\": \""
              + SERVICE
              + "\", \"targets\": [\"linux/arm64\"],"
              + " \"health\": {\"liveness\": \"/healthz\", \"readiness\": \"/readyz\"},"
              + " \"deploy\": {\"cluster\": \""
              + SERVICE
              + "\"}}");
    }
    return SourceCheck.check(
        new ByteArrayInputStream(zip.toByteArray()),
        "sources/" + SERVICE + "/priming.zip",
        SERVICE + "-000000000000",
        LocalDate.of(2026, 1, 1));
  }

  private static void put(ZipOutputStream out, String name, String text) throws IOException {
    put(out, name, text, false);
  }

  /** An entry deflated, or stored as it is (a stored entry names its size and CRC first). */
  private static void put(ZipOutputStream out, String name, String text, boolean stored)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ZipEntry entry = new ZipEntry(name);
    if (stored) {
      CRC32 crc = new CRC32();
      crc.update(bytes);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(bytes.length);
      entry.setCompressedSize(bytes.length);
      entry.setCrc(crc.getValue());
    }
    out.putNextEntry(entry);
    out.write(bytes);
    out.closeEntry();
  }
}
