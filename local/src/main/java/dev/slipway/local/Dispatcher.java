package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.handler.SlipwayHandler;
import dev.slipway.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Lambda's SQS integration, played locally: drains every rule's queue into its handler as SQS
 * batches and deletes what the handler did not report as failed. Events an earlier run handled are
 * skipped ({@link Delivered}). Drills: {@code chaos} delivers every message twice in shuffled
 * order; {@code dropRate} drops recoverable events unhandled (the reconciler must recover them).
 */
final class Dispatcher {
  /**
   * The events the reconciler can recover when lost: it lists the uploads under sources/, asks
   * CodeBuild (the build executor), ECR for a release's tag, the scanners, and ECS for the
   * deployment's rollout state (which the pass-through answers from what the task runner reported:
   * see Rollouts).
   */
  private static final List<String> RECOVERABLE =
      List.of(
          "Object Created",
          "CodeBuild Build State Change",
          "ECR Image Action",
          "ECR Image Scan",
          "Inspector2 Scan",
          "ECS Deployment State Change");

  /** How long a receive waits for a message: SQS's longest, what Lambda's pollers use. */
  static final int LONG_POLL_SECONDS = 20;

  private final SqsClient sqs;
  private final Map<String, SlipwayHandler> handlers;
  private final Map<String, Integer> batchSizes;
  private final Map<String, String> deadLetterQueues;
  private final Delivered delivered;
  private final boolean chaos;
  private final double dropRate;
  private final Random random;
  private final PrintStream log;
  private final AtomicLong handled;
  private final AtomicLong dropped;
  private volatile boolean stopped;

  /** The threads inside a handler now: what a drill's kill interrupts (not a waiting receive). */
  private final Set<Thread> handling = ConcurrentHashMap.newKeySet();

  /** {@code random} draws the drops; the counts carry over to {@link #again}. */
  Dispatcher(
      SqsClient sqs,
      Map<String, SlipwayHandler> handlers,
      Map<String, Integer> batchSizes,
      Map<String, String> deadLetterQueues,
      Delivered delivered,
      boolean chaos,
      double dropRate,
      Random random,
      PrintStream log,
      AtomicLong handled,
      AtomicLong dropped) {
    this.sqs = sqs;
    this.handlers = handlers;
    this.batchSizes = batchSizes;
    this.deadLetterQueues = deadLetterQueues;
    this.delivered = delivered;
    this.chaos = chaos;
    this.dropRate = dropRate;
    this.random = random;
    this.log = log;
    this.handled = handled;
    this.dropped = dropped;
  }

  /** A new dispatcher in place of this stopped one, keeping the counts. */
  Dispatcher again() {
    return new Dispatcher(
        sqs,
        handlers,
        batchSizes,
        deadLetterQueues,
        delivered,
        chaos,
        dropRate,
        random,
        log,
        handled,
        dropped);
  }

  void stop() {
    stopped = true;
  }

  /** True while {@code thread} is inside a handler of this dispatcher. */
  boolean handling(Thread thread) {
    return handling.contains(thread);
  }

  boolean running() {
    return !stopped;
  }

  long handled() {
    return handled.get();
  }

  long dropped() {
    return dropped.get();
  }

  /** The queues it drains, one per rule. */
  List<String> queues() {
    return List.copyOf(handlers.keySet());
  }

  /** One receive from {@code queue}, handled as one batch. */
  void drain(String queue) throws IOException {
    if (stopped) {
      return;
    }
    SlipwayHandler handler = handlers.get(queue);
    List<Message> messages = new ArrayList<>();
    for (Message m :
        sqs.receiveMessage(
                // The mapping's batch size, as Lambda's poller takes them; a killed handler takes
                // its whole batch down (back after the visibility timeout). Long polling for
                // SQS's longest wait, 20 s, as Lambda's pollers do: an event is handed on as soon
                // as it arrives, and an idle queue costs three receives a minute, not sixty.
                r ->
                    r.queueUrl(queue)
                        .maxNumberOfMessages(Math.min(10, batchSizes.getOrDefault(queue, 10)))
                        .waitTimeSeconds(LONG_POLL_SECONDS))
            .messages()) {
      if (stopped) {
        // The drill killed this dispatcher (the function) while its receive waited. Lambda's
        // poller is AWS's and outlives a function: it would hand what it received to another
        // instance at once, so the message is made visible again now rather than stranded for
        // the visibility timeout (with 20-s receives, each restart would strand what arrived).
        sqs.changeMessageVisibility(
            r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
        continue;
      }
      if (delivered.handledEarlier(m.body())) {
        // a past event put on the queue again by the journal's replay
        sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
      } else if (drop(m.body())) {
        dropped.incrementAndGet();
        log.println("slipway local: drill: dropped " + m.messageId());
        sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
      } else {
        messages.add(m);
      }
    }
    if (messages.isEmpty()) {
      return;
    }
    ObjectNode batch = Json.mapper().createObjectNode();
    ArrayNode records = batch.putArray("Records");
    List<Message> deliveries = new ArrayList<>(messages);
    if (chaos) {
      deliveries.addAll(messages);
      Collections.shuffle(deliveries);
    }
    deliveries.forEach(
        m ->
            records
                .addObject()
                .put("messageId", m.messageId())
                .put("eventSource", "aws:sqs")
                .put("body", m.body()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handling.add(Thread.currentThread());
    try {
      handler.handleRequest(
          new ByteArrayInputStream(batch.toString().getBytes(StandardCharsets.UTF_8)), out, null);
    } finally {
      handling.remove(Thread.currentThread());
    }
    JsonNode failures =
        Json.parse(out.toString(StandardCharsets.UTF_8), "$").path("batchItemFailures");
    List<String> failed = new ArrayList<>();
    failures.forEach(f -> failed.add(f.path("itemIdentifier").asText()));
    for (Message m : messages) {
      if (!failed.contains(m.messageId())) {
        delivered.handled(m.body());
        handled.incrementAndGet();
        sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
      }
    }
  }

  private boolean drop(String body) {
    if (dropRate <= 0) {
      return false;
    }
    String type;
    try {
      JsonNode event = Json.mapper().readTree(body);
      type = event.path("detail-type").asText();
      String status = event.path("detail").path("build-status").asText("");
      if (status.equals("IN_PROGRESS")) {
        return false; // only the build's end is asked again
      }
    } catch (IOException e) {
      return false;
    }
    synchronized (random) {
      return RECOVERABLE.contains(type) && random.nextDouble() < dropRate;
    }
  }

  /** What is left in each dead-letter queue (message bodies), without consuming it. */
  Map<String, List<String>> deadLetters() {
    Map<String, List<String>> left = new LinkedHashMap<>();
    for (String dlq : deadLetterQueues.values()) {
      List<String> bodies = new ArrayList<>();
      List<Message> seen;
      do {
        seen =
            sqs.receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(30))
                .messages();
        seen.forEach(m -> bodies.add(m.body()));
      } while (!seen.isEmpty());
      if (!bodies.isEmpty()) {
        left.put(dlq, bodies);
      }
    }
    return left;
  }
}
