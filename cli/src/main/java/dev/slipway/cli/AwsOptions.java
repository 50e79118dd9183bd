package dev.slipway.cli;

import dev.slipway.aws.AwsClients;
import dev.slipway.aws.S3Ledger;
import dev.slipway.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * Where the release commands find Slipway: the source bucket (which holds the ledger), the region
 * and, for `slipway local` or any emulator, an endpoint. Real AWS needs nothing but the bucket and
 * the default credential chain.
 */
final class AwsOptions {
  @Option(
      names = "--bucket",
      paramLabel = "BUCKET",
      defaultValue = "${env:SLIPWAY_BUCKET}",
      description = "Slipway's source bucket (default: $SLIPWAY_BUCKET)")
  String bucket;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "AWS region (default: the SDK's)")
  String region;

  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      defaultValue = "${env:AWS_ENDPOINT_URL}",
      description = "an emulator's endpoint, as for the AWS CLI (default: $AWS_ENDPOINT_URL)")
  String endpoint;

  @Option(
      names = "--steering-url",
      paramLabel = "URL",
      defaultValue = "${env:SLIPWAY_STEERING_URL}",
      description =
          "the stack's SteeringUrl output, where approve and reject send signed requests (default:"
              + " $SLIPWAY_STEERING_URL, or a running slipway local's)")
  String steeringUrl;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      defaultValue = "${env:SLIPWAY_STATE}",
      description =
          "a running `slipway local --state DIR`'s state directory, whose endpoint, bucket and"
              + " steering URL to use (default: $SLIPWAY_STATE, else ~/.cache/slipway/local when no"
              + " --bucket is given)")
  Path state;

  /** Whether a running `slipway local` was found (its emulator takes any credentials). */
  private boolean emulator;

  /** Whether a running `slipway local` is what the commands talk to. */
  boolean emulator() {
    return emulator;
  }

  /** The state directory `slipway local` uses when none is given: $SLIPWAY_STATE, else this. */
  static Path defaultState() {
    String set = System.getenv("SLIPWAY_STATE");
    return set != null && !set.isBlank()
        ? Path.of(set)
        : Path.of(System.getProperty("user.home"), ".cache", "slipway", "local");
  }

  /**
   * With {@code --state}, or without a bucket, the commands use a running `slipway local` (its
   * {@code local.json} in that state directory, else the default one), so they work the same
   * against it as against AWS.
   */
  void discoverLocal() {
    if (state == null && bucket != null && !bucket.isBlank()) {
      return;
    }
    Path file = (state != null ? state : defaultState()).resolve("local.json");
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      var local = Json.parse(Files.readString(file), "$");
      bucket = local.path("bucket").asText(null);
      // A state directory named on purpose wins over the environment's endpoints.
      boolean named = state != null;
      if (named || endpoint == null || endpoint.isBlank()) {
        endpoint = local.path("endpoint").asText(null);
      }
      if (named || region == null) {
        region = local.path("region").asText(null);
      }
      if (named || steeringUrl == null || steeringUrl.isBlank()) {
        steeringUrl = local.path("steeringUrl").asText(null);
      }
      emulator = true;
    } catch (IOException | RuntimeException unreadable) {
      // an unreadable file is as good as none: the usual message about --bucket follows
    }
  }

  /** Null when the bucket is known, else the one-line problem. */
  String problem() {
    discoverLocal();
    if (state != null && !emulator) {
      return "--state: "
          + state
          + " has no running slipway local (no readable local.json; start `slipway local --state "
          + state
          + "`)";
    }
    if (bucket == null || bucket.isBlank()) {
      return "--bucket: no bucket given (set --bucket or SLIPWAY_BUCKET to the stack's SourceBucketName output)";
    }
    return null;
  }

  AwsClients clients() {
    Map<String, String> env = new HashMap<>(System.getenv());
    if (region != null) {
      env.put("AWS_REGION", region);
    }
    if (endpoint != null && !endpoint.isBlank()) {
      env.put("AWS_ENDPOINT_URL", endpoint);
    }
    return new AwsClients(env, credentialsProvider());
  }

  private static boolean loopback(String url) {
    if (url == null || url.isBlank()) {
      return false;
    }
    try {
      String host = URI.create(url).getHost();
      return host != null
          && (host.equals("localhost") || host.equals("::1") || host.startsWith("127."));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The SDK's default chain on AWS. Against an emulator on this machine (`slipway local`, moto),
   * which takes any key: the configured credentials if there are any, else {@link
   * AwsClients#EMULATOR_CREDENTIALS} (with none, the SDK would refuse before sending anything).
   * Passed to the clients, never set as system properties.
   */
  AwsCredentialsProvider credentialsProvider() {
    if (!emulator && !loopback(endpoint)) {
      return DefaultCredentialsProvider.builder().build();
    }
    return AwsCredentialsProviderChain.of(
        SystemPropertyCredentialsProvider.create(),
        EnvironmentVariableCredentialsProvider.create(),
        ProfileCredentialsProvider.create(),
        AwsClients.EMULATOR_CREDENTIALS);
  }

  /** The credentials the clients use (for signing the steering requests). */
  AwsCredentialsIdentity credentials() {
    return credentialsProvider().resolveCredentials();
  }

  String signingRegion() {
    if (region != null) {
      return region;
    }
    return new DefaultAwsRegionProviderChain().getRegion().id();
  }

  /** A CloudWatch Logs client for `slipway logs` (region, endpoint and credentials as above). */
  CloudWatchLogsClient logs() {
    var builder =
        CloudWatchLogsClient.builder()
            .credentialsProvider(credentialsProvider())
            .httpClient(UrlConnectionHttpClient.create());
    String r = region != null ? region : System.getenv("AWS_REGION");
    if (r != null && !r.isBlank()) {
      builder.region(Region.of(r));
    }
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  S3Ledger ledger(AwsClients aws) {
    return new S3Ledger(aws.s3(), bucket, "ledger/");
  }
}
