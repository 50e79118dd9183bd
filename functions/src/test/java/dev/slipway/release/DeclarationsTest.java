package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** architecture §5: what an upload may release, checked against the declarations. */
class DeclarationsTest {
  static final LocalDate TODAY = LocalDate.parse("2026-12-02");

  static final String TWO =
      """
      {"floor": {"block": ["CRITICAL", "HIGH"], "approve": ["MEDIUM"], "maxAllowanceDays": 30},
       "services": [
         {"name": "hello-go", "environments": [
           {"name": "production", "cluster": "slipway-demo", "taskRole": "hello-task"}]},
         {"name": "billing", "repository": "team/billing", "environments": [
           {"name": "staging", "cluster": "staging"},
           {"name": "production", "cluster": "prod", "service": "billing-api"}]}]}
      """;

  static Declarations two() throws Exception {
    return DeclarationsReader.read(TWO, "services.json");
  }

  static ReleaseConfig config(String manifest) {
    ManifestReader.Result result = ManifestReader.read(manifest);
    assertThat(result).as(manifest).isInstanceOf(ManifestReader.Result.Valid.class);
    return ReleaseConfig.of(((ManifestReader.Result.Valid) result).manifest());
  }

  static Declarations.Admission admit(String uploadedAs, String manifest) throws Exception {
    ManifestReader.Result.Valid valid = (ManifestReader.Result.Valid) ManifestReader.read(manifest);
    return two()
        .admit(uploadedAs, valid.manifest().service(), ReleaseConfig.of(valid.manifest()), TODAY);
  }

  static String refused(Declarations.Admission admission) {
    assertThat(admission).isInstanceOf(Declarations.Admission.Refused.class);
    return ((Declarations.Admission.Refused) admission).reason();
  }

  @Test
  void reader_appliesDefaults_andReadsItsOwnCompactFormBack() throws Exception {
    Declarations d = two();
    assertThat(d.service("hello-go").orElseThrow().repository()).isEqualTo("slipway/hello-go");
    assertThat(d.service("hello-go").orElseThrow().first().service()).isEqualTo("hello-go");
    assertThat(d.service("billing").orElseThrow().environments())
        .extracting(Declarations.Environment::target)
        .containsExactly("staging/billing", "prod/billing-api");
    assertThat(d.serviceOfRepository("team/billing").orElseThrow().name()).isEqualTo("billing");
    assertThat(DeclarationsReader.read(DeclarationsReader.toJson(d), "env")).isEqualTo(d);
    assertThat(
            DeclarationsReader.read(
                    "{\"services\": [{\"name\": \"a\", \"environments\": [{\"name\": \"p\","
                        + " \"cluster\": \"c\"}]}]}",
                    "x")
                .floor())
        .isEqualTo(Declarations.Floor.DEFAULT);
  }

  @Test
  void eachServicesAlarms_areDeclared_readBack_andMappedToTheService() throws Exception {
    Declarations d =
        DeclarationsReader.read(
            """
            {"services": [
              {"name": "a", "alarms": ["a-5xx", "a-latency"]},
              {"name": "b", "alarms": ["b-5xx"]},
              {"name": "c"}]}
            """,
            "f");
    assertThat(d.alarmServices())
        .containsExactly(
            java.util.Map.entry("a-5xx", "a"),
            java.util.Map.entry("a-latency", "a"),
            java.util.Map.entry("b-5xx", "b"));
    assertThat(DeclarationsReader.read(DeclarationsReader.toJson(d), "env")).isEqualTo(d);
    assertThatThrownBy(
            () ->
                DeclarationsReader.read(
                    "{\"services\": [{\"name\": \"a\", \"alarms\": [\"no spaces\"]}]}", "f"))
        .hasMessageContaining(
            "f: services[0].alarms[0]: 'no spaces' is not a CloudWatch alarm name");
  }

