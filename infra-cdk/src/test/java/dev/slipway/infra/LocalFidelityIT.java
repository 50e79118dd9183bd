package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule of fidelity, checked from outside: what AWS would refuse, `slipway local` refuses, as
 * derived from the template it is given. A template whose roles lack a grant the release needs ends
 * FAILED locally, with the denied action in the reason, as it would on AWS.
 */
class LocalFidelityIT {
  @TempDir Path tmp;

  /** `slipway local --template TEMPLATE --release SOURCE` in a state of its own. */
  LocalSupport.Run release(Path template, Path source) {
    return LocalSupport.run(
        "local",
        "--state",
        tmp.resolve("state").toString(),
        "--template",
        template.toString(),
        "--release",
        source.toString(),
        "--timeout",
        "240");
  }

  @Test
  void withoutEcsUpdateService_theReleaseFails_namingTheDeniedAction() throws Exception {
    JsonNode template = Json.parse(Files.readString(LocalReleaseIT.TEMPLATE), "$");
    int removed = 0;
    for (JsonNode resource : template.path("Resources")) {
      // inline, and the managed policies the handlers' roles share (PolicyPacker)
      if (!resource.path("Type").asText().equals("AWS::IAM::Policy")
          && !resource.path("Type").asText().equals("AWS::IAM::ManagedPolicy")) {
        continue;
      }
      for (JsonNode statement :
          resource.path("Properties").path("PolicyDocument").path("Statement")) {
        JsonNode action = statement.path("Action");
        if (action.isArray()) {
          ArrayNode kept = Json.mapper().createArrayNode();
          for (JsonNode a : action) {
            if (a.asText().equals("ecs:UpdateService")) {
              removed++;
            } else {
              kept.add(a);
            }
          }
          ((ObjectNode) statement).set("Action", kept);
        } else if (action.asText().equals("ecs:UpdateService")) {
          ((ObjectNode) statement).put("Action", "ecs:DescribeServices");
          removed++;
        }
      }
    }
    assertThat(removed).as("grants of ecs:UpdateService in the template").isPositive();
    Path mutated = tmp.resolve("no-update-service.template.json");
    Files.writeString(mutated, template.toString());

    LocalSupport.Run run = release(mutated, LocalSupport.EXAMPLE);

    assertFailed(run, "AccessDenied", "not authorized to perform: ecs:UpdateService");
  }

  @Test
  void withBasicScanning_aScratchImageIsUnsupported_andTheReleaseFails_neverCleanByDefault() {
    // Finding 6: ECR basic scanning reads OS packages only; Slipway's images have none.
    Path basic = LocalReleaseIT.TEMPLATE.resolveSibling("SlipwayPipelineBasic.template.json");
    assertThat(basic).as("synthesized by PipelineStackTest").exists();

    LocalSupport.Run run = release(basic, LocalSupport.EXAMPLE);

    String out = assertFailed(run, "ended UNSUPPORTED_IMAGE", "use enhanced scanning");
    assertThat(run.out()).as(out).noneMatch(l -> l.contains(" DEPLOYING "));
  }

  @Test
  void aTemplateWhoseMappingLacksPartialBatchFailures_isRefused_namingTheQueue() throws Exception {
    JsonNode template = Json.parse(Files.readString(LocalReleaseIT.TEMPLATE), "$");
    String queue = null;
    for (JsonNode resource : template.path("Resources")) {
      if (resource.path("Type").asText().equals("AWS::Lambda::EventSourceMapping")) {
        ((ObjectNode) resource.path("Properties")).remove("FunctionResponseTypes");
        queue =
            resource.path("Properties").path("EventSourceArn").path("Fn::GetAtt").path(0).asText();
        break;
      }
    }
    assertThat(queue).as("an event source mapping in the template").isNotNull();
    Path mutated = tmp.resolve("no-partial-failures.template.json");
    Files.writeString(mutated, template.toString());

    LocalSupport.Run run = release(mutated, LocalSupport.EXAMPLE);

    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(queue).contains("lacks ReportBatchItemFailures");
  }

