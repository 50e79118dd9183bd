package dev.slipway.toolchain.image;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;

/**
 * Registry credentials for Amazon ECR from {@code GetAuthorizationToken} (default credential chain;
 * {@code AWS_ENDPOINT_URL} is honoured by the SDK for emulators). The token is a user name and
 * password for HTTP Basic, valid for 12 hours; it is never logged.
 */
public final class EcrCredentials {
  private static final Pattern ECR_HOST =
      Pattern.compile("(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

  private EcrCredentials() {}

  /** The account and region of an ECR registry host, if {@code registry} is one. */
  public static Optional<String[]> accountAndRegion(String registry) {
    Matcher m = ECR_HOST.matcher(registry);
    return m.matches() ? Optional.of(new String[] {m.group(1), m.group(2)}) : Optional.empty();
  }

  /** Credentials for {@code registry}, which must be an ECR host. */
  public static RegistryClient.Credentials fetch(String registry) throws RegistryException {
    String[] accountRegion =
        accountAndRegion(registry)
            .orElseThrow(() -> new RegistryException(registry + " is not an ECR registry"));
    try (EcrClient ecr =
        EcrClient.builder()
            .region(Region.of(accountRegion[1]))
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(30)))
            .build()) {
      AuthorizationData data =
          ecr.getAuthorizationToken(r -> r.registryIds(accountRegion[0]))
              .authorizationData()
              .get(0);
      String decoded =
          new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return new RegistryClient.Credentials(
          decoded.substring(0, colon), decoded.substring(colon + 1));
    } catch (SdkException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new RegistryException(
          "cannot get an ECR login for " + registry + ": " + e.getMessage());
    }
  }
}
