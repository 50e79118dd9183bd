package dev.slipway.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every file in {@code events/} parses to the value kept beside it. */
class ProjectEventsGoldenTest {

  @TestFactory
  Stream<DynamicTest> everyProjectSample_parsesToItsExpectation() {
    Path dir = Samples.projectEvents();
    return Samples.jsonFiles(dir).stream()
        .map(
            rel ->
                DynamicTest.dynamicTest(
                    rel.toString(), () -> Expectations.check(dir.resolve(rel), dir.resolve(rel))));
  }

  @Test
  void projectSamples_coverEveryKindTheParserKnows() {
    Path dir = Samples.projectEvents();
    var kinds =
        Samples.jsonFiles(dir).stream()
            .flatMap(rel -> new EventParser().parseStream(Samples.read(dir.resolve(rel))).stream())
            .filter(r -> r instanceof ParseResult.Parsed)
            .map(r -> ((ParseResult.Parsed) r).event().kind())
            .distinct()
            .toList();
    assertThat(kinds)
        .contains(
            "s3.object-created",
            "ecr.image-action",
            "ecr.image-scan",
            "inspector2.scan",
            "inspector2.finding",
            "codebuild.build-state",
            "codebuild.phase-change",
            "ecs.deployment-state",
            "ecs.service-action",
            "ecs.task-state",
            "cloudwatch.alarm-state",
            "slipway.release-requested");
  }
}
