package dev.mlops.serving.http;

import dev.mlops.serving.Endpoint;
import dev.mlops.serving.Served;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * The output tensors of an answer, by the endpoint's output type: a classifier's {@code label}
 * (BYTES, [N]) and {@code score} (FP64, [N], the predicted label's score, left out when the model
 * does not score), a regressor's {@code prediction} (FP64, [N, D]), any other output's text as
 * {@code output} (BYTES, [N]).
 */
final class Outputs {
  private Outputs() {}

  static List<String> names(Class<?> outputType) {
    if (outputType == Label.class) {
      return List.of("label", "score");
    }
    return outputType == Regressor.class ? List.of("prediction") : List.of("output");
  }

  /** The metadata of the outputs; {@code dims} is a regressor's number of dimensions (-1 when unknown). */
  static List<Map<String, Object>> metadata(Class<?> outputType, int dims) {
    if (outputType == Label.class) {
      return List.of(tensorMeta("label", "BYTES", List.of(-1L)), tensorMeta("score", "FP64", List.of(-1L)));
    }
    return outputType == Regressor.class ? List.of(tensorMeta("prediction", "FP64", List.of(-1L, (long) dims)))
        : List.of(tensorMeta("output", "BYTES", List.of(-1L)));
  }

  static Map<String, Object> tensorMeta(String name, String datatype, List<Long> shape) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("datatype", datatype);
    m.put("shape", shape);
    return m;
  }

  static <T extends Output<T>> Map<String, Object> response(Endpoint<T> endpoint, @Nullable String id, List<Served<T>> served,
      Set<String> wanted) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model_name", endpoint.name());
    List<String> versions = served.stream().map(s -> Integer.toString(s.version())).toList();
    if (!versions.isEmpty() && versions.stream().distinct().count() == 1) {
      r.put("model_version", versions.get(0));
    }
    if (id != null) {
      r.put("id", id);
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("request_ids", served.stream().map(Served::requestId).toList());
    p.put("variants", served.stream().map(Served::variant).toList());
    p.put("model_versions", versions);
    r.put("parameters", p);
    r.put("outputs", tensors(endpoint.outputType(), served, wanted));
    return r;
  }

  /**
   * The answer to an inference: JSON, or, when an output is wanted as binary data, the JSON with that
   * output's {@code data} replaced by {@code parameters.binary_data_size}, followed by its raw bytes,
   * with the {@code Inference-Header-Content-Length} header giving the JSON's length.
   */
  @SuppressWarnings("unchecked")
  static HttpAnswer withBinary(Map<String, Object> response, Map<String, Boolean> binary) {
    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
    for (Map<String, Object> t : (List<Map<String, Object>>) response.get("outputs")) {
      if (binary.getOrDefault((String) t.get("name"), false)) {
        byte[] bytes = BinaryData.encode((String) t.get("datatype"), (List<?>) t.remove("data"));
        t.put("parameters", Map.of("binary_data_size", bytes.length));
        raw.write(bytes, 0, bytes.length);
      }
    }
    if (!binary.containsValue(true)) {
      return Answers.json(200, response);
    }
    byte[] json = Answers.json(200, response).body();
    byte[] body = java.util.Arrays.copyOf(json, json.length + raw.size());
    System.arraycopy(raw.toByteArray(), 0, body, json.length, raw.size());
    return Answers.answer(200, BinaryData.CONTENT_TYPE, body, Map.of(BinaryData.HEADER, Integer.toString(json.length)));
  }

  private static List<Map<String, Object>> tensors(Class<?> type, List<? extends Served<?>> served, Set<String> wanted) {
    long n = served.size();
    List<Map<String, Object>> out = new ArrayList<>();
    if (type == Label.class) {
      if (wanted.contains("label")) {
        out.add(tensor("label", "BYTES", List.of(n), served.stream().map(Served::outputText).toList()));
      }
      List<Double> scores = served.stream().map(Served::score).toList();
      if (wanted.contains("score") && scores.stream().allMatch(Double::isFinite)) {
        out.add(tensor("score", "FP64", List.of(n), scores));
      }
    } else if (type == Regressor.class) {
      List<Double> values = new ArrayList<>();
      long dims = 0;
      for (Served<?> s : served) {
        double[] v = ((Regressor) s.output()).getValues();
        dims = v.length;
        for (double d : v) {
          values.add(d);
        }
      }
      out.add(tensor("prediction", "FP64", List.of(n, dims), values));
    } else {
      out.add(tensor("output", "BYTES", List.of(n), served.stream().map(Served::outputText).toList()));
    }
    return out;
  }

  private static Map<String, Object> tensor(String name, String datatype, List<Long> shape, List<?> data) {
    Map<String, Object> m = tensorMeta(name, datatype, shape);
    m.put("data", data);
    return m;
  }
}
