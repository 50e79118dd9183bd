package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.aws.CodeBuildBuilds;
import dev.slipway.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What AWS authorizes for one HTTP request, as its service's authorization reference says: the IAM
 * actions, the resource ARN each applies to, and the condition keys the request sets. Derived from
 * the request as it travels (SigV4 scope, {@code X-Amz-Target}, path, query, body), so any client's
 * call is judged, not only Slipway's adapters'. Covers the calls a Slipway handler makes; an
 * operation not listed here is "not understood" and refused, so a new call fails locally until its
 * authorization is written down here (fail closed).
 */
record IamRequest(String service, String operation, List<Check> checks) {

  /** One authorization AWS makes for the request. */
  record Check(String action, String resource, Map<String, Object> context) {
    Check(String action, String resource) {
      this(action, resource, Map.of());
    }
  }

  /** The access key id in a SigV4 {@code Authorization} header, if any. */
  static Optional<String> accessKey(Map<String, String> headers) {
    return scope(headers).map(s -> s[0]);
  }

  /** {@code [access key, date, region, service]} of the SigV4 credential scope. */
  private static Optional<String[]> scope(Map<String, String> headers) {
    String auth = headers.getOrDefault("authorization", "");
    int at = auth.indexOf("Credential=");
    if (at < 0) {
      return Optional.empty();
    }
    int end = auth.indexOf(',', at);
    String[] parts = auth.substring(at + 11, end < 0 ? auth.length() : end).split("/");
    return parts.length >= 4 ? Optional.of(parts) : Optional.empty();
  }

  /** {@code X-Amz-Target}'s operation: {@code AmazonSQS.ReceiveMessage} is ReceiveMessage. */
  private static String targetOperation(String target) {
    return target.substring(target.indexOf('.') + 1);
  }

  /** The signing service and the operation ({@code X-Amz-Target}'s) or HTTP method, as known. */
  static String operation(String method, Map<String, String> headers) {
    String target = headers.getOrDefault("x-amz-target", "");
    return scope(headers).map(s -> s[3]).orElse("unsigned")
        + ":"
        + (target.isEmpty() ? method : targetOperation(target));
  }

  /**
   * The authorizations for a request, or empty when the request is not one this class understands.
   */
  static Optional<IamRequest> of(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, String> headers,
      byte[] body,
      String account,
      String region) {
    String service = scope(headers).map(s -> s[3]).orElse("");
    String target = headers.getOrDefault("x-amz-target", "");
    try {
      if (!target.isEmpty()) {
        String operation = targetOperation(target);
        JsonNode json =
            body.length == 0
                ? Json.mapper().createObjectNode()
                : Json.parse(new String(body, StandardCharsets.UTF_8), "$");
        return json(service, operation, json, account, region)
            .map(checks -> new IamRequest(service, operation, checks));
      }
      Map<String, String> query = query(rawQuery);
      return switch (service) {
        case "s3" -> s3(method, rawPath, query, headers);
        case "inspector2" -> inspector(method, rawPath);
        case "monitoring" -> cloudWatch(form(body), account, region);
        default -> Optional.empty();
      };
    } catch (RuntimeException e) { // a malformed body (JsonProblem) or value: not understood
      return Optional.empty();
    }
  }

