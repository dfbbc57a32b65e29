package dev.mlops.onnx.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The exporters' models and their golden outputs under src/test/resources/onnx (see the README there). */
public final class TestModels {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestModels() {}

  /** A file of the model directory. */
  public static Path file(String name) {
    URL url = TestModels.class.getResource("/onnx/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no test resource onnx/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON file of the model directory. */
  public static JsonNode json(String name) {
    try {
      return JSON.readTree(file(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** models.json's entries. */
  public static List<JsonNode> manifest() {
    List<JsonNode> out = new ArrayList<>();
    json("models.json").get("models").forEach(out::add);
    return out;
  }

  /** The entry of one model. */
  public static JsonNode entry(String file) {
    return manifest().stream().filter(e -> e.get("file").asText().equals(file)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no model " + file + " in models.json"));
  }

  /** A golden file's input rows as feature maps (values as JSON gives them: numbers or strings). */
  public static List<Map<String, Object>> rows(JsonNode golden) {
    List<String> names = strings(golden.get("feature_names"));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode r : golden.get("inputs")) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        JsonNode v = r.get(i);
        row.put(names.get(i), v.isTextual() ? v.asText() : v.isIntegralNumber() ? (Object) v.asLong() : (Object) v.asDouble());
      }
      rows.add(row);
    }
    return rows;
  }

  /** A JSON array of strings. */
  public static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Resident memory outside the Java heap, after a collection: the resident bytes of every mapping in
   * {@code /proc/self/smaps} except those inside the heap's address range, which the JVM reports
   * ({@code GC.heap_info}). VmRSS alone, or VmRSS less the heap's committed size, also moves with how
   * much of its committed heap the collector has touched so far (up to -Xmx), which is not native
   * memory at all; what ONNX Runtime would leak is outside the heap.
   */
  public static long residentBytesOutsideHeap() throws IOException {
    System.gc();
    long[] heap = heapRange();
    long outside = 0;
    boolean inHeap = false;
    for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/smaps"))) {
      java.util.regex.Matcher m = MAPPING.matcher(line);
      if (m.lookingAt()) {
        long start = Long.parseUnsignedLong(m.group(1), 16);
        long end = Long.parseUnsignedLong(m.group(2), 16);
        inHeap = Long.compareUnsigned(start, heap[0]) >= 0 && Long.compareUnsigned(end, heap[1]) <= 0;
      } else if (line.startsWith("Rss:") && !inHeap) {
        outside += Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return outside;
  }

  private static final java.util.regex.Pattern MAPPING = java.util.regex.Pattern.compile("([0-9a-f]+)-([0-9a-f]+) ");
  private static final java.util.regex.Pattern HEAP = java.util.regex.Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

  /** The Java heap's reserved address range, [start, end), as {@code jcmd <pid> GC.heap_info} prints it. */
  static long[] heapRange() {
    try {
      Object info = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
          new Object[] {null}, new String[] {String[].class.getName()});
      java.util.regex.Matcher m = HEAP.matcher(String.valueOf(info));
      if (!m.find()) {
        throw new IllegalStateException("no heap address range in GC.heap_info: " + info);
      }
      return new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)};
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("GC.heap_info failed", e);
    }
  }
}
