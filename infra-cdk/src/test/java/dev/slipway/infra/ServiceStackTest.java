package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ServiceStackTest {
  static final String IMAGE =
      "210987654321.dkr.ecr.eu-west-1.amazonaws.com/slipway/hello-go@sha256:" + "ab".repeat(32);

  static SlipwayServiceStack stack(App app) {
    return new SlipwayServiceStack(
        app,
        "SlipwayDemoService",
        StackProps.builder()
            .env(Environment.builder().account(Stacks.ACCOUNT).region(Stacks.REGION).build())
            .build(),
        SlipwayServiceStack.ServiceProps.helloGo(IMAGE, Stacks.REPOSITORY));
  }

  @Test
  void service_hasTheCircuitBreakerAlarmsHealthyPercentsAndGracePeriod() {
    Template template = Template.fromStack(stack(new App()));
    Stacks.write("SlipwayDemoService", template);

    template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "ServiceName",
                "hello-go",
                "HealthCheckGracePeriodSeconds",
                30,
                "DeploymentConfiguration",
                Match.objectLike(
                    Map.of(
                        "MinimumHealthyPercent",
                        100,
                        "MaximumPercent",
                        200,
                        "DeploymentCircuitBreaker",
                        Map.of("Enable", true, "Rollback", true),
                        "Alarms",
                        Map.of(
                            "AlarmNames",
                            List.of("hello-go-5xx", "hello-go-unhealthy"),
                            "Enable",
                            true,
                            "Rollback",
                            true))))));
  }

  @Test
  void task_runsTheImageByDigestWithAContainerHealthCheck() throws Exception {
    Template template = Template.fromStack(stack(new App()));
    software.amazon.awscdk.assertions.Capture image =
        new software.amazon.awscdk.assertions.Capture();

    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "RuntimePlatform",
                    Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX"),
                "ContainerDefinitions",
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Name",
                                "hello-go",
                                "Image",
                                image,
                                "ReadonlyRootFilesystem",
                                true,
                                "HealthCheck",
                                Match.objectLike(
                                    Map.of("Command", List.of("CMD", "/hello-go", "-healthcheck"))),
                                "PortMappings",
                                List.of(Match.objectLike(Map.of("ContainerPort", 8080)))))))));
    String pinned = dev.slipway.json.Json.mapper().writeValueAsString(image.asObject());
    assertThat(pinned)
        .contains("/slipway/hello-go@sha256:" + "ab".repeat(32))
        .doesNotContain(":latest");
    template.hasResourceProperties(
        "AWS::IAM::Policy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Action",
                                        // merged and sorted (minimizePolicies)
                                        List.of(
                                            "ecr:BatchCheckLayerAvailability",
                                            "ecr:BatchGetImage",
                                            "ecr:GetDownloadUrlForLayer"))))))))));
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(Map.of("HealthCheckPath", "/readyz", "Port", 8080)));
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "AlarmName",
                "hello-go-5xx",
                "MetricName",
                "HTTPCode_Target_5XX_Count",
                "Threshold",
                5)));
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "AlarmName",
                "hello-go-unhealthy",
                "Metrics",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Expression", "blue + green")))))));
    // Blue/green, linear and canary deployments: the alternate target group, the production
    // listener rule ECS shifts the weights of, and the role it does so as.
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::ListenerRule", Match.objectLike(Map.of("Priority", 1)));
    template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "LoadBalancers",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "ContainerName",
                            "hello-go",
                            "AdvancedConfiguration",
                            Match.objectLike(
                                Map.of(
                                    "AlternateTargetGroupArn", Match.anyValue(),
                                    "ProductionListenerRule", Match.anyValue(),
                                    "RoleArn", Match.anyValue()))))))));
    template.hasOutput(
        "AlarmNames", Match.objectLike(Map.of("Value", "hello-go-5xx,hello-go-unhealthy")));
  }

  @Test
  void serviceStack_passesAwsSolutions() {
    App app = new App();
    SlipwayServiceStack stack = stack(app);
    Aspects.of(stack).add(new AwsSolutionsChecks());
    app.synth();

    assertThat(
            Annotations.fromStack(stack)
                .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                .stream()
                .map(m -> m.getId() + ": " + m.getEntry().getData()))
        .isEmpty();
    assertThat(
            Annotations.fromStack(stack)
                .findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                .stream()
                .map(m -> m.getId() + ": " + m.getEntry().getData()))
        .isEmpty();
  }

  @Test
  void props_refuseAnImageNotPinnedByDigest() {
    assertThatThrownBy(
            () -> SlipwayServiceStack.ServiceProps.helloGo("hello-go:latest", Stacks.REPOSITORY))
        .hasMessage("image 'hello-go:latest' is not pinned by digest (repo@sha256:<64 hex>)");
  }

  @Test
  void theDemoServiceIsWhereHelloGosManifestDeploys_andCanPullThePipelinesImages()
      throws Exception {
    // Finding 9: the manifest's cluster was not the stack's generated one, and the execution role
    // could pull only the first image's repository (here another one than the pipeline's).
    Template template =
        Template.fromStack(
            new SlipwayServiceStack(
                new App(),
                "SlipwayDemoService",
                StackProps.builder()
                    .env(
                        Environment.builder().account(Stacks.ACCOUNT).region(Stacks.REGION).build())
                    .build(),
                SlipwayServiceStack.ServiceProps.helloGo(
                    "210987654321.dkr.ecr.eu-west-1.amazonaws.com/first/image@sha256:"
                        + "cd".repeat(32),
                    Stacks.REPOSITORY)));
    com.fasterxml.jackson.databind.JsonNode manifest =
        dev.slipway.json.Json.parse(
            java.nio.file.Files.readString(
                java.nio.file.Path.of(System.getProperty("slipway.root", ".."))
                    .resolve("examples/hello-go/slipway.json")),
            "$");
    template.hasResourceProperties(
        "AWS::ECS::Cluster",
        Match.objectLike(Map.of("ClusterName", manifest.path("deploy").path("cluster").asText())));
    Object pull =
        Match.objectLike(
            Map.of(
                "Action",
                Match.arrayWith(List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")),
                // both repositories' pulls in one statement (minimizePolicies)
                "Resource",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Fn::Join",
                                Match.arrayWith(
                                    List.of(
                                        Match.arrayWith(
                                            List.of(
                                                Match.stringLikeRegexp(
                                                    ".*:repository/"
                                                        + Stacks.REPOSITORY
                                                        + "$")))))))))));
    template.hasResourceProperties(
        "AWS::IAM::Policy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(pull)))))));
  }
}
