package dev.slipway.release;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import dev.slipway.json.JsonField;
import dev.slipway.json.JsonProblem;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code slipway.json}. Every problem is collected (not just the first), each
 * with its field path and the offending value, so one run of {@code slipway plan} shows all that
 * needs fixing. A two-line manifest, {@code {"service": "hello"}}, is complete: everything else has
 * a default.
 *
 * <p>Why this is long: one reader per manifest section, each naming the field and value it refuses;
 * the grammar itself is in ManifestGrammar.
 */
public final class ManifestReader {
  /** The file name at the root of a source tree. */
  public static final String FILE_NAME = "slipway.json";

  /** Largest manifest accepted; real ones are a few hundred bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  static final List<String> DEFAULT_TARGETS = List.of("linux/amd64", "linux/arm64");
  static final int DEFAULT_PORT = 8080;

  /** The cluster a manifest names by default: the service's declared first environment's. */
  static final String DEFAULT_CLUSTER = "default";

  static final String DEFAULT_USER = "nonroot";
  static final int DEFAULT_UID = 65532;
  static final int DEFAULT_GRACE_SECONDS = 30;
  static final String DEFAULT_LIVENESS = "/healthz";
  static final String DEFAULT_READINESS = "/readyz";
  static final int DEFAULT_BAKE_SECONDS = 300;
  static final int MAX_BAKE_SECONDS = 6 * 3600;

  private static final Set<String> TOP =
      Set.of(
          "$schema",
          "service",
          "main",
          "targets",
          "tags",
          "xflags",
          "test",
          "go",
          "compress",
          "image",
          "health",
          "scan",
          "deploy",
          "dockerfile");
  private static final Set<String> DOCKERFILE = Set.of("path", "context", "platforms");
  private static final Set<String> IMAGE = Set.of("platforms", "base", "port", "user", "uid");
  private static final Set<String> HEALTH =
      Set.of(
          "liveness",
          "readiness",
          "gracePeriodSeconds",
          "intervalSeconds",
          "timeoutSeconds",
          "retries",
          "startPeriodSeconds");
  private static final Set<String> SCAN = Set.of("block", "approve", "allow");
  private static final Set<String> ALLOW = Set.of("id", "expires", "reason");
  private static final Set<String> DEPLOY =
      Set.of("cluster", "service", "container", "bakeSeconds", "cpu", "memory", "environments");
  private static final Set<String> ENVIRONMENT =
      Set.of("bakeSeconds", "approval", "promotion", "strategy", "canary", "linear");
  private static final Set<String> CANARY = Set.of("percent", "bakeMinutes");
  private static final Set<String> LINEAR = Set.of("stepPercent", "stepBakeMinutes");

  /** A manifest, or every problem found in it. */
  public sealed interface Result {
    /** A valid manifest with defaults applied. */
    record Valid(Manifest manifest) implements Result {}

    /**
     * The problems, in document order, and the manifest as far as it could be read (defaults where
     * a field was bad; null when the file is not a JSON object), for checks that go on regardless.
     */
    record Invalid(List<Problem> problems, Manifest partial) implements Result {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  private final List<Problem> problems = new ArrayList<>();

  private ManifestReader() {}

  /** Where {@code slipway schema} finds the manifest's JSON Schema (a class-path resource). */
  public static final String SCHEMA = "/dev/slipway/release/slipway.schema.json";

  /** Reads a manifest from its text. */
  public static Result read(String text) {
    return new ManifestReader().readText(text);
  }

  private Result readText(String text) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return invalid(
          new Problem(FILE_NAME, "is " + bytes + " bytes; the limit is " + MAX_BYTES + " bytes"));
    }
    JsonNode root;
    try {
      root = Json.parse(text, "$");
    } catch (JsonProblem e) {
      return invalid(new Problem(FILE_NAME, e.problem()));
    }
    JsonField top = JsonField.root(root);
    if (!top.isObject()) {
      return invalid(
          new Problem(FILE_NAME, "expected a JSON object, got " + JsonField.describe(root)));
    }
    Manifest manifest = manifest(top);
    return problems.isEmpty() ? new Result.Valid(manifest) : new Result.Invalid(problems, manifest);
  }

  private static Result invalid(Problem problem) {
    return new Result.Invalid(List.of(problem), null);
  }

