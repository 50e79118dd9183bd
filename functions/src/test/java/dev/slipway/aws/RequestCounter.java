package dev.slipway.aws;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS SDK call made in the test JVM by service and operation (the SDK loads it for
 * every client from {@code software/amazon/awssdk/global/handlers/execution.interceptors} on the
 * test classpath). Only counts; a benchmark reads the difference of two snapshots.
 */
public final class RequestCounter implements ExecutionInterceptor {
  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String what =
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + ":"
            + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    COUNTS.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  /** Every call counted so far, by service:operation. */
  public static Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    COUNTS.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The calls made between two snapshots. */
  public static Map<String, Long> since(Map<String, Long> before) {
    Map<String, Long> out = new TreeMap<>();
    snapshot()
        .forEach(
            (k, v) -> {
              long d = v - before.getOrDefault(k, 0L);
              if (d > 0) {
                out.put(k, d);
              }
            });
    return out;
  }
}
