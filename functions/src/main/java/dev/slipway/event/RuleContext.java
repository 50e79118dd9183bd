package dev.slipway.event;

import java.util.List;

/**
 * What a stack knows that narrows its rules to its own resources: {@link EventKind#rulePattern}
 * reads it. Values may be CloudFormation tokens; they are only placed in the pattern.
 */
public interface RuleContext {
  /** The source bucket's name. */
  String sourceBucket();

  /** The compile and image build projects' names. */
  List<String> buildProjects();

  /** Every declared service's ECR repository name. */
  List<String> repositoryNames();

  /** The same repositories' ARNs (Inspector names a repository by its ARN). */
  List<String> repositoryArns();

  /** Whether images are scanned by Inspector (enhanced) rather than ECR's basic scanning. */
  boolean enhancedScanning();

  /** The alarms that guard deployments (no alarm: no alarm rule). */
  List<String> alarmNames();

  /** The ARN prefix of this account's and region's ECS services ({@code arn:...:service/}). */
  String ecsServiceArnPrefix();
}
