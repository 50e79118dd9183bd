package dev.slipway.cli;

import dev.slipway.aws.AwsClients;
import dev.slipway.emulator.Installs;
import dev.slipway.emulator.ManagedProcess;
import dev.slipway.local.SelfInstalled;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * {@code slipway doctor}: each prerequisite on one line, with what needs it and how to get it. The
 * tools Slipway installs for itself are fine when missing (it says it will install them); the ones
 * it cannot (Java, Go, Python's venv, Node) fail the check. AWS is checked as far as it is
 * configured, and required only with {@code --bucket} (or {@code SLIPWAY_BUCKET}).
 */
@Command(
    name = "doctor",
    description = {
      "Check what Slipway needs on this machine and in AWS, one line each; exit 1 when something a"
          + " command needs is missing (AWS only with --bucket or $SLIPWAY_BUCKET)."
    })
final class DoctorCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin AwsOptions aws;

  /** The oldest Go whose `go` fetches the exact toolchain a build names (GOTOOLCHAIN). */
  static final int[] MIN_GO = {1, 21};

  static final int MIN_NODE = 18;

  private int failures;
  private PrintWriter out;

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    failures = 0;
    local();
    cloud();
    out.println(
        failures == 0
            ? "doctor: everything a command needs is in place"
            : "doctor: " + failures + " problem(s); see the lines marked FAIL");
    out.flush();
    return failures == 0 ? Slipway.OK : Slipway.FAILED;
  }

  private void local() {
    line(true, "java", Runtime.version() + " (" + System.getProperty("java.home") + ")");
    String go = firstLine("go", "version");
    Matcher v = go == null ? null : Pattern.compile("go(\\d+)\\.(\\d+)").matcher(go);
    if (v == null || !v.find()) {
      fail("go", "not found: build, image and slipway local compile with it (https://go.dev/dl/)");
    } else {
      int major = Integer.parseInt(v.group(1));
      int minor = Integer.parseInt(v.group(2));
      boolean recent = major > MIN_GO[0] || (major == MIN_GO[0] && minor >= MIN_GO[1]);
      line(
          recent,
          "go",
          go
              + (recent
                  ? ""
                  : " is older than go1.21, which fetches the exact Go a manifest names"));
    }
    String venv = firstLine("python3", "-c", "import venv, ensurepip; print('venv ok')");
    if (venv == null || !venv.contains("venv ok")) {
      fail(
          "python3",
          "python3 with venv and ensurepip not found: Slipway installs moto and the AWS CLI with"
              + " it (Debian: python3-venv)");
    } else {
      line(true, "python3", firstLine("python3", "--version") + " with venv");
    }
    String node = firstLine("node", "--version");
    Matcher n = node == null ? null : Pattern.compile("v(\\d+)").matcher(node);
    if (n == null || !n.find()) {
      fail("node", "not found: the CDK app and the local IAM evaluator run on Node.js 18+");
    } else {
      boolean recent = Integer.parseInt(n.group(1)) >= MIN_NODE;
      line(recent, "node", node + (recent ? "" : " is older than Node.js 18"));
      if (ManagedProcess.find("npm") == null) {
        fail("npm", "not found: the local IAM evaluator is installed with npm ci");
      }
    }
    for (SelfInstalled.Tool tool : SelfInstalled.tools(Installs.cache())) {
      info(
          tool.ready() ? "ok" : "--",
          tool.name(),
          tool.ready()
              ? tool.where()
              : "not installed yet; slipway local installs it on first use ("
                  + tool.installer()
                  + ") into "
                  + tool.where());
    }
  }

  private void cloud() {
    aws.discoverLocal();
    boolean required = aws.bucket != null && !aws.bucket.isBlank() && !aws.emulator();
    if (aws.emulator()) {
      info(
          "ok",
          "aws",
          "a running slipway local at " + aws.endpoint + " (bucket " + aws.bucket + ")");
      return;
    }
    String credentials;
    try (var provider = DefaultCredentialsProvider.builder().build()) {
      var resolved = provider.resolveCredentials();
      credentials = resolved.providerName().orElse("the default chain");
    } catch (SdkException | IllegalStateException e) {
      credentials = null;
    }
    String region;
    try {
      region =
          aws.region != null ? aws.region : new DefaultAwsRegionProviderChain().getRegion().id();
    } catch (SdkException e) {
      region = null;
    }
    if (!required) {
      info(
          "--",
          "aws",
          "credentials "
              + (credentials == null ? "none" : "from " + credentials)
              + ", region "
              + (region == null ? "none" : region)
              + "; needed only against AWS (push, status, ... with --bucket or $SLIPWAY_BUCKET)");
      return;
    }
    line(
        credentials != null,
        "credentials",
        credentials == null
            ? "none found (aws configure, AWS_PROFILE, or an SSO login)"
            : "from " + credentials);
    line(region != null, "region", region == null ? "none (--region or AWS_REGION)" : region);
    if (credentials == null || region == null) {
      return;
    }
    try (AwsClients clients = aws.clients()) {
      check(
          "bucket",
          () -> {
            clients.s3().headBucket(r -> r.bucket(aws.bucket));
            clients.s3().listObjectsV2(r -> r.bucket(aws.bucket).prefix("ledger/").maxKeys(1));
            return "s3://" + aws.bucket + " reachable, its ledger readable";
          });
      line(
          aws.steeringUrl != null && !aws.steeringUrl.isBlank(),
          "steering",
          aws.steeringUrl != null && !aws.steeringUrl.isBlank()
              ? aws.steeringUrl
              : "no steering URL (--steering-url or $SLIPWAY_STEERING_URL: the stack's SteeringUrl"
                  + " output); approve, reject and rollback need it");
      check(
          "scanning",
          () -> {
            var config =
                clients.ecr().getRegistryScanningConfiguration(r -> {}).scanningConfiguration();
            if (!"ENHANCED".equals(config.scanTypeAsString())) {
              throw new IllegalStateException(
                  "ECR registry scanning is "
                      + config.scanTypeAsString()
                      + ", not ENHANCED: enable Amazon Inspector's ECR scanning, or every release"
                      + " waits for a scan that never comes");
            }
            return "ECR enhanced scanning (Amazon Inspector) is on";
          });
    }
  }

  interface Probe {
    String run();
  }

  private void check(String name, Probe probe) {
    try {
      line(true, name, probe.run());
    } catch (SdkException | IllegalStateException e) {
      fail(name, e.getMessage());
    }
  }

  private void line(boolean ok, String name, String detail) {
    if (ok) {
      info("ok", name, detail);
    } else {
      fail(name, detail);
    }
  }

  private void fail(String name, String detail) {
    failures++;
    info("FAIL", name, detail);
  }

  private void info(String mark, String name, String detail) {
    out.printf("%-4s  %-13s %s%n", mark, name, detail);
  }

  /** The first line a program prints, or null when it is missing or fails. */
  static String firstLine(String... command) {
    if (ManagedProcess.find(command[0]) == null) {
      return null;
    }
    try {
      Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return text.lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
