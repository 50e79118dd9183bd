package dev.slipway.json;

/**
 * A problem with a JSON document at one path ({@code $.detail.bucket.name}): missing, wrong type,
 * or a value outside its grammar. Thrown while reading and turned into a result value at the
 * boundary of the reader that caught it.
 */
public final class JsonProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String problem;

  public JsonProblem(String path, String problem) {
    super(path + ": " + problem, null, false, false);
    this.path = path;
    this.problem = problem;
  }

  /** The JSON path of the offending value, {@code $} for the whole document. */
  public String path() {
    return path;
  }

  /** What is wrong, without the path. */
  public String problem() {
    return problem;
  }
}
