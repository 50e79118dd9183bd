package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveredTest {
  @TempDir Path tmp;

  private static String event(String id, String time, String deployment) {
    return "{\"id\":\""
        + id
        + "\",\"time\":\""
        + time
        + "\",\"source\":\"aws.ecs\",\"detail-type\":\"ECS Deployment State Change\","
        + "\"detail\":{\"deploymentId\":\""
        + deployment
        + "\"}}";
  }

  @Test
  void anEventHandledByAnEarlierRun_isKnownAgainUnderANewIdAndTime() throws Exception {
    Path file = tmp.resolve("delivered");
    try (Delivered run1 = new Delivered(file)) {
      assertThat(run1.handledEarlier(event("a", "t1", "d1"))).isFalse();
      run1.handled(event("a", "t1", "d1"));
      // within the run that handled it, a duplicate still reaches the handlers (the drills)
      assertThat(run1.handledEarlier(event("a", "t1", "d1"))).isFalse();
    }
    try (Delivered run2 = new Delivered(file)) {
      assertThat(run2.earlier()).isEqualTo(1);
      assertThat(run2.handledEarlier(event("replayed", "t2", "d1"))).isTrue();
      assertThat(run2.handledEarlier(event("new", "t2", "d2"))).isFalse();
    }
  }

  @Test
  void aTornLastLine_isNotTakenForAnEvent() throws Exception {
    Path file = tmp.resolve("delivered");
    Files.writeString(file, Delivered.fingerprint(event("a", "t", "d1")) + "\nabc12");
    try (Delivered run = new Delivered(file)) {
      assertThat(run.earlier()).isEqualTo(1);
      assertThat(run.handledEarlier(event("b", "u", "d1"))).isTrue();
      run.handled(event("c", "v", "d2"));
    }
    try (Delivered next = new Delivered(file)) {
      assertThat(next.earlier()).as("the line after the torn one is whole").isEqualTo(2);
    }
  }
}
