package dev.mlops.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.internal.InputLayout;
import dev.mlops.onnx.internal.OnnxHeader;
import dev.mlops.onnx.internal.OrtRuntime;
import dev.mlops.onnx.internal.OutputLayout;
import dev.mlops.onnx.internal.Tensors;
import dev.mlops.onnx.internal.ValueType;
import dev.mlops.registry.ModelFlavor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code onnx} model flavor, on ONNX Runtime's Java API: add it with
 * {@code ModelRegistry.builder().flavor(OnnxFlavor.create())} (it replaces the built-in flavor of
 * that name, which stores bytes only) and register ONNX files with {@code .flavor("onnx")}.
 *
 * <p>At registration the graph is loaded and run once on the registration's input example (a row
 * of zeros when there is none; two rows when its batch dimension is free) and its signature is
 * derived: features and their element types, class labels, which output gives the label, the
 * class probabilities or scores, or the regressed value, and what the file declares (producer,
 * opsets, shapes), stored as the version's signature and as {@code onnx.*} version tags. Refused
 * with an {@link InvalidArgumentException} that says what and why, storing nothing: bytes that are
 * not a readable ONNX model; weights kept in external files; an opset or operator ONNX Runtime does
 * not have; a declared output shape the graph does not compute; outputs whose roles are ambiguous;
 * and a mapping ({@link OnnxMapping}) that does not fit the graph (feature or class count, names
 * differing from the graph's own).
 *
 * <p>{@code loadObject} returns a new {@link OnnxModel} on every call, from bytes checked against
 * the registered digest; its caller closes it. Thread-safe.
 */
public final class OnnxFlavor implements ModelFlavor {
  /** The default of {@link Builder#maxModelBytes(long)}: 256 MiB. */
  public static final long DEFAULT_MAX_MODEL_BYTES = 256L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TAG = 4000;

  private final OrtRuntime.Options options;
  private final long maxModelBytes;

  private OnnxFlavor(Builder b) {
    this.options = new OrtRuntime.Options(b.intraOpThreads, b.interOpThreads);
    this.maxModelBytes = b.maxModelBytes;
  }

  /** The flavor with its defaults: one intra-op and one inter-op thread per session, models up to 256 MiB. */
  public static OnnxFlavor create() {
    return builder().build();
  }

  /** A builder of the flavor. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code onnx}. */
  @Override
  public String name() {
    return ModelVersion.ONNX;
  }

  /** The largest model registration accepts, from {@link Builder#maxModelBytes(long)}. */
  @Override
  public long maxBytes() {
    return maxModelBytes;
  }

  /** False: each loaded {@link OnnxModel} holds a native session that its caller closes. */
  @Override
  public boolean cachesLoaded() {
    return false;
  }

  /** As {@link #inspect(Candidate)} without a mapping. */
  @Override
  public Optional<ModelSignature> inspect(byte[] bytes, Optional<Object> model, String inputExample) {
    return inspect(new Candidate(bytes, model, inputExample, Optional.empty())).signature();
  }

  /**
   * Loads the graph, derives its signature with the registration's mapping and runs it once on the
   * input example.
   *
   * @throws InvalidArgumentException if the graph or the mapping is refused (see the class comment)
   */
  @Override
  public Inspection inspect(Candidate candidate) {
    OnnxHeader header = header(candidate.bytes());
    if (!header.externalInitializers().isEmpty()) {
      throw InvalidArgumentException.of("ONNX graph", "initializers " + header.externalInitializers(), "keep their weights in external "
          + "files, which a registered model cannot carry; save the model with its weights inside (onnx.save_model(..., "
          + "save_as_external_data=False))");
    }
    ModelSignature given = candidate.signature().orElse(ModelSignature.NONE);
    try (OrtSession session = OrtRuntime.open(candidate.bytes(), options, header)) {
      InputLayout input = InputLayout.resolve(session.getInputInfo(), header, names(given.inputs()));
      Map<String, Object> row = example(candidate.inputExample(), input);
      int rows = input.batchable() ? 2 : 1;
      InputLayout.Columns columns;
      try {
        columns = input.rows(Collections.nCopies(rows, row), false);
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException("input example: " + e.getMessage(), e);
      }
      OutputLayout output;
      try (Tensors tensors = columns.tensors(OrtRuntime.env(), 0, rows);
          OrtSession.Result result = session.run(tensors.byInput())) {
        Map<String, long[]> computed = OrtRuntime.shapes(result);
        checkDeclaredShapes(header, computed, rows);
        output = OutputLayout.resolve(session.getOutputInfo(), header, given.outputDomain(), computed);
        output.decode(result, rows);
      } catch (OrtException e) {
        throw InvalidArgumentException.of("ONNX graph", OrtRuntime.describe(header), "fails on its input example: "
            + OrtRuntime.message(e));
      } catch (InvalidArgumentException e) {
        throw e;
      } catch (MlopsException e) {
        throw InvalidArgumentException.of("ONNX graph", OrtRuntime.describe(header), "gives outputs that cannot be read on its "
            + "input example: " + e.getMessage());
      }
      OnnxSignature signature = signature(header, input, output);
      return new Inspection(Optional.of(new ModelSignature(signature.features(), signature.classes(), candidate.inputExample())),
          tags(signature));
    } catch (OrtException e) {
      throw InvalidArgumentException.of("ONNX graph", OrtRuntime.describe(header), OrtRuntime.message(e));
    }
  }

  /**
   * Checks ONNX bytes the way a registration with {@code mapping} would (the same graphs and
   * mappings are refused, with the same messages) and loads them with the signature so derived,
   * without a registry: for a model file made elsewhere, such as by an external training process.
   * The caller closes the model.
   *
   * @throws InvalidArgumentException if the graph or the mapping is refused
   */
  public OnnxModel load(byte[] bytes, OnnxMapping mapping) {
    Inspection inspection = inspect(new Candidate(bytes, Optional.empty(), "", Optional.of(mapping.signature())));
    return open(bytes, null, inspection.signature().orElse(ModelSignature.NONE));
  }

  /** Loads ONNX bytes with the features and classes their graph names itself (metadata_props, per-feature inputs, ZipMap). */
  @Override
  public OnnxModel load(byte[] bytes) {
    return open(bytes, null, ModelSignature.NONE);
  }

  /** Loads a registered version's verified bytes with the features and classes registration stored in its signature. */
  @Override
  public OnnxModel load(byte[] bytes, ModelVersion version) {
    return open(bytes, version, version.signature());
  }

  private OnnxModel open(byte[] bytes, @Nullable ModelVersion version, ModelSignature stored) {
    OnnxHeader header = header(bytes);
    OrtSession session = OrtRuntime.open(bytes, options, header);
    try {
      InputLayout input = InputLayout.resolve(session.getInputInfo(), header, names(stored.inputs()));
      OutputLayout output = OutputLayout.resolve(session.getOutputInfo(), header, stored.outputDomain(), null);
      return new OnnxModel(version, session, input, output, signature(header, input, output));
    } catch (OrtException | RuntimeException e) {
      try {
        session.close();
      } catch (OrtException closing) {
        e.addSuppressed(closing);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new MlopsException("ONNX Runtime could not describe the graph: " + OrtRuntime.message((OrtException) e), e);
    }
  }

  private static OnnxHeader header(byte[] bytes) {
    try {
      return OnnxHeader.read(bytes);
    } catch (IOException e) {
      throw InvalidArgumentException.of("ONNX model", bytes.length + " bytes", "is not a readable ONNX model: " + e.getMessage());
    }
  }

  private static List<String> names(List<FeatureSpec> specs) {
    List<String> names = new ArrayList<>();
    for (FeatureSpec f : specs) {
      names.add(f.name());
    }
    return names;
  }

  /** The registration's input example as a row, or a row of zeros. */
  private static Map<String, Object> example(String json, InputLayout input) {
    if (json.isBlank()) {
      return input.zeroRow();
    }
    try {
      Map<String, Object> row = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
      if (row == null) {
        throw InvalidArgumentException.of("input example", json, "must be a JSON object of feature values, such as {\"x\": 1.5}");
      }
      return row;
    } catch (JsonProcessingException e) {
      throw InvalidArgumentException.of("input example", json, "must be a JSON object of feature values, such as {\"x\": 1.5}: "
          + e.getOriginalMessage());
    }
  }

  /** Refuses a graph whose declared output shapes disagree with what it computed. */
  private static void checkDeclaredShapes(OnnxHeader header, Map<String, long[]> computed, int rows) {
    for (OnnxHeader.Value declared : header.outputs()) {
      long[] actual = computed.get(declared.name());
      List<String> dims = declared.type().dims();
      if (actual == null || declared.type().kind() != ValueType.Kind.TENSOR || dims == null) {
        continue;
      }
      boolean fits = dims.size() == actual.length;
      for (int i = 0; fits && i < actual.length; i++) {
        long d = ValueType.dimValue(dims.get(i));
        fits = d < 0 || d == actual[i];
      }
      if (!fits) {
        throw InvalidArgumentException.of("ONNX graph output", declared.toString(), "computes shape " + Arrays.toString(actual)
            + " on " + rows + " example row" + (rows == 1 ? "" : "s") + ", not the declared one; the graph's declared output shape is "
            + "wrong");
      }
    }
  }

  static OnnxSignature signature(OnnxHeader header, InputLayout input, OutputLayout output) {
    List<FeatureSpec> features = new ArrayList<>();
    List<String> types = input.types();
    for (int i = 0; i < types.size(); i++) {
      features.add(new FeatureSpec(input.features().get(i), types.get(i)));
    }
    return new OnnxSignature(output.classification() ? OnnxSignature.Task.CLASSIFICATION : OnnxSignature.Task.REGRESSION, features,
        output.classes(), output.probabilities(), output.outputs(), OnnxGraph.of(header));
  }

  /** The graph's facts as version tags, readable without loading the model. */
  private static Map<String, String> tags(OnnxSignature s) {
    Map<String, String> tags = new LinkedHashMap<>();
    OnnxGraph g = s.graph();
    tags.put("onnx.producer", (g.producerName() + " " + g.producerVersion()).strip());
    List<String> opsets = new ArrayList<>();
    g.opsets().forEach((domain, version) -> opsets.add(domain + " " + version));
    tags.put("onnx.opsets", String.join(", ", opsets));
    tags.put("onnx.ir_version", Long.toString(g.irVersion()));
    tags.put("onnx.task", s.task().name().toLowerCase(java.util.Locale.ROOT));
    tags.put("onnx.inputs", shorten(String.join(", ", g.inputs().stream().map(OnnxValueInfo::toString).toList())));
    tags.put("onnx.outputs", shorten(String.join(", ", s.outputs().stream()
        .map(o -> o.name() + ": " + o.type() + " (" + o.role().name().toLowerCase(java.util.Locale.ROOT) + ")").toList())));
    return tags;
  }

  private static String shorten(String s) {
    return s.length() <= MAX_TAG ? s : s.substring(0, MAX_TAG - 3) + "...";
  }

  /** Builder of {@link OnnxFlavor}; reusable. */
  public static final class Builder {
    private int intraOpThreads = 1;
    private int interOpThreads = 1;
    private long maxModelBytes = DEFAULT_MAX_MODEL_BYTES;

    private Builder() {}

    /**
     * Threads one operator of a session may use (default 1: concurrency comes from the threads
     * that call predict, and every loaded version has a session of its own).
     *
     * @throws InvalidArgumentException if not positive
     */
    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = positive("intra-op threads", threads);
      return this;
    }

    /**
     * Operators of one run that may run at once (default 1, sequential; more runs the graph in
     * ONNX Runtime's parallel mode).
     *
     * @throws InvalidArgumentException if not positive
     */
    public Builder interOpThreads(int threads) {
      this.interOpThreads = positive("inter-op threads", threads);
      return this;
    }

    /**
     * The largest model file registration accepts (default 256 MiB, at most
     * {@link ModelFlavor#MAX_BYTES}). The registry holds a model's bytes in memory while it
     * registers and loads it, and ONNX Runtime holds its own copy of the graph while a session is
     * open, so a larger file is refused before it is read.
     *
     * @throws InvalidArgumentException if not positive or above {@link ModelFlavor#MAX_BYTES}
     */
    public Builder maxModelBytes(long bytes) {
      if (bytes < 1 || bytes > ModelFlavor.MAX_BYTES) {
        throw InvalidArgumentException.of("max model bytes", bytes, "must be between 1 and " + ModelFlavor.MAX_BYTES);
      }
      this.maxModelBytes = bytes;
      return this;
    }

    /** The flavor. */
    public OnnxFlavor build() {
      return new OnnxFlavor(this);
    }

    private static int positive(String field, int value) {
      if (value < 1) {
        throw InvalidArgumentException.of(field, value, "must be positive");
      }
      return value;
    }
  }
}
