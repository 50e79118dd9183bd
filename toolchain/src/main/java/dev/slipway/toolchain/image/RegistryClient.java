package dev.slipway.toolchain.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client of the OCI distribution API, enough to push and read images: blob existence,
 * monolithic blob upload, manifest put and get. It answers registry challenges itself: HTTP Basic
 * with the given credentials (ECR's token is such a credential), or the Bearer token flow that
 * Docker Hub, GHCR and distribution with token auth use.
 *
 * <p>Written here rather than taken from jib-core because jib builds one image for many platforms
 * from shared layers, while Slipway needs a different binary layer per platform under one index;
 * the protocol part is small and its tests run against a real registry process.
 */
public final class RegistryClient {
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final String registry;
  private final String scheme;
  private final Credentials credentials;
  private final HttpClient http;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  /** A user name and password (or token) for a registry. */
  public record Credentials(String username, String password) {
    @Override
    public String toString() {
      return "Credentials[username=" + username + ", password=<redacted>]";
    }

    String basic() {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A fetched manifest: its media type, digest and bytes. */
  public record Manifest(String mediaType, String digest, byte[] content) {
    public JsonNode json() {
      return Json.parse(new String(content, StandardCharsets.UTF_8), "$");
    }
  }

  public RegistryClient(String registry, boolean plainHttp, Credentials credentials) {
    this.registry = registry;
    this.scheme = plainHttp ? "http" : "https";
    this.credentials = credentials;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  public String registry() {
    return registry;
  }

  /** True when the repository already holds the blob (so it need not be uploaded again). */
  public boolean hasBlob(String repository, String digest) throws RegistryException {
    HttpResponse<byte[]> response =
        send(
            repository,
            HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            "check blob " + shortDigest(digest));
    if (response.statusCode() == 200) {
      return true;
    }
    if (response.statusCode() == 404) {
      return false;
    }
    throw refused(response, "check blob " + shortDigest(digest));
  }

  /** Uploads a blob in one request unless the repository has it already. */
  public void pushBlob(String repository, Blob blob) throws RegistryException {
    if (hasBlob(repository, blob.digest())) {
      return;
    }
    String what = "upload blob " + shortDigest(blob.digest());
    HttpResponse<byte[]> started =
        send(
            repository,
            HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            what);
    if (started.statusCode() != 202) {
      throw refused(started, what);
    }
    String location =
        started
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () -> new RegistryException(registry + " gave no upload location for " + what));
    URI upload = url("/").resolve(location);
    String separator = upload.getQuery() == null ? "?" : "&";
    URI put =
        URI.create(
            upload
                + separator
                + "digest="
                + URLEncoder.encode(blob.digest(), StandardCharsets.UTF_8));
    HttpResponse<byte[]> done =
        send(
            repository,
            HttpRequest.newBuilder(put)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob.content())),
            what);
    if (done.statusCode() != 201) {
      throw refused(done, what);
    }
  }

  /** Puts a manifest under {@code reference} (a tag or its digest); returns the digest. */
  public String putManifest(String repository, String reference, Blob manifest)
      throws RegistryException {
    String what = "put manifest " + reference;
    HttpResponse<byte[]> response =
        send(
            repository,
            HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", manifest.mediaType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.content())),
            what);
    if (response.statusCode() != 201 && response.statusCode() != 200) {
      throw refused(response, what);
    }
    return response.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
  }

  /**
   * Puts an artifact manifest with a {@code subject} by its digest; true when the registry keeps
   * the referrer link itself (it answered with {@code OCI-Subject}, OCI distribution 1.1).
   */
  public boolean putReferrer(String repository, Blob manifest) throws RegistryException {
    String what = "put referrer " + shortDigest(manifest.digest());
    HttpResponse<byte[]> response =
        send(
            repository,
            HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + manifest.digest()))
                .header("Content-Type", manifest.mediaType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.content())),
            what);
    if (response.statusCode() != 201 && response.statusCode() != 200) {
      throw refused(response, what);
    }
    return response.headers().firstValue("OCI-Subject").isPresent();
  }

  /** Reads a manifest or index; its digest is checked when {@code reference} is a digest. */
  public Manifest getManifest(String repository, String reference) throws RegistryException {
    String what = "get manifest " + reference;
    HttpResponse<byte[]> response =
        send(
            repository,
            HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + reference))
                .header("Accept", String.join(", ", MediaTypes.ACCEPTED_MANIFESTS))
                .GET(),
            what);
    if (response.statusCode() != 200) {
      throw refused(response, what);
    }
    byte[] body = response.body();
    String digest = Blob.sha256(body);
    if (reference.startsWith("sha256:") && !reference.equals(digest)) {
      throw new RegistryException(
          registry + " returned a manifest whose digest is " + digest + ", not " + reference);
    }
    String mediaType =
        response
            .headers()
            .firstValue("Content-Type")
            .map(t -> t.split(";")[0].strip())
            .orElse(MediaTypes.OCI_MANIFEST);
    return new Manifest(mediaType, digest, body);
  }

  /** Reads a blob and checks its digest. */
  public byte[] getBlob(String repository, String digest) throws RegistryException {
    String what = "get blob " + shortDigest(digest);
    HttpResponse<byte[]> response =
        send(
            repository,
            HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/" + digest)).GET(),
            what);
    if (response.statusCode() != 200) {
      throw refused(response, what);
    }
    if (!Blob.sha256(response.body()).equals(digest)) {
      throw new RegistryException(
          registry + " returned blob content that does not match " + digest);
    }
    return response.body();
  }

  private HttpResponse<byte[]> send(String repository, HttpRequest.Builder request, String what)
      throws RegistryException {
    String scope = "repository:" + repository + ":pull,push";
    String auth = tokens.get(scope);
    HttpResponse<byte[]> response = exchange(request.copy(), auth, what);
    if (response.statusCode() != 401) {
      return response;
    }
    String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
    String answer = answer(challenge, scope, what);
    if (answer == null) {
      throw refused(response, what);
    }
    tokens.put(scope, answer);
    return exchange(request.copy(), answer, what);
  }

  private HttpResponse<byte[]> exchange(HttpRequest.Builder request, String auth, String what)
      throws RegistryException {
    if (auth != null) {
      request.header("Authorization", auth);
    }
    try {
      return http.send(
          request.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      String reason =
          e instanceof ConnectException
              ? "connection refused"
              : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new RegistryException(
          "cannot reach registry " + registry + " to " + what + ": " + reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while trying to " + what);
    }
  }

  /** The Authorization value that answers a 401 challenge, or null when there is none to give. */
  private String answer(String challenge, String scope, String what) throws RegistryException {
    String lower = challenge.toLowerCase(Locale.ROOT);
    if (lower.startsWith("basic")) {
      return credentials == null ? null : credentials.basic();
    }
    if (!lower.startsWith("bearer")) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      return null;
    }
    StringBuilder tokenUrl = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (params.containsKey("service")) {
      tokenUrl
          .append("service=")
          .append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8))
          .append('&');
    }
    tokenUrl
        .append("scope=")
        .append(URLEncoder.encode(params.getOrDefault("scope", scope), StandardCharsets.UTF_8));
    HttpRequest.Builder tokenRequest =
        HttpRequest.newBuilder(URI.create(tokenUrl.toString())).GET();
    HttpResponse<byte[]> response =
        exchange(tokenRequest, credentials == null ? null : credentials.basic(), what + " (token)");
    if (response.statusCode() != 200) {
      throw refused(response, "get a token to " + what);
    }
    JsonNode body = Json.parse(new String(response.body(), StandardCharsets.UTF_8), "$");
    String token =
        Optional.ofNullable(body.get("token"))
            .or(() -> Optional.ofNullable(body.get("access_token")))
            .map(JsonNode::asText)
            .orElse(null);
    return token == null ? null : "Bearer " + token;
  }

  private RegistryException refused(HttpResponse<byte[]> response, String what) {
    String detail = "";
    try {
      JsonNode errors =
          Json.parse(new String(response.body(), StandardCharsets.UTF_8), "$").get("errors");
      if (errors != null && errors.isArray() && !errors.isEmpty()) {
        JsonNode first = errors.get(0);
        detail = ": " + first.path("code").asText() + " " + first.path("message").asText();
      }
    } catch (RuntimeException notJson) {
      // a proxy's HTML page or an empty body: the status says enough
    }
    return new RegistryException(
        "registry "
            + registry
            + " refused to "
            + what
            + " (HTTP "
            + response.statusCode()
            + detail
            + ")");
  }

  private URI url(String path) {
    return URI.create(scheme + "://" + registry + path);
  }

  private static String shortDigest(String digest) {
    return digest.length() > 19 ? digest.substring(0, 19) : digest;
  }
}
