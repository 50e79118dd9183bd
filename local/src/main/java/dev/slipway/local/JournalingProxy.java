package dev.slipway.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The endpoint everything in the local runtime (and the `slipway` commands) calls as "AWS": a
 * loopback pass-through to moto that writes each state-changing request to the {@link Journal}.
 * State-changing requests are forwarded one at a time, so the journal's order is the order moto
 * applied them in (it matters for the ledger's conditional writes); reads pass concurrently.
 */
final class JournalingProxy implements AutoCloseable {
  /**
   * Without TCP_NODELAY the JDK's server sends headers and body in two segments, and Nagle's
   * algorithm meets the client's delayed ACK: about 40 ms more per answer (measured: a GET through
   * the proxy took 61 ms against 6 ms straight to moto). The JDK reads this system property once,
   * when its server class is first used; it is a JVM setting, so the launcher ({@code slipway}) and
   * the test JVMs (the parent pom's argLine) pass it with -D, and the code never sets it.
   */
  static final String NODELAY = "sun.net.httpserver.nodelay";

  /** Hop-by-hop or computed headers, which the HTTP client sets itself. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "host",
          "content-length",
          "connection",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive",
          "date");

  private final HttpServer server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "slipway-local-aws");
            t.setDaemon(true);
            return t;
          });
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final ReentrantLock writes = new ReentrantLock(true);
  private final String upstream;
  private final Journal journal;
  private final PrintStream log;
  private volatile boolean journaling;
  private volatile IamEnforcer iam;
  private volatile double faultRate;
  private Random faultRandom = new Random(0);
  private final Map<String, AtomicLong> faults = new ConcurrentHashMap<>();

  /** The kinds of failure a drill injects, and where they happen relative to moto applying. */
  enum Fault {
    /** 500 before moto sees the request. */
    SERVER_ERROR,
    /** Throttling (S3's 503 SlowDown, the JSON and query protocols' throttling errors). */
    THROTTLED,
    /** A 2 s stall, then the request goes through. */
    SLOW,
    /** moto applies the request, and the answer is lost (a 500 instead). */
    ANSWER_LOST
  }

  /** ECS's deployments as ECS would answer them (see Rollouts). */
  private final Rollouts rollouts;

  JournalingProxy(String upstream, Journal journal, PrintStream log, Rollouts rollouts)
      throws IOException {
    this.rollouts = rollouts;
    this.upstream = upstream;
    this.journal = journal;
    this.log = log;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Who hears of each ECS service that a call changed (cluster and service, as the call named
   * them): ECS's side reacts to UpdateService as ECS does, instead of asking the emulator about
   * every service every second.
   */
  private volatile BiConsumer<String, String> servicesChanged = (c, s) -> {};

  void onServiceChanges(BiConsumer<String, String> listener) {
    servicesChanged = listener;
  }

  private static final Set<String> ECS_SERVICE_CHANGES =
      Set.of("CreateService", "UpdateService", "DeleteService");

  /** Tells the listener of a service change that the emulator took (even if its answer is lost). */
  private void serviceChanged(Map<String, String> headers, byte[] body, int status) {
    if (status >= 300 || !ECS_SERVICE_CHANGES.contains(ecsOperation(headers))) {
      return;
    }
    try {
      var request = Json.mapper().readTree(new String(body, StandardCharsets.UTF_8));
      String service =
          request.path(request.has("serviceName") ? "serviceName" : "service").asText("");
      if (!service.isEmpty()) {
        servicesChanged.accept(request.path("cluster").asText("default"), service);
      }
    } catch (IOException e) {
      // not JSON: moto refused it, nothing changed
    }
  }

  /** Fails {@code rate} of the calls from now on, with faults drawn from {@code seed}. */
  void injectFaults(double rate, long seed) {
    faultRandom = new Random(seed);
    faultRate = rate;
  }

  /** How many faults of each kind were injected. */
  Map<String, Long> faults() {
    Map<String, Long> counts = new TreeMap<>();
    faults.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }

  private Fault drawFault(String path) {
    if (faultRate <= 0 || path.startsWith("/moto-api/")) {
      return null;
    }
    synchronized (faultRandom) {
      if (faultRandom.nextDouble() >= faultRate) {
        return null;
      }
      Fault fault = Fault.values()[faultRandom.nextInt(Fault.values().length)];
      faults.computeIfAbsent(fault.name(), k -> new AtomicLong()).incrementAndGet();
      return fault;
    }
  }

  /** The error each protocol's SDK client recognizes as retryable. */
  private static void refuse(HttpExchange exchange, Map<String, String> headers, Fault fault)
      throws IOException {
    int status;
    String contentType;
    String body;
    if (fault == Fault.THROTTLED && headers.containsKey("x-amz-target")) {
      status = 400;
      contentType = "application/x-amz-json-1.1";
      body = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded (drill)\"}";
    } else if (fault == Fault.THROTTLED
        && headers.getOrDefault("content-type", "").startsWith("application/x-www-form")) {
      status = 400;
      contentType = "text/xml";
      body =
          "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
              + "<Message>Rate exceeded (drill)</Message></Error></ErrorResponse>";
    } else if (fault == Fault.THROTTLED) {
      status = 503;
      contentType = "application/xml";
      body =
          "<Error><Code>SlowDown</Code><Message>Reduce your request rate (drill)</Message></Error>";
    } else {
      status = 500;
      contentType =
          headers.containsKey("x-amz-target") ? "application/x-amz-json-1.1" : "application/xml";
      body =
          headers.containsKey("x-amz-target")
              ? "{\"__type\":\"InternalFailure\",\"message\":\"injected (drill)\"}"
              : "<Error><Code>InternalError</Code><Message>injected (drill)</Message></Error>";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
      exchange.sendResponseHeaders(status, -1); // a HEAD answer has no body
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** From now on, requests signed as a handler are judged as its role (see IamEnforcer). */
  void enforce(IamEnforcer enforcer) {
    iam = enforcer;
  }

  /** From now on, state-changing requests are journaled (off while setting up and replaying). */
  void startJournaling() {
    journaling = true;
  }

  /** Replays journaled entries straight into moto, in order; returns how many failed. */
  int replay(List<Journal.Entry> entries) {
    int failed = 0;
    for (Journal.Entry entry : entries) {
      try {
        int status = forward(entry).statusCode();
        if (status >= 300) {
          failed++;
          log.println(
              "slipway local: replay: "
                  + entry.method()
                  + " "
                  + entry.pathAndQuery()
                  + " → "
                  + status);
        }
      } catch (IOException e) {
        failed++;
        log.println("slipway local: replay: " + entry.pathAndQuery() + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return failed + 1;
      }
    }
    return failed;
  }

  private HttpResponse<byte[]> forward(Journal.Entry entry)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(upstream + entry.pathAndQuery()))
            .timeout(Duration.ofSeconds(60))
            .method(
                entry.method(),
                entry.body().length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(entry.body()));
    entry.headers().forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String pathAndQuery =
          uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      Map<String, String> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NOT_FORWARDED.contains(lower)) {
                  headers.put(lower, String.join(",", values));
                }
              });
      byte[] body = exchange.getRequestBody().readAllBytes();
      IamEnforcer enforcer = iam;
      if (enforcer != null) {
        var denial =
            enforcer.check(
                exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers, body);
        if (denial.isPresent()) {
          IamEnforcer.refuse(exchange, headers, denial.get());
          return;
        }
      }
      Journal.Entry entry =
          new Journal.Entry(exchange.getRequestMethod(), pathAndQuery, headers, body);
      Optional<String> invalid = ecsRefusal(headers, body);
      if (invalid.isPresent()) {
        answer(exchange, 400, "InvalidParameterException", invalid.get());
        return;
      }
      Fault fault = drawFault(uri.getRawPath());
      if (fault == Fault.SERVER_ERROR || fault == Fault.THROTTLED) {
        refuse(exchange, headers, fault);
        return;
      }
      HttpResponse<byte[]> response;
      try {
        if (fault == Fault.SLOW) {
          Thread.sleep(2000);
        }
        if (journaling && Journal.changesState(entry.method(), pathAndQuery, headers, body)) {
          writes.lock();
          try {
            response = forward(entry);
            if (response.statusCode() < 300) {
              journal.append(entry);
            }
          } finally {
            writes.unlock();
          }
        } else {
          response = forward(entry);
        }
      } catch (IOException | InterruptedException e) {
        byte[] message =
            ("slipway local: the emulator did not answer: " + e.getMessage())
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(502, message.length);
        exchange.getResponseBody().write(message);
        return;
      }
      serviceChanged(headers, body, response.statusCode());
      if (fault == Fault.ANSWER_LOST) {
        refuse(exchange, headers, Fault.SERVER_ERROR);
        return;
      }
      respond(exchange, response, ecsServiceAnswer(headers) ? rollouts::rewrite : b -> b);
    }
  }

  /**
   * ECS's refusal of an UpdateService that moto would take ({@link EcsRules}): the service as it
   * stands is read from the emulator first.
   */
  private Optional<String> ecsRefusal(Map<String, String> headers, byte[] body) {
    if (!ecsOperation(headers).equals("UpdateService")) {
      return Optional.empty();
    }
    try {
      com.fasterxml.jackson.databind.JsonNode request =
          Json.mapper().readTree(new String(body, StandardCharsets.UTF_8));
      if (request.path("deploymentConfiguration").isMissingNode()) {
        return Optional.empty();
      }
      Map<String, String> describe = new LinkedHashMap<>(headers);
      describe.put("x-amz-target", ECS_TARGET + "DescribeServices");
      describe.remove("content-length");
      var query = Json.mapper().createObjectNode();
      query.put("cluster", request.path("cluster").asText("default"));
      query.putArray("services").add(request.path("service").asText());
      HttpResponse<byte[]> described =
          forward(
              new Journal.Entry(
                  "POST", "/", describe, query.toString().getBytes(StandardCharsets.UTF_8)));
      com.fasterxml.jackson.databind.JsonNode service =
          Json.mapper()
              .readTree(new String(described.body(), StandardCharsets.UTF_8))
              .path("services")
              .path(0);
      return EcsRules.updateService(request, service);
    } catch (IOException e) {
      return Optional.empty(); // not JSON: moto answers that itself
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** An error answer in the JSON protocols' form ({@code __type} and message). */
  private static void answer(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    var error = Json.mapper().createObjectNode().put("__type", type).put("message", message);
    byte[] bytes = error.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static final Set<String> ECS_SERVICE_ANSWERS =
      Set.of("DescribeServices", "CreateService", "UpdateService");

  private static boolean ecsServiceAnswer(Map<String, String> headers) {
    return ECS_SERVICE_ANSWERS.contains(ecsOperation(headers));
  }

  private static final String ECS_TARGET = "AmazonEC2ContainerServiceV20141113.";

  /** The ECS operation a JSON call names in its target header ("" for any other call). */
  private static String ecsOperation(Map<String, String> headers) {
    String target = headers.getOrDefault("x-amz-target", "");
    return target.startsWith(ECS_TARGET) ? target.substring(ECS_TARGET.length()) : "";
  }

  private static void respond(
      HttpExchange exchange, HttpResponse<byte[]> response, UnaryOperator<byte[]> rewrite)
      throws IOException {
    int status = response.statusCode();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!NOT_FORWARDED.contains(lower) && !lower.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] body = status < 300 ? rewrite.apply(response.body()) : response.body();
    if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
      // A HEAD answer carries the object's length without a body; the server leaves it as set.
      response
          .headers()
          .firstValue("content-length")
          .ifPresent(length -> exchange.getResponseHeaders().set("Content-Length", length));
      exchange.sendResponseHeaders(status, -1);
    } else if (status == 204 || status == 304 || body.length == 0) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