  @Test
  void reader_refusesBadDeclarations_namingEachFieldAndValue() {
    assertThatThrownBy(
            () ->
                DeclarationsReader.read(
                    """
                    {"floor": {"block": ["SEVERE"], "maxAllowanceDays": 9999},
                     "services": [
                       {"name": "Bad_Name", "environments": [{"name": "p", "cluster": "c"}]},
                       {"name": "a", "repository": "UPPER", "environments": []},
                       {"name": "b", "environments": [{"name": "p", "cluster": "c", "service": "x",
                         "taskRole": "has spaces"}]},
                       {"name": "c", "environments": [{"name": "p", "cluster": "c", "service": "x"}],
                        "extra": 1}]}
                    """,
                    "services.json"))
        .isInstanceOf(DeclarationsReader.Invalid.class)
        .hasMessageContaining("services.json: floor.block[0]: 'SEVERE' is not a severity")
        .hasMessageContaining("services[0].name: 'Bad_Name' is not a service name")
        .hasMessageContaining("services[1].repository: 'UPPER' is not an ECR repository name")
        .hasMessageContaining("services[2].environments[0].taskRole: 'has spaces' is not an IAM")
        .hasMessageContaining("services[3].extra: unknown field");
    assertThatThrownBy(
            () ->
                DeclarationsReader.read(
                    """
                    {"services": [
                      {"name": "a", "environments": [{"name": "p", "cluster": "c", "service": "x"}]},
                      {"name": "b", "environments": [{"name": "p", "cluster": "c", "service": "x"}]}]}
                    """,
                    "f"))
        .hasMessageContaining("'c/x' is declared twice");
    assertThatThrownBy(() -> DeclarationsReader.read("{\"services\": []}", "f"))
        .hasMessageContaining("f: services: declares no service");
    assertThatThrownBy(() -> DeclarationsReader.read("[1]", "f"))
        .hasMessageContaining("f: (top level): expected an object");
  }

  @Test
  void anUploadNamingItsOwnServiceAndNoTarget_isBoundToTheFirstDeclaredEnvironment()
      throws Exception {
    var admission = admit("billing", "{\"service\": \"billing\"}");
    assertThat(admission).isInstanceOf(Declarations.Admission.Admitted.class);
    var admitted = (Declarations.Admission.Admitted) admission;
    assertThat(admitted.environment().name()).isEqualTo("staging");
    assertThat(admitted.config().deploy().cluster()).isEqualTo("staging");
    assertThat(admitted.config().deploy().service()).isEqualTo("billing");
    assertThat(admitted.config().deploy().container()).isEqualTo("billing");
    assertThat(admitted.config().approversText())
        .isEqualTo("this account's IAM identities allowed to invoke the steering URL");
    Declarations named =
        new Declarations(two().services(), two().floor(), "arn:aws:iam::123456789012:role/a");
    ManifestReader.Result.Valid valid =
        (ManifestReader.Result.Valid) ManifestReader.read("{\"service\": \"billing\"}");
    assertThat(
            ((Declarations.Admission.Admitted)
                    named.admit("billing", "billing", ReleaseConfig.of(valid.manifest()), TODAY))
                .config()
                .approvers())
        .isEqualTo("arn:aws:iam::123456789012:role/a");
  }

  @Test
  void aManifestNamingTheFirstEnvironmentsTarget_isBoundToIt() throws Exception {
    var admitted =
        (Declarations.Admission.Admitted)
            admit(
                "billing",
                "{\"service\": \"billing\", \"deploy\": {\"cluster\": \"staging\", \"service\":"
                    + " \"billing\"}}");
    assertThat(admitted.environment().name()).isEqualTo("staging");
  }

  @Test
  void aManifestNamingALaterEnvironmentsTarget_isRefused_releasesStartInTheFirst()
      throws Exception {
    assertThat(
            refused(
                admit(
                    "billing",
                    "{\"service\": \"billing\", \"deploy\": {\"cluster\": \"prod\","
                        + " \"service\": \"billing-api\"}}")))
        .isEqualTo(
            "slipway.json: deploy: 'prod/billing-api' is the target of billing's environment"
                + " production; a release deploys to staging first and is promoted from there");
  }

  @Test
  void theEnvironments_becomeTheReleasesPath_inTheDeclaredOrder_withTheManifestsGates()
      throws Exception {
    var admitted =
        (Declarations.Admission.Admitted)
            admit(
                "billing",
                """
                {"service": "billing", "deploy": {"bakeSeconds": 120, "environments": {
                  "production": {"bakeSeconds": 900, "approval": true, "promotion": "auto"},
                  "staging": {"bakeSeconds": 30}}}}
                """);
    assertThat(admitted.config().path())
        .containsExactly(
            new Stage("staging", "staging", "billing", 30, false, false),
            new Stage("production", "prod", "billing-api", 900, true, true));
    var defaults =
        (Declarations.Admission.Admitted)
            admit("billing", "{\"service\": \"billing\", \"deploy\": {\"bakeSeconds\": 45}}");
    assertThat(defaults.config().path())
        .containsExactly(
            new Stage("staging", "staging", "billing", 45, false, false),
            new Stage("production", "prod", "billing-api", 45, false, false));
  }

