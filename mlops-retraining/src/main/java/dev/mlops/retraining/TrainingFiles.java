package dev.mlops.retraining;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Digests;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * The files an external training reads: {@code train.csv} and {@code holdout.csv} (RFC 4180, UTF-8, a header row of
 * the feature columns in name order then the label column; numbers in Java's shortest round-trip form; a feature a
 * sparse Tribuo row lacks is 0, as Tribuo reads it) and {@code manifest.json}, which names the columns, the label, the
 * classes, the row counts and the SHA-256 of each file.
 */
final class TrainingFiles {
  static final String FORMAT = "mlops-external-training/1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One written data file. */
  record DataFile(Path path, int rows, String sha256) {}

  /** What was written. */
  record Written(Path manifest, DataFile train, DataFile holdout, List<String> features, Map<String, Object> manifestJson) {}

  private TrainingFiles() {}

  /** Writes both files and the manifest into {@code dir}; the label column must not be a feature's name. */
  static <T extends Output<T>> Written write(Path dir, String label, Dataset<T> train, Dataset<T> holdout, RetrainingContext ctx,
      String output, @Nullable String championFile) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    for (VariableInfo v : train.getFeatureMap()) {
      names.add(v.getName());
    }
    if (names.contains(label)) {
      throw InvalidArgumentException.of("label column", label, "must not be the name of a feature of the training rows");
    }
    List<String> features = new ArrayList<>(names);
    boolean classification = train.getOutputFactory().getUnknownOutput() instanceof Label;
    DataFile trainFile = csv(dir.resolve("train.csv"), label, features, train);
    DataFile holdoutFile = csv(dir.resolve("holdout.csv"), label, features, holdout);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("loop", ctx.loop());
    m.put("retraining", ctx.retrainingId());
    m.put("run", ctx.runId());
    m.put("seed", ctx.seed());
    m.put("task", classification ? "classification" : "regression");
    List<String> columns = new ArrayList<>(features);
    columns.add(label);
    m.put("columns", columns);
    m.put("features", features);
    m.put("label", label);
    if (classification) {
      TreeSet<String> classes = new TreeSet<>();
      train.getOutputInfo().getDomain().forEach(o -> classes.add(((Label) o).getLabel()));
      m.put("classes", List.copyOf(classes));
    }
    m.put("train", file(trainFile));
    m.put("holdout", file(holdoutFile));
    Map<String, Object> champion = new LinkedHashMap<>();
    champion.put("version", ctx.championVersion().isPresent() ? ctx.championVersion().getAsInt() : null);
    champion.put("file", championFile);
    m.put("champion", champion);
    m.put("output", output);
    Path manifest = dir.resolve("manifest.json");
    Files.writeString(manifest, JSON.writeValueAsString(m));
    return new Written(manifest, trainFile, holdoutFile, features, m);
  }

  static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> file(DataFile f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", f.path().getFileName().toString());
    m.put("rows", f.rows());
    m.put("sha256", f.sha256());
    return m;
  }

  private static <T extends Output<T>> DataFile csv(Path path, String label, List<String> features, Dataset<T> rows) throws IOException {
    Map<String, Integer> column = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      column.put(features.get(i), i);
    }
    MessageDigest md = Digests.newSha256();
    int n = 0;
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(path), md);
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      List<String> header = new ArrayList<>(features);
      header.add(label);
      line(w, header);
      for (Example<T> e : rows) {
        String[] cells = new String[features.size() + 1];
        java.util.Arrays.fill(cells, 0, features.size(), "0.0");
        for (Feature f : e) {
          Integer c = column.get(f.getName());
          if (c != null) {
            cells[c] = Double.toString(f.getValue());
          }
        }
        cells[features.size()] = outputCell(e.getOutput());
        line(w, List.of(cells));
        n++;
      }
    }
    return new DataFile(path, n, Digests.hex(md));
  }

  private static String outputCell(Output<?> output) {
    if (output instanceof Label l) {
      return l.getLabel();
    }
    if (output instanceof Regressor r) {
      if (r.size() != 1) {
        throw InvalidArgumentException.of("output", r, "must have one dimension to be written as a label column (it has " + r.size() + ")");
      }
      return Double.toString(r.getValues()[0]);
    }
    throw InvalidArgumentException.of("output", output, "must be a Label or a one-dimensional Regressor");
  }

  private static void line(Writer w, List<String> cells) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        w.write(',');
      }
      w.write(quote(cells.get(i)));
    }
    w.write("\r\n");
  }

  /** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
  static String quote(String cell) {
    if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}
