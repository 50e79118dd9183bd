package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import dev.slipway.json.JsonProblem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * One decision sent to the steering URL: {@code POST <url>/<action>}, signed with SigV4 for the
 * {@code lambda} service with the caller's own credentials (the SDK's signer), as Lambda requires
 * of a function URL whose AuthType is AWS_IAM.
 */
final class SteeringRequest {
  private SteeringRequest() {}

  /** The URL's answer: its status and body (a JSON object with a message, or the release). */
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return Json.parse(body, "$");
      } catch (JsonProblem e) {
        return Json.mapper().createObjectNode();
      }
    }

    String message() {
      JsonNode json = json();
      String message = json.path("message").asText(json.path("Message").asText(""));
      return message.isEmpty() ? body : message;
    }
  }

  static Answer send(
      String url, String action, String body, AwsCredentialsIdentity credentials, String region)
      throws IOException, InterruptedException {
    URI uri = URI.create(url.endsWith("/") ? url + action : url + "/" + action);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest unsigned =
        SdkHttpRequest.builder()
            .uri(uri)
            .method(SdkHttpMethod.POST)
            .putHeader("Content-Type", "application/json")
            .build();
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(credentials)
                        .request(unsigned)
                        .payload(() -> new ByteArrayInputStream(bytes))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    signed
        .request()
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> request.header(name, v));
              }
            });
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }
}