  @Test
  void aManifestSettingAnUndeclaredEnvironment_isRefused_namingIt() throws Exception {
    assertThat(
            refused(
                admit(
                    "billing",
                    "{\"service\": \"billing\", \"deploy\": {\"environments\": {\"qa\":"
                        + " {\"bakeSeconds\": 5}}}}")))
        .isEqualTo(
            "slipway.json: deploy.environments.qa: is not an environment of billing (declared:"
                + " staging, production)");
  }

  @Test
  void anUploadUnderOneServiceNamingAnother_isRefused_namingTheField() throws Exception {
    assertThat(refused(admit("hello-go", "{\"service\": \"billing\"}")))
        .isEqualTo(
            "slipway.json: service: 'billing' is not the service this archive was uploaded for:"
                + " sources/hello-go/ releases hello-go only");
  }

  @Test
  void anUndeclaredTarget_orAnotherServicesTarget_isRefused() throws Exception {
    assertThat(
            refused(
                admit(
                    "hello-go",
                    "{\"service\": \"hello-go\", \"deploy\": {\"cluster\": \"prod\", \"service\":"
                        + " \"billing-api\"}}")))
        .isEqualTo(
            "slipway.json: deploy: 'prod/billing-api' is not a declared target of hello-go"
                + " (declared: production slipway-demo/hello-go)");
    assertThat(
            refused(
                admit("hello-go", "{\"service\": \"hello-go\", \"deploy\": {\"cluster\": \"x\"}}")))
        .contains("deploy: 'x/hello-go' is not a declared target");
  }

  @Test
  void anUndeclaredService_isRefusedBeforeItsArchiveIsRead() throws Exception {
    assertThat(two().undeclared("payments").orElseThrow().reason())
        .isEqualTo(
            "sources/payments/: service 'payments' is not declared (declared: hello-go,"
                + " billing)");
    assertThat(two().undeclared("billing")).isEmpty();
  }

