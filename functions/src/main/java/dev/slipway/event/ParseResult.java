package dev.slipway.event;

import java.util.Objects;

/**
 * What the parser made of one event: a typed event, a well-formed event the pipeline does not use,
 * or a malformed input with the JSON path of the problem. Expected outcomes are values, not
 * exceptions (style §5).
 */
public sealed interface ParseResult {

  /** A typed event the pipeline acts on. */
  record Parsed(PipelineEvent event) implements ParseResult {
    public Parsed {
      Objects.requireNonNull(event, "event");
    }
  }

  /** A well-formed event that is not for us (another source or detail-type). */
  record Ignored(String source, String detailType) implements ParseResult {}

  /**
   * Input that is not a usable event; {@code path} is a JSON path such as {@code $.detail.bucket}.
   */
  record Malformed(String path, String problem) implements ParseResult {
    public Malformed {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(problem, "problem");
    }

    /** One line for a person: {@code $.detail.bucket.name: required field is missing}. */
    public String message() {
      return path + ": " + problem;
    }
  }
}
