package dev.slipway.aws;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.slipway.engine.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * One invocation as Lambda's Java runtime makes it, in a fresh JVM whose class path is the
 * deployment package (and this class): the handler class loaded by its name, built by its public
 * no-arg constructor (which wires itself from the environment), one event handed to {@code
 * handleRequest}. {@link ShrunkPackageIT} starts it; it must reach nothing outside the package.
 *
 * <p>Usage: {@code PackageDriver HANDLER_CLASS EVENT_FILE ANSWER_FILE CLOCK_OFFSET_MS [prime]}
 * ({@code prime}: the SnapStart checkpoint hook first). With an offset other than 0 (a test that
 * moved its clock to end a bake), the handler is built by its wired constructor over {@link
 * Wiring#pipeline} with the clock that far ahead, the one thing that differs from the no-arg
 * constructor.
 */
public final class PackageDriver {
  private PackageDriver() {}

  public static void main(String[] args) throws Exception {
    Class<?> type = Class.forName(args[0]);
    long offsetMillis = Long.parseLong(args[3]);
    Object handler;
    if (offsetMillis == 0) {
      handler = type.getConstructor().newInstance();
    } else {
      Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMillis(offsetMillis));
      handler =
          type.getConstructor(Pipeline.class, PrintStream.class)
              .newInstance(Wiring.pipeline(System.getenv(), ahead), System.out);
    }
    if (args.length > 4 && args[4].equals("prime")) {
      // what Lambda runs before it takes a SnapStart snapshot
      type.getMethod("beforeCheckpoint", org.crac.Context.class).invoke(handler, (Object) null);
    }
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    try (InputStream event = Files.newInputStream(Path.of(args[1]))) {
      ((RequestStreamHandler) handler).handleRequest(event, answer, null);
    }
    Files.write(Path.of(args[2]), answer.toByteArray());
  }
}
