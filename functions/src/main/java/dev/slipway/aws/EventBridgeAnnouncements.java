package dev.slipway.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.Announcements;
import dev.slipway.engine.Refused;
import dev.slipway.engine.Unavailable;
import dev.slipway.event.SlipwayDetailType;
import dev.slipway.json.Json;
import dev.slipway.release.Effect;
import dev.slipway.release.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** Slipway's own events, put on an EventBridge bus (source {@code slipway}). */
public record EventBridgeAnnouncements(Supplier<EventBridgeClient> events, String eventBus)
    implements Announcements {
  public EventBridgeAnnouncements(EventBridgeClient events, String eventBus) {
    this(() -> events, eventBus);
  }

  @Override
  public void publish(Release release, Effect.Publish publish) throws Unavailable, Refused {
    publishAll(release, List.of(publish));
  }

  /** All of them in one PutEvents (it takes ten entries at most; the engine sends no more). */
  @Override
  public void publishAll(Release release, List<Effect.Publish> publishes)
      throws Unavailable, Refused {
    if (publishes.isEmpty()) {
      return;
    }
    if (publishes.size() > 10) {
      throw new IllegalArgumentException(
          publishes.size() + " announcements: PutEvents takes at most 10 entries");
    }
    List<PutEventsRequestEntry> entries = new ArrayList<>();
    for (Effect.Publish publish : publishes) {
      entries.add(
          PutEventsRequestEntry.builder()
              .eventBusName(eventBus)
              .source(SlipwayDetailType.SOURCE)
              .detailType(publish.type().detailType())
              .resources(List.of())
              .detail(detail(release, publish))
              .build());
    }
    PutEventsResponse response;
    try {
      response = events.get().putEvents(r -> r.entries(entries));
    } catch (SdkException e) {
      throw AwsErrors.fail(e);
    }
    if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
      // PutEvents answers 200 with per-entry failures (throttling, internal): try again (the
      // entries that did go out go out again: announcements are at least once).
      PutEventsResultEntry failed =
          response.entries().stream()
              .filter(e -> e.errorCode() != null)
              .findFirst()
              .orElse(response.entries().get(0));
      throw new Unavailable("PutEvents: " + failed.errorCode() + " " + failed.errorMessage());
    }
  }

  private static String detail(Release release, Effect.Publish publish) {
    ObjectNode detail = Json.mapper().createObjectNode();
    detail.put("service", release.service());
    detail.put("releaseId", release.id());
    detail.put("state", release.state().name());
    detail.put("environment", release.currentEnvironment());
    if (release.image() != null) {
      detail.put("imageDigest", release.image().digest());
    }
    if (publish.reason() != null) {
      detail.put("reason", publish.reason());
    }
    return detail.toString();
  }
}
