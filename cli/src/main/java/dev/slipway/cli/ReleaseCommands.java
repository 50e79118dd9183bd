package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.engine.ReleaseLedger;
import dev.slipway.engine.ServiceIndex;
import dev.slipway.json.Json;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import dev.slipway.release.SourceRef;
import dev.slipway.release.Stage;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The commands that read and steer releases from the ledger: status, releases, approve, reject,
 * rollback.
 */
final class ReleaseCommands {
  private ReleaseCommands() {}

  /** Shared plumbing: options, output streams, the ledger, error handling. */
  abstract static class Base implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin AwsOptions aws;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    String name() {
      return "slipway " + spec.name();
    }

    @Override
    public Integer call() {
      if (aws.problem() != null) {
        err().println(name() + ": " + aws.problem());
        return Slipway.BAD_INPUT;
      }
      try (AwsClients clients = aws.clients()) {
        return run(clients, aws.ledger(clients));
      } catch (SdkException | dev.slipway.engine.ReleaseEngine.RetryLater e) {
        // RetryLater: the ledger could not be read (it wraps the SDK's error, which it names)
        err().println(name() + ": " + e.getMessage());
        return Slipway.FAILED;
      }
    }

    abstract int run(AwsClients clients, ReleaseLedger ledger);

    /**
     * Sends {@code body} to the steering URL's {@code action}, signed as the caller, and prints the
     * answer ({@code line} of it, or its JSON). Exit 0 when done; 1 when refused by IAM (403) or by
     * the state of the releases (409, with the reason); 2 for a request the URL found wrong.
     */
    int steer(String action, ObjectNode body, Function<SteeringRequest.Answer, String> line) {
      if (aws.steeringUrl == null || aws.steeringUrl.isBlank()) {
        err()
            .println(
                name()
                    + ": --steering-url: no steering URL given (set --steering-url or"
                    + " SLIPWAY_STEERING_URL to the stack's SteeringUrl output)");
        return Slipway.BAD_INPUT;
      }
      SteeringRequest.Answer answer;
      try {
        answer =
            SteeringRequest.send(
                aws.steeringUrl, action, body.toString(), aws.credentials(), aws.signingRegion());
      } catch (IOException | IllegalArgumentException e) {
        err().println(name() + ": " + aws.steeringUrl + ": " + e.getMessage());
        return Slipway.FAILED;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Slipway.FAILED;
      }
      if (answer.status() != 200) {
        err().println(name() + ": refused (" + answer.status() + "): " + answer.message());
        return answer.status() == 403 || answer.status() == 409
            ? Slipway.FAILED
            : Slipway.BAD_INPUT;
      }
      out().println(json ? answer.body() : line.apply(answer));
      return Slipway.OK;
    }