  private Manifest manifest(JsonField top) {
    unknownFields(top, TOP);
    // "$schema" only tells an editor where the schema is ({@code slipway schema}); it must be text.
    optional(top.get("$schema"), "", JsonField::text);
    String service = required(top.get("service"), ManifestGrammar.SERVICE, "a service name");
    String main = optional(top.get("main"), ".", f -> normaliseMain(f));
    List<Platform> targets = targets(top.get("targets"));
    List<String> tags =
        optional(
            top.get("tags"), List.of(), f -> distinctTexts(f, ManifestGrammar.TAG, "a build tag"));
    Map<String, String> xflags = optional(top.get("xflags"), Map.of(), this::xflags);
    boolean test = optional(top.get("test"), false, JsonField::booleanValue);
    Manifest.Compression compress =
        optional(top.get("compress"), Manifest.Compression.NONE, this::compression);
    Manifest.Image image = image(top.get("image"), targets);
    Manifest.Health health = health(top.get("health"));
    ScanPolicy scan = scan(top.get("scan"));
    Manifest.Deploy deploy = deploy(top.get("deploy"), service == null ? "service" : service);
    String go =
        optional(
            top.get("go"),
            null,
            f -> matching(f, ManifestGrammar.GO_VERSION, "an exact Go version (like 1.26.8)"));
    Manifest.Dockerfile dockerfile = dockerfile(top.get("dockerfile"), image.platforms());
    return new Manifest(
        service == null ? "invalid" : service,
        main,
        targets,
        tags,
        xflags,
        test,
        compress,
        image,
        health,
        scan,
        deploy,
        go,
        dockerfile);
  }

  /**
   * {@code dockerfile}: the path of the service's Dockerfile and its build context, both inside the
   * tree, and its platforms (Linux image platforms; default: the image's).
   */
  private Manifest.Dockerfile dockerfile(JsonField field, List<Platform> imagePlatforms) {
    if (field.isAbsent()) {
      return null;
    }
    JsonField d = object(field, DOCKERFILE);
    String path =
        optional(
            d.get("path"),
            "Dockerfile",
            f -> {
              String value = f.text();
              if (!ManifestGrammar.TREE_FILE.matcher(value).matches() || hasDotDot(value)) {
                throw f.problem(
                    JsonField.quote(value)
                        + " is not a file path inside the tree (like Dockerfile)");
              }
              return value;
            });
    String context = optional(d.get("context"), ".", this::normaliseMain);
    List<Platform> platforms = imagePlatforms;
    if (!d.get("platforms").isAbsent()) {
      List<Platform> listed = new java.util.ArrayList<>();
      for (JsonField element : d.get("platforms").elements()) {
        Platform platform = Platform.parse(element.text()).orElse(null);
        if (platform == null || !platform.os().equals("linux")) {
          problems.add(
              problem(element, JsonField.quote(element.text()) + " is not a Linux platform"));
        } else {
          listed.add(platform);
        }
      }
      platforms = listed;
    }
    return new Manifest.Dockerfile(path, context, platforms);
  }

  // ---- build ----

  private String normaliseMain(JsonField field) {
    String raw = field.nonBlankText();
    String value = raw.equals(".") || raw.startsWith("./") ? raw : "./" + raw;
    while (value.length() > 2 && value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    if (!ManifestGrammar.MAIN.matcher(value).matches() || hasDotDot(value)) {
      throw field.problem(
          JsonField.quote(raw)
              + " is not a package directory inside the tree (like '.' or './cmd/server')");
    }
    return value;
  }

  private static boolean hasDotDot(String path) {
    for (String segment : path.split("/")) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private List<Platform> targets(JsonField field) {
    if (field.isAbsent()) {
      return DEFAULT_TARGETS.stream().map(t -> Platform.parse(t).orElseThrow()).toList();
    }
    List<Platform> out = new ArrayList<>();
    List<JsonField> elements = attempt(field::elements);
    if (elements == null) {
      return out;
    }
    if (elements.isEmpty()) {
      problems.add(problem(field, "must name at least one platform"));
    }
    Set<String> seen = new LinkedHashSet<>();
    for (JsonField element : elements) {
      String text = attempt(element::text);
      if (text == null) {
        continue;
      }
      var platform = Platform.parse(text);
      if (platform.isEmpty()) {
        problems.add(
            problem(
                element,
                JsonField.quote(text)
                    + " is not a supported platform (supported: "
                    + String.join(", ", Platform.SUPPORTED)
                    + ")"));
      } else if (!seen.add(text)) {
        problems.add(problem(element, JsonField.quote(text) + " is listed twice"));
      } else {
        out.add(platform.get());
      }
    }
    return out;
  }

  private Map<String, String> xflags(JsonField field) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonField> e : field.members().entrySet()) {
      String name = e.getKey();
      if (!ManifestGrammar.XFLAG_NAME.matcher(name).matches()) {
        problems.add(
            problem(
                e.getValue(),
                JsonField.quote(name)
                    + " is not a Go variable name like 'main.commit' or 'example.com/pkg.Var'"));
        continue;
      }
      if (name.equals("main.version")) {
        problems.add(
            problem(
                e.getValue(),
                "main.version is set by Slipway to the release id; use another name"));
        continue;
      }
      String value = attempt(e.getValue()::text);
      if (value == null) {
        continue;
      }
      if (!ManifestGrammar.XFLAG_VALUE.matcher(value).matches()) {
        problems.add(
            problem(
                e.getValue(),
                JsonField.quote(value)
                    + " may only hold letters, digits and . _ : / + @ = , - (at most 200), so it"
                    + " cannot split or quote the linker flags"));
        continue;
      }
      out.put(name, value);
    }
    return out;
  }

