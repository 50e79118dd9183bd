package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.slipway.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps {@code slipway.json}'s JSON Schema ({@code slipway schema}) and {@link ManifestReader}
 * agreeing, judged by a standard validator (networknt, draft 2020-12): every manifest the reader
 * accepts validates, every one it refuses for a reason a schema can state is refused by both, and
 * the schema's patterns and lists are the reader's own grammar. The rules a schema cannot state
 * (timeout below interval, Fargate's cpu/memory pairs, a severity both blocked and approved, a
 * repeated allowance, image platforms among the targets) are the reader's alone: listed last.
 */
class ManifestSchemaTest {
  private static final String HEX = "a".repeat(64);

  static JsonNode schemaJson() throws IOException {
    try (InputStream in = ManifestReader.class.getResourceAsStream(ManifestReader.SCHEMA)) {
      assertThat(in).as("the schema resource " + ManifestReader.SCHEMA).isNotNull();
      return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "$");
    }
  }

  static Set<String> schemaErrors(String manifest) throws IOException {
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaJson());
    Set<String> out = new TreeSet<>();
    for (ValidationMessage m : schema.validate(Json.parse(manifest, "$"))) {
      out.add(m.getMessage());
    }
    return out;
  }

  static boolean readerAccepts(String manifest) {
    return ManifestReader.read(manifest) instanceof ManifestReader.Result.Valid;
  }

  static Stream<String> valid() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> examples = Files.list(Path.of("..", "examples"))) {
      for (Path dir : examples.filter(Files::isDirectory).toList()) {
        Path manifest = dir.resolve("slipway.json");
        if (Files.isRegularFile(manifest)) {
          out.add(Files.readString(manifest));
        }
      }
    }
    assertThat(out).as("the examples' manifests").isNotEmpty();
    out.add("{\"service\": \"a\"}");
    out.add("{\"$schema\": \"./slipway.schema.json\", \"service\": \"hello-go\"}");
    out.add(
        """
        {"service": "payments-api", "main": "cmd/server/",
         "targets": ["linux/arm64", "linux/amd64", "darwin/arm64", "linux/arm/v7"],
         "tags": ["netgo", "osusergo"],
         "xflags": {"main.commit": "abc123", "example.com/payments/internal/build.Date": "2026-11-27"},
         "test": true, "go": "1.26.8", "compress": "upx",
         "image": {"platforms": ["linux/arm64"],
                   "base": "gcr.io/distroless/static-debian12@sha256:%s",
                   "port": 9090, "user": "payments", "uid": 10001},
         "health": {"liveness": "/live", "readiness": "/ready", "gracePeriodSeconds": 45,
                    "intervalSeconds": 10, "timeoutSeconds": 5, "retries": 3, "startPeriodSeconds": 0},
         "scan": {"block": ["CRITICAL"], "approve": ["high", "MEDIUM"],
                  "allow": [{"id": "GO-2024-2687", "expires": "2027-01-31", "reason": "not reachable"}]},
         "deploy": {"cluster": "prod", "service": "payments", "container": "app", "bakeSeconds": 600,
                    "cpu": 512, "memory": 2048}}
        """
            .formatted(HEX));
    out.add(
        """
        {"service": "a", "deploy": {"bakeSeconds": 60, "environments": {
          "staging": {"bakeSeconds": 0},
          "production": {"bakeSeconds": 900, "approval": true, "promotion": "auto"},
          "eu-west": {"promotion": "manual", "strategy": "linear",
                      "linear": {"stepPercent": 12.5, "stepBakeMinutes": 0}},
          "us-east": {"strategy": "canary", "canary": {"percent": 0.1, "bakeMinutes": 1440}},
          "ap-south": {"strategy": "blue-green"}}}}
        """);
    out.add(
        "{\"service\": \"a\", \"dockerfile\": {\"path\": \"build/Dockerfile\", \"context\":"
            + " \"./src\", \"platforms\": [\"linux/amd64\"]}}");
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("valid")
  void aManifestTheReaderAccepts_validatesAgainstTheSchema(String manifest) throws IOException {
    assertThat(readerAccepts(manifest)).as("the reader accepts " + manifest).isTrue();
    assertThat(schemaErrors(manifest)).as(manifest).isEmpty();
  }

  /** Refused by both: each breaks one rule the schema states. */
  static Stream<String> refusedByBoth() {
    return Stream.of(
        "{}",
        "{\"service\": \"a\", \"extra\": true}",
        "{\"service\": \"Hello_World\"}",
        "{\"service\": \"a-\"}",
        "{\"service\": 7}",
        "{\"$schema\": 7, \"service\": \"a\"}",
        "{\"service\": \"a\", \"main\": \"../outside\"}",
        "{\"service\": \"a\", \"main\": \"/abs/path\"}",
        "{\"service\": \"a\", \"main\": \"./$(id)\"}",
        "{\"service\": \"a\", \"targets\": []}",
        "{\"service\": \"a\", \"targets\": [\"linux/sparc\"]}",
        "{\"service\": \"a\", \"targets\": [\"linux/amd64\", \"linux/amd64\"]}",
        "{\"service\": \"a\", \"tags\": [\"-toolexec=/bin/sh\"]}",
        "{\"service\": \"a\", \"xflags\": {\"main.commit\": \"$(id)\"}}",
        "{\"service\": \"a\", \"xflags\": {\"main.version\": \"1.0\"}}",
        "{\"service\": \"a\", \"xflags\": {\"not a name\": \"1\"}}",
        "{\"service\": \"a\", \"test\": \"yes\"}",
        "{\"service\": \"a\", \"go\": \"1.26\"}",
        "{\"service\": \"a\", \"compress\": \"zstd\"}",
        "{\"service\": \"a\", \"image\": {\"colour\": \"blue\"}}",
        "{\"service\": \"a\", \"image\": {\"base\": \"alpine:3.20\"}}",
        "{\"service\": \"a\", \"image\": {\"port\": 70000}}",
        "{\"service\": \"a\", \"image\": {\"uid\": 0}}",
        "{\"service\": \"a\", \"image\": {\"user\": \"Root User\"}}",
        "{\"service\": \"a\", \"image\": {\"platforms\": [\"darwin/arm64\"]}}",
        "{\"service\": \"a\", \"health\": {\"liveness\": \"healthz\"}}",
        "{\"service\": \"a\", \"health\": {\"intervalSeconds\": 4}}",
        "{\"service\": \"a\", \"health\": {\"timeoutSeconds\": 61}}",
        "{\"service\": \"a\", \"health\": {\"retries\": 11}}",
        "{\"service\": \"a\", \"health\": {\"gracePeriodSeconds\": 3601}}",
        "{\"service\": \"a\", \"scan\": {\"block\": [\"SEVERE\"]}}",
        "{\"service\": \"a\", \"scan\": {\"allow\": [{\"id\": \"CVE-2024-1\"}]}}",
        "{\"service\": \"a\", \"scan\": {\"allow\": [{\"id\": \"CVE-2024-1\", \"reason\": \"\"}]}}",
        "{\"service\": \"a\", \"scan\": {\"allow\": [{\"id\": \"CVE-2024-1\", \"reason\": \"x\","
            + " \"expires\": \"soon\"}]}}",
        "{\"service\": \"a\", \"scan\": {\"allow\": [{\"id\": \"$(id)\", \"reason\": \"x\"}]}}",
        "{\"service\": \"a\", \"deploy\": {\"bakeSeconds\": -5}}",
        "{\"service\": \"a\", \"deploy\": {\"bakeSeconds\": 21601}}",
        "{\"service\": \"a\", \"deploy\": {\"cluster\": \"a b\"}}",
        "{\"service\": \"a\", \"deploy\": {\"cpu\": 100, \"memory\": 512}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"Prod\": {}}}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"prod\": {\"promotion\": \"now\"}}}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"prod\": {\"approval\": \"yes\"}}}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"prod\": {\"bakeSeconds\": -1}}}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"prod\": {\"canary\": 5}}}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": []}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"p\": {\"strategy\": \"big-bang\"}}}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"p\": {\"strategy\": \"canary\","
            + " \"canary\": {\"percent\": 0}}}}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"p\": {\"strategy\": \"linear\","
            + " \"linear\": {\"stepPercent\": 2}}}}}",
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"p\": {\"strategy\": \"canary\","
            + " \"canary\": {\"bakeMinutes\": 1441}}}}}",
        "{\"service\": \"a\", \"dockerfile\": {\"path\": \"../Dockerfile\"}}",
        "{\"service\": \"a\", \"dockerfile\": {\"platforms\": [\"darwin/arm64\"]}}");
  }

  @ParameterizedTest
  @MethodSource("refusedByBoth")
  void aManifestTheSchemaCanJudge_isRefusedByBoth(String manifest) throws IOException {
    assertThat(readerAccepts(manifest)).as("the reader refuses " + manifest).isFalse();
    assertThat(schemaErrors(manifest)).as("the schema refuses " + manifest).isNotEmpty();
  }

  /** The reader's own rules, beyond what a schema states: valid to the schema, refused by it. */
  static Stream<String> refusedByTheReaderAlone() {
    return Stream.of(
        "{\"service\": \"a\", \"health\": {\"intervalSeconds\": 10, \"timeoutSeconds\": 10}}",
        "{\"service\": \"a\", \"deploy\": {\"cpu\": 256}}",
        "{\"service\": \"a\", \"deploy\": {\"cpu\": 256, \"memory\": 4096}}",
        "{\"service\": \"a\", \"scan\": {\"block\": [\"HIGH\"], \"approve\": [\"HIGH\"]}}",
        "{\"service\": \"a\", \"scan\": {\"allow\": [{\"id\": \"X-1\", \"reason\": \"r\"},"
            + " {\"id\": \"X-1\", \"reason\": \"r\"}]}}",
        "{\"service\": \"a\", \"targets\": [\"linux/amd64\"], \"image\": {\"platforms\":"
            + " [\"linux/arm64\"]}}",
        "{\"service\": \"a\", \"targets\": [\"darwin/arm64\"]}",
        // settings for a strategy other than the one named
        "{\"service\": \"a\", \"deploy\": {\"environments\": {\"p\": {\"strategy\": \"blue-green\","
            + " \"canary\": {\"percent\": 10}}}}}");
  }

  @ParameterizedTest
  @MethodSource("refusedByTheReaderAlone")
  void aRuleNoSchemaStates_isTheReadersAlone(String manifest) throws IOException {
    assertThat(readerAccepts(manifest)).as("the reader refuses " + manifest).isFalse();
    assertThat(schemaErrors(manifest)).as("the schema cannot say so").isEmpty();
  }

  @Test
  void theSchemasPatternsAndListsAreTheReadersGrammar() throws IOException {
    JsonNode p = schemaJson().path("properties");
    Map<String, Pattern> grammar =
        Map.ofEntries(
            Map.entry("/service", ManifestGrammar.SERVICE),
            Map.entry("/tags/items", ManifestGrammar.TAG),
            Map.entry("/xflags/propertyNames", ManifestGrammar.XFLAG_NAME),
            Map.entry("/xflags/additionalProperties", ManifestGrammar.XFLAG_VALUE),
            Map.entry("/go", ManifestGrammar.GO_VERSION),
            Map.entry("/image/properties/user", ManifestGrammar.USER),
            Map.entry("/health/properties/liveness", ManifestGrammar.HTTP_PATH),
            Map.entry("/health/properties/readiness", ManifestGrammar.HTTP_PATH),
            Map.entry("/scan/properties/allow/items/properties/id", ManifestGrammar.FINDING_ID),
            Map.entry("/deploy/properties/cluster", ManifestGrammar.ECS_NAME),
            Map.entry("/deploy/properties/service", ManifestGrammar.ECS_NAME),
            Map.entry("/deploy/properties/container", ManifestGrammar.ECS_NAME),
            Map.entry("/deploy/properties/environments/propertyNames", ManifestGrammar.SERVICE),
            Map.entry("/dockerfile/properties/path", ManifestGrammar.TREE_FILE));
    grammar.forEach(
        (pointer, pattern) ->
            assertThat(p.at(pointer + "/pattern").asText())
                .as(pointer)
                .isEqualTo("^(?:" + pattern.pattern() + ")$"));
    assertThat(p.at("/image/properties/base/anyOf/1/pattern").asText())
        .isEqualTo("^(?:" + ManifestGrammar.PINNED_IMAGE.pattern() + ")$");
    assertThat(texts(p.at("/targets/items/enum"))).isEqualTo(Platform.SUPPORTED);
    assertThat(texts(p.at("/image/properties/platforms/items/enum")))
        .isEqualTo(Platform.IMAGE_PLATFORMS);
    assertThat(texts(p.at("/dockerfile/properties/platforms/items/enum")))
        .isEqualTo(Platform.SUPPORTED.stream().filter(s -> s.startsWith("linux/")).toList());
    List<String> severities = new ArrayList<>();
    for (Severity s : Severity.values()) {
      severities.add(s.name());
      severities.add(s.name().toLowerCase(java.util.Locale.ROOT));
    }
    assertThat(texts(p.at("/scan/properties/block/items/enum"))).isEqualTo(severities);
    // The top-level fields are the reader's: its "unknown field" message lists them.
    String known =
        ((ManifestReader.Result.Invalid) ManifestReader.read("{\"service\": \"a\", \"zz\": 1}"))
            .problems()
            .get(0)
            .line();
    List<String> names = new ArrayList<>();
    schemaJson().path("properties").fieldNames().forEachRemaining(names::add);
    assertThat(known).contains("(known: " + String.join(", ", new TreeSet<>(names)) + ")");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
