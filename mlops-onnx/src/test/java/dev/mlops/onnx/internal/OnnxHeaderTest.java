package dev.mlops.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.onnx.OnnxGraph;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.testkit.LargeOnnxModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxHeaderTest {
  @TempDir
  Path dir;

  @Test
  void readsWhatEachExporterDeclaredAsTheOnnxLibraryReadsIt() throws IOException {
    int read = 0;
    for (JsonNode entry : TestModels.manifest()) {
      if (!entry.has("ir_version")) {
        continue;  // the truncated file, which the onnx library could not read either
      }
      String file = entry.get("file").asText();
      OnnxHeader h = OnnxHeader.read(TestModels.file(file));
      assertEquals(entry.get("ir_version").asLong(), h.irVersion(), file);
      assertEquals(entry.get("producer").get("name").asText(), h.producerName(), file);
      assertEquals(entry.get("producer").get("version").asText(), h.producerVersion(), file);
      Map<String, Long> opsets = new LinkedHashMap<>();
      entry.get("opset_import").fields().forEachRemaining(e -> opsets.put(e.getKey(), e.getValue().asLong()));
      assertEquals(opsets, h.opsets(), file);
      read++;
    }
    assertEquals(TestModels.manifest().size() - 1, read);
  }

  @Test
  void readsDeclaredSignaturesOperatorsMetadataAndZipMapLabels() throws IOException {
    OnnxHeader torch = OnnxHeader.read(TestModels.file("torch_mlp_classifier.onnx"));
    assertEquals("[features: float[batch,4]]", torch.inputs().toString());
    assertEquals("[probabilities: float[batch,3], label: int64[batch]]", torch.outputs().toString());
    assertEquals("sepal_length,sepal_width,petal_length,petal_width", torch.metadata().get("feature_names"));
    assertEquals("Softmax", torch.producers().get("probabilities").opType());
    assertEquals("ArgMax", torch.producers().get("label").opType());
    assertEquals(1644, torch.initializerBytes().values().stream().mapToLong(Long::longValue).sum());

    OnnxHeader strings = OnnxHeader.read(TestModels.file("sklearn_logreg_zipmap_str.onnx"));
    assertEquals("[output_label: string[?], output_probability: seq(map(string,float))]", strings.outputs().toString());
    assertEquals(new OnnxHeader.ZipMap(false, List.of("setosa", "versicolor", "virginica")), strings.zipMaps().get("output_probability"));
    OnnxHeader ints = OnnxHeader.read(TestModels.file("sklearn_logreg_zipmap_int_labels_3_5_7.onnx"));
    assertEquals(new OnnxHeader.ZipMap(true, List.of("3", "5", "7")), ints.zipMaps().get("output_probability"));
    assertTrue(ints.operators().contains("ai.onnx.ml:LinearClassifier"), ints.operators().toString());

    OnnxHeader slow = OnnxHeader.read(TestModels.file("hostile_slow.onnx"));
    assertTrue(slow.operators().contains("ai.onnx:MatMul"), "the Loop body's operators are read: " + slow.operators());
    assertTrue(slow.operators().contains("ai.onnx:Loop"), slow.operators().toString());
    assertFalse(slow.producers().containsKey("s_out"), "only the main graph's nodes are kept");

    OnnxHeader custom = OnnxHeader.read(TestModels.file("hostile_custom_op.onnx"));
    assertEquals(Map.of("ai.onnx", 17L, "com.example.custom", 1L), custom.opsets());
    assertEquals("[com.example.custom:FancyScore]", custom.operators().toString());
  }

  @Test
  void seesInitializersWhoseWeightsLiveInAnotherFile() throws IOException {
    assertEquals(List.of("W"), OnnxHeader.read(TestModels.file("hostile_external_data.onnx")).externalInitializers());
    assertEquals(List.of(), OnnxHeader.read(TestModels.file("torch_mlp_logits.onnx")).externalInitializers());
  }

  @Test
  void aTruncatedFileIsRefusedSayingWhereItWasCut() {
    IOException e = assertThrows(IOException.class, () -> OnnxHeader.read(TestModels.file("hostile_truncated.onnx")));
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("runs past the end of its message (byte 1465)"),
        e.getMessage());
  }

  @Test
  void aFileThatIsNotOnnxIsRefused() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.onnx"), "these are not the weights you are looking for\n");
    assertThrows(IOException.class, () -> OnnxHeader.read(text));
    Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
    IOException e = assertThrows(IOException.class, () -> OnnxHeader.read(empty));
    assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
  }

  @Test
  void readsAModelOfHundredsOfMegabytesWithoutReadingItsWeights() throws IOException {
    int hidden = 15_000_000;
    Path big = dir.resolve("big.onnx");
    long size = LargeOnnxModel.write(big, hidden);
    assertTrue(size > 300_000_000L, "the model is large: " + size);
    long before = allocatedByThisThread();
    OnnxHeader h = OnnxHeader.read(big);
    long allocated = allocatedByThisThread() - before;
    assertEquals(20L * hidden, h.initializerBytes().values().stream().mapToLong(Long::longValue).sum());
    assertEquals("[input: float[batch,4]]", h.inputs().toString());
    assertEquals("[output: float[batch,1]]", h.outputs().toString());
    assertTrue(allocated < 4 << 20, "reading the header of a " + size + "-byte file allocated " + allocated + " bytes");

    before = allocatedByThisThread();
    OnnxGraph graph = OnnxGraph.read(big);
    allocated = allocatedByThisThread() - before;
    assertEquals(20L * hidden, graph.initializerBytes());
    assertEquals("[ai.onnx:MatMul, ai.onnx:Relu]", graph.operators().toString());
    assertTrue(allocated < 4 << 20, "OnnxGraph.read allocated " + allocated + " bytes");
  }

  private static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /** Cut or corrupted files are refused with an IOException, never another failure (an overflow, a huge allocation, a loop). */
  @Property(tries = 300)
  void damagedFilesFailOnlyWithAnIOException(@ForAll("models") String file, @ForAll("fractions") double cutAt,
      @ForAll("fractions") double flipAt, @ForAll("bytes") byte flip) throws IOException {
    byte[] bytes = Files.readAllBytes(TestModels.file(file));
    byte[] damaged = java.util.Arrays.copyOf(bytes, (int) (bytes.length * cutAt));
    if (damaged.length > 0) {
      damaged[(int) (damaged.length * flipAt) % damaged.length] ^= flip;
    }
    try {
      OnnxHeader.read(damaged);
    } catch (IOException expected) {
      assertFalse(expected.getMessage().isBlank());
    }
  }

  @Provide
  Arbitrary<String> models() {
    return Arbitraries.of(TestModels.manifest().stream().map(e -> e.get("file").asText()).toList());
  }

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.doubles().between(0, 1);
  }

  @Provide
  Arbitrary<Byte> bytes() {
    return Arbitraries.bytes();
  }
}