  private Manifest.Compression compression(JsonField field) {
    String value = field.text();
    return switch (value) {
      case "none" -> Manifest.Compression.NONE;
      case "upx" -> Manifest.Compression.UPX;
      default -> throw field.problem(JsonField.quote(value) + " is not one of 'none', 'upx'");
    };
  }

  // ---- image ----

  private Manifest.Image image(JsonField field, List<Platform> targets) {
    attempt(() -> field.isAbsent() ? null : field.requireObject());
    JsonField image = field.isObject() ? field : JsonField.root(null);
    if (field.isObject()) {
      unknownFields(image, IMAGE);
    }
    List<Platform> defaults =
        targets.stream().filter(p -> Platform.IMAGE_PLATFORMS.contains(p.toString())).toList();
    List<Platform> platforms;
    JsonField platformsField = image.get("platforms");
    if (platformsField.isAbsent()) {
      platforms = defaults;
      if (defaults.isEmpty() && !targets.isEmpty()) {
        problems.add(
            new Problem(
                FILE_NAME + ": targets",
                "must include linux/amd64 or linux/arm64: the image runs on ECS, which runs only"
                    + " those"));
      }
    } else {
      platforms = imagePlatforms(platformsField, targets);
    }
    String base = optional(image.get("base"), "scratch", this::base);
    int port = optional(image.get("port"), DEFAULT_PORT, f -> range(f, 1, 65535));
    String user =
        optional(
            image.get("user"),
            DEFAULT_USER,
            f -> matching(f, ManifestGrammar.USER, "a user name like 'nonroot'"));
    int uid = DEFAULT_UID;
    JsonField uidField = image.get("uid");
    if (!uidField.isAbsent()) {
      Integer value = attempt(uidField::intValue);
      if (value != null && value == 0) {
        problems.add(problem(uidField, "0 is root; the service must run as a non-root user"));
      } else if (value != null && (value < 1 || value > 2147483646)) {
        problems.add(problem(uidField, value + " is not a user id between 1 and 2147483646"));
      } else if (value != null) {
        uid = value;
      }
    }
    return new Manifest.Image(platforms, base, port, user, uid);
  }

  private List<Platform> imagePlatforms(JsonField field, List<Platform> targets) {
    List<Platform> out = new ArrayList<>();
    List<JsonField> elements = attempt(field::elements);
    if (elements == null) {
      return out;
    }
    if (elements.isEmpty()) {
      problems.add(problem(field, "must name at least one platform"));
    }
    for (JsonField element : elements) {
      String text = attempt(element::text);
      if (text == null) {
        continue;
      }
      if (!Platform.IMAGE_PLATFORMS.contains(text)) {
        problems.add(
            problem(
                element,
                JsonField.quote(text)
                    + " is not an image platform (ECS runs "
                    + String.join(", ", Platform.IMAGE_PLATFORMS)
                    + ")"));
      } else if (targets.stream().noneMatch(t -> t.toString().equals(text))) {
        problems.add(
            problem(
                element,
                JsonField.quote(text) + " is not among targets, so no binary is built for it"));
      } else if (out.stream().anyMatch(p -> p.toString().equals(text))) {
        problems.add(problem(element, JsonField.quote(text) + " is listed twice"));
      } else {
        out.add(Platform.parse(text).orElseThrow());
      }
    }
    return out;
  }

