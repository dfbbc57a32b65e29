package dev.mlops.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.Served;
import dev.mlops.serving.http.Answers.BadRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;

/**
 * An Open Inference Protocol inference request, answered through an endpoint with the tabular
 * convention: either one tensor per feature (each of shape [N] or [N, 1], named by the feature, or
 * by a one-hot group with BYTES values), or one row-major [N, F] tensor whose columns are the
 * features in the order {@link Endpoint#featureNames()} lists. Each row is one request to the
 * endpoint, so routing, logging and feedback see it as an in-process call would.
 */
final class Inference {
  private static final Set<String> FIELDS = Set.of("id", "parameters", "inputs", "outputs");

  private Inference() {}

  /**
   * The parameters object of a request, an input or a requested output: an object whose binary data
   * extension parameter, if any, is the one that belongs there ({@code binary_data_output} a boolean
   * on the request, {@code binary_data_size} a whole number on an input, {@code binary_data} a
   * boolean on an output).
   */
  static void checkParameters(JsonNode p, String where, String binaryKey) {
    if (!p.isObject()) {
      throw new BadRequest(where + ": parameters must be an object");
    }
    for (String key : List.of("binary_data_output", "binary_data_size", "binary_data")) {
      JsonNode v = p.get(key);
      if (v == null) {
        continue;
      }
      if (!key.equals(binaryKey)) {
        throw new BadRequest(where + ": parameters." + key + " does not belong here; the binary data extension takes binary_data_output on"
            + " the request, binary_data_size on an input, binary_data on a requested output");
      }
      boolean ok = key.equals("binary_data_size") ? v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0 : v.isBoolean();
      if (!ok) {
        throw new BadRequest(where + ": parameters." + key + " is " + v + "; it must be " + (key.equals("binary_data_size")
            ? "a whole number of bytes, at least 0" : "true or false"));
      }
    }
  }

