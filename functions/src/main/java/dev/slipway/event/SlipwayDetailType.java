package dev.slipway.event;

import java.util.Locale;
import java.util.Optional;

/** The detail-types Slipway itself emits (source {@code slipway}); architecture §3. */
public enum SlipwayDetailType {
  RELEASE_REQUESTED("Release Requested"),
  RELEASE_BUILT("Release Built"),
  IMAGE_READY("Image Ready"),
  RELEASE_BLOCKED("Release Blocked"),
  APPROVAL_REQUESTED("Approval Requested"),
  RELEASE_APPROVED("Release Approved"),
  RELEASE_REJECTED("Release Rejected"),
  DEPLOYMENT_STARTED("Deployment Started"),
  RELEASE_LIVE("Release Live"),
  RELEASE_ROLLED_BACK("Release Rolled Back"),
  RELEASE_FAILED("Release Failed"),
  RELEASE_SUPERSEDED("Release Superseded"),
  RELEASE_BUILDING("Release Building"),
  RELEASE_SCANNING("Release Scanning"),
  /** Live and baked in an environment that is not the last: ready to be promoted to the next. */
  RELEASE_AWAITING_PROMOTION("Release Awaiting Promotion"),
  /** Promoted into the next environment (the detail's {@code environment}). */
  RELEASE_PROMOTED("Release Promoted"),
  /** A release past its state's time limit (the reconciler's finding; the stack alarms on it). */
  RELEASE_STUCK("Release Stuck");

  /** The EventBridge source of every Slipway event. */
  public static final String SOURCE = "slipway";

  private final String detailType;

  SlipwayDetailType(String detailType) {
    this.detailType = detailType;
  }

  /** The EventBridge detail-type, e.g. {@code Release Rolled Back}. */
  public String detailType() {
    return detailType;
  }

  /** The kind in `slipway event inspect`: {@code slipway.release-rolled-back}. */
  public String kind() {
    return "slipway." + detailType.toLowerCase(Locale.ROOT).replace(' ', '-');
  }

  /** The type with this detail-type, if Slipway emits it. */
  public static Optional<SlipwayDetailType> fromDetailType(String detailType) {
    for (SlipwayDetailType type : values()) {
      if (type.detailType.equals(detailType)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