  @Test
  void aCompileError_failsTheRelease_withTheBuildsOwnErrorLine() throws Exception {
    Path broken =
        LocalSupport.example(
            tmp.resolve("broken"), "ready.set(true)", "ready.set(notDefinedAnywhere)");

    // The compiler names the line: wherever the edit put it in main.go.
    List<String> lines = Files.readAllLines(broken.resolve("main.go"));
    int line =
        1
            + lines.indexOf(
                lines.stream()
                    .filter(l -> l.contains("notDefinedAnywhere"))
                    .findFirst()
                    .orElseThrow());

    LocalSupport.Run run = release(LocalReleaseIT.TEMPLATE, broken);

    String out =
        assertFailed(run, "compile build arn:aws:codebuild:", "undefined: notDefinedAnywhere");
    // and the build's own last lines, as the compile left them
    assertThat(run.out()).as(out).contains("  the build's last lines:");
    assertThat(run.out())
        .as(out)
        .anyMatch(l -> l.startsWith("    ") && l.contains("./main.go:" + line + ":13: undefined"));
  }

  /** The project template with {@code project}'s buildspec edited by {@code edit}, as a file. */
  Path withBuildspec(String project, String name, java.util.function.UnaryOperator<String> edit)
      throws Exception {
    JsonNode template = Json.parse(Files.readString(LocalReleaseIT.TEMPLATE), "$");
    int changed = 0;
    for (JsonNode resource : template.path("Resources")) {
      if (resource.path("Type").asText().equals("AWS::CodeBuild::Project")
          && resource.path("Properties").path("Name").asText().equals(project)) {
        ObjectNode source = (ObjectNode) resource.path("Properties").path("Source");
        String spec = source.path("BuildSpec").asText();
        String edited = edit.apply(spec);
        assertThat(edited).as("the edit changes the buildspec").isNotEqualTo(spec);
        source.put("BuildSpec", edited);
        changed++;
      }
    }
    assertThat(changed).isEqualTo(1);
    Path mutated = tmp.resolve(name + ".template.json");
    Files.writeString(mutated, template.toString());
    return mutated;
  }

  @Test
  void aBuildspecThatFails_failsTheRelease_namingTheBuild() throws Exception {
    Path mutated =
        withBuildspec(
            "slipway-compile",
            "failing-buildspec",
            spec ->
                spec.replace(
                    "\n  build:\n    commands:\n",
                    "\n  build:\n    commands:\n      - echo 'the build refuses' && false\n"));

    LocalSupport.Run run = release(mutated, LocalSupport.EXAMPLE);

    assertFailed(
        run, "compile build arn:aws:codebuild:eu-west-1:210987654321:build/slipway-compile:");
  }

  @Test
  void aCompileOutputReplacedAfterItsBuild_isNotUsed_theImageBuildFails() throws Exception {
    // As if another release's compile build (every compile build may write under builds/) had
    // replaced this release's dist.zip after CodeBuild reported its checksum.
    String check = "      - echo \"${SLIPWAY_DIST_SHA256}  dist.zip\"";
    Path mutated =
        withBuildspec(
            "slipway-image",
            "replaced-output",
            spec -> spec.replace(check, "      - echo replaced >> dist.zip\n" + check));

    LocalSupport.Run run = release(mutated, LocalSupport.EXAMPLE);

    String out = assertFailed(run, "image build");
    assertThat(run.out()).as(out).noneMatch(l -> l.contains(" IMAGE_READY "));
  }

  /** Asserts that {@code run} failed with a FAILED line holding every fragment; its output. */
  static String assertFailed(LocalSupport.Run run, String... fragments) {
    String out = String.join("\n", run.out());
    assertThat(run.code()).as(out).isNotZero();
    assertThat(run.out())
        .as(out)
        .anyMatch(
            l ->
                l.contains(" FAILED ") && java.util.Arrays.stream(fragments).allMatch(l::contains));
    return out;
  }
}
