package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.slipway.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `slipway schema` and `slipway completion`, as a user's editor and shell take them. */
class SchemaAndCompletionTest {

  private static JsonSchema schema() throws Exception {
    Cli cli = Cli.run("schema");
    assertThat(cli.code()).as(cli.err()).isZero();
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(Json.parse(cli.out(), "$"));
  }

  @Test
  void schema_validatesTheExample_andRejectsAnUnknownTopLevelField() throws Exception {
    JsonSchema schema = schema();
    String example = Files.readString(Cli.root().resolve("examples/hello-go/slipway.json"));

    assertThat(schema.validate(Json.parse(example, "$"))).isEmpty();
    Set<ValidationMessage> refused =
        schema.validate(Json.parse("{\"service\": \"hello-go\", \"colour\": \"blue\"}", "$"));
    assertThat(refused)
        .extracting(ValidationMessage::getMessage)
        .anyMatch(m -> m.contains("colour"));
  }

  @Test
  void aManifestNamingItsSchema_isAcceptedByPlan(@TempDir Path tmp) throws Exception {
    Path tree = tmp.resolve("svc");
    Files.createDirectories(tree);
    Files.writeString(tree.resolve("go.mod"), "module example.com/svc\n\ngo 1.22\n");
    Files.writeString(tree.resolve("main.go"), "package main\n\nfunc main() {}\n");
    Files.writeString(
        tree.resolve("slipway.json"),
        "{\"$schema\": \"./slipway.schema.json\", \"service\": \"svc\"}");

    Cli cli = Cli.run("plan", tree.toString());

    assertThat(cli.code()).as(cli.err()).isZero();
  }

  @Test
  void completion_bash_completesCommandsAndOptions(@TempDir Path tmp) throws Exception {
    Cli cli = Cli.run("completion", "bash");
    assertThat(cli.code()).as(cli.err()).isZero();
    Path script = tmp.resolve("slipway-completion.bash");
    Files.writeString(script, cli.out());

    assertThat(complete(script, "slipway pu")).contains("push");
    assertThat(complete(script, "slipway st")).contains("status");
    assertThat(complete(script, "slipway push --fo")).contains("--follow");
    assertThat(complete(script, "slipway completion ")).contains("bash", "zsh");
  }

  @Test
  void completion_ofAnUnknownShell_isBadInput() {
    Cli cli = Cli.run("completion", "fish");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.err()).contains("fish");
  }

  /** What bash offers for {@code line} (the cursor at its end), with the script sourced. */
  private static List<String> complete(Path script, String line) throws Exception {
    String words = line.endsWith(" ") ? line + "''" : line;
    String program =
        "source "
            + script
            + "\nCOMP_WORDS=("
            + words
            + ")\nCOMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\nCOMP_LINE='"
            + line
            + "'\nCOMP_POINT=${#COMP_LINE}\n_complete_slipway slipway\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process bash = new ProcessBuilder("bash", "-c", program).redirectErrorStream(true).start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.lines().map(String::strip).toList();
  }
}
