package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** cdk-nag's AwsSolutions pack finds no unsuppressed error or warning. */
class NagTest {
  @Test
  void pipelineStack_passesAwsSolutions() {
    App app = new App();
    SlipwayPipelineStack stack = Stacks.pipeline(app, true);
    Aspects.of(stack).add(new AwsSolutionsChecks());
    app.synth();

    List<SynthesisMessage> errors =
        Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    List<SynthesisMessage> warnings =
        Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));

    assertThat(errors.stream().map(m -> m.getId() + ": " + m.getEntry().getData())).isEmpty();
    assertThat(warnings.stream().map(m -> m.getId() + ": " + m.getEntry().getData())).isEmpty();
  }
}