  private String base(JsonField field) {
    String value = field.text();
    if (value.equals("scratch") || ManifestGrammar.PINNED_IMAGE.matcher(value).matches()) {
      return value;
    }
    throw field.problem(
        JsonField.quote(value)
            + " is neither 'scratch' nor an image pinned by digest"
            + " (registry/repository@sha256:<64 hex digits>)");
  }

  // ---- health ----

  private Manifest.Health health(JsonField field) {
    JsonField health = object(field, HEALTH);
    int grace =
        optional(health.get("gracePeriodSeconds"), DEFAULT_GRACE_SECONDS, f -> range(f, 0, 3600));
    // ECS's container health check ranges: interval 5-300 s, timeout 2-60 s, retries 1-10,
    // start period 0-300 s; and a timeout shorter than the interval.
    int interval =
        optional(
            health.get("intervalSeconds"), Manifest.Health.DEFAULT_INTERVAL, f -> range(f, 5, 300));
    int timeout =
        optional(
            health.get("timeoutSeconds"), Manifest.Health.DEFAULT_TIMEOUT, f -> range(f, 2, 60));
    if (timeout >= interval && !health.get("timeoutSeconds").isAbsent()) {
      problems.add(
          problem(
              health.get("timeoutSeconds"),
              timeout + " is not less than intervalSeconds (" + interval + "), as ECS requires"));
    }
    return new Manifest.Health(
        optional(health.get("liveness"), DEFAULT_LIVENESS, this::httpPath),
        optional(health.get("readiness"), DEFAULT_READINESS, this::httpPath),
        grace,
        interval,
        timeout,
        optional(health.get("retries"), Manifest.Health.DEFAULT_RETRIES, f -> range(f, 1, 10)),
        optional(health.get("startPeriodSeconds"), Math.min(grace, 300), f -> range(f, 0, 300)));
  }

  private String httpPath(JsonField field) {
    return matching(field, ManifestGrammar.HTTP_PATH, "an HTTP path like '/healthz'");
  }

  // ---- scan ----

  private ScanPolicy scan(JsonField field) {
    JsonField scan = object(field, SCAN);
    Set<Severity> block = optional(scan.get("block"), ScanPolicy.DEFAULT.block(), this::severities);
    Set<Severity> approve =
        optional(scan.get("approve"), ScanPolicy.DEFAULT.approve(), this::severities);
    for (Severity s : block) {
      if (approve.contains(s) && !scan.get("approve").isAbsent()) {
        problems.add(
            problem(scan.get("approve"), s + " is also in scan.block; a severity has one outcome"));
      }
    }
    Set<Severity> approveOnly = EnumSet.noneOf(Severity.class);
    approveOnly.addAll(approve);
    approveOnly.removeAll(block);
    List<ScanPolicy.Allowance> allow = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (JsonField entry : optional(scan.get("allow"), List.<JsonField>of(), JsonField::elements)) {
      ScanPolicy.Allowance allowance = allowance(entry);
      if (allowance != null) {
        if (!ids.add(allowance.id())) {
          problems.add(
              problem(entry.get("id"), JsonField.quote(allowance.id()) + " is listed twice"));
        } else {
          allow.add(allowance);
        }
      }
    }
    return new ScanPolicy(block, approveOnly, allow);
  }

  private Set<Severity> severities(JsonField field) {
    Set<Severity> out = EnumSet.noneOf(Severity.class);
    for (JsonField element : field.elements()) {
      String text = attempt(element::text);
      if (text == null) {
        continue;
      }
      var severity = Severity.parse(text);
      if (severity.isEmpty()) {
        problems.add(
            problem(
                element,
                JsonField.quote(text)
                    + " is not a severity (one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL,"
                    + " UNDEFINED)"));
      } else {
        out.add(severity.get());
      }
    }
    return out;
  }

  private ScanPolicy.Allowance allowance(JsonField entry) {
    if (attempt(entry::requireObject) == null) {
      return null;
    }
    unknownFields(entry, ALLOW);
    int before = problems.size();
    String id =
        required(entry.get("id"), ManifestGrammar.FINDING_ID, "a finding id like 'CVE-2024-1234'");
    LocalDate expires = null;
    JsonField expiresField = entry.get("expires");
    String expiresText = attempt(expiresField::text);
    if (expiresText != null) {
      try {
        expires = LocalDate.parse(expiresText);
      } catch (DateTimeParseException e) {
        problems.add(
            problem(expiresField, JsonField.quote(expiresText) + " is not a date like 2027-01-31"));
      }
    }
    String reason =
        required(
            entry.get("reason"), ManifestGrammar.REASON, "a reason of 1-500 printable characters");
    if (reason != null && reason.isBlank()) {
      problems.add(problem(entry.get("reason"), "must say why the finding is accepted"));
    }
    return problems.size() == before ? new ScanPolicy.Allowance(id, expires, reason) : null;
  }

