package dev.slipway.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.Pipeline;
import dev.slipway.handler.SlipwayHandler;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The registry is whole: a record added to {@link PipelineEvent} without its {@link EventKind}, a
 * step without its handler class, or a routed kind without a rule name fails here (a kind without a
 * decision in {@code Pipeline.handle} does not compile).
 */
class EventKindTest {
  @Test
  void everyEventRecord_hasAKind() {
    Set<Class<?>> registered =
        Arrays.stream(EventKind.values()).map(EventKind::type).collect(Collectors.toSet());
    assertThat(registered).containsExactlyInAnyOrder(PipelineEvent.class.getPermittedSubclasses());
  }

  @Test
  void sourcesAndDetailTypes_nameOneKindEach() {
    Set<String> seen = new HashSet<>();
    for (EventKind kind : EventKind.values()) {
      for (String detailType : kind.detailTypes()) {
        assertThat(seen.add(kind.source() + " / " + detailType))
            .as("%s / %s named twice", kind.source(), detailType)
            .isTrue();
      }
    }
  }

  @Test
  void everyStepFedByRules_hasKinds_andEveryRoutedKind_aRule() {
    for (Step step : Step.values()) {
      assertThat(step.kinds().isEmpty())
          .as("%s's kinds", step)
          .isEqualTo(step.delivery() != Step.Delivery.RULES);
    }
    for (EventKind kind : EventKind.values()) {
      // Every kind a step acts on comes through a rule, but the bake timer, which Slipway sends
      // straight to the deployment step's queue (never through the bus).
      assertThat(kind.rule() != null)
          .as("%s's rule", kind)
          .isEqualTo(kind.step().isPresent() && kind != EventKind.BAKE_TIMER);
    }
  }

  @Test
  void everyStep_hasItsHandlerClass_runningThatStep() throws Exception {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    for (Step step : Step.values()) {
      Class<?> type = Class.forName(step.handlerClass());
      SlipwayHandler handler =
          (SlipwayHandler)
              type.getConstructor(Pipeline.class, PrintStream.class).newInstance(null, nowhere);
      assertThat(handler.step()).isEqualTo(step);
      assertThat(type.getConstructor()).as("Lambda's no-argument constructor").isNotNull();
    }
  }
}
