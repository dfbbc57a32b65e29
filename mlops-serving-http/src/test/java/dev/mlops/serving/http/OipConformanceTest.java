package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every route's answer, and every error's, checked against KServe's OpenAPI description of the V2
 * REST protocol ({@code kserve/rest_predict_v2.yaml}, its source in {@code kserve/SOURCE.md}); the
 * requests sent are checked against its request schema too, so the test speaks the protocol on
 * both sides.
 */
class OipConformanceTest {
  static HttpFixture f;
  static JsonNode components;
  static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());

  @BeforeAll
  static void start() throws Exception {
    try (InputStream in = OipConformanceTest.class.getResourceAsStream("/kserve/rest_predict_v2.yaml")) {
      components = new ObjectMapper(new YAMLFactory()).readTree(in).get("components");
    }
    f = new HttpFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** The document's schema {@code name}, with the document's components beside it so its references resolve. */
  static List<Error> violations(String name, JsonNode value) {
    ObjectNode schema = HttpFixture.JSON.createObjectNode();
    schema.put("$ref", "#/components/schemas/" + name);
    schema.set("components", components);
    Schema s = SCHEMAS.getSchema(schema.toString(), InputFormat.JSON);
    return s.validate(value);
  }

  static JsonNode conforms(String schema, HttpResponse<String> r) throws Exception {
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), r.body());
    JsonNode body = HttpFixture.json(r);
    assertEquals(List.of(), violations(schema, body), schema + ": " + r.body());
    return body;
  }

  static String request(String body) throws Exception {
    assertEquals(List.of(), violations("inference_request", HttpFixture.JSON.readTree(body)), body);
    return body;
  }

  @Test
  @DisplayName("the schemas catch a wrong shape, so a pass means something")
  void schemasRejectWrongShapes() throws Exception {
    assertTrue(!violations("inference_response", HttpFixture.JSON.readTree("{\"outputs\": []}")).isEmpty());
    assertTrue(!violations("inference_request", HttpFixture.JSON.readTree("{\"inputs\": [{\"name\": \"x\"}]}")).isEmpty());
    assertTrue(!violations("metadata_model_response", HttpFixture.JSON.readTree("{\"name\": \"churn\", \"inputs\": 3}")).isEmpty());
  }

  @Test
  @DisplayName("health, server metadata and model readiness answer 200 with their documented bodies")
  void healthAndServerMetadata() throws Exception {
    HttpResponse<String> live = f.get("/v2/health/live");
    assertEquals(200, live.statusCode());
    assertEquals(true, HttpFixture.json(live).get("live").asBoolean());
    HttpResponse<String> ready = f.get("/v2/health/ready");
    assertEquals(200, ready.statusCode());
    assertEquals(true, HttpFixture.json(ready).get("ready").asBoolean());
    JsonNode server = conforms("metadata_server_response", f.get("/v2"));
    assertEquals("mlops", server.get("name").asText());
    HttpResponse<String> model = f.get("/v2/models/churn/ready");
    assertEquals(200, model.statusCode());
    assertEquals("{\"name\":\"churn\",\"ready\":true}", model.body());
    assertEquals(200, f.get("/v2/models/churn/versions/1/ready").statusCode());
    assertEquals(503, f.get("/v2/models/churn/versions/2/ready").statusCode(), "version 2 serves no variant");
  }

  @Test
  @DisplayName("model metadata comes from the served version's signature, by name and by version")
  void modelMetadata() throws Exception {
    for (String path : List.of("/v2/models/churn", "/v2/models/churn/versions/1")) {
      JsonNode m = conforms("metadata_model_response", f.get(path));
      assertEquals("churn", m.get("name").asText());
      assertEquals("[\"1\"]", m.get("versions").toString());
      assertEquals("tribuo-protobuf", m.get("platform").asText());
      assertEquals("[{\"name\":\"x1\",\"datatype\":\"FP64\",\"shape\":[-1]},{\"name\":\"x2\",\"datatype\":\"FP64\",\"shape\":[-1]}]",
          m.get("inputs").toString());
      assertEquals(List.of("label", "score"), m.get("outputs").findValuesAsText("name"));
    }
  }

  @Test
  @DisplayName("inference in the column form and the row-major form answers with labels, scores, the echoed id and request ids")
  void inference() throws Exception {
    JsonNode columns = conforms("inference_response", f.post("/v2/models/churn/infer", request(HttpFixture.columns(3, 0))));
    assertEquals("churn", columns.get("model_name").asText());
    assertEquals("1", columns.get("model_version").asText());
    assertEquals("r-1", columns.get("id").asText());
    assertEquals("label", columns.get("outputs").get(0).get("name").asText());
    assertEquals("BYTES", columns.get("outputs").get(0).get("datatype").asText());
    assertEquals("[\"yes\"]", columns.get("outputs").get(0).get("data").toString());
    assertEquals("[1]", columns.get("outputs").get(0).get("shape").toString());
    String id = columns.get("parameters").get("request_ids").get(0).asText();
    assertTrue(f.churn.feedback(id, new org.tribuo.classification.Label("yes")), "the request id joins feedback");

    String rows = request("{\"inputs\": [{\"name\": \"predict\", \"shape\": [3, 2], \"datatype\": \"FP32\","
        + " \"parameters\": {\"content_type\": \"np\"}, \"data\": [[3, 0], [-3, 0], [2.5, 1]]}], \"outputs\": [{\"name\": \"label\"}]}");
    JsonNode byRow = conforms("inference_response", f.post("/v2/models/churn/versions/1/infer", rows));
    assertEquals(1, byRow.get("outputs").size(), "only the requested output");
    assertEquals("[\"yes\",\"no\",\"yes\"]", byRow.get("outputs").get(0).get("data").toString());
    assertEquals(3, byRow.get("parameters").get("request_ids").size());
    assertTrue(!byRow.has("id"), "no id given, none echoed");

    String ints = request("{\"inputs\": [{\"name\": \"x1\", \"shape\": [2, 1], \"datatype\": \"INT32\", \"data\": [3, -3]},"
        + " {\"name\": \"x2\", \"shape\": [2], \"datatype\": \"BOOL\", \"data\": [true, false]}]}");
    JsonNode typed = conforms("inference_response", f.post("/v2/models/churn/infer", ints));
    assertEquals("[\"yes\",\"no\"]", typed.get("outputs").get(0).get("data").toString());
    assertEquals(2, typed.get("outputs").get(1).get("data").size(), "scores");
  }

  @Test
  @DisplayName("every error is the protocol's {\"error\": ...} with its status")
  void errors() throws Exception {
    record Case(String method, String path, String body, int status, String schema, String says) {}
    List<Case> cases = List.of(
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [3]}]}",
            400, "inference_error_response", "is not a string, as datatype BYTES needs"),
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": [{\"name\": \"x1\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [3]}]}",
            400, "inference_error_response", "shape [2] needs 2 elements, data has 1"),
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [3]}]}",
            400, "inference_error_response", "x2"),
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP99\", \"data\": [3]}]}",
            400, "inference_error_response", "datatype 'FP99' is not one of the protocol's"),
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": []}", 400, "inference_error_response", "inputs must be a non-empty array"),
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": [{\"name\": \"m\", \"shape\": [1, 3], \"datatype\": \"FP64\", \"data\": [1, 2, 3]}]}",
            400, "inference_error_response", "has 3 columns; the model takes 2 features [x1, x2]"),
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1],"
            + " \"parameters\": {\"binary_data_size\": 8}}]}", 400, "inference_error_response", "give data or parameters.binary_data_size, not both"),
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\","
            + " \"parameters\": {\"binary_data_size\": 8}}]}", 400, "inference_error_response", "has no Inference-Header-Content-Length header"),
        new Case("POST", "/v2/models/churn/infer", "{\"inputs\": [", 400, "inference_error_response", "not valid JSON"),
        new Case("POST", "/v2/models/nobody/infer", HttpFixture.columns(1, 1), 404, "inference_error_response", "no model 'nobody'"),
        new Case("POST", "/v2/models/churn/versions/3/infer", HttpFixture.columns(1, 1), 404, "inference_error_response",
            "does not serve version 3; it serves [1]"),
        new Case("GET", "/v2/models/nobody", "", 404, "metadata_model_error_response", "no model 'nobody'"),
        new Case("GET", "/v2/models/churn/versions/7", "", 404, "metadata_model_error_response", "does not serve version 7"),
        new Case("GET", "/v2/models/churn/versions/x", "", 404, "metadata_model_error_response", "no version 'x'"),
        new Case("GET", "/v2/models/churn/infer", "", 405, "inference_error_response", "use POST"),
        new Case("POST", "/v2/models/churn", "{}", 405, "metadata_model_error_response", "use GET"),
        new Case("GET", "/v3/anything", "", 404, "metadata_server_error_response", "no route GET /v3/anything"));
    for (Case c : cases) {
      HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(c.path())).method(c.method(), c.body().isEmpty()
          ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body()));
      HttpResponse<String> r = f.send(b);
      assertEquals(c.status(), r.statusCode(), c + ": " + r.body());
      JsonNode e = conforms(c.schema(), r);
      assertEquals(1, e.size(), "only the error: " + r.body());
      assertTrue(e.get("error").asText().contains(c.says()), c + ": " + r.body());
      assertTrue(!r.body().contains("\tat ") && !r.body().contains("Exception"), "no stack trace: " + r.body());
    }
    assertEquals("POST", f.send(HttpRequest.newBuilder(f.uri("/v2/models/churn/infer")).GET()).headers().firstValue("Allow").orElse(""));
  }
}