  // ---- deploy ----

  private Manifest.Deploy deploy(JsonField field, String service) {
    JsonField deploy = object(field, DEPLOY);
    Integer cpu = optional(deploy.get("cpu"), null, f -> range(f, 256, 16384));
    Integer memory = optional(deploy.get("memory"), null, f -> range(f, 512, 122880));
    if ((cpu == null) != (memory == null)) {
      problems.add(
          problem(
              deploy.get(cpu == null ? "cpu" : "memory"),
              "is required with "
                  + (cpu == null ? "memory" : "cpu")
                  + " (Fargate takes the pair)"));
    } else if (cpu != null && !Manifest.fargateAllows(cpu, memory)) {
      problems.add(
          problem(
              deploy.get("memory"),
              memory
                  + " MiB is not a Fargate size for "
                  + cpu
                  + " CPU units (256: 512-2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384;"
                  + " 4096: 8192-30720, in steps of 1024)"));
    }
    int bakeSeconds =
        optional(
            deploy.get("bakeSeconds"), DEFAULT_BAKE_SECONDS, f -> range(f, 0, MAX_BAKE_SECONDS));
    return new Manifest.Deploy(
        optional(deploy.get("cluster"), DEFAULT_CLUSTER, this::ecsName),
        optional(deploy.get("service"), service, this::ecsName),
        optional(deploy.get("container"), service, this::ecsName),
        bakeSeconds,
        cpu,
        memory,
        environments(deploy.get("environments"), bakeSeconds));
  }

  /**
   * {@code deploy.environments}: per declared environment (by name; which names are declared is the
   * declarations' business, checked at upload), its bake time, whether a person approves the deploy
   * into it, and {@code "promotion": "auto"|"manual"}.
   */
  private Map<String, Manifest.EnvironmentPolicy> environments(JsonField field, int bakeSeconds) {
    Map<String, Manifest.EnvironmentPolicy> out = new LinkedHashMap<>();
    if (field.isAbsent() || attempt(field::requireObject) == null) {
      return out;
    }
    for (Map.Entry<String, JsonField> e : field.members().entrySet()) {
      JsonField environment = e.getValue();
      if (!ManifestGrammar.SERVICE.matcher(e.getKey()).matches()) {
        problems.add(
            problem(
                environment,
                JsonField.quote(e.getKey())
                    + " is not an environment name (lower-case letters, digits and -)"));
        continue;
      }
      if (attempt(environment::requireObject) == null) {
        continue;
      }
      unknownFields(environment, ENVIRONMENT);
      String promotion =
          optional(
              environment.get("promotion"),
              "manual",
              f -> oneOf(f, List.of("manual", "auto"), "\"manual\" or \"auto\""));
      out.put(
          e.getKey(),
          new Manifest.EnvironmentPolicy(
              optional(
                  environment.get("bakeSeconds"), bakeSeconds, f -> range(f, 0, MAX_BAKE_SECONDS)),
              optional(environment.get("approval"), false, JsonField::booleanValue),
              promotion.equals("auto"),
              strategy(environment)));
    }
    return out;
  }

  /**
   * An environment's {@code strategy} and its settings, in ECS's ranges (percents in steps of 0.1:
   * a canary's 0.1-100, a linear step's 3-100; bakes of 0-1440 minutes); null when it names none
   * (the service keeps its own). Settings for a strategy other than the one named are refused.
   */
  private Manifest.Strategy strategy(JsonField environment) {
    String name =
        optional(
            environment.get("strategy"),
            null,
            f ->
                oneOf(
                    f,
                    List.of("rolling", "blue-green", "linear", "canary"),
                    "a strategy (rolling, blue-green, linear, canary)"));
    JsonField canary = object(environment.get("canary"), CANARY);
    JsonField linear = object(environment.get("linear"), LINEAR);
    for (String settings : List.of("canary", "linear")) {
      if (!environment.get(settings).isAbsent() && !settings.equals(name)) {
        problems.add(
            problem(
                environment.get(settings),
                "sets the "
                    + settings
                    + " strategy, but strategy is "
                    + (name == null ? "not set" : JsonField.quote(name))));
      }
    }
    if (name == null) {
      return null;
    }
    return switch (name) {
      case "canary" ->
          new Manifest.Strategy(
              Manifest.Strategy.Kind.CANARY,
              optional(canary.get("percent"), 5.0, f -> percent(f, 0.1)),
              optional(canary.get("bakeMinutes"), 10, f -> range(f, 0, 1440)));
      case "linear" ->
          new Manifest.Strategy(
              Manifest.Strategy.Kind.LINEAR,
              optional(linear.get("stepPercent"), 10.0, f -> percent(f, 3.0)),
              optional(linear.get("stepBakeMinutes"), 6, f -> range(f, 0, 1440)));
      case "blue-green" -> new Manifest.Strategy(Manifest.Strategy.Kind.BLUE_GREEN, 100, 0);
      default -> Manifest.Strategy.ROLLING;
    };
  }

