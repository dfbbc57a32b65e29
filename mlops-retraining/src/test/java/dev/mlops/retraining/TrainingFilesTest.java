package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.opencsv.CSVReader;
import dev.mlops.api.InvalidArgumentException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** The files an external training reads, read back by an independent CSV parser (opencsv) and digest. */
class TrainingFilesTest {
  private static final RetrainingContext CONTEXT = new RetrainingContext("loop", "rt-1", "run-1", List.of(), OptionalInt.of(3), 42, 0);

  @TempDir
  Path dir;

  private static MutableDataset<Label> rows(String... names) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("hostile", f), f);
    d.add(new ArrayExample<>(new Label("yes, really"), names, new double[] {0.1, -2.5e-300, 1e300}));
    d.add(new ArrayExample<>(new Label("say \"no\""), new String[] {names[0]}, new double[] {Math.PI}));   // sparse: the others are 0
    return d;
  }

  @Test
  @DisplayName("hostile feature names and labels survive a round trip through RFC 4180, values exactly, digests and counts as the manifest says")
  void hostileNamesRoundTrip() throws Exception {
    String[] names = {"plan, monthly", "say \"hi\"", "größe\nzwei"};
    TrainingFiles.Written w = TrainingFiles.write(dir, "label", rows(names), rows(names), CONTEXT, "model.onnx", null);
    List<String[]> lines;
    try (Reader r = Files.newBufferedReader(dir.resolve("train.csv"), StandardCharsets.UTF_8); CSVReader csv = new CSVReader(r)) {
      lines = csv.readAll();
    }
    assertArrayEquals(new String[] {"größe\nzwei", "plan, monthly", "say \"hi\"", "label"}, lines.get(0), "features in name order, then the label");
    assertArrayEquals(new String[] {"1.0E300", "0.1", "-2.5E-300", "yes, really"}, lines.get(1));
    assertEquals(Math.PI, Double.parseDouble(lines.get(2)[1]));
    assertEquals(0.0, Double.parseDouble(lines.get(2)[0]), "a feature a sparse row lacks is 0");
    assertEquals("say \"no\"", lines.get(2)[3]);
    JsonNode m = new ObjectMapper().readTree(w.manifest().toFile());
    assertEquals(TrainingFiles.FORMAT, m.get("format").asText());
    assertEquals(2, m.get("train").get("rows").asInt());
    assertEquals(sha256(dir.resolve("train.csv")), m.get("train").get("sha256").asText());
    assertEquals(sha256(dir.resolve("holdout.csv")), m.get("holdout").get("sha256").asText());
    assertEquals(3, m.get("champion").get("version").asInt());
    assertEquals("[\"say \\\"no\\\"\",\"yes, really\"]", m.get("classes").toString());
    assertEquals("classification", m.get("task").asText());
  }

  @Test
  @DisplayName("a label column named like a feature is refused, naming the field, before any file is written")
  void aLabelColumnNamedLikeAFeatureIsRefused() throws Exception {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> TrainingFiles.write(dir, "x", rows("x", "y", "z"), rows("x", "y", "z"), CONTEXT, "model.onnx", null));
    assertTrue(e.getMessage().contains("label column") && e.getMessage().contains("x"), e.getMessage());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  @DisplayName("the builder refuses an empty command, a path as output, a non-positive timeout")
  void theBuilderFailsEarly() {
    ExternalTraining.Builder<Label> b = ExternalTraining.builder((file, train) -> null);
    assertThrows(InvalidArgumentException.class, () -> b.command(List.of()));
    assertThrows(InvalidArgumentException.class, () -> b.output("../model.onnx"));
    assertThrows(InvalidArgumentException.class, () -> b.timeout(java.time.Duration.ZERO));
    assertThrows(InvalidArgumentException.class, () -> b.environment("A=B", "c"));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, b::build);
    assertTrue(e.getMessage().contains("command"), e.getMessage());
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
