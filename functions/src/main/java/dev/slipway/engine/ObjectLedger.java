package dev.slipway.engine;

import dev.slipway.release.Release;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's layout over an object store with conditional writes, written once for every backend:
 * {@code releases/<service>/<id>.json}, {@code releases/<service>/index.json} and {@code
 * cursors/<name>.json}. A backend says how to read an object and how to write one only when absent
 * ({@code ifMatch} null) or only over the version read; the join keys and the service listing are
 * its own.
 */
public abstract class ObjectLedger implements ReleaseLedger {

  /**
   * Inside {@link #beginEvent}/{@link #endEvent}, this thread's reads and winning writes of records
   * and indexes, by key: a handler reads a release and its index again at each step of one event
   * (admission, the decision, each effect), and those reads are answered from what this event last
   * read or wrote instead of S3. Safe because every write is conditional on the version: a copy
   * someone else has since replaced makes the write fail, which forgets the key, and the engine
   * reads again and decides again, as it does for any stale read. Null outside an event, so a
   * long-lived reader (the CLI's --follow) always reads S3.
   */
  private final ThreadLocal<Map<String, Versioned<?>>> thisEvent = new ThreadLocal<>();

  /** This event found nothing at the key. */
  private static final Versioned<?> ABSENT = new Versioned<>(new Object(), "absent");

  /** The object at {@code key} and its version, or empty when there is none. */
  protected abstract <T> Optional<Versioned<T>> get(String key, Class<T> type);

  /**
   * Writes {@code value} at {@code key} when absent ({@code ifMatch} null) or when the stored
   * version is {@code ifMatch}; the new version, or empty when the condition failed.
   */
  protected abstract Optional<String> put(String key, Object value, String ifMatch);

  protected static String releaseKey(String service, String id) {
    return "releases/" + service + "/" + id + ".json";
  }

  protected static String indexKey(String service) {
    return "releases/" + service + "/index.json";
  }

  @Override
  public void beginEvent() {
    thisEvent.set(new HashMap<>());
  }

  @Override
  public void endEvent() {
    thisEvent.remove();
  }

  @Override
  public void assumeAbsent(String service, String releaseId) {
    Map<String, Versioned<?>> seen = thisEvent.get();
    if (seen != null) {
      seen.putIfAbsent(releaseKey(service, releaseId), ABSENT);
    }
  }

  @Override
  public Optional<Versioned<Release>> read(String service, String releaseId) {
    return cachedGet(releaseKey(service, releaseId), Release.class);
  }

  @Override
  public Optional<String> create(Release release) {
    return cachedPut(releaseKey(release.service(), release.id()), release, null);
  }

  @Override
  public Optional<String> replace(Release release, String version) {
    return cachedPut(releaseKey(release.service(), release.id()), release, version);
  }

  @Override
  public Optional<Versioned<ServiceIndex>> readIndex(String service) {
    return cachedGet(indexKey(service), ServiceIndex.class);
  }

  @Override
  public boolean createIndex(ServiceIndex index) {
    return cachedPut(indexKey(index.service()), index, null).isPresent();
  }

  @Override
  public boolean replaceIndex(ServiceIndex index, String version) {
    return cachedPut(indexKey(index.service()), index, version).isPresent();
  }

  /**
   * Read past the event's read cache, on purpose: a cursor is read once by an instance that has not
   * written it (the reconciler keeps the one it wrote), and a cached copy would be one it cannot
   * write over.
   */
  @Override
  public Optional<Versioned<Cursor>> cursor(String name) {
    return get(cursorKey(name), Cursor.class);
  }

  @Override
  public Optional<String> saveCursor(String name, Cursor cursor, String version) {
    return put(cursorKey(name), cursor, version);
  }

  private static String cursorKey(String name) {
    return "cursors/" + name + ".json";
  }

  private <T> Optional<Versioned<T>> cachedGet(String key, Class<T> type) {
    Map<String, Versioned<?>> seen = thisEvent.get();
    Versioned<?> hit = seen == null ? null : seen.get(key);
    if (hit == ABSENT) {
      return Optional.empty(); // a create over it is conditional on absence too
    }
    if (hit != null && type.isInstance(hit.value())) {
      return Optional.of(new Versioned<>(type.cast(hit.value()), hit.version()));
    }
    Optional<Versioned<T>> read = get(key, type);
    if (seen != null) {
      seen.put(key, read.<Versioned<?>>map(v -> v).orElse(ABSENT));
    }
    return read;
  }

  private Optional<String> cachedPut(String key, Object value, String ifMatch) {
    Optional<String> version = put(key, value, ifMatch);
    Map<String, Versioned<?>> seen = thisEvent.get();
    if (seen != null) {
      if (version.isPresent() && !version.get().isEmpty()) {
        seen.put(key, new Versioned<>(value, version.get()));
      } else {
        seen.remove(key); // someone else's copy is newer (or S3 gave no ETag): read it again
      }
    }
    return version;
  }
}
