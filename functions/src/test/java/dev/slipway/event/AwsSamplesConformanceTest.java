package dev.slipway.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance with real events as AWS sends them ({@code src/test/resources/aws-events-samples},
 * with their sources). The expectations in {@code src/test/resources/aws-events-expected/} were
 * written by reading each sample. Without the shared folder beside the checkout, the unchanged copy
 * in {@code src/test/resources/aws-events-samples/} is used; the run is skipped, saying so, only
 * when neither is there.
 */
class AwsSamplesConformanceTest {
  private static final Path EXPECTED = Path.of("src/test/resources/aws-events-expected");

  @TestFactory
  Stream<DynamicTest> everyRealAwsSample_parsesToTheExpectationWrittenForIt() {
    Path shared = Samples.sharedEvents();
    assumeTrue(
        shared != null,
        "AWS samples not found (src/test/resources/aws-events-samples): conformance run skipped");
    return Samples.jsonFiles(shared).stream()
        .map(
            rel ->
                DynamicTest.dynamicTest(
                    rel.toString(),
                    () -> Expectations.check(shared.resolve(rel), EXPECTED.resolve(rel))));
  }

  @Test
  void everyExpectation_hasItsSample() {
    Path shared = Samples.sharedEvents();
    assumeTrue(shared != null, "shared AWS samples not found: nothing to compare with");
    try (Stream<Path> files = Files.walk(EXPECTED)) {
      files
          .filter(Files::isRegularFile)
          .map(
              p ->
                  EXPECTED
                      .relativize(p)
                      .toString()
                      .replaceAll("\\.inspect\\.(jsonl|err)$", ".json"))
          .forEach(
              sample -> assertThat(shared.resolve(sample)).as("sample for %s", sample).exists());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
