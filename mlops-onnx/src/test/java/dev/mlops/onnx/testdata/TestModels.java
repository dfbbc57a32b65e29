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

  /** The process's resident memory, after a collection so that freed direct buffers have returned theirs. */
  /**
   * Resident memory outside the Java heap: VmRSS less the heap's committed bytes, after a collection.
   * The heap may grow its committed size between two readings (the JVM sizes it to the allocation
   * rate, up to -Xmx), which says nothing about native memory; what ONNX Runtime leaks is outside it.
   */
  public static long residentBytesOutsideHeap() throws IOException {
    long rss = residentBytes();
    return rss - java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }

  public static long residentBytes() throws IOException {
    System.gc();
    for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
