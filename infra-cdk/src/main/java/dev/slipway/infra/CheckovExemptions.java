package dev.slipway.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/**
 * Every checkov finding Slipway accepts, each with its reason, written into the template as the
 * resource's {@code Metadata.checkov.skip} (where checkov reads suppressions), by resource type.
 * {@code .ci/run} runs checkov on the synthesized templates beside cdk-nag and cfn-lint; any
 * finding not listed here fails CI.
 */
final class CheckovExemptions implements IAspect {
  private record Skip(String id, String comment) {}

  private static final Map<String, List<Skip>> BY_TYPE = new LinkedHashMap<>();

  static {
    BY_TYPE.put(
        "AWS::SQS::Queue",
        List.of(
            new Skip(
                "CKV_AWS_27",
                "Encrypted with SQS-managed SSE (SqsManagedSseEnabled: true); the check only"
                    + " recognizes a KMS key.")));
    BY_TYPE.put(
        "AWS::Lambda::Function",
        List.of(
            new Skip(
                "CKV_AWS_116",
                "Invoked through SQS event source mappings (or by CloudFormation): failed events"
                    + " go to the queue's dead-letter queue; a function DLQ covers async"
                    + " invocations only."),
            new Skip(
                "CKV_AWS_117",
                "Calls AWS APIs only, nothing inside a VPC; a VPC would add NAT cost and no"
                    + " isolation."),
            new Skip(
                "CKV_AWS_115",
                "Concurrency follows the queues' pollers; reserved concurrency would take capacity"
                    + " from the account's pool and throttle releases."),
            new Skip(
                "CKV_AWS_173",
                "The environment holds resource names only (bucket, repository, projects), no"
                    + " secrets; Lambda encrypts it at rest with an AWS key.")));
    BY_TYPE.put(
        "AWS::Logs::LogGroup",
        List.of(
            new Skip(
                "CKV_AWS_158",
                "Handler and build logs carry no payloads or secrets; CloudWatch Logs encrypts"
                    + " them at rest.")));
    BY_TYPE.put(
        "AWS::ECR::Repository",
        List.of(
            new Skip(
                "CKV_AWS_136",
                "Images are encrypted at rest with ECR's AES-256; they hold no secrets."),
            new Skip(
                "CKV_AWS_163",
                "Enhanced scanning (Inspector) scans continuously; ScanOnPush is basic scanning's"
                    + " switch, off unless the stack is made with basic scanning.")));
  }

  /**
   * The demo service stack only: a public HTTP endpoint for hello-go, with no domain to hold a
   * certificate (a real service puts its own HTTPS listener in front).
   */
  private static final Map<String, List<Skip>> DEMO = new LinkedHashMap<>();

  static {
    DEMO.put(
        "AWS::ElasticLoadBalancingV2::Listener",
        List.of(
            new Skip("CKV_AWS_2", "The demo answers on HTTP: it has no domain for a certificate."),
            new Skip("CKV_AWS_103", "HTTP only (see CKV_AWS_2): no TLS to version.")));
    DEMO.put(
        "AWS::EC2::SecurityGroup",
        List.of(
            new Skip(
                "CKV_AWS_260",
                "The demo's public load balancer listens on port 80 for anyone; the tasks accept"
                    + " traffic from the load balancer only.")));
  }

  /** The access-log bucket: logging it into itself would loop; its objects are never replaced. */
  private static final List<Skip> ACCESS_LOGS =
      List.of(
          new Skip("CKV_AWS_18", "This is the access-log bucket; it cannot log into itself."),
          new Skip(
              "CKV_AWS_21",
              "Access logs are written once and expire; versions would only keep deleted logs."));

  private final boolean demo;

  private CheckovExemptions(boolean demo) {
    this.demo = demo;
  }

  static void apply(Stack stack) {
    Aspects.of(stack).add(new CheckovExemptions(false));
  }

  /** For the demo service stack: the pipeline's exemptions plus its public HTTP endpoint's. */
  static void applyToDemo(Stack stack) {
    Aspects.of(stack).add(new CheckovExemptions(true));
  }

  @Override
  public void visit(IConstruct node) {
    if (!(node instanceof CfnResource resource)) {
      return;
    }
    List<Skip> skips =
        new ArrayList<>(BY_TYPE.getOrDefault(resource.getCfnResourceType(), List.of()));
    if (resource.getCfnResourceType().equals("AWS::S3::Bucket")
        && (resource.getNode().getPath().contains("AccessLogs")
            || resource.getNode().getPath().contains("LoadBalancerLogs"))) {
      skips.addAll(ACCESS_LOGS);
    }
    if (demo) {
      skips.addAll(DEMO.getOrDefault(resource.getCfnResourceType(), List.of()));
    }
    if (skips.isEmpty()) {
      return;
    }
    List<Map<String, String>> entries = new ArrayList<>();
    skips.forEach(s -> entries.add(Map.of("id", s.id(), "comment", s.comment())));
    resource.addMetadata("checkov", Map.of("skip", entries));
  }
}
