package dev.slipway.engine;

import dev.slipway.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger port in memory, with the same contract as S3's conditional writes: create only when
 * absent, replace only when the version matches. Records go through JSON both ways, as in S3, so a
 * field the ledger cannot round-trip fails here first.
 */
public final class InMemoryLedger extends ObjectLedger {
  private record Stored(String json, String version) {}

  private final Map<String, Stored> objects = new ConcurrentHashMap<>();
  private final Map<String, ReleaseKey> links = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();
  final AtomicLong conflicts = new AtomicLong();

  /** Requests made, by kind: what a release costs in ledger traffic (S3 requests in AWS). */
  final AtomicLong releaseReads = new AtomicLong();

  final AtomicLong indexReads = new AtomicLong();
  final AtomicLong cursorReads = new AtomicLong();
  final AtomicLong writes = new AtomicLong();

  @Override
  protected <T> Optional<Versioned<T>> get(String key, Class<T> type) {
    (key.startsWith("cursors/")
            ? cursorReads
            : key.endsWith("/index.json") ? indexReads : releaseReads)
        .incrementAndGet();
    Stored stored = objects.get(key);
    if (stored == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Versioned<>(Json.mapper().readValue(stored.json(), type), stored.version()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected synchronized Optional<String> put(String key, Object value, String expectedVersion) {
    writes.incrementAndGet();
    Stored current = objects.get(key);
    if (expectedVersion == null
        ? current != null
        : current == null || !current.version().equals(expectedVersion)) {
      conflicts.incrementAndGet();
      return Optional.empty();
    }
    String version = "v" + versions.incrementAndGet();
    try {
      objects.put(key, new Stored(Json.mapper().writeValueAsString(value), version));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(version);
  }

  @Override
  public boolean link(String key, ReleaseKey release) {
    return links.putIfAbsent(key, release) == null;
  }

  @Override
  public void relink(String key, ReleaseKey release) {
    links.put(key, release);
  }

  /** The join keys looked up, in order (each a GET in S3, found or not). */
  final List<String> lookups = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public Optional<ReleaseKey> linked(String key) {
    lookups.add(key);
    return Optional.ofNullable(links.get(key));
  }

  @Override
  public List<String> releaseIds(String service) {
    String under = "releases/" + service + "/";
    return objects.keySet().stream()
        .filter(k -> k.startsWith(under) && !k.equals(indexKey(service)))
        .map(k -> k.substring(under.length(), k.length() - ".json".length()))
        .sorted()
        .toList();
  }

  @Override
  public List<String> services() {
    List<String> out = new ArrayList<>();
    objects.keySet().stream()
        .filter(k -> k.endsWith("/index.json"))
        .map(k -> k.substring("releases/".length(), k.length() - "/index.json".length()))
        .sorted()
        .forEach(out::add);
    return out;
  }
}
