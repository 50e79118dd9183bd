package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestReaderTest {

  private static Manifest valid(String json) {
    ManifestReader.Result result = ManifestReader.read(json);
    assertThat(result).isInstanceOf(ManifestReader.Result.Valid.class);
    return ((ManifestReader.Result.Valid) result).manifest();
  }

  private static List<String> problems(String json) {
    ManifestReader.Result result = ManifestReader.read(json);
    assertThat(result).isInstanceOf(ManifestReader.Result.Invalid.class);
    return ((ManifestReader.Result.Invalid) result).problems().stream().map(Problem::line).toList();
  }

  @Test
  void read_whenOnlyServiceIsGiven_thenEveryDefaultApplies() {
    Manifest m = valid("{\n  \"service\": \"hello\"\n}");

    assertThat(m.service()).isEqualTo("hello");
    assertThat(m.main()).isEqualTo(".");
    assertThat(m.targets())
        .extracting(Platform::toString)
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(m.tags()).isEmpty();
    assertThat(m.xflags()).isEmpty();
    assertThat(m.test()).isFalse();
    assertThat(m.compress()).isEqualTo(Manifest.Compression.NONE);
    assertThat(m.image().platforms())
        .extracting(Platform::toString)
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(m.image().base()).isEqualTo("scratch");
    assertThat(m.image().port()).isEqualTo(8080);
    assertThat(m.image().user()).isEqualTo("nonroot");
    assertThat(m.image().uid()).isEqualTo(65532);
    assertThat(m.health()).isEqualTo(new Manifest.Health("/healthz", "/readyz", 30));
    assertThat(m.scan().block()).containsExactly(Severity.CRITICAL, Severity.HIGH);
    assertThat(m.scan().approve()).containsExactly(Severity.MEDIUM);
    assertThat(m.scan().allow()).isEmpty();
    assertThat(m.deploy()).isEqualTo(new Manifest.Deploy("default", "hello", "hello", 300));
    assertThat(m.go()).as("the compile project's pinned Go").isNull();
  }

  @Test
  void read_goNamesAnExactRelease_whichTheReleaseCarriesToItsCompileBuild() {
    Manifest m = valid("{\"service\": \"hello\", \"go\": \"1.26.8\"}");

    assertThat(m.go()).isEqualTo("1.26.8");
    assertThat(ReleaseConfig.of(m).goVersion()).isEqualTo("1.26.8");
    for (String loose : List.of("1.26", "latest", "go1.26.8", "1.26.8; rm -rf /")) {
      assertThat(problems("{\"service\": \"hello\", \"go\": \"" + loose + "\"}"))
          .containsExactly(
              "slipway.json: go: '" + loose + "' is not an exact Go version (like 1.26.8)");
    }
  }

  @Test
  void read_whenEveryFieldIsGiven_thenEachIsKept() {
    Manifest m =
        valid(
            """
            {
              "service": "payments-api",
              "main": "cmd/server/",
              "targets": ["linux/arm64", "linux/amd64", "darwin/arm64", "linux/arm/v7"],
              "tags": ["netgo", "osusergo"],
              "xflags": {"main.commit": "abc123", "example.com/payments/internal/build.Date": "2026-11-27"},
              "test": true,
              "compress": "upx",
              "image": {
                "platforms": ["linux/arm64"],
                "base": "gcr.io/distroless/static-debian12@sha256:%s",
                "port": 9090, "user": "payments", "uid": 10001
              },
              "health": {"liveness": "/live", "readiness": "/ready", "gracePeriodSeconds": 45},
              "scan": {
                "block": ["CRITICAL"], "approve": ["HIGH", "MEDIUM"],
                "allow": [{"id": "GO-2024-2687", "expires": "2027-01-31", "reason": "not reachable: we do not serve HTTP/2"}]
              },
              "deploy": {"cluster": "prod", "service": "payments", "container": "app", "bakeSeconds": 600}
            }
            """
                .formatted("a".repeat(64)));

    assertThat(m.main()).isEqualTo("./cmd/server");
    assertThat(m.targets())
        .extracting(Platform::toString)
        .containsExactly("linux/arm64", "linux/amd64", "darwin/arm64", "linux/arm/v7");
    assertThat(m.tags()).containsExactly("netgo", "osusergo");
    assertThat(m.xflags())
        .containsEntry("main.commit", "abc123")
        .containsEntry("example.com/payments/internal/build.Date", "2026-11-27");
    assertThat(m.test()).isTrue();
    assertThat(m.compress()).isEqualTo(Manifest.Compression.UPX);
    assertThat(m.image().platforms()).extracting(Platform::toString).containsExactly("linux/arm64");
    assertThat(m.image().base()).startsWith("gcr.io/distroless/static-debian12@sha256:");
    assertThat(m.image().port()).isEqualTo(9090);
    assertThat(m.image().uid()).isEqualTo(10001);
    assertThat(m.health()).isEqualTo(new Manifest.Health("/live", "/ready", 45));
    assertThat(m.scan().block()).containsExactly(Severity.CRITICAL);
    assertThat(m.scan().approve()).containsExactly(Severity.HIGH, Severity.MEDIUM);
    assertThat(m.scan().allow())
        .containsExactly(
            new ScanPolicy.Allowance(
                "GO-2024-2687",
                LocalDate.of(2027, 1, 31),
                "not reachable: we do not serve HTTP/2"));
    assertThat(m.deploy()).isEqualTo(new Manifest.Deploy("prod", "payments", "app", 600));
  }

  @Test
  void read_whenManyFieldsAreWrong_thenEveryProblemIsReportedWithPathAndValue() {
    assertThat(
            problems(
                """
                {
                  "service": "Hello_World",
                  "targets": ["linux/amd64", "linux/sparc", "linux/amd64", 7],
                  "compress": "zstd",
                  "image": {"port": 70000, "uid": 0, "base": "alpine:3.20", "colour": "blue"},
                  "health": {"liveness": "healthz"},
                  "scan": {"block": ["SEVERE"], "allow": [{"id": "CVE-2024-1", "expires": "soon", "reason": ""}]},
                  "deploy": {"bakeSeconds": -5},
                  "extra": true
                }
                """))
        .containsExactly(
            "slipway.json: extra: unknown field (known: $schema, compress, deploy, dockerfile, go, health, image, main,"
                + " scan, service, tags, targets, test, xflags)",
            "slipway.json: service: 'Hello_World' is not a service name",
            "slipway.json: targets[1]: 'linux/sparc' is not a supported platform (supported: "
                + String.join(", ", Platform.SUPPORTED)
                + ")",
            "slipway.json: targets[2]: 'linux/amd64' is listed twice",
            "slipway.json: targets[3]: expected a string, got a number (7)",
            "slipway.json: compress: 'zstd' is not one of 'none', 'upx'",
            "slipway.json: image.colour: unknown field (known: base, platforms, port, uid, user)",
            "slipway.json: image.base: 'alpine:3.20' is neither 'scratch' nor an image pinned by digest (registry/repository@sha256:<64 hex digits>)",
            "slipway.json: image.port: 70000 is out of range 1..65535",
            "slipway.json: image.uid: 0 is root; the service must run as a non-root user",
            "slipway.json: health.liveness: 'healthz' is not an HTTP path like '/healthz'",
            "slipway.json: scan.block[0]: 'SEVERE' is not a severity (one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED)",
            "slipway.json: scan.allow[0].expires: 'soon' is not a date like 2027-01-31",
            "slipway.json: scan.allow[0].reason: '' is not a reason of 1-500 printable characters",
            "slipway.json: deploy.bakeSeconds: -5 is out of range 0..21600");
  }

  @Test
  void read_healthProbingAndTaskSize_inEcsAndFargatesRanges() {
    Manifest m =
        ((ManifestReader.Result.Valid)
                ManifestReader.read(
                    """
                    {"service": "a",
                     "health": {"readiness": "/ready", "intervalSeconds": 5, "timeoutSeconds": 2,
                                "retries": 1, "startPeriodSeconds": 0},
                     "deploy": {"cpu": 512, "memory": 2048}}
                    """))
            .manifest();
    assertThat(m.health()).isEqualTo(new Manifest.Health("/healthz", "/ready", 30, 5, 2, 1, 0));
    assertThat(m.deploy().cpu()).isEqualTo(512);
    assertThat(m.deploy().memory()).isEqualTo(2048);
    assertThat(
            problems(
                """
                {"service": "a",
                 "health": {"intervalSeconds": 4, "timeoutSeconds": 61, "retries": 11},
                 "deploy": {"cpu": 256, "memory": 4096}}
                """))
        .contains(
            "slipway.json: health.intervalSeconds: 4 is out of range 5..300",
            "slipway.json: health.timeoutSeconds: 61 is out of range 2..60",
            "slipway.json: health.retries: 11 is out of range 1..10",
            "slipway.json: deploy.memory: 4096 MiB is not a Fargate size for 256 CPU units (256:"
                + " 512-2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720,"
                + " in steps of 1024)");
    assertThat(problems("{\"service\": \"a\", \"deploy\": {\"cpu\": 256}}"))
        .containsExactly(
            "slipway.json: deploy.memory: is required with cpu (Fargate takes the pair)");
    assertThat(
            problems(
                "{\"service\": \"a\", \"health\": {\"intervalSeconds\": 10, \"timeoutSeconds\": 10}}"))
        .containsExactly(
            "slipway.json: health.timeoutSeconds: 10 is not less than intervalSeconds (10), as ECS"
                + " requires");
  }

  @Test
  void read_aDockerfile_insideTheTree_withLinuxPlatforms() {
    Manifest m =
        ((ManifestReader.Result.Valid)
                ManifestReader.read(
                    "{\"service\": \"a\", \"dockerfile\": {\"path\": \"build/Dockerfile\","
                        + " \"context\": \"./src\"}}"))
            .manifest();
    assertThat(m.dockerfile().path()).isEqualTo("build/Dockerfile");
    assertThat(m.dockerfile().context()).isEqualTo("./src");
    assertThat(m.dockerfile().platforms())
        .map(Object::toString)
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(
            problems(
                "{\"service\": \"a\", \"dockerfile\": {\"path\": \"../Dockerfile\","
                    + " \"platforms\": [\"darwin/arm64\"]}}"))
        .containsExactly(
            "slipway.json: dockerfile.path: '../Dockerfile' is not a file path inside the tree (like"
                + " Dockerfile)",
            "slipway.json: dockerfile.platforms[0]: 'darwin/arm64' is not a Linux platform");
  }

  @Test
  void read_environments_eachWithItsGate_andEveryProblemNamed() {
    Manifest m =
        valid(
            """
            {"service": "a", "deploy": {"bakeSeconds": 60, "environments": {
              "staging": {"bakeSeconds": 0},
              "production": {"approval": true, "promotion": "auto"}}}}
            """);
    assertThat(m.deploy().environments())
        .containsEntry("staging", new Manifest.EnvironmentPolicy(0, false, false))
        .containsEntry("production", new Manifest.EnvironmentPolicy(60, true, true));
    assertThat(m.deploy().policy("qa")).isEqualTo(new Manifest.EnvironmentPolicy(60, false, false));
    assertThat(
            problems(
                """
                {"service": "a", "deploy": {"environments": {
                  "Prod": {},
                  "staging": {"promotion": "now", "approval": "yes", "bakeSeconds": 99999,
                              "weight": 5}}}}
                """))
        .containsExactly(
            "slipway.json: deploy.environments.Prod: 'Prod' is not an environment name"
                + " (lower-case letters, digits and -)",
            "slipway.json: deploy.environments.staging.weight: unknown field (known: approval,"
                + " bakeSeconds, canary, linear, promotion, strategy)",
            "slipway.json: deploy.environments.staging.promotion: 'now' is not \"manual\" or"
                + " \"auto\"",
            "slipway.json: deploy.environments.staging.bakeSeconds: 99999 is out of range"
                + " 0..21600",
            "slipway.json: deploy.environments.staging.approval: expected true or false, got"
                + " a string");
  }

  @Test
  void read_strategies_inEcsRanges_withTheirDefaults() {
    Manifest m =
        valid(
            """
            {"service": "a", "deploy": {"environments": {
              "staging": {"strategy": "blue-green"},
              "canary": {"strategy": "canary", "canary": {"percent": 12.5, "bakeMinutes": 3}},
              "linear": {"strategy": "linear", "linear": {"stepPercent": 25}},
              "defaults": {"strategy": "canary"},
              "rolling": {"strategy": "rolling"},
              "unset": {}}}}
            """);
    var envs = m.deploy().environments();
    assertThat(envs.get("staging").strategy())
        .isEqualTo(new Manifest.Strategy(Manifest.Strategy.Kind.BLUE_GREEN, 100, 0));
    assertThat(envs.get("canary").strategy())
        .isEqualTo(new Manifest.Strategy(Manifest.Strategy.Kind.CANARY, 12.5, 3));
    assertThat(envs.get("canary").strategy().steps()).containsExactly(12.5, 100.0);
    assertThat(envs.get("linear").strategy())
        .isEqualTo(new Manifest.Strategy(Manifest.Strategy.Kind.LINEAR, 25, 6));
    assertThat(envs.get("linear").strategy().steps()).containsExactly(25.0, 50.0, 75.0, 100.0);
    // ECS's defaults: a 5% canary for 10 minutes.
    assertThat(envs.get("defaults").strategy())
        .isEqualTo(new Manifest.Strategy(Manifest.Strategy.Kind.CANARY, 5, 10));
    assertThat(envs.get("rolling").strategy()).isEqualTo(Manifest.Strategy.ROLLING);
    assertThat(envs.get("unset").strategy()).as("the service keeps its own").isNull();

    assertThat(
            problems(
                """
                {"service": "a", "deploy": {"environments": {
                  "a": {"strategy": "big-bang"},
                  "b": {"strategy": "canary", "canary": {"percent": 0.05, "bakeMinutes": 1441}},
                  "c": {"strategy": "linear", "linear": {"stepPercent": 2.5}},
                  "d": {"strategy": "blue-green", "canary": {"percent": 10}},
                  "e": {"strategy": "canary", "canary": {"percent": 10.25}}}}}
                """))
        .containsExactly(
            "slipway.json: deploy.environments.a.strategy: 'big-bang' is not a strategy (rolling,"
                + " blue-green, linear, canary)",
            "slipway.json: deploy.environments.b.canary.percent: 0.05 is not a multiple of 0.1"
                + " from 0.1 to 100",
            "slipway.json: deploy.environments.b.canary.bakeMinutes: 1441 is out of range 0..1440",
            "slipway.json: deploy.environments.c.linear.stepPercent: 2.5 is not a multiple of 0.1"
                + " from 3.0 to 100",
            "slipway.json: deploy.environments.d.canary: sets the canary strategy, but strategy is"
                + " 'blue-green'",
            "slipway.json: deploy.environments.e.canary.percent: 10.25 is not a multiple of 0.1"
                + " from 0.1 to 100");
  }

  @Test
  void read_whenServiceIsMissing_thenSaysSo() {
    assertThat(problems("{\"targets\": [\"linux/amd64\"]}"))
        .containsExactly("slipway.json: service: required field is missing");
  }

  @Test
  void read_whenNotJson_thenOneProblemWithLineAndColumn() {
    assertThat(problems("{\"service\": \"x\",\n  oops}"))
        .singleElement()
        .asString()
        .startsWith("slipway.json: not JSON: ")
        .contains("(line 2, column 3)");
  }

  @Test
  void read_whenTopLevelIsNotAnObject_thenSaysWhatItIs() {
    assertThat(problems("[1, 2]"))
        .containsExactly("slipway.json: expected a JSON object, got an array");
  }

  @Test
  void read_whenKeysAreDuplicated_thenRefusesTheAmbiguity() {
    assertThat(problems("{\"service\": \"a\", \"service\": \"b\"}"))
        .singleElement()
        .asString()
        .contains("Duplicate field 'service'");
  }

  @Test
  void read_whenTooLarge_thenRefusedBeforeParsing() {
    String big = "{\"service\": \"a\", \"tags\": [" + "\"t\",".repeat(40_000) + "\"t\"]}";
    assertThat(problems(big))
        .singleElement()
        .asString()
        .startsWith("slipway.json: is ")
        .endsWith("bytes; the limit is 65536 bytes");
  }

  @Test
  void read_whenNestedTooDeeply_thenRefused() {
    String deep = "{\"service\": \"a\", \"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThat(problems(deep)).singleElement().asString().contains("nesting depth");
  }

  @Test
  void read_whenNoLinuxTarget_thenTheImageHasNothingToRun() {
    assertThat(problems("{\"service\": \"a\", \"targets\": [\"darwin/arm64\"]}"))
        .containsExactly(
            "slipway.json: targets: must include linux/amd64 or linux/arm64: the image runs on ECS, which runs only those");
  }

  @Test
  void read_whenImagePlatformIsNotATarget_thenSaysNoBinaryIsBuiltForIt() {
    assertThat(
            problems(
                "{\"service\": \"a\", \"targets\": [\"linux/amd64\"], \"image\": {\"platforms\": [\"linux/arm64\", \"linux/386\"]}}"))
        .containsExactly(
            "slipway.json: image.platforms[0]: 'linux/arm64' is not among targets, so no binary is built for it",
            "slipway.json: image.platforms[1]: 'linux/386' is not an image platform (ECS runs linux/amd64, linux/arm64)");
  }

  @Test
  void read_whenASeverityBothBlocksAndNeedsApproval_thenRefused() {
    assertThat(
            problems(
                "{\"service\": \"a\", \"scan\": {\"block\": [\"HIGH\"], \"approve\": [\"HIGH\"]}}"))
        .containsExactly(
            "slipway.json: scan.approve: HIGH is also in scan.block; a severity has one outcome");
  }

  @Test
  void read_whenAllowListRepeatsAnId_thenRefused() {
    String entry = "{\"id\": \"CVE-2024-1\", \"expires\": \"2027-01-01\", \"reason\": \"r\"}";
    assertThat(
            problems("{\"service\": \"a\", \"scan\": {\"allow\": [" + entry + ", " + entry + "]}}"))
        .containsExactly("slipway.json: scan.allow[1].id: 'CVE-2024-1' is listed twice");
  }

  @Test
  void read_whenMainVersionIsOverridden_thenRefusedBecauseSlipwayOwnsIt() {
    assertThat(problems("{\"service\": \"a\", \"xflags\": {\"main.version\": \"1.0\"}}"))
        .containsExactly(
            "slipway.json: xflags[\"main.version\"]: main.version is set by Slipway to the release id; use another name");
  }

  /** Strings that would inject a command, a flag or a second linker argument if passed through. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "$(touch /tmp/pwned)",
        "`id`",
        "a; rm -rf /",
        "x -extldflags=-static",
        "a' -X 'main.evil=1",
        "a\" -X \"main.evil=1",
        "a\\nb",
        "a|b",
        "a&&b",
        "a>b",
        "${HOME}",
        "a b"
      })
  void read_whenAnXflagValueCouldInject_thenRefused(String value) {
    String json = "{\"service\": \"a\", \"xflags\": {\"main.commit\": " + quote(value) + "}}";
    assertThat(problems(json))
        .singleElement()
        .asString()
        .startsWith("slipway.json: xflags[\"main.commit\"]: ")
        .contains("cannot split or quote the linker flags");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-race",
        "--help",
        "../outside",
        "./a/../../b",
        "/abs/path",
        "./$(id)",
        "./a b",
        "./a;b"
      })
  void read_whenMainIsNotAPlainPackageDirectory_thenRefused(String main) {
    assertThat(problems("{\"service\": \"a\", \"main\": " + quote(main) + "}"))
        .singleElement()
        .asString()
        .startsWith("slipway.json: main: ")
        .endsWith("is not a package directory inside the tree (like '.' or './cmd/server')");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-toolexec=/bin/sh", "a,b", "a b", "$(id)", "-", ""})
  void read_whenABuildTagCouldInject_thenRefused(String tag) {
    assertThat(problems("{\"service\": \"a\", \"tags\": [" + quote(tag) + "]}"))
        .singleElement()
        .asString()
        .startsWith("slipway.json: tags[0]: ")
        .endsWith("is not a build tag");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-rf", "a;b", "../x", "$(id)", "A", "a_b", "-a", "a-"})
  void read_whenServiceNameIsNotADnsLabel_thenRefused(String service) {
    assertThat(problems("{\"service\": " + quote(service) + "}"))
        .singleElement()
        .asString()
        .startsWith("slipway.json: service: ");
  }

  @Test
  void read_whenAStringHoldsControlCharacters_thenTheMessageEscapesThem() {
    assertThat(problems("{\"service\": \"a\\u001b[31mred\"}"))
        .containsExactly("slipway.json: service: 'a\\u001b[31mred' is not a service name");
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