    /** The release named {@code id}, or null after saying why on stderr. */
    Release release(ReleaseLedger ledger, String id) {
      Optional<String> service = SourceRef.serviceOfReleaseId(id);
      if (service.isEmpty()) {
        err().println(name() + ": '" + id + "' is not a release id (<service>-<12 hex>)");
        return null;
      }
      Optional<Release> found = ledger.read(service.get(), id).map(ReleaseLedger.Versioned::value);
      if (found.isEmpty()) {
        err().println(name() + ": no release " + id + " in s3://" + aws.bucket + "/ledger/");
        return null;
      }
      return found.get();
    }
  }

  @Command(
      name = "status",
      description = "Show one release (with its history), or the latest release of every service.")
  static final class Status extends Base {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RELEASE_ID")
    String id;

    @Override
    int run(AwsClients clients, ReleaseLedger ledger) {
      if (id != null) {
        Release r = release(ledger, id);
        if (r == null) {
          return Slipway.BAD_INPUT;
        }
        if (json) {
          out().println(ReleaseOutput.json(r));
        } else {
          for (int i = 0; i < r.history().size(); i++) {
            out()
                .println(
                    ReleaseOutput.transition(
                        r.history().get(i), i == 0 ? null : r.history().get(i - 1).at()));
          }
          out().println(ReleaseOutput.summary(r));
          ReleaseOutput.environments(r).forEach(out()::println);
        }
        return Slipway.OK;
      }
      ArrayNode all = Json.mapper().createArrayNode();
      for (String service : ledger.services()) {
        List<ServiceView.Entry> entries =
            ledger.readIndex(service).map(i -> i.value().releases()).orElse(List.of());
        if (entries.isEmpty()) {
          continue;
        }
        ServiceView.Entry e = entries.get(0);
        // What runs: the newest LIVE release (after a rollback, not the newest release); with
        // environments, what runs in each (the newest record says which there are).
        List<String> environments =
            ledger
                .read(service, e.id())
                .map(v -> v.value().config())
                .map(c -> c.path().stream().map(Stage::environment).toList())
                .orElse(List.of());
        Map<String, String> running = new ServiceView(service, entries).running(environments);
        String live =
            environments.size() > 1
                ? running.get(environments.get(environments.size() - 1))
                : entries.stream()
                    .filter(x -> x.state() == ReleaseState.LIVE)
                    .map(ServiceView.Entry::id)
                    .findFirst()
                    .orElse(null);
        if (json) {
          ObjectNode row =
              all.addObject()
                  .put("service", service)
                  .put("releaseId", e.id())
                  .put("state", e.state().name())
                  .put("requestedAt", e.requestedAt().toString())
                  .put("live", live);
          if (environments.size() > 1) {
            ObjectNode each = row.putObject("environments");
            environments.forEach(name -> each.put(name, running.get(name)));
          }
        } else {
          String where =
              environments.size() > 1
                  ? environments.stream()
                      .map(name -> name + ": " + running.getOrDefault(name, "none"))
                      .collect(Collectors.joining(", "))
                  : "live: " + (live == null ? "none" : live);
          out()
              .println(
                  String.format(
                      "%-24s %-28s %-17s %s  %s",
                      service, e.id(), e.state(), e.requestedAt(), where));
        }
      }
      if (json) {
        out().println(all);
      }
      return Slipway.OK;
    }
  }

  @Command(
      name = "releases",
      description =
          "List the releases of SERVICE, newest first: the ones its index keeps (every open"
              + " release, the last two days', the newest 100, the last 10 live in each"
              + " environment), or with --all every release in the ledger.")
  static final class Releases extends Base {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(
        names = "--all",
        description = "every release in the ledger, read record by record (slower)")
    boolean all;

    @Override
    int run(AwsClients clients, ReleaseLedger ledger) {
      List<ServiceView.Entry> releases =
          all
              ? new ServiceIndex(
                      service,
                      ledger.releaseIds(service).stream()
                          .map(id -> ledger.read(service, id))
                          .flatMap(Optional::stream)
                          .map(v -> ServiceIndex.entryOf(v.value()))
                          .toList())
                  .releases() // sorted newest first, as the index is
              : ledger.readIndex(service).map(i -> i.value().releases()).orElse(List.of());
      if (json) {
        ArrayNode all = Json.mapper().createArrayNode();
        releases.forEach(
            e ->
                all.addObject()
                    .put("releaseId", e.id())
                    .put("state", e.state().name())
                    .put("environment", e.environment())
                    .put("requestedAt", e.requestedAt().toString()));
        out().println(all);
      } else if (releases.isEmpty()) {
        err().println(name() + ": no releases of " + service);
      } else {
        releases.forEach(
            e ->
                out()
                    .println(
                        String.format(
                                "%-28s %-17s %s  %s",
                                e.id(),
                                e.state(),
                                e.requestedAt(),
                                e.environment() == null ? "" : e.environment())
                            .stripTrailing()));
      }
      return Slipway.OK;
    }
  }

  /**
   * Approve and reject: a SigV4-signed POST to the stack's steering URL (a Lambda function URL with
   * AuthType AWS_IAM), so who may decide is an IAM permission and the decider recorded is the
   * identity AWS authenticated, not a name given here.
   */
  abstract static class Decide extends Base {
    @Parameters(index = "0", paramLabel = "RELEASE_ID")
    String id;

    abstract String action();

    abstract String reason();

    @Override
    int run(AwsClients clients, ReleaseLedger ledger) {
      Release r = release(ledger, id);
      if (r == null) {
        return Slipway.BAD_INPUT;
      }
      if (r.state().isFinal()) {
        err().println(name() + ": " + id + " is " + r.state() + "; nothing to decide");
        return Slipway.BAD_INPUT;
      }
      var body = Json.mapper().createObjectNode();
      body.put("releaseId", r.id());
      if (reason() != null) {
        body.put("reason", reason());
      }
      return steer(
          action(),
          body,
          answer ->
              id
                  + " "
                  + answer.json().path("state").asText()
                  + " (decided by "
                  + answer.json().path("by").asText()
                  + ")");
    }
  }

  @Command(
      name = "approve",
      description =
          "Approve a release waiting for a person, through the stack's IAM-authenticated steering"
              + " URL (you are who your AWS credentials say).")
  static final class Approve extends Decide {
    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    @Override
    String action() {
      return "approve";
    }

    @Override
    String reason() {
      return reason;
    }
  }

  @Command(
      name = "reject",
      description =
          "Reject a release before it deploys, through the stack's IAM-authenticated steering URL.")
  static final class Reject extends Decide {
    @Option(names = "--reason", paramLabel = "TEXT", required = true)
    String reason;

    @Override
    String action() {
      return "reject";
    }

    @Override
    String reason() {
      return reason;
    }
  }

  @Command(
      name = "promote",
      description =
          "Promote a release live and baked in one environment to the next (--to), through the"
              + " stack's IAM-authenticated steering URL: the same image, never a rebuild, with that"
              + " environment's gate. Refused, with the reason, when it is not live in the"
              + " environment before, a newer release is already there, or its scan verdict has"
              + " expired.")
  static final class Promote extends Base {
    @Parameters(index = "0", paramLabel = "RELEASE_ID")
    String id;

    @Option(names = "--to", paramLabel = "ENVIRONMENT", required = true)
    String to;

    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    @Override
    int run(AwsClients clients, ReleaseLedger ledger) {
      Release r = release(ledger, id);
      if (r == null) {
        return Slipway.BAD_INPUT;
      }
      ObjectNode body = Json.mapper().createObjectNode().put("releaseId", r.id()).put("to", to);
      if (reason != null) {
        body.put("reason", reason);
      }
      return steer(
          "promote",
          body,
          answer ->
              id
                  + " "
                  + answer.json().path("state").asText()
                  + " in "
                  + answer.json().path("environment").asText()
                  + " (promoted by "
                  + answer.json().path("by").asText()
                  + ")");
    }
  }

  @Command(
      name = "rollback",
      description =
          "Roll SERVICE's live release back, through the stack's IAM-authenticated steering URL:"
              + " it becomes ROLLED_BACK (manual, with who you are) and the service returns to the"
              + " live release before it, or to --to's, which is LIVE again after its rollout."
              + " Refused while a release of the service is deploying.")
  static final class Rollback extends Base {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(names = "--to", paramLabel = "RELEASE_ID", description = "an earlier live release")
    String to;

    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    @Override
    int run(AwsClients clients, ReleaseLedger ledger) {
      if (to != null && release(ledger, to) == null) {
        return Slipway.BAD_INPUT;
      }
      ObjectNode body = Json.mapper().createObjectNode().put("service", service);
      if (to != null) {
        body.put("to", to);
      }
      if (reason != null) {
        body.put("reason", reason);
      }
      return steer(
          "rollback",
          body,
          answer ->
              answer.json().path("releaseId").asText()
                  + " "
                  + answer.json().path("state").asText()
                  + " (rolled back by "
                  + answer.json().path("by").asText()
                  + "); "
                  + service
                  + " returns to "
                  + (to != null ? to : "the live release before it"));
    }
  }
}
