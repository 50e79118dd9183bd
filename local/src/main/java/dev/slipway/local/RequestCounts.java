package dev.slipway.local;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests reached "AWS" locally, by who made them and what they asked ({@code
 * "SourceUploadedFunction s3:GetObject"}): the IAM enforcer counts every call it judges, which is
 * every call through the proxy and the CodeBuild stand-in (a handler's by its function, the
 * buildspec's as {@code AWSCodeBuild}, any other key's as {@code runtime}); the dispatcher's SQS
 * client counts its calls as Lambda's poller would make them ({@code poller}, an empty receive
 * apart). Issue 19 measures a release's requests from the difference of two snapshots.
 */
final class RequestCounts {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String caller, String what) {
    counts.computeIfAbsent(caller + " " + what, k -> new LongAdder()).increment();
  }

  /** Every kind counted so far, sorted. */
  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
