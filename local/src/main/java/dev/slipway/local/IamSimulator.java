package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.emulator.ManagedProcess;
import dev.slipway.json.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * AWS's policy evaluation, as a well-kept model of it judges: {@code @cloud-copilot/iam-simulate}
 * (npm, with its {@code iam-data} of every action's resource types and condition keys), run as one
 * Node process that answers a line per request. Chosen over moto's own IAM enforcement, which
 * checks most services' calls against the resource {@code *} only and so cannot judge a scoped
 * policy, and over writing an evaluator here. Installed with {@code npm ci} from the pinned lock
 * file under Slipway's cache directory on first use; Node is already needed for the CDK.
 *
 * <p>Decisions are pure functions of the policies and the request, so each is computed once.
 */
final class IamSimulator implements AutoCloseable {
  static final String VERSION = "0.1.173";
  private static final String RESOURCES = "/dev/slipway/local/iam/";
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "evaluate.mjs");

  /** The simulator's answer: allowed, denied, or a request it could not judge (with why). */
  record Decision(boolean allowed, String detail) {}

  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;
  private final Map<String, Decision> decided = new ConcurrentHashMap<>();

  private IamSimulator(Process process) {
    this.process = process;
    this.in =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Installs the evaluator under {@code cache} when missing, then starts it. */
  static IamSimulator start(Path cache, PrintStream log) throws IOException {
    Path dir = install(cache, log);
    ProcessBuilder builder =
        new ProcessBuilder(ManagedProcess.find("node"), dir.resolve("evaluate.mjs").toString())
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    return new IamSimulator(builder.start());
  }

  static Path install(Path cache, PrintStream log) throws IOException {
    Path dir = cache.resolve("iam-simulate-" + VERSION);
    String lock = resource("package-lock.json") + resource("evaluate.mjs");
    Path marker = dir.resolve(".installed");
    if (Files.isRegularFile(marker) && Files.readString(marker).equals(lock)) {
      return dir;
    }
    Files.createDirectories(cache);
    Path staging = Files.createTempDirectory(cache, "iam-simulate-");
    for (String file : FILES) {
      Files.writeString(staging.resolve(file), resource(file));
    }
    log.println(
        "slipway local: installing the IAM evaluator (@cloud-copilot/iam-simulate "
            + VERSION
            + ", npm ci) into "
            + dir);
    ProcessBuilder npm =
        new ProcessBuilder(
                ManagedProcess.find("npm"),
                "ci",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--loglevel=error")
            .directory(staging.toFile())
            .redirectErrorStream(true);
    Process process = npm.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IOException("npm ci of the IAM evaluator failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while installing the IAM evaluator");
    }
    Files.writeString(staging.resolve(".installed"), lock);
    StateDirectory.deleteTree(dir);
    Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    return dir;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = IamSimulator.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("missing resource " + RESOURCES + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Gives {@code role} its identity policies (each a policy document, named). */
  synchronized void role(String role, Map<String, JsonNode> policies) throws IOException {
    ObjectNode msg = Json.mapper().createObjectNode();
    msg.put("op", "role").put("role", role);
    ArrayNode list = msg.putArray("policies");
    policies.forEach((name, doc) -> list.addObject().put("name", name).set("policy", doc));
    JsonNode answer = ask(msg);
    if (!answer.path("ok").asBoolean()) {
      throw new IOException("the IAM evaluator refused the policies of " + role + ": " + answer);
    }
    decided.clear();
  }

  /** Whether {@code role} may do {@code action} on {@code resource} with {@code context}. */
  Decision evaluate(
      String role, String account, String action, String resource, Map<String, Object> context) {
    Map<String, Object> sorted = new TreeMap<>(context);
    String key = role + "\n" + action + "\n" + resource + "\n" + sorted;
    Decision known = decided.get(key);
    if (known != null) {
      return known;
    }
    ObjectNode msg = Json.mapper().createObjectNode();
    msg.put("role", role)
        .put("account", account)
        .put("action", action)
        .put("resource", resource)
        .set("context", Json.mapper().valueToTree(sorted));
    Decision decision;
    try {
      JsonNode answer;
      synchronized (this) {
        answer = ask(msg);
      }
      String result = answer.path("decision").asText();
      decision =
          result.equals("Allowed")
              ? new Decision(true, result)
              : new Decision(
                  false,
                  result.equals("Invalid") ? "not judged: " + answer.path("errors") : result);
    } catch (IOException e) {
      return new Decision(false, "the IAM evaluator did not answer: " + e.getMessage());
    }
    decided.put(key, decision);
    return decision;
  }

  private JsonNode ask(ObjectNode msg) throws IOException {
    in.write(msg.toString());
    in.write('\n');
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IOException("the IAM evaluator exited");
    }
    return Json.parse(line, "$");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
  }
}
