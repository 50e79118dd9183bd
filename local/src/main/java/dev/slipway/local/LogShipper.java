package dev.slipway.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;

/**
 * Sends the local tasks' and builds' output to CloudWatch Logs in the emulator, where AWS puts
 * them: a task's to its task definition's {@code awslogs} group and stream {@code
 * prefix/container/task-id} (the awslogs driver's naming), a build's to {@code
 * /aws/codebuild/<project>}, stream {@code <build uuid>} (CodeBuild's default). So {@code slipway
 * logs} finds them as it does on AWS. Lines are batched and sent every half second by one thread;
 * the emulator keeps them in memory (a restarted runtime starts with empty logs; the files under
 * the state directory stay).
 */
final class LogShipper implements AutoCloseable {
  private final CloudWatchLogsClient logs;
  private final Set<String> created = ConcurrentHashMap.newKeySet();
  private final Map<List<String>, List<InputLogEvent>> pending = new LinkedHashMap<>();
  private final Thread flusher;
  private volatile boolean running = true;

  LogShipper(CloudWatchLogsClient logs) {
    this.logs = logs;
    this.flusher =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  break;
                }
                flush();
              }
              flush();
            },
            "log-shipper");
    flusher.setDaemon(true);
    flusher.start();
  }

  /** One stream to append lines to. */
  interface Stream {
    void line(String text);
  }

  /** The stream {@code group}/{@code stream}, created (with its group) when first used. */
  Stream stream(String group, String stream) {
    return text -> {
      synchronized (pending) {
        pending
            .computeIfAbsent(List.of(group, stream), k -> new ArrayList<>())
            .add(
                InputLogEvent.builder()
                    .timestamp(System.currentTimeMillis())
                    .message(text.isEmpty() ? " " : text)
                    .build());
      }
    };
  }

  void flush() {
    Map<List<String>, List<InputLogEvent>> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      batch = new LinkedHashMap<>(pending);
      pending.clear();
    }
    batch.forEach(
        (key, events) -> {
          try {
            ensure(key.get(0), key.get(1));
            for (int from = 0; from < events.size(); from += 5000) {
              List<InputLogEvent> part = events.subList(from, Math.min(events.size(), from + 5000));
              logs.putLogEvents(
                  r -> r.logGroupName(key.get(0)).logStreamName(key.get(1)).logEvents(part));
            }
          } catch (SdkException e) {
            // The emulator is stopping, or refused: these lines stay in the local files only.
          }
        });
  }

  private void ensure(String group, String stream) {
    if (created.add(group)) {
      try {
        logs.createLogGroup(r -> r.logGroupName(group));
      } catch (ResourceAlreadyExistsException exists) {
        // made by the wiring, or an earlier stream
      }
    }
    if (created.add(group + "\n" + stream)) {
      try {
        logs.createLogStream(r -> r.logGroupName(group).logStreamName(stream));
      } catch (ResourceAlreadyExistsException exists) {
        // a build tried again
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    flusher.interrupt();
    flusher.join(5000); // the client is the runtime's, closed after this
  }
}
