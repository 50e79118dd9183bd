package dev.slipway.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a sample against the expectation kept beside it: {@code NAME.inspect.jsonl} (one view per
 * event, compared as JSON) or {@code NAME.inspect.err} (the one malformed message).
 */
final class Expectations {
  private Expectations() {}

  static void check(Path sample, Path expectationDir) {
    List<ParseResult> results = new EventParser().parseStream(Samples.read(sample));
    Path jsonl = Samples.sibling(expectationDir, ".inspect.jsonl");
    Path err = Samples.sibling(expectationDir, ".inspect.err");
    assertThat(Files.exists(jsonl) ^ Files.exists(err))
        .as("exactly one of %s and %s exists", jsonl.getFileName(), err.getFileName())
        .isTrue();
    if (Files.exists(err)) {
      assertThat(results)
          .as("results of %s", sample)
          .anySatisfy(r -> assertThat(r).isInstanceOf(ParseResult.Malformed.class));
      ParseResult.Malformed first =
          (ParseResult.Malformed)
              results.stream().filter(r -> r instanceof ParseResult.Malformed).findFirst().get();
      assertThat(first.message()).isEqualTo(Samples.read(err).strip());
      return;
    }
    // Compared as canonical text: key order is part of the documented output, and numbers
    // compare by value whatever node type holds them.
    List<String> actual = new ArrayList<>();
    for (ParseResult result : results) {
      assertThat(result).as("result for %s", sample).isNotInstanceOf(ParseResult.Malformed.class);
      actual.add(canonical(EventView.of(result)));
    }
    List<String> expected =
        Samples.read(jsonl)
            .lines()
            .filter(line -> !line.isBlank())
            .map(line -> canonical(Json.parse(line, "$")))
            .toList();
    assertThat(actual).as("views of %s", sample).isEqualTo(expected);
  }

  private static String canonical(JsonNode node) {
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
