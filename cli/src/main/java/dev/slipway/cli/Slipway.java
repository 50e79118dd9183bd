package dev.slipway.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code slipway} command. Only this class and the subcommands touch files, streams and exit
 * codes; they hand everything else to the pure code in {@code functions}.
 *
 * <p>Exit codes: 0 success; 1 the work failed (a compile error, a refused push); 2 bad input or
 * usage (a malformed event, an invalid manifest, an unknown option), with one line per problem on
 * stderr; 70 an internal error (a bug: a stack trace is printed only when {@code SLIPWAY_DEBUG} is
 * set).
 */
@Command(
    name = "slipway",
    mixinStandardHelpOptions = true,
    versionProvider = Slipway.Version.class,
    description = "Release Go services to Amazon ECS: build, image, scan gate, deploy, rollback.",
    subcommands = {
      EventCommand.class,
      PlanCommand.class,
      SchemaCommand.class,
      BuildCommand.class,
      ImageCommand.class,
      PushCommand.class,
      LocalCommand.class,
      DemoCommand.class,
      ReleaseCommands.Status.class,
      ReleaseCommands.Releases.class,
      ReleaseCommands.Approve.class,
      ReleaseCommands.Promote.class,
      ReleaseCommands.Reject.class,
      ReleaseCommands.Rollback.class,
      LogsCommand.class,
      DoctorCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Slipway implements Runnable {
  /** Success. */
  public static final int OK = 0;

  /** The work was attempted and failed: a compile error, a registry that refused a push. */
  public static final int FAILED = 1;

  /** Bad input or usage: the message says which field and value. */
  public static final int BAD_INPUT = 2;

  /** A bug in Slipway (EX_SOFTWARE). */
  public static final int INTERNAL_ERROR = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line with the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Slipway());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine
              .getErr()
              .println("slipway: internal error: " + e + " (set SLIPWAY_DEBUG=1 for details)");
          if (System.getenv("SLIPWAY_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
          }
          return INTERNAL_ERROR;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Slipway.class.getPackage().getImplementationVersion();
      return new String[] {"slipway " + (version == null ? "dev" : version)};
    }
  }
}