  /** A text that is one of {@code values}; otherwise "'x' is not {@code what}". */
  private static String oneOf(JsonField field, List<String> values, String what) {
    String value = field.text();
    if (!values.contains(value)) {
      throw field.problem(JsonField.quote(value) + " is not " + what);
    }
    return value;
  }

  /** A percent ECS takes: a multiple of 0.1 from {@code min} to 100. */
  private static double percent(JsonField field, double min) {
    if (field.node() == null || !field.node().isNumber()) {
      throw field.problem("expected a number, got " + JsonField.describe(field.node()));
    }
    double value = field.node().doubleValue();
    if (value < min - 1e-9
        || value > 100 + 1e-9
        || Math.abs(value * 10 - Math.rint(value * 10)) > 1e-6) {
      throw field.problem(value + " is not a multiple of 0.1 from " + min + " to 100");
    }
    return Math.rint(value * 10) / 10;
  }

  private String ecsName(JsonField field) {
    return matching(field, ManifestGrammar.ECS_NAME, "an ECS name (letters, digits, - and _)");
  }

  // ---- helpers ----

  /** An optional sub-object: absent gives an empty view; present must be an object. */
  private JsonField object(JsonField field, Set<String> known) {
    if (field.isAbsent()) {
      return field;
    }
    if (attempt(field::requireObject) == null) {
      return JsonField.root(null);
    }
    unknownFields(field, known);
    return field;
  }

  private void unknownFields(JsonField object, Set<String> known) {
    for (Map.Entry<String, JsonField> e : object.members().entrySet()) {
      if (!known.contains(e.getKey())) {
        problems.add(
            problem(
                e.getValue(),
                "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")"));
      }
    }
  }

  private String required(JsonField field, Pattern grammar, String what) {
    return attempt(() -> matching(field, grammar, what));
  }

  private String matching(JsonField field, Pattern grammar, String what) {
    String value = field.text();
    if (!grammar.matcher(value).matches()) {
      throw field.problem(JsonField.quote(value) + " is not " + what);
    }
    return value;
  }

  private List<String> distinctTexts(JsonField field, Pattern grammar, String what) {
    List<String> out = new ArrayList<>();
    for (JsonField element : field.elements()) {
      String value = attempt(() -> matching(element, grammar, what));
      if (value != null && out.contains(value)) {
        problems.add(problem(element, JsonField.quote(value) + " is listed twice"));
      } else if (value != null) {
        out.add(value);
      }
    }
    return out;
  }

  private static int range(JsonField field, int min, int max) {
    long value = field.longValue();
    if (value < min || value > max) {
      throw field.problem(value + " is out of range " + min + ".." + max);
    }
    return (int) value;
  }

  /** Reads an optional field; on a problem, records it and returns the default. */
  private <T> T optional(JsonField field, T fallback, Function<JsonField, T> read) {
    if (field.isAbsent()) {
      return fallback;
    }
    T value = attempt(() -> read.apply(field));
    return value == null ? fallback : value;
  }

  /** Runs a read; on a problem, records it and returns null. */
  private <T> T attempt(Supplier<T> read) {
    try {
      return read.get();
    } catch (JsonProblem e) {
      problems.add(new Problem(FILE_NAME + ": " + fieldPath(e.path()), e.problem()));
      return null;
    }
  }

  private static Problem problem(JsonField field, String message) {
    return new Problem(FILE_NAME + ": " + fieldPath(field.path()), message);
  }

  /** {@code $.scan.allow[0].id} reads as {@code scan.allow[0].id} in messages. */
  static String fieldPath(String jsonPath) {
    if (jsonPath.equals("$")) {
      return "(top level)";
    }
    String path = jsonPath.substring(1);
    return path.startsWith(".") ? path.substring(1) : path;
  }
}
