package dev.slipway.release;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import dev.slipway.json.JsonField;
import dev.slipway.json.JsonProblem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads the services declarations file ({@code examples/services.json} is the project's own):
 *
 * <pre>{@code
 * {"floor": {"block": ["CRITICAL", "HIGH"], "approve": ["MEDIUM"], "maxAllowanceDays": 30},
 *  "services": [{"name": "hello-go", "repository": "slipway/hello-go",
 *                "environments": [{"name": "production", "cluster": "slipway-demo",
 *                                  "service": "hello-go", "taskRole": "hello-go-task",
 *                                  "executionRole": "hello-go-execution"}]}]}
 * }</pre>
 *
 * <p>{@code approvers} (optional) is the IAM principal the steering URL lets approve and reject: by
 * default this account's identities whose own policies allow it. {@code floor} and its fields are
 * optional ({@link Declarations.Floor#DEFAULT}); a service's {@code repository} defaults to {@code
 * slipway/<name>}, its {@code environments} to one named {@code default} in ECS's {@code default}
 * cluster, an environment's {@code service} to the service's name; roles are names or role ARNs.
 * Every problem is reported with its field and value. The same reader reads back {@link #toJson}'s
 * compact form, which the stack hands each handler as {@code SLIPWAY_SERVICES}.
 */
public final class DeclarationsReader {
  /** The handlers' environment variable holding {@link #toEnvironment}. */
  public static final String ENVIRONMENT_VARIABLE = "SLIPWAY_SERVICES";

  /**
   * What of Lambda's 4 KB of environment variables per function (all of them together) the
   * declarations may take; the rest is Slipway's own variables.
   */
  public static final int ENVIRONMENT_BUDGET = 3000;

  /** Marks {@link #toEnvironment}'s compressed form: gzip, then base64. */
  static final String GZIP_PREFIX = "gzip+base64:";

  /** ECR's repository name grammar. */
  static final Pattern REPOSITORY =
      Pattern.compile("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");

  /** An IAM role name, or a role's ARN (with a path, maybe). */
  static final Pattern ROLE =
      Pattern.compile(
          "[\\w+=,.@-]{1,64}|arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");

  /** Who may steer: a role, a user, or an account's root (its identities, by their policies). */
  static final Pattern PRINCIPAL =
      Pattern.compile(
          "arn:aws[a-z-]*:iam::[0-9]{12}:(?:root|(?:role|user)/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64})");

  /** Declarations are invalid; {@link #getMessage} lists every problem. */
  public static final class Invalid extends Exception {
    private final List<Problem> problems;

    Invalid(String source, List<Problem> problems) {
      super(
          problems.stream()
              .map(p -> source + ": " + p.line())
              .collect(Collectors.joining(System.lineSeparator())));
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

  private final List<Problem> problems = new ArrayList<>();

  private DeclarationsReader() {}

  /**
   * The declarations as a handler's environment holds them: {@link #toJson} when that fits in
   * {@link #ENVIRONMENT_BUDGET}, else the same JSON gzipped and in base64 behind {@value
   * #GZIP_PREFIX} (a stack's declarations repeat field names and cluster names, so 200 services
   * take about a tenth of the space). Plain JSON stays readable in the Lambda console wherever it
   * fits. The caller checks the result against the budget: compressed, it may still not fit.
   */
  public static String toEnvironment(Declarations declarations) {
    String json = toJson(declarations);
    if (json.length() <= ENVIRONMENT_BUDGET) {
      return json;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return GZIP_PREFIX + Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** Reads {@link #toEnvironment}'s value back, either form; {@code source} names it. */
  public static Declarations fromEnvironment(String value, String source) throws Invalid {
    if (!value.startsWith(GZIP_PREFIX)) {
      return read(value, source);
    }
    String json;
    try (GZIPInputStream gzip =
        new GZIPInputStream(
            new ByteArrayInputStream(
                Base64.getDecoder().decode(value.substring(GZIP_PREFIX.length()))))) {
      json = new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | IOException e) {
      throw new Invalid(
          source,
          List.of(
              new Problem(
                  "(top level)",
                  "starts with "
                      + GZIP_PREFIX
                      + " but is not gzip in base64 ("
                      + e.getMessage()
                      + ")")));
    }
    return read(json, source);
  }

  /** Reads declarations from {@code text}; {@code source} names it in messages (a file name). */
  public static Declarations read(String text, String source) throws Invalid {
    DeclarationsReader reader = new DeclarationsReader();
    Declarations declarations = null;
    try {
      declarations = reader.declarations(JsonField.root(Json.parse(text, "$")));
    } catch (JsonProblem e) {
      reader.problems.add(new Problem(ManifestReader.fieldPath(e.path()), e.problem()));
    }
    if (!reader.problems.isEmpty() || declarations == null) {
      throw new Invalid(source, reader.problems);
    }
    return declarations;
  }

  private Declarations declarations(JsonField root) {
    root.requireObject();
    known(root, Set.of("floor", "services", "approvers", "$schema"));
    String approvers =
        root.get("approvers").isAbsent()
            ? null
            : attempt(() -> matching(root.get("approvers"), PRINCIPAL, "an IAM principal ARN"));
    Declarations.Floor floor = attempt(() -> floor(root.get("floor")));
    List<Declarations.Service> services = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> repositories = new HashSet<>();
    Set<String> targets = new HashSet<>();
    List<JsonField> elements = root.get("services").elements();
    if (elements.isEmpty()) {
      problem(root.get("services"), "declares no service; Slipway would release nothing");
    }
    for (JsonField element : elements) {
      Declarations.Service service = attempt(() -> service(element));
      if (service == null) {
        continue;
      }
      if (!names.add(service.name())) {
        problem(element.get("name"), JsonField.quote(service.name()) + " is declared twice");
      }
      if (!repositories.add(service.repository())) {
        problem(
            element.get("repository"),
            JsonField.quote(service.repository())
                + " is another service's repository; each service has its own");
      }
      for (Declarations.Environment environment : service.environments()) {
        if (!targets.add(environment.target())) {
          problem(
              element.get("environments"),
              JsonField.quote(environment.target())
                  + " is declared twice; one ECS service belongs to one environment of one"
                  + " service");
        }
      }
      services.add(service);
    }
    return problems.isEmpty() ? new Declarations(services, floor, approvers) : null;
  }

  private Declarations.Floor floor(JsonField field) {
    if (field.isAbsent()) {
      return Declarations.Floor.DEFAULT;
    }
    field.requireObject();
    known(field, Set.of("block", "approve", "maxAllowanceDays"));
    Set<Severity> block =
        field.get("block").isAbsent()
            ? Declarations.Floor.DEFAULT.block()
            : severities(field.get("block"));
    Set<Severity> approve =
        field.get("approve").isAbsent()
            ? Declarations.Floor.DEFAULT.approve()
            : severities(field.get("approve"));
    int days = Declarations.Floor.DEFAULT.maxAllowanceDays();
    JsonField daysField = field.get("maxAllowanceDays");
    if (!daysField.isAbsent()) {
      long value = daysField.longValue();
      if (value < 1 || value > 365) {
        throw daysField.problem(value + " is out of range 1..365");
      }
      days = (int) value;
    }
    return new Declarations.Floor(block, approve, days);
  }

  private Set<Severity> severities(JsonField field) {
    Set<Severity> out = EnumSet.noneOf(Severity.class);
    for (JsonField element : field.elements()) {
      String text = element.text();
      out.add(
          Severity.parse(text)
              .orElseThrow(() -> element.problem(JsonField.quote(text) + " is not a severity")));
    }
    return out;
  }

  private Declarations.Service service(JsonField field) {
    field.requireObject();
    known(field, Set.of("name", "repository", "environments", "alarms"));
    String name = matching(field.get("name"), ManifestGrammar.SERVICE, "a service name");
    String repository =
        field.get("repository").isAbsent()
            ? "slipway/" + name
            : matching(field.get("repository"), REPOSITORY, "an ECR repository name");
    List<String> alarms = alarms(field.get("alarms"));
    List<Declarations.Environment> environments = new ArrayList<>();
    Set<String> environmentNames = new HashSet<>();
    if (field.get("environments").isAbsent()) {
      // As ECS: the service of that name in the default cluster, passing no role.
      return new Declarations.Service(name, repository, List.of(defaultEnvironment(name)), alarms);
    }
    List<JsonField> elements = field.get("environments").elements();
    if (elements.isEmpty()) {
      throw field.get("environments").problem("is empty; a service deploys to one at least");
    }
    for (JsonField element : elements) {
      element.requireObject();
      known(element, Set.of("name", "cluster", "service", "taskRole", "executionRole", "alarms"));
      String environmentName =
          matching(element.get("name"), ManifestGrammar.SERVICE, "an environment name");
      if (!environmentNames.add(environmentName)) {
        throw element.get("name").problem(JsonField.quote(environmentName) + " is declared twice");
      }
      environments.add(
          new Declarations.Environment(
              environmentName,
              matching(element.get("cluster"), ManifestGrammar.ECS_NAME, "an ECS cluster name"),
              element.get("service").isAbsent()
                  ? name
                  : matching(
                      element.get("service"), ManifestGrammar.ECS_NAME, "an ECS service name"),
              role(element.get("taskRole")),
              role(element.get("executionRole")),
              alarms(element.get("alarms"))));
    }
    return new Declarations.Service(name, repository, environments, alarms);
  }

  /** A list of alarm names, absent or empty for none. */
  private static List<String> alarms(JsonField field) {
    List<String> alarms = new ArrayList<>();
    if (!field.isAbsent()) {
      for (JsonField alarm : field.elements()) {
        alarms.add(matching(alarm, ALARM, "a CloudWatch alarm name"));
      }
    }
    return alarms;
  }

  /** Alarm names Slipway accepts (CloudWatch allows more; these are safe in an event pattern). */
  private static final Pattern ALARM = Pattern.compile("[A-Za-z0-9._/#:-]{1,255}");

  /** A service's environment when none is declared: its name in ECS's default cluster. */
  static Declarations.Environment defaultEnvironment(String service) {
    return new Declarations.Environment("default", "default", service, null, null);
  }

  private static String role(JsonField field) {
    return field.isAbsent() ? null : matching(field, ROLE, "an IAM role name or role ARN");
  }

  private static String matching(JsonField field, Pattern grammar, String what) {
    String value = field.text();
    if (!grammar.matcher(value).matches()) {
      throw field.problem(JsonField.quote(value) + " is not " + what);
    }
    return value;
  }

  private void known(JsonField object, Set<String> known) {
    for (var member : object.members().entrySet()) {
      if (!known.contains(member.getKey())) {
        problem(
            member.getValue(),
            "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  private <T> T attempt(Supplier<T> read) {
    try {
      return read.get();
    } catch (JsonProblem e) {
      problems.add(new Problem(ManifestReader.fieldPath(e.path()), e.problem()));
      return null;
    }
  }

  private void problem(JsonField field, String message) {
    problems.add(new Problem(ManifestReader.fieldPath(field.path()), message));
  }

  /**
   * The declarations as compact JSON, defaults left out (Lambda holds 4 KB of environment per
   * function); {@link #read} reads it back to equal declarations.
   */
  public static String toJson(Declarations declarations) {
    ObjectNode root = Json.mapper().createObjectNode();
    if (!declarations.floor().equals(Declarations.Floor.DEFAULT)) {
      ObjectNode floor = root.putObject("floor");
      ArrayNode block = floor.putArray("block");
      declarations.floor().block().stream().sorted().forEach(s -> block.add(s.name()));
      ArrayNode approve = floor.putArray("approve");
      declarations.floor().approve().stream().sorted().forEach(s -> approve.add(s.name()));
      floor.put("maxAllowanceDays", declarations.floor().maxAllowanceDays());
    }
    if (declarations.approvers() != null) {
      root.put("approvers", declarations.approvers());
    }
    ArrayNode services = root.putArray("services");
    for (Declarations.Service service : declarations.services()) {
      ObjectNode s = services.addObject();
      s.put("name", service.name());
      if (!service.repository().equals("slipway/" + service.name())) {
        s.put("repository", service.repository());
      }
      if (!service.alarms().isEmpty()) {
        service.alarms().forEach(s.putArray("alarms")::add);
      }
      if (service.environments().equals(List.of(defaultEnvironment(service.name())))) {
        continue;
      }
      ArrayNode environments = s.putArray("environments");
      for (Declarations.Environment environment : service.environments()) {
        ObjectNode e = environments.addObject();
        e.put("name", environment.name()).put("cluster", environment.cluster());
        if (!environment.service().equals(service.name())) {
          e.put("service", environment.service());
        }
        if (environment.taskRole() != null) {
          e.put("taskRole", environment.taskRole());
        }
        if (environment.executionRole() != null) {
          e.put("executionRole", environment.executionRole());
        }
        if (!environment.alarms().isEmpty()) {
          environment.alarms().forEach(e.putArray("alarms")::add);
        }
      }
    }
    return root.toString();
  }
}
