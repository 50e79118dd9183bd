package dev.slipway.release;

import dev.slipway.json.JsonField;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The services Slipway may release, as the stack declares them (architecture §5): for each, its
 * image repository and its environments in order, each bound to one ECS target and the roles a
 * deploy may pass; and the organisation's scan-policy floor. An uploaded manifest is written by
 * whoever may upload, so it is checked against these ({@link #admit}) and can never widen them.
 * Read by the CDK app (repositories, IAM scoped to exactly these targets) and by every handler
 * (from {@code SLIPWAY_SERVICES}); {@link DeclarationsReader} reads the file.
 */
public record Declarations(List<Service> services, Floor floor, String approvers) {
  private static final String MANIFEST = ManifestReader.FILE_NAME + ": ";

  public Declarations {
    services = List.copyOf(services);
    Objects.requireNonNull(floor, "floor");
  }

  /**
   * Without a principal of their own, the approvers are this account's IAM identities whose own
   * policies allow them to invoke the steering URL.
   */
  public Declarations(List<Service> services, Floor floor) {
    this(services, floor, null);
  }

  /**
   * One declared service: its name (the {@code sources/<name>/} prefix), where it goes, and the
   * CloudWatch alarms that guard its deployments (an alarm entering ALARM during a rollout or bake
   * rolls the release back; the stack's rule routes exactly these).
   */
  public record Service(
      String name, String repository, List<Environment> environments, List<String> alarms) {
    public Service {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(repository, "repository");
      environments = List.copyOf(environments);
      alarms = alarms == null ? List.of() : List.copyOf(alarms);
      if (environments.isEmpty()) {
        throw new IllegalArgumentException("service " + name + " has no environment");
      }
    }

    public Service(String name, String repository, List<Environment> environments) {
      this(name, repository, environments, List.of());
    }

    /** Its environments in order, each with the gate {@code deploy} sets for it. */
    public List<Stage> stages(Manifest.Deploy deploy) {
      return environments.stream()
          .map(
              e -> {
                Manifest.EnvironmentPolicy policy = deploy.policy(e.name());
                return new Stage(
                    e.name(),
                    e.cluster(),
                    e.service(),
                    policy.bakeSeconds(),
                    policy.approval(),
                    policy.autoPromote(),
                    policy.strategy());
              })
          .toList();
    }

    /** The environment a new release deploys to. */
    public Environment first() {
      return environments.get(0);
    }

    /** The environment whose target is {@code cluster}/{@code service}, if declared. */
    public Optional<Environment> target(String cluster, String service) {
      return environments.stream()
          .filter(e -> e.cluster().equals(cluster) && e.service().equals(service))
          .findFirst();
    }
  }

  /**
   * One environment: the ECS service a release of it updates, the task and execution roles (names
   * or ARNs; null when the task definition passes none) its task definitions may pass, and the
   * alarms that guard deployments in this environment only (the service's own guard all of them).
   */
  public record Environment(
      String name,
      String cluster,
      String service,
      String taskRole,
      String executionRole,
      List<String> alarms) {
    public Environment {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(service, "service");
      alarms = alarms == null ? List.of() : List.copyOf(alarms);
    }

    public Environment(
        String name, String cluster, String service, String taskRole, String executionRole) {
      this(name, cluster, service, taskRole, executionRole, List.of());
    }

    /** {@code cluster/service}, as messages and the CLI name a target. */
    public String target() {
      return cluster + "/" + service;
    }
  }

  /**
   * The least any manifest's scan policy does: severities that must block, severities that must at
   * least wait for a person, and the longest an allowance may run.
   */
  public record Floor(Set<Severity> block, Set<Severity> approve, int maxAllowanceDays) {
    /** Block CRITICAL and HIGH, approval for MEDIUM, allowances of at most 30 days. */
    public static final Floor DEFAULT =
        new Floor(EnumSet.of(Severity.CRITICAL, Severity.HIGH), EnumSet.of(Severity.MEDIUM), 30);

    public Floor {
      block = Set.copyOf(block);
      approve = Set.copyOf(approve);
      if (maxAllowanceDays < 1) {
        throw new IllegalArgumentException("maxAllowanceDays must be at least 1");
      }
    }
  }

  /** Every declared alarm (a service's, or one of its environments') and the service it guards. */
  public Map<String, String> alarmServices() {
    Map<String, String> out = new TreeMap<>();
    services.forEach(
        s -> {
          s.alarms().forEach(a -> out.put(a, s.name()));
          s.environments().forEach(e -> e.alarms().forEach(a -> out.put(a, s.name())));
        });
    return out;
  }

  /**
   * The environment {@code alarm} guards alone, when it is declared for one; empty for a service's
   * alarm (it guards every environment) or an undeclared one.
   */
  public Optional<String> alarmEnvironment(String alarm) {
    for (Service s : services) {
      for (Environment e : s.environments()) {
        if (e.alarms().contains(alarm)) {
          return Optional.of(e.name());
        }
      }
    }
    return Optional.empty();
  }

  public Optional<Service> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The service whose image repository is {@code repository}, if one is declared. */
  public Optional<Service> serviceOfRepository(String repository) {
    return services.stream().filter(s -> s.repository().equals(repository)).findFirst();
  }

  /** What an upload may become: its configuration bound to a declared target, or why not. */
  public sealed interface Admission {
    record Admitted(ReleaseConfig config, Environment environment) implements Admission {}

    record Refused(List<Problem> problems) implements Admission {
      public Refused {
        problems = List.copyOf(problems);
      }

      /** Every problem on one line, as a release's reason. */
      public String reason() {
        return problems.stream().map(Problem::line).collect(Collectors.joining("; "));
      }
    }
  }

  /**
   * Checks a valid manifest's configuration, uploaded under {@code sources/<uploadedAs>/}, against
   * the declarations on {@code today}: the service must be declared and be the one the manifest
   * names, the deploy target one of its environments' (a manifest that names none gets the first
   * environment's), and the scan policy at least the floor, with every allowance ending within its
   * limit. Everything found is reported, not just the first problem.
   */
  public Admission admit(
      String uploadedAs, String manifestService, ReleaseConfig config, LocalDate today) {
    Optional<Admission.Refused> undeclared = undeclared(uploadedAs);
    if (undeclared.isPresent()) {
      return undeclared.get();
    }
    Service declared = service(uploadedAs).orElseThrow();
    List<Problem> problems = new ArrayList<>();
    if (!manifestService.equals(uploadedAs)) {
      problems.add(
          new Problem(
              MANIFEST + "service",
              JsonField.quote(manifestService)
                  + " is not the service this archive was uploaded for: sources/"
                  + uploadedAs
                  + "/ releases "
                  + uploadedAs
                  + " only"));
    }
    Manifest.Deploy deploy = config.deploy();
    Environment environment = declared.target(deploy.cluster(), deploy.service()).orElse(null);
    if (environment == null) {
      if (deploy.cluster().equals(ManifestReader.DEFAULT_CLUSTER)
          && deploy.service().equals(manifestService)) {
        environment = declared.first(); // the manifest names no target: the declared one
      } else {
        String declaredTargets =
            declared.environments().stream()
                .map(e -> e.name() + " " + e.target())
                .collect(Collectors.joining(", "));
        problems.add(
            new Problem(
                MANIFEST + "deploy",
                JsonField.quote(deploy.cluster() + "/" + deploy.service())
                    + " is not a declared target of "
                    + uploadedAs
                    + " (declared: "
                    + declaredTargets
                    + ")"));
      }
    }
    if (environment != null && !environment.equals(declared.first())) {
      // A release goes through every environment in order: its manifest cannot start it later.
      problems.add(
          new Problem(
              MANIFEST + "deploy",
              JsonField.quote(deploy.cluster() + "/" + deploy.service())
                  + " is the target of "
                  + uploadedAs
                  + "'s environment "
                  + environment.name()
                  + "; a release deploys to "
                  + declared.first().name()
                  + " first and is promoted from there"));
    }
    for (String named : deploy.environments().keySet()) {
      if (declared.environments().stream().noneMatch(e -> e.name().equals(named))) {
        problems.add(
            new Problem(
                MANIFEST + "deploy.environments." + named,
                "is not an environment of "
                    + uploadedAs
                    + " (declared: "
                    + declared.environments().stream()
                        .map(Environment::name)
                        .collect(Collectors.joining(", "))
                    + ")"));
      }
    }
    ScanPolicy scan = config.scan();
    for (Severity severity : sorted(floor.block())) {
      if (!scan.block().contains(severity)) {
        problems.add(
            new Problem(
                MANIFEST + "scan.block",
                "leaves out "
                    + severity
                    + ", which the organisation's floor blocks (floor: "
                    + names(floor.block())
                    + "); a manifest may only tighten it"));
      }
    }
    for (Severity severity : sorted(floor.approve())) {
      if (!scan.block().contains(severity) && !scan.approve().contains(severity)) {
        problems.add(
            new Problem(
                MANIFEST + "scan.approve",
                "leaves out "
                    + severity
                    + ", which the organisation's floor sends to a person (floor: "
                    + names(floor.approve())
                    + "); a manifest may only tighten it"));
      }
    }
    LocalDate limit = today.plusDays(floor.maxAllowanceDays());
    for (int i = 0; i < scan.allow().size(); i++) {
      ScanPolicy.Allowance allowance = scan.allow().get(i);
      if (allowance.expires().isAfter(limit)) {
        problems.add(
            new Problem(
                MANIFEST + "scan.allow[" + i + "].expires",
                JsonField.quote(allowance.expires().toString())
                    + " is more than "
                    + floor.maxAllowanceDays()
                    + " days away; the longest allowance ends "
                    + limit));
      }
    }
    if (!problems.isEmpty()) {
      return new Admission.Refused(problems);
    }
    Manifest.Deploy bound = deploy.boundTo(environment.cluster(), environment.service());
    return new Admission.Admitted(
        new ReleaseConfig(
            scan,
            bound,
            config.health(),
            config.goVersion(),
            approvers,
            config.dockerfile(),
            declared.stages(bound)),
        environment);
  }

  /**
   * The configuration of a release with no manifest of its own (an image-only release before the
   * service's first upload): the floor as its policy, the first environment, the container named
   * after the service, the default bake time and health paths.
   */
  public ReleaseConfig defaultConfig(Service service) {
    Environment first = service.first();
    Manifest.Deploy deploy =
        new Manifest.Deploy(
            first.cluster(), first.service(), service.name(), ManifestReader.DEFAULT_BAKE_SECONDS);
    return new ReleaseConfig(
        new ScanPolicy(floor.block(), floor.approve(), List.of()),
        deploy,
        new Manifest.Health(
            ManifestReader.DEFAULT_LIVENESS,
            ManifestReader.DEFAULT_READINESS,
            ManifestReader.DEFAULT_GRACE_SECONDS),
        null,
        approvers,
        null,
        service.stages(deploy));
  }

  /** The refusal of an upload under {@code sources/<uploadedAs>/} when that is not declared. */
  public Optional<Admission.Refused> undeclared(String uploadedAs) {
    if (service(uploadedAs).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        new Admission.Refused(
            List.of(
                new Problem(
                    "sources/" + uploadedAs + "/",
                    "service "
                        + JsonField.quote(uploadedAs)
                        + " is not declared (declared: "
                        + services.stream().map(Service::name).collect(Collectors.joining(", "))
                        + ")"))));
  }

  private static List<Severity> sorted(Set<Severity> severities) {
    return severities.stream().sorted().toList();
  }

  private static String names(Set<Severity> severities) {
    return sorted(severities).stream().map(Enum::name).collect(Collectors.joining(", "));
  }
}
