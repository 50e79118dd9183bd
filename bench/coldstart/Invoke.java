import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Lambda's runtime does on a cold start, in one fresh JVM: load the handler class, build it with
 * its public no-arg constructor, hand it one event. Used by bench/cold-start.py for every handler
 * and for the floor (EmptyHandler); reflection only, so the driver itself adds the same few classes
 * to every run. Writes one JSON line to the file named by its third argument:
 * initMs (class load + constructor), primeMs (the SnapStart checkpoint hook, when asked for),
 * handleMs (the first event), uptimeMs (JVM start to the end of
 * the first event), classes (loaded so far; the management classes read for it are the same in
 * every run) and the handler's output.
 *
 * <p>Usage: java -cp JAR:DRIVER Invoke HANDLER_CLASS EVENT_FILE RESULT_FILE [WARM_EVENTS_DIR]
 * (then warmMs: each further event's time in the same JVM, for warm p50/p99)
 */
public final class Invoke {
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    Class<?> type = Class.forName(args[0]);
    Object handler = type.getDeclaredConstructor().newInstance();
    long t1 = System.nanoTime();
    // -Dslipway.bench.prime=true: run the handler's SnapStart checkpoint hook first, as Lambda does
    // before it takes the snapshot; the first event's time is then what a restore leaves to it
    // (the restore itself is Lambda's and not measured here).
    long primeNs = 0;
    if (Boolean.getBoolean("slipway.bench.prime")) {
      for (Method m : type.getMethods()) {
        if (m.getName().equals("beforeCheckpoint") && m.getParameterCount() == 1) {
          long a = System.nanoTime();
          m.invoke(handler, new Object[] {null});
          primeNs = System.nanoTime() - a;
        }
      }
    }
    long primed = System.nanoTime();
    Method handle = null;
    for (Method m : type.getMethods()) {
      if (m.getName().equals("handleRequest")
          && m.getParameterCount() == 3
          && m.getParameterTypes()[0] == InputStream.class) {
        handle = m;
      }
    }
    byte[] event = Files.readAllBytes(Path.of(args[1]));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String error = null;
    try {
      handle.invoke(handler, new java.io.ByteArrayInputStream(event), (OutputStream) out, null);
    } catch (java.lang.reflect.InvocationTargetException e) {
      error = String.valueOf(e.getCause());
    }
    long t2 = System.nanoTime();
    t2 -= primed - t1; // the first event's time alone
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
    // Warm: every event file in the fourth argument's directory, in name order, each timed.
    StringBuilder warm = new StringBuilder();
    int warmErrors = 0;
    if (args.length > 3) {
      java.io.File[] files = new java.io.File(args[3]).listFiles();
      java.util.Arrays.sort(files);
      for (java.io.File f : files) {
        byte[] next = Files.readAllBytes(f.toPath());
        long a = System.nanoTime();
        try {
          handle.invoke(
              handler, new java.io.ByteArrayInputStream(next), new ByteArrayOutputStream(), null);
        } catch (java.lang.reflect.InvocationTargetException e) {
          warmErrors++;
        }
        warm.append(warm.length() == 0 ? "" : ",").append(String.format("%.3f", (System.nanoTime() - a) / 1e6));
      }
    }
    String output = out.toString(StandardCharsets.UTF_8);
    String line =
        String.format(
            "{\"initMs\":%.2f,\"primeMs\":%.2f,\"handleMs\":%.2f,\"uptimeMs\":%d,\"classes\":%d,\"output\":\"%s\",\"error\":%s,\"warmMs\":[%s],\"warmErrors\":%d}%n",
            (t1 - t0) / 1e6,
            primeNs / 1e6,
            (t2 - t1) / 1e6,
            uptime,
            classes,
            escape(output),
            error == null ? "null" : "\"" + escape(error) + "\"",
            warm,
            warmErrors);
    Files.writeString(Path.of(args[2]), line);
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
