package dev.slipway.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caches Slipway adds to moto take effect in the Python moto runs on, and change no answer: a
 * cached input path finds what a freshly parsed one finds.
 */
class MotoSpeedupsTest {
  @TempDir Path tmp;

  @Test
  void theSitecustomize_cachesParsedPathsAndTheModuleListing_withTheSameAnswers() throws Exception {
    Path dir = Moto.speedups(tmp);
    assertThat(Moto.speedups(tmp)).as("written once, found again").isEqualTo(dir);
    String script =
        String.join(
            "\n",
            "import jsonpath_ng.ext as e, jsonpath_ng.ext.parser as p, moto.backends as b",
            "event = {'detail': {'build-id': 'b1', 'phases': [1, 2]}, 'id': 'x'}",
            "paths = ['$.detail.build-id', '$.detail.phases[1]', '$.id', '$.missing']",
            "cached = [[m.value for m in e.parse(x).find(event)] for x in paths]",
            "again = [[m.value for m in e.parse(x).find(event)] for x in paths]",
            "fresh = [[m.value for m in p.parse(x).find(event)] for x in paths]",
            "assert cached == fresh == again, (cached, fresh)",
            "print(hasattr(e.parse, 'cache_info'), e.parse.cache_info().hits,"
                + " type(b.list_of_moto_modules()).__name__, 's3' in b.list_of_moto_modules())");
    ProcessBuilder python = new ProcessBuilder(python(), "-c", script).redirectErrorStream(true);
    python.environment().put("PYTHONPATH", dir.toString());
    Process run = python.start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo("True 4 tuple True");
  }

  /** The Python moto_server runs on: its virtual environment's, or the one on the PATH. */
  private static String python() throws Exception {
    Path program =
        Moto.program(
            Installs.cache(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Path venv = program.getParent().resolve("python");
    return Files.isExecutable(venv) ? venv.toString() : "python3";
  }
}
