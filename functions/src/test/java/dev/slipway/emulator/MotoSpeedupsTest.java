package dev.slipway.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caches Slipway adds to moto take effect in the Python moto runs on, and change no answer: a
 * cached input path finds what a freshly parsed one finds, and a page of ListObjectVersions is the
 * page moto's own listing gives.
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
    assertThat(withSpeedups(dir, "-c", script)).isEqualTo("True 4 tuple True");
  }

  @Test
  void listObjectVersions_givenOnlyTheKeysAPageCanShow_answersAsMotoItselfDoes() throws Exception {
    // Issue 19: moto deep-copies every version in the bucket for each page; the reconciler lists
    // one page a tick. The script compares both answers over hundreds of listings.
    Path dir = Moto.speedups(tmp);
    Path script = tmp.resolve("list-object-versions-same.py");
    try (var in = MotoSpeedupsTest.class.getResourceAsStream("list-object-versions-same.py")) {
      Files.write(script, in.readAllBytes());
    }
    String out = withSpeedups(dir, "-W", "error::ResourceWarning", script.toString());
    assertThat(out).startsWith("same ");
    assertThat(Integer.parseInt(out.substring("same ".length()))).isGreaterThan(300);
  }

  /** What moto's Python prints, run with the speedups in {@code dir}; it must exit 0. */
  private static String withSpeedups(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(python()));
    command.addAll(List.of(args));
    ProcessBuilder python = new ProcessBuilder(command).redirectErrorStream(true);
    python.environment().put("PYTHONPATH", dir.toString());
    Process run = python.start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(out).isZero();
    return out;
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
