package dev.slipway.engine;

import dev.slipway.release.Release;
import java.util.Optional;

/**
 * The ledger's layout over an object store with conditional writes, written once for every backend:
 * {@code releases/<service>/<id>.json} and {@code releases/<service>/index.json}. A backend says
 * how to read an object and how to write one only when absent ({@code ifMatch} null) or only over
 * the version read; the join keys and the service listing are its own.
 */
public abstract class ObjectLedger implements ReleaseLedger {

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
  public Optional<Versioned<Release>> read(String service, String releaseId) {
    return get(releaseKey(service, releaseId), Release.class);
  }

  @Override
  public Optional<String> create(Release release) {
    return put(releaseKey(release.service(), release.id()), release, null);
  }

  @Override
  public Optional<String> replace(Release release, String version) {
    return put(releaseKey(release.service(), release.id()), release, version);
  }

  @Override
  public Optional<Versioned<ServiceIndex>> readIndex(String service) {
    return get(indexKey(service), ServiceIndex.class);
  }

  @Override
  public boolean createIndex(ServiceIndex index) {
    return put(indexKey(index.service()), index, null).isPresent();
  }

  @Override
  public boolean replaceIndex(ServiceIndex index, String version) {
    return put(indexKey(index.service()), index, version).isPresent();
  }
}
