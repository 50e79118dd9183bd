package dev.slipway.cli;

import dev.slipway.release.ManifestReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code slipway schema}: the JSON Schema of {@code slipway.json}, for editors and validators. */
@Command(
    name = "schema",
    description = {
      "Print the JSON Schema (draft 2020-12) of slipway.json.",
      "Save it beside the manifest (slipway schema > slipway.schema.json) and name it in the"
          + " manifest (\"$schema\": \"./slipway.schema.json\"): editors then complete and check the"
          + " fields. `slipway plan` also checks what a schema cannot say."
    })
final class SchemaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    try (InputStream in = ManifestReader.class.getResourceAsStream(ManifestReader.SCHEMA)) {
      if (in == null) {
        throw new IOException("the schema resource " + ManifestReader.SCHEMA + " is missing");
      }
      spec.commandLine().getOut().print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      spec.commandLine().getOut().flush();
      return Slipway.OK;
    }
  }
}
