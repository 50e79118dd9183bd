package dev.slipway.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.Announcements;
import dev.slipway.engine.Refused;
import dev.slipway.engine.Unavailable;
import dev.slipway.event.SlipwayDetailType;
import dev.slipway.json.Json;
import dev.slipway.release.Effect;
import dev.slipway.release.Release;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** Slipway's own events, put on an EventBridge bus (source {@code slipway}). */
public record EventBridgeAnnouncements(Supplier<EventBridgeClient> events, String eventBus)
    implements Announcements {
  public EventBridgeAnnouncements(EventBridgeClient events, String eventBus) {
    this(() -> events, eventBus);
  }

  @Override
  public void publish(Release release, Effect.Publish publish) throws Unavailable, Refused {
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
    PutEventsResponse response;
    try {
      response =
          events
              .get()
              .putEvents(
                  r ->
                      r.entries(
                          e ->
                              e.eventBusName(eventBus)
                                  .source(SlipwayDetailType.SOURCE)
                                  .detailType(publish.type().detailType())
                                  .resources(List.of())
                                  .detail(detail.toString())));
    } catch (SdkException e) {
      throw AwsErrors.fail(e);
    }
    if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
      // PutEvents answers 200 with per-entry failures (throttling, internal): try again.
      throw new Unavailable(
          "PutEvents: "
              + response.entries().get(0).errorCode()
              + " "
              + response.entries().get(0).errorMessage());
    }
  }
}