  private static Optional<List<Check>> json(
      String service, String op, JsonNode body, String account, String region) {
    List<Check> checks = new ArrayList<>();
    switch (service) {
      case "ecs" -> {
        String cluster = ecsCluster(body.path("cluster").asText("default"), account, region);
        Map<String, Object> inCluster = Map.of("ecs:cluster", cluster);
        switch (op) {
          case "DescribeServices" ->
              body.path("services")
                  .forEach(
                      s ->
                          checks.add(
                              new Check(
                                  "ecs:DescribeServices",
                                  ecsService(cluster, s.asText(), account, region),
                                  inCluster)));
          case "UpdateService" ->
              checks.add(
                  new Check(
                      "ecs:UpdateService",
                      ecsService(cluster, body.path("service").asText(), account, region),
                      inCluster));
          case "RegisterTaskDefinition" -> {
            checks.add(new Check("ecs:RegisterTaskDefinition", "*"));
            for (String role : List.of("taskRoleArn", "executionRoleArn")) {
              if (body.hasNonNull(role) && !body.path(role).asText().isEmpty()) {
                checks.add(
                    new Check(
                        "iam:PassRole",
                        body.path(role).asText(),
                        Map.of("iam:PassedToService", "ecs-tasks.amazonaws.com")));
              }
            }
            if (body.path("tags").size() > 0) {
              // Tagging on create is authorized as ecs:TagResource (since 2023).
              checks.add(
                  new Check(
                      "ecs:TagResource",
                      "arn:aws:ecs:"
                          + region
                          + ":"
                          + account
                          + ":task-definition/"
                          + body.path("family").asText()
                          + ":*",
                      Map.of("ecs:CreateAction", "RegisterTaskDefinition")));
            }
          }
          case "DescribeTaskDefinition", "ListTaskDefinitions", "ListServices", "ListClusters" ->
              checks.add(new Check("ecs:" + op, "*"));
          default -> {
            return Optional.empty();
          }
        }
      }
      case "ecr" -> {
        String repository = body.path("repositoryName").asText("");
        if (op.equals("GetAuthorizationToken")) {
          checks.add(new Check("ecr:GetAuthorizationToken", "*"));
        } else if (repository.isEmpty()) {
          return Optional.empty();
        } else {
          checks.add(
              new Check(
                  "ecr:" + op,
                  "arn:aws:ecr:"
                      + region
                      + ":"
                      + body.path("registryId").asText(account)
                      + ":repository/"
                      + repository));
        }
      }
      case "sqs" -> {
        // A bake timer's delayed message (SqsTimers): SendMessage to one queue, by its URL.
        if (!op.equals("SendMessage")) {
          return Optional.empty();
        }
        String url = body.path("QueueUrl").asText();
        String name = url.substring(url.lastIndexOf('/') + 1);
        String[] path = url.split("/");
        String owner = path.length >= 2 ? path[path.length - 2] : account;
        checks.add(
            new Check("sqs:SendMessage", "arn:aws:sqs:" + region + ":" + owner + ":" + name));
      }
      case "events" -> {
        if (!op.equals("PutEvents")) {
          return Optional.empty();
        }
        Set<Check> distinct = new LinkedHashSet<>();
        for (JsonNode entry : body.path("Entries")) {
          String bus = entry.path("EventBusName").asText("default");
          Map<String, Object> context = new LinkedHashMap<>();
          context.put("events:source", entry.path("Source").asText());
          context.put("events:detail-type", entry.path("DetailType").asText());
          distinct.add(
              new Check(
                  "events:PutEvents",
                  bus.startsWith("arn:")
                      ? bus
                      : "arn:aws:events:" + region + ":" + account + ":event-bus/" + bus,
                  context));
        }
        checks.addAll(distinct);
      }
      case "codebuild" -> {
        switch (op) {
          case "StartBuild" ->
              checks.add(
                  new Check(
                      "codebuild:" + op,
                      codeBuildProject(body.path("projectName").asText(), account, region)));
          case "StopBuild" -> {
            String value = body.path("id").asText();
            String projectAndId = CodeBuildBuilds.buildId(value);
            if (projectAndId.indexOf(':') < 1) {
              return Optional.empty();
            }
            checks.add(
                new Check(
                    "codebuild:StopBuild",
                    codeBuildProject(
                        projectAndId.substring(0, projectAndId.indexOf(':')), account, region)));
          }
          case "BatchGetBuilds" -> {
            Set<String> projects = new LinkedHashSet<>();
            for (JsonNode id : body.path("ids")) {
              String value = id.asText();
              String projectAndId = CodeBuildBuilds.buildId(value);
              projects.add(
                  codeBuildProject(
                      projectAndId.substring(0, projectAndId.indexOf(':')), account, region));
            }
            projects.forEach(p -> checks.add(new Check("codebuild:BatchGetBuilds", p)));
          }
          default -> {
            return Optional.empty();
          }
        }
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(checks);
  }

  private static String ecsCluster(String cluster, String account, String region) {
    return cluster.startsWith("arn:")
        ? cluster
        : "arn:aws:ecs:" + region + ":" + account + ":cluster/" + cluster;
  }

  private static String ecsService(
      String clusterArn, String service, String account, String region) {
    if (service.startsWith("arn:")) {
      return service;
    }
    String cluster = clusterArn.substring(clusterArn.indexOf(":cluster/") + 9);
    return "arn:aws:ecs:" + region + ":" + account + ":service/" + cluster + "/" + service;
  }

  private static String codeBuildProject(String project, String account, String region) {
    return project.startsWith("arn:")
        ? project
        : "arn:aws:codebuild:" + region + ":" + account + ":project/" + project;
  }

  /** S3 in path style, as the SDK and the CLI send it to a custom endpoint. */
  private static Optional<IamRequest> s3(
      String method, String rawPath, Map<String, String> query, Map<String, String> headers) {
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    int slash = path.indexOf('/');
    String bucket = decode(slash < 0 ? path : path.substring(0, slash));
    String key = slash < 0 ? "" : decode(path.substring(slash + 1));
    if (bucket.isEmpty()) {
      return Optional.empty();
    }
    String bucketArn = "arn:aws:s3:::" + bucket;
    String objectArn = bucketArn + "/" + key;
    List<Check> checks = new ArrayList<>();
    String op;
    if (key.isEmpty()) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        return Optional.empty();
      }
      if (query.containsKey("versions")) {
        op = "ListObjectVersions";
        checks.add(new Check("s3:ListBucketVersions", bucketArn, prefix(query)));
      } else if (query.containsKey("location")) {
        op = "GetBucketLocation";
        checks.add(new Check("s3:GetBucketLocation", bucketArn));
      } else if (method.equals("HEAD")) {
        op = "HeadBucket";
        checks.add(new Check("s3:ListBucket", bucketArn));
      } else if (query.keySet().stream().allMatch(LIST_PARAMETERS::contains)) {
        op = "ListObjects";
        checks.add(new Check("s3:ListBucket", bucketArn, prefix(query)));
      } else {
        return Optional.empty();
      }
      return Optional.of(new IamRequest("s3", op, checks));
    }
    boolean version = query.containsKey("versionId");
    switch (method) {
      case "GET", "HEAD" -> {
        if (query.containsKey("tagging")) {
          op = "GetObjectTagging";
          checks.add(
              new Check(version ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", objectArn));
        } else {
          op = method.equals("GET") ? "GetObject" : "HeadObject";
          checks.add(new Check(version ? "s3:GetObjectVersion" : "s3:GetObject", objectArn));
        }
      }
      case "PUT" -> {
        if (query.containsKey("tagging")) {
          op = "PutObjectTagging";
          checks.add(new Check("s3:PutObjectTagging", objectArn));
        } else {
          op = query.containsKey("uploadId") ? "UploadPart" : "PutObject";
          checks.add(new Check("s3:PutObject", objectArn));
          String source = headers.get("x-amz-copy-source");
          if (source != null) {
            op = "CopyObject";
            String decoded = decode(source.startsWith("/") ? source.substring(1) : source);
            int q = decoded.indexOf("?versionId=");
            checks.add(
                new Check(
                    q < 0 ? "s3:GetObject" : "s3:GetObjectVersion",
                    "arn:aws:s3:::" + (q < 0 ? decoded : decoded.substring(0, q))));
          }
        }
      }
      case "POST" -> {
        if (query.containsKey("uploads") || query.containsKey("uploadId")) {
          op = query.containsKey("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
          checks.add(new Check("s3:PutObject", objectArn));
        } else {
          return Optional.empty();
        }
      }
      case "DELETE" -> {
        if (query.containsKey("uploadId")) {
          op = "AbortMultipartUpload";
          checks.add(new Check("s3:AbortMultipartUpload", objectArn));
        } else {
          op = "DeleteObject";
          checks.add(new Check(version ? "s3:DeleteObjectVersion" : "s3:DeleteObject", objectArn));
        }
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(new IamRequest("s3", op, checks));
  }

  private static final Set<String> LIST_PARAMETERS =
      Set.of(
          "list-type",
          "prefix",
          "delimiter",
          "max-keys",
          "continuation-token",
          "start-after",
          "marker",
          "encoding-type",
          "fetch-owner");

  private static Map<String, Object> prefix(Map<String, String> query) {
    return query.containsKey("prefix") ? Map.of("s3:prefix", query.get("prefix")) : Map.of();
  }

  /** Inspector2 is REST-JSON: the operation is in the path. */
  private static Optional<IamRequest> inspector(String method, String path) {
    if (method.equals("POST") && path.equals("/findings/list")) {
      return Optional.of(
          new IamRequest(
              "inspector2", "ListFindings", List.of(new Check("inspector2:ListFindings", "*"))));
    }
    return Optional.empty();
  }

  /** CloudWatch speaks the query protocol: the operation is the form's {@code Action}. */
  private static Optional<IamRequest> cloudWatch(
      Map<String, String> form, String account, String region) {
    String op = form.getOrDefault("Action", "");
    return switch (op) {
      case "DescribeAlarms" ->
          Optional.of(
              new IamRequest(
                  "monitoring", op, List.of(new Check("cloudwatch:DescribeAlarms", "*"))));
      default -> Optional.empty();
    };
  }

  private static Map<String, String> form(byte[] body) {
    return query(new String(body, StandardCharsets.UTF_8));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(name, value);
    }
    return out;
  }

  /** Percent-decoding of a path segment ({@code +} is itself there, not a space). */
  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
