package dev.slipway.release;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One release as the ledger keeps it: where it is, what it is made of, everything that happened to
 * it ({@link #history}), the events already applied ({@link #seenEvents}, so a repeated delivery is
 * a no-op), the effects still to carry out ({@link #pending}) and which of them a handler is
 * carrying out right now ({@link #claims}, so two handlers never run the same effect twice).
 */
public record Release(
    String id,
    String service,
    ReleaseState state,
    SourceRef source,
    Instant requestedAt,
    ReleaseConfig config,
    String compileBuildId,
    boolean compiled,
    String imageBuildId,
    boolean imageBuilt,
    ImageRef image,
    Map<String, List<Finding>> scans,
    ScanVerdict verdict,
    Deployment deployment,
    String reason,
    List<Transition> history,
    List<String> seenEvents,
    List<Effect> pending,
    Map<String, Instant> claims,
    String environment,
    List<Track> tracks) {

  /** How many applied event ids a record remembers; redeliveries come within minutes, not weeks. */
  static final int SEEN_LIMIT = 200;

  public Release {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(requestedAt, "requestedAt");
    scans = scans == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(scans));
    history = history == null ? List.of() : List.copyOf(history);
    seenEvents = seenEvents == null ? List.of() : List.copyOf(seenEvents);
    pending = pending == null ? List.of() : List.copyOf(pending);
    claims = claims == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    tracks = tracks == null ? List.of() : List.copyOf(tracks);
  }

  /**
   * The environment {@link #state} and {@link #deployment} are about: the one it deploys to or is
   * live in (the first one before it deploys; null in records written before environments were
   * kept, which had one).
   */
  public String currentEnvironment() {
    if (environment != null) {
      return environment;
    }
    return config == null ? ReleaseConfig.DEFAULT_ENVIRONMENT : config.path().get(0).environment();
  }

  /** This release's track in {@code name}, if it has reached that environment. */
  public Optional<Track> track(String name) {
    return tracks.stream().filter(t -> t.environment().equals(name)).findFirst();
  }

  /**
   * A release's way through one environment (architecture §3): the target, where it got to there
   * (AWAITING_APPROVAL, APPROVED, DEPLOYING, LIVE, or how it ended), its deployment there, and when
   * it entered and left (left: promoted on, or ended there).
   */
  public record Track(
      String environment,
      String target,
      ReleaseState state,
      Deployment deployment,
      Instant enteredAt,
      Instant leftAt) {
    public Track {
      Objects.requireNonNull(environment, "environment");
      Objects.requireNonNull(state, "state");
    }
  }

  /**
   * The id of the image-only release of {@code service} for the image {@code digest}: derived from
   * the digest alone, so a repeated push event, or the same image pushed under a second tag, is the
   * same release.
   */
  public static String imageOnlyId(String service, String digest) {
    return service + "-" + Sha256.hex("image\n" + digest).substring(0, 12);
  }

  /** True for a release started by a push of an image built elsewhere (no source, no builds). */
  public boolean imageOnly() {
    return source == null;
  }

  /** This release with a different outbox: the engine's bookkeeping, not a transition. */
  public Release withOutbox(List<Effect> newPending, Map<String, Instant> newClaims) {
    Builder b = new Builder(this);
    b.pending = newPending;
    b.claims = newClaims;
    return b.build();
  }

  /**
   * The pushed image: registry host (null when unknown), repository name, index digest, and the
   * digests of its platform images.
   */
  public record ImageRef(
      String registry, String repository, String digest, List<String> platformDigests) {
    public ImageRef {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(digest, "digest");
      platformDigests = List.copyOf(platformDigests);
    }

    /** {@code registry/repo@sha256:...}: the reference a task definition pins. */
    public String pinned() {
      return (registry == null ? "" : registry + "/") + repository + "@" + digest;
    }

    /** Every digest a scan of this image may report. */
    public List<String> scannable() {
      return platformDigests.isEmpty() ? List.of(digest) : platformDigests;
    }
  }

  /** The release's deployment: the task definitions before and after, and the bake. */
  public record Deployment(
      String taskDefinitionArn,
      String previousTaskDefinitionArn,
      String deploymentId,
      Instant startedAt,
      Instant completedAt,
      Instant bakeUntil) {

    /** This deployment once ECS has named it ({@code deploymentId}). */
    public Deployment started(String id) {
      return new Deployment(
          taskDefinitionArn, previousTaskDefinitionArn, id, startedAt, null, null);
    }

    /** This deployment ended ({@code id}, as ECS reported it) at {@code at}, baking until then. */
    public Deployment ended(String id, Instant at, Instant bakeEnd) {
      return new Deployment(
          taskDefinitionArn, previousTaskDefinitionArn, id, startedAt, at, bakeEnd);
    }
  }

  /** One step of the history: when, from where to where, caused by which event, and why. */
  public record Transition(
      Instant at, ReleaseState from, ReleaseState to, String cause, String detail) {}

  /** A copy builder; records stay immutable. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * A new release's builder: what is known at upload, the rest empty (no builds, image, scans,
   * verdict, deployment, history, effects or claims).
   */
  public static Builder builder(String id, String service, Instant requestedAt) {
    Builder b = new Builder();
    b.id = id;
    b.service = service;
    b.state = ReleaseState.REQUESTED;
    b.requestedAt = requestedAt;
    return b;
  }

  /**
   * Field-by-field copy of a release, for the state machine (which sets fields directly) and for
   * tests and tools (the named setters).
   */
  public static final class Builder {
    String id;
    String service;
    ReleaseState state;
    SourceRef source;
    Instant requestedAt;
    ReleaseConfig config;
    String compileBuildId;
    boolean compiled;
    String imageBuildId;
    boolean imageBuilt;
    ImageRef image;
    Map<String, List<Finding>> scans;
    ScanVerdict verdict;
    Deployment deployment;
    String reason;
    List<Transition> history;
    List<String> seenEvents;
    List<Effect> pending;
    Map<String, Instant> claims;
    String environment;
    List<Track> tracks;

    private Builder() {
      tracks = new ArrayList<>();
      scans = new LinkedHashMap<>();
      history = new ArrayList<>();
      seenEvents = new ArrayList<>();
      pending = new ArrayList<>();
      claims = new LinkedHashMap<>();
    }

    public Builder state(ReleaseState state) {
      this.state = state;
      return this;
    }

    public Builder source(SourceRef source) {
      this.source = source;
      return this;
    }

    public Builder config(ReleaseConfig config) {
      this.config = config;
      return this;
    }

    public Builder history(List<Transition> history) {
      this.history = new ArrayList<>(history);
      return this;
    }

    public Builder deployment(Deployment deployment) {
      this.deployment = deployment;
      return this;
    }

    public Builder environment(String environment) {
      this.environment = environment;
      return this;
    }

    public Builder image(ImageRef image) {
      this.image = image;
      return this;
    }

    public Builder seenEvents(List<String> seenEvents) {
      this.seenEvents = new ArrayList<>(seenEvents);
      return this;
    }

    Builder(Release r) {
      id = r.id;
      service = r.service;
      state = r.state;
      source = r.source;
      requestedAt = r.requestedAt;
      config = r.config;
      compileBuildId = r.compileBuildId;
      compiled = r.compiled;
      imageBuildId = r.imageBuildId;
      imageBuilt = r.imageBuilt;
      image = r.image;
      scans = new LinkedHashMap<>(r.scans);
      verdict = r.verdict;
      deployment = r.deployment;
      reason = r.reason;
      history = new ArrayList<>(r.history);
      seenEvents = new ArrayList<>(r.seenEvents);
      pending = new ArrayList<>(r.pending);
      claims = new LinkedHashMap<>(r.claims);
      environment = r.environment;
      tracks = new ArrayList<>(r.tracks);
    }

    public Release build() {
      return new Release(
          id,
          service,
          state,
          source,
          requestedAt,
          config,
          compileBuildId,
          compiled,
          imageBuildId,
          imageBuilt,
          image,
          scans,
          verdict,
          deployment,
          reason,
          history,
          seenEvents,
          pending,
          claims,
          environment,
          tracks);
    }
  }
}
