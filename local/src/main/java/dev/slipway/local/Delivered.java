package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import dev.slipway.release.Sha256;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The events the dispatcher has handled, across restarts. Replaying the {@link Journal} puts every
 * past event on the queues again (EventBridge gives them new ids and times), so an event is known
 * by its content without {@code id} and {@code time}. Only events handled by an earlier run are
 * skipped: within one run every delivery reaches the handlers, so the duplicate drills still test
 * the engine and not this file.
 */
final class Delivered implements AutoCloseable {
  private final Set<String> earlier = new HashSet<>();
  private final OutputStream out;

  Delivered(Path file) throws IOException {
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.length() == 64) {
          earlier.add(line); // a torn last line is shorter, and that event is handled again
        }
      }
    }
    out = new FileOutputStream(file.toFile(), true);
    if (Files.size(file) > 0 && !Files.readString(file).endsWith("\n")) {
      out.write('\n'); // after a torn line, the next fingerprint starts a line of its own
    }
  }

  /** How many events earlier runs handled. */
  int earlier() {
    return earlier.size();
  }

  boolean handledEarlier(String body) {
    return !earlier.isEmpty() && earlier.contains(fingerprint(body));
  }

  synchronized void handled(String body) throws IOException {
    out.write((fingerprint(body) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  static String fingerprint(String body) {
    String content = body;
    try {
      JsonNode event = Json.mapper().readTree(body);
      if (event instanceof ObjectNode object) {
        object.remove("id");
        object.remove("time");
        content = object.toString();
      }
    } catch (IOException notJson) {
      // fingerprinted as it is
    }
    return Sha256.hex(content);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