  @Test
  void aPolicyWeakerThanTheFloor_isRefused_andATighterOneAdmitted() throws Exception {
    assertThat(refused(admit("hello-go", "{\"service\": \"hello-go\", \"scan\": {\"block\": []}}")))
        .contains(
            "slipway.json: scan.block: leaves out CRITICAL, which the organisation's floor blocks")
        .contains("scan.block: leaves out HIGH");
    assertThat(
            refused(
                admit(
                    "hello-go",
                    "{\"service\": \"hello-go\", \"scan\": {\"block\": [\"CRITICAL\", \"HIGH\"],"
                        + " \"approve\": []}}")))
        .isEqualTo(
            "slipway.json: scan.approve: leaves out MEDIUM, which the organisation's floor sends"
                + " to a person (floor: MEDIUM); a manifest may only tighten it");
    // Blocking MEDIUM is tighter than approving it; approving LOW adds to the floor.
    var tighter =
        admit(
            "hello-go",
            "{\"service\": \"hello-go\", \"scan\": {\"block\": [\"CRITICAL\", \"HIGH\","
                + " \"MEDIUM\"], \"approve\": [\"LOW\"]}}");
    assertThat(tighter).isInstanceOf(Declarations.Admission.Admitted.class);
    assertThat(((Declarations.Admission.Admitted) tighter).config().scan().block())
        .isEqualTo(Set.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM));
  }

  @Test
  void anAllowanceBeyondTheLongestAllowed_isRefused_oneWithinIsAdmitted() throws Exception {
    String tenYears =
        "{\"service\": \"hello-go\", \"scan\": {\"allow\": [{\"id\": \"GO-2023-2102\", \"expires\":"
            + " \"2036-12-01\", \"reason\": \"not reachable\"}]}}";
    assertThat(refused(admit("hello-go", tenYears)))
        .isEqualTo(
            "slipway.json: scan.allow[0].expires: '2036-12-01' is more than 30 days away; the"
                + " longest allowance ends 2027-01-01");
    String month = tenYears.replace("2036-12-01", "2027-01-01");
    assertThat(admit("hello-go", month)).isInstanceOf(Declarations.Admission.Admitted.class);
  }

  @Test
  void theProjectsOwnDeclarations_declareHelloGoWhereItsManifestDeploys() throws Exception {
    Path root = Path.of(System.getProperty("slipway.root", ".."));
    Declarations own =
        DeclarationsReader.read(
            Files.readString(root.resolve("examples/services.json")), "services.json");
    ManifestReader.Result.Valid manifest =
        (ManifestReader.Result.Valid)
            ManifestReader.read(Files.readString(root.resolve("examples/hello-go/slipway.json")));
    assertThat(
            own.admit(
                "hello-go",
                manifest.manifest().service(),
                ReleaseConfig.of(manifest.manifest()),
                TODAY))
        .isInstanceOf(Declarations.Admission.Admitted.class);
    assertThat(own.floor()).isEqualTo(Declarations.Floor.DEFAULT);
    assertThat(own.services())
        .extracting(Declarations.Service::name)
        .isEqualTo(List.of("hello-go", "hello-staged"));
    assertThat(own.service("hello-staged").orElseThrow().environments())
        .extracting(Declarations.Environment::name)
        .containsExactly("staging", "production");
  }

  @Test
  void anEnvironmentsAlarms_guardThatEnvironmentAlone_andSurviveTheCompactForm() throws Exception {
    Declarations d =
        DeclarationsReader.read(
            """
            {"services": [{"name": "billing", "alarms": ["billing-unhealthy"], "environments": [
              {"name": "staging", "cluster": "staging", "alarms": ["billing-staging-5xx"]},
              {"name": "production", "cluster": "prod", "alarms": ["billing-5xx"]}]}]}
            """,
            "services.json");
    assertThat(d.alarmServices())
        .containsOnlyKeys("billing-unhealthy", "billing-staging-5xx", "billing-5xx");
    assertThat(d.alarmEnvironment("billing-staging-5xx")).contains("staging");
    assertThat(d.alarmEnvironment("billing-5xx")).contains("production");
    assertThat(d.alarmEnvironment("billing-unhealthy")).as("the service's: all").isEmpty();
    assertThat(DeclarationsReader.read(DeclarationsReader.toJson(d), "SLIPWAY_SERVICES"))
        .isEqualTo(d);
  }

  @Test
  void theEnvironmentForm_isJsonWhileItFits_andGzipBeyond_bothReadBackEqual() throws Exception {
    Declarations small = two();
    assertThat(DeclarationsReader.toEnvironment(small))
        .as("plain JSON while it fits: readable in the Lambda console")
        .isEqualTo(DeclarationsReader.toJson(small));
    assertThat(DeclarationsReader.fromEnvironment(DeclarationsReader.toEnvironment(small), "env"))
        .isEqualTo(small);

    // 200 services, each in a cluster of its team's with a task role: five times the budget.
    List<Declarations.Service> services = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String name = "service-" + i;
      services.add(
          new Declarations.Service(
              name,
              "team/" + name,
              List.of(
                  new Declarations.Environment(
                      "production", "team-" + i % 8, name, name + "-task", null))));
    }
    Declarations large = new Declarations(services, small.floor(), null);
    String json = DeclarationsReader.toJson(large);
    String environment = DeclarationsReader.toEnvironment(large);
    assertThat(json.length()).isGreaterThan(DeclarationsReader.ENVIRONMENT_BUDGET * 5);
    assertThat(environment)
        .startsWith(DeclarationsReader.GZIP_PREFIX)
        .hasSizeLessThan(DeclarationsReader.ENVIRONMENT_BUDGET);
    assertThat(DeclarationsReader.fromEnvironment(environment, "SLIPWAY_SERVICES"))
        .isEqualTo(large);
  }

  @Test
  void theEnvironmentForm_refusesACompressedValueThatIsNot_namingTheVariable() {
    assertThatThrownBy(
            () ->
                DeclarationsReader.fromEnvironment(
                    DeclarationsReader.GZIP_PREFIX + "bm90IGd6aXA=", "SLIPWAY_SERVICES"))
        .isInstanceOf(DeclarationsReader.Invalid.class)
        .hasMessageStartingWith("SLIPWAY_SERVICES: (top level): starts with gzip+base64:")
        .hasMessageContaining("not gzip in base64");
    assertThatThrownBy(
            () ->
                DeclarationsReader.fromEnvironment(
                    DeclarationsReader.GZIP_PREFIX + "%%%", "SLIPWAY_SERVICES"))
        .isInstanceOf(DeclarationsReader.Invalid.class)
        .hasMessageContaining("not gzip in base64");
  }
}
