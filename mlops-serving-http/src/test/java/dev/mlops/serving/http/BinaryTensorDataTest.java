package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The binary tensor data extension, spoken as its published description (Triton's
 * {@code docs/protocol/extension_binary_data.md}, which KServe's V2 protocol adopts) lays it out: the
 * JSON object, its length in {@code Inference-Header-Content-Length}, then each binary tensor's raw
 * bytes in the order of the tensors, little-endian and row-major, BOOL as one byte, BYTES elements as
 * a 4-byte little-endian length and the bytes. The request bytes here are built by hand from that
 * text with {@link ByteBuffer}, not by the server's code. No client of the extension written
 * elsewhere resolves from Maven Central (Triton publishes its Java client only as source), so none is
 * used.
 */
class BinaryTensorDataTest {
  static HttpFixture f;

  @BeforeAll
  static void start() {
    f = new HttpFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  record Answer(int status, String json, byte[] binary, String contentType) {
    JsonNode tree() throws Exception {
      return HttpFixture.JSON.readTree(json);
    }
  }

  static byte[] le(int bytes, Consumer<ByteBuffer> fill) {
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    fill.accept(b);
    return b.array();
  }

  /** A request body as the extension describes it: the JSON, then the parts; the header gives the JSON's length. */
  static Answer send(String json, byte[]... parts) throws Exception {
    return send(json, Integer.toString(json.getBytes(StandardCharsets.UTF_8).length), parts);
  }

  static Answer send(String json, String header, byte[]... parts) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(json.getBytes(StandardCharsets.UTF_8));
    for (byte[] p : parts) {
      body.write(p);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/v2/models/churn/infer")).header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (header != null) {
      b.header("Inference-Header-Content-Length", header);
    }
    HttpResponse<byte[]> r = f.client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    byte[] all = r.body();
    int n = r.headers().firstValue("Inference-Header-Content-Length").map(Integer::parseInt).orElse(all.length);
    return new Answer(r.statusCode(), new String(all, 0, n, StandardCharsets.UTF_8), Arrays.copyOfRange(all, n, all.length),
        r.headers().firstValue("Content-Type").orElse(""));
  }

  static List<String> bytesElements(byte[] raw) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    List<String> out = new ArrayList<>();
    while (b.hasRemaining()) {
      byte[] s = new byte[b.getInt()];
      b.get(s);
      out.add(new String(s, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  @DisplayName("a binary FP32 input beside a JSON one, the label asked as binary: BYTES elements length-prefixed after the JSON, the score as JSON")
  void mixedRequestAndBinaryLabel() throws Exception {
    String json = "{\"id\": \"b-1\", \"inputs\": [{\"name\": \"x1\", \"shape\": [2], \"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 8}},"
        + " {\"name\": \"x2\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [0, 0]}],"
        + " \"outputs\": [{\"name\": \"label\", \"parameters\": {\"binary_data\": true}}, {\"name\": \"score\"}]}";
    Answer a = send(json, le(8, b -> b.putFloat(3f).putFloat(-3f)));
    assertEquals(200, a.status(), a.json());
    assertEquals("application/octet-stream", a.contentType());
    JsonNode r = a.tree();
    assertEquals("b-1", r.get("id").asText());
    JsonNode label = r.get("outputs").get(0);
    assertEquals("label", label.get("name").asText());
    assertFalse(label.has("data"), "a binary output has no JSON data");
    assertEquals(a.binary().length, label.get("parameters").get("binary_data_size").asInt());
    assertEquals(List.of("yes", "no"), bytesElements(a.binary()));
    assertEquals(2, r.get("outputs").get(1).get("data").size(), "the score stays JSON");
  }

  @Test
  @DisplayName("a row-major [2, 2] FP64 tensor in binary, binary_data_output for all: the scores are the JSON request's, 8 bytes each")
  void rowMajorMatrixAllOutputsBinary() throws Exception {
    Answer asJson = send("{\"inputs\": [{\"name\": \"m\", \"shape\": [2, 2], \"datatype\": \"FP64\", \"data\": [[2.5, 1], [-1.5, 4]]}]}");
    Answer a = send("{\"parameters\": {\"binary_data_output\": true}, \"inputs\": [{\"name\": \"m\", \"shape\": [2, 2], \"datatype\": \"FP64\","
        + " \"parameters\": {\"binary_data_size\": 32}}]}", le(32, b -> b.putDouble(2.5).putDouble(1).putDouble(-1.5).putDouble(4)));
    assertEquals(200, a.status(), a.json());
    JsonNode outs = a.tree().get("outputs");
    int labelBytes = outs.get(0).get("parameters").get("binary_data_size").asInt();
    assertEquals(labelBytes + 16, a.binary().length, "label bytes, then two FP64 scores");
    JsonNode expected = asJson.tree().get("outputs");
    List<String> labels = bytesElements(Arrays.copyOf(a.binary(), labelBytes));
    assertEquals(List.of(expected.get(0).get("data").get(0).asText(), expected.get(0).get("data").get(1).asText()), labels);
    ByteBuffer scores = ByteBuffer.wrap(a.binary(), labelBytes, 16).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(expected.get(1).get("data").get(0).asDouble(), scores.getDouble());
    assertEquals(expected.get(1).get("data").get(1).asDouble(), scores.getDouble());
  }

  @Test
  @DisplayName("every numeric datatype decodes little-endian to the value the same request in JSON carries")
  void everyNumericDatatype() throws Exception {
    record Typed(String datatype, String jsonValue, byte[] raw) {}
    List<Typed> cases = List.of(
        new Typed("BOOL", "true", new byte[] {1}),
        new Typed("UINT8", "200", new byte[] {(byte) 200}),
        new Typed("INT8", "-3", new byte[] {-3}),
        new Typed("UINT16", "40000", le(2, b -> b.putShort((short) 40000))),
        new Typed("INT16", "-300", le(2, b -> b.putShort((short) -300))),
        new Typed("UINT32", "4000000000", le(4, b -> b.putInt((int) 4000000000L))),
        new Typed("INT32", "-70000", le(4, b -> b.putInt(-70000))),
        new Typed("UINT64", "5000000000", le(8, b -> b.putLong(5000000000L))),
        new Typed("INT64", "-5000000000", le(8, b -> b.putLong(-5000000000L))),
        // IEEE 754 half precision: 0xC300 is -3.5 (sign 1, exponent 16, mantissa 0x300)
        new Typed("FP16", "-3.5", le(2, b -> b.putShort((short) 0xC300))),
        new Typed("FP32", "0.25", le(4, b -> b.putFloat(0.25f))),
        new Typed("FP64", "-1.125", le(8, b -> b.putDouble(-1.125))));
    for (Typed t : cases) {
      String x2 = "{\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [0.5]}";
      Answer json = send("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"" + t.datatype() + "\", \"data\": ["
          + t.jsonValue() + "]}, " + x2 + "]}");
      Answer binary = send("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"" + t.datatype() + "\", \"parameters\":"
          + " {\"binary_data_size\": " + t.raw().length + "}}, " + x2 + "]}", t.raw());
      assertEquals(200, json.status(), t + json.json());
      assertEquals(200, binary.status(), t + binary.json());
      assertEquals(json.tree().get("outputs"), binary.tree().get("outputs"), t.datatype());
    }
  }

  @Test
  @DisplayName("BYTES elements are read as UTF-8 after their 4-byte lengths: the decoded value reaches the endpoint")
  void bytesInput() throws Exception {
    byte[] v = "héllo".getBytes(StandardCharsets.UTF_8);
    Answer a = send("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"BYTES\", \"parameters\": {\"binary_data_size\": "
        + (4 + v.length) + "}}, {\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [0]}]}", le(4 + v.length,
            b -> b.putInt(v.length).put(v)));
    Answer json = send("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"héllo\"]},"
        + " {\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [0]}]}");
    assertEquals(400, json.status(), json.json());
    assertEquals(400, a.status(), a.json());
    assertTrue(a.json().contains("h\u00e9llo"), "the decoded text reached the endpoint: " + a.json());
    assertEquals(json.json(), a.json(), "the same answer as the same text sent as JSON");
  }

  @Test
  @DisplayName("lengths that do not add up, and malformed elements, are refused with a 400 that says which")
  void malformed() throws Exception {
    long before = f.churn.describe().variants().get(0).requests();
    String one = "{\"inputs\": [{\"name\": \"m\", \"shape\": [1, 2], \"datatype\": \"FP64\", \"parameters\": {\"binary_data_size\": 16}}]}";
    byte[] two = le(16, b -> b.putDouble(1).putDouble(2));
    record Bad(Answer answer, String says) {}
    List<Bad> cases = List.of(
        new Bad(send(one, "9999", two), "at most the body's"),
        new Bad(send(one, "-5", two), "must be a whole number of bytes"),
        new Bad(send(one, "12", two), "not valid JSON"),
        new Bad(send(one, two, new byte[3]), "19 bytes follow the JSON (Inference-Header-Content-Length: 104) but the inputs' binary_data_size add up to 16") ,
        new Bad(send(one, Arrays.copyOf(two, 12)), "binary_data_size 16 is more than the 12 bytes"),
        new Bad(send(one.replace("16}", "8}"), Arrays.copyOf(two, 8)), "binary_data_size 8 is not the 16 bytes that 2 elements of FP64"),
        new Bad(send(one, le(16, b -> b.putDouble(Double.NaN).putDouble(2))), "NaN is outside the range of FP64"),
        new Bad(send(one.replace("FP64", "BOOL").replace("16}", "2}"), new byte[] {1, 2}), "element 1: byte 2 is not 0 or 1"),
        new Bad(send(one.replace("16}", "-1}"), two), "parameters.binary_data_size is -1"),
        new Bad(send("{\"parameters\": {\"binary_data_output\": \"yes\"}, " + one.substring(1), two), "binary_data_output is \"yes\""),
        new Bad(send(one.replace("\"m\"", "\"x1\"").replace("[1, 2]", "[2]").replace("FP64", "BYTES").replace("16}", "9}"),
            le(9, b -> b.putInt(1).put((byte) 'a').putInt(7))), "element 1: its length prefix says 7 bytes, only 0 are left"),
        new Bad(send(one.replace("\"m\"", "\"x1\"").replace("[1, 2]", "[1]").replace("FP64", "BYTES").replace("16}", "6}"),
            le(6, b -> b.putInt(1).put((byte) 'a').put((byte) 'b'))), "1 bytes of binary_data_size 6 are left after the 1 BYTES elements"),
        new Bad(send(one.replace("\"m\"", "\"x1\"").replace("[1, 2]", "[1]").replace("FP64", "BYTES").replace("16}", "5}"),
            le(5, b -> b.putInt(1).put((byte) 0xC3))), "not UTF-8"));
    for (Bad c : cases) {
      assertEquals(400, c.answer().status(), c.says() + ": " + c.answer().json());
      JsonNode e = c.answer().tree();
      assertTrue(e.get("error").asText().contains(c.says()), c.says() + ": " + c.answer().json());
    }
    assertEquals(before, f.churn.describe().variants().get(0).requests(), "no refused request reached the endpoint");
  }

  @Test
  @DisplayName("half precision decodes as IEEE 754 says (golden values from the standard's binary16 examples)")
  void halfPrecisionGolden() {
    // binary16 examples (IEEE 754-2008; the table of Wikipedia's "Half-precision floating-point format")
    assertEquals(1.0f, BinaryData.halfToFloat((short) 0x3C00));
    assertEquals(-2.0f, BinaryData.halfToFloat((short) 0xC000));
    assertEquals(65504.0f, BinaryData.halfToFloat((short) 0x7BFF));
    assertEquals(0.333251953125f, BinaryData.halfToFloat((short) 0x3555));
    assertEquals(0x1p-24f, BinaryData.halfToFloat((short) 0x0001), "smallest subnormal");
    assertEquals(0x1p-14f, BinaryData.halfToFloat((short) 0x0400), "smallest normal");
    assertEquals(Float.POSITIVE_INFINITY, BinaryData.halfToFloat((short) 0x7C00));
    assertTrue(Float.isNaN(BinaryData.halfToFloat((short) 0x7E00)));
    assertEquals(-0.0f, BinaryData.halfToFloat((short) 0x8000));
  }
}
