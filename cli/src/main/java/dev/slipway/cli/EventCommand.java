package dev.slipway.cli;

import dev.slipway.event.EventParser;
import dev.slipway.event.EventView;
import dev.slipway.event.ParseResult;
import dev.slipway.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code slipway event ...}: work with the events the pipeline reads. */
@Command(
    name = "event",
    description = "Work with the AWS and Slipway events the pipeline reads.",
    subcommands = {EventCommand.Inspect.class})
final class EventCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /**
   * {@code slipway event inspect FILE|-}: one JSON line per event in the input. All or nothing: if
   * any event is malformed, nothing is printed on stdout and the first problem goes to stderr.
   */
  @Command(
      name = "inspect",
      description = {
        "Print each event in FILE (or stdin for -) as one JSON line with its kind and fields.",
        "Accepts EventBridge events, S3 notifications (Records) and SQS messages carrying either,"
            + " one or more per input.",
        "Exit 0 when every event is well-formed (unused ones print kind \"ignored\"), 2 when"
            + " one is not."
      })
  static final class Inspect implements Callable<Integer> {
    /** Bound on what is read at all; each event is further limited to 256 KiB. */
    static final int MAX_INPUT_BYTES = 16 * 1024 * 1024;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "event file, or - for stdin")
    String input;

    @Override
    public Integer call() {
      var err = spec.commandLine().getErr();
      var out = spec.commandLine().getOut();
      String text;
      try {
        text = read();
      } catch (InputProblem e) {
        err.println("slipway event inspect: " + e.getMessage());
        return Slipway.BAD_INPUT;
      }
      List<ParseResult> results = new EventParser().parseStream(text);
      List<String> lines = new ArrayList<>(results.size());
      for (ParseResult result : results) {
        if (result instanceof ParseResult.Malformed malformed) {
          err.println("slipway event inspect: " + where() + malformed.message());
          return Slipway.BAD_INPUT;
        }
        try {
          lines.add(Json.mapper().writeValueAsString(EventView.of(result)));
        } catch (IOException e) {
          throw new IllegalStateException("cannot render an event view", e);
        }
      }
      lines.forEach(out::println);
      return Slipway.OK;
    }

    private String where() {
      return input.equals("-") ? "" : input + ": ";
    }

    private String read() throws InputProblem {
      byte[] bytes;
      try (InputStream in = input.equals("-") ? System.in : Files.newInputStream(Path.of(input))) {
        bytes = in.readNBytes(MAX_INPUT_BYTES + 1);
      } catch (NoSuchFileException e) {
        throw new InputProblem(input + ": no such file");
      } catch (IOException e) {
        throw new InputProblem(input + ": cannot read: " + e.getMessage());
      }
      if (bytes.length > MAX_INPUT_BYTES) {
        throw new InputProblem(
            where() + "$: input is more than " + MAX_INPUT_BYTES + " bytes; split it into files");
      }
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        throw new InputProblem(where() + "$: not JSON: the input is not UTF-8 text");
      }
    }
  }

  /** A problem with the input as a whole (missing file, too large, not text). */
  static final class InputProblem extends Exception {
    private static final long serialVersionUID = 1L;

    InputProblem(String message) {
      super(message, null, false, false);
    }
  }
}