  static <T extends Output<T>> HttpAnswer infer(Endpoint<T> endpoint, HttpCall call) {
    BinaryData binary = BinaryData.of(call);
    JsonNode root = Answers.parseObject(binary.body(), binary.jsonLength(), "inference request");
    for (Iterator<String> f = root.fieldNames(); f.hasNext();) {
      String field = f.next();
      if (!FIELDS.contains(field)) {
        throw new BadRequest("inference request: unknown field '" + field + "'; a request has " + new java.util.TreeSet<>(FIELDS));
      }
    }
    JsonNode id = root.get("id");
    if (id != null && !id.isTextual()) {
      throw new BadRequest("inference request: id must be a string");
    }
    String sticky = null;
    JsonNode params = root.get("parameters");
    if (params != null) {
      checkParameters(params, "inference request", "binary_data_output");
      JsonNode s = params.get("sticky_key");
      if (s != null && !s.isTextual()) {
        throw new BadRequest("inference request: parameters.sticky_key must be a string");
      }
      sticky = s == null ? null : s.textValue();
    }
    boolean allBinary = params != null && params.path("binary_data_output").asBoolean(false);
    Map<String, Boolean> wanted = requestedOutputs(root.get("outputs"), Outputs.names(endpoint.outputType()), allBinary);
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw new BadRequest("inference request: inputs must be a non-empty array of tensors");
    }
    List<Tensor> tensors = new ArrayList<>();
    Set<String> names = new HashSet<>();
    long elements = 0;
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = Tensor.read(inputs.get(i), i, binary);
      elements += t.data().length;
      if (elements > Tensor.MAX_ELEMENTS) {
        throw new BadRequest("inference request: the inputs hold more than " + Tensor.MAX_ELEMENTS + " elements, the most one request may carry");
      }
      if (!names.add(t.name())) {
        throw new BadRequest("inference request: input '" + t.name() + "' is given twice");
      }
      tensors.add(t);
    }
    binary.requireAllTaken();
    List<Served<T>> served = predict(endpoint, tensors, sticky);
    Map<String, Object> response = Outputs.response(endpoint, id == null ? null : id.textValue(), served, wanted.keySet());
    return Outputs.withBinary(response, wanted);
  }

  /** The outputs to answer, each with whether it is to be sent as binary data. */
  private static Map<String, Boolean> requestedOutputs(@Nullable JsonNode outputs, List<String> known, boolean allBinary) {
    Map<String, Boolean> wanted = new LinkedHashMap<>();
    if (outputs == null) {
      known.forEach(k -> wanted.put(k, allBinary));
      return wanted;
    }
    if (!outputs.isArray()) {
      throw new BadRequest("inference request: outputs must be an array of {\"name\": ...}");
    }
    for (JsonNode o : outputs) {
      JsonNode n = o.get("name");
      if (!o.isObject() || n == null || !n.isTextual()) {
        throw new BadRequest("inference request: each requested output must be an object with a name");
      }
      for (Iterator<String> f = o.fieldNames(); f.hasNext();) {
        String field = f.next();
        if (!field.equals("name") && !field.equals("parameters")) {
          throw new BadRequest("inference request: requested output '" + n.textValue() + "' has an unknown field '" + field + "'");
        }
      }
      boolean asBinary = allBinary;
      if (o.has("parameters")) {
        checkParameters(o.get("parameters"), "output '" + n.textValue() + "'", "binary_data");
        asBinary = o.get("parameters").path("binary_data").asBoolean(allBinary);
      }
      if (!known.contains(n.textValue())) {
        throw new BadRequest("inference request: the model has no output '" + n.textValue() + "'; it has " + known);
      }
      wanted.put(n.textValue(), asBinary);
    }
    return wanted;
  }

  /** Each row of the tensors, answered by the endpoint. */
  static <T extends Output<T>> List<Served<T>> predict(Endpoint<T> endpoint, List<Tensor> tensors, @Nullable String sticky) {
    List<String> features = endpoint.featureNames();
    if (tensors.size() == 1 && tensors.get(0).isMatrix() && !features.contains(tensors.get(0).name())) {
      Tensor t = tensors.get(0);
      if (t.shape()[1] != features.size()) {
        throw new BadRequest("input '" + t.name() + "': shape [" + t.shape()[0] + ", " + t.shape()[1] + "] has " + t.shape()[1]
            + " columns; the model takes " + features.size() + " features " + features + " (or send one tensor per feature)");
      }
      int n = (int) t.rows();
      int f = features.size();
      List<Served<T>> out = new ArrayList<>(n);
      for (int r = 0; r < n; r++) {
        double[] row = new double[f];
        for (int c = 0; c < f; c++) {
          row[c] = (Double) t.data()[r * f + c];
        }
        out.add(endpoint.predict(row));
      }
      return out;
    }
    long rows = -1;
    for (Tensor t : tensors) {
      boolean column = t.shape().length == 1 || t.shape().length == 2 && t.shape()[1] == 1;
      if (!column) {
        throw new BadRequest("input '" + t.name() + "': shape " + java.util.Arrays.toString(t.shape()) + " is not a column ([N] or [N, 1]);"
            + " send one tensor per feature, or a single [N, " + features.size() + "] tensor of the features " + features);
      }
      if (rows >= 0 && t.rows() != rows) {
        throw new BadRequest("input '" + t.name() + "' has " + t.rows() + " rows where the other inputs have " + rows);
      }
      rows = t.rows();
    }
    List<Map<String, Object>> batch = new ArrayList<>((int) rows);
    for (int r = 0; r < rows; r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (Tensor t : tensors) {
        row.put(t.name(), t.data()[r]);
      }
      batch.add(row);
    }
    List<Served<T>> out = new ArrayList<>(batch.size());
    for (Map<String, Object> row : batch) {
      out.add(endpoint.predict(row, sticky));
    }
    return out;
  }
}
