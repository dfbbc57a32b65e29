package dev.mlops.monitoring.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftCliTest {
  @TempDir
  Path dir;
  Path ref;
  Path cur;

  static void csv(Path p, int rows, double shift, long seed) throws Exception {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("age,income,plan,\"note\"\n");
    for (int i = 0; i < rows; i++) {
      sb.append(18 + r.nextInt(60) + (int) (shift * 10)).append(',')
          .append(i % 17 == 0 ? "" : String.format(java.util.Locale.ROOT, "%.2f", 50000 + 10000 * r.nextGaussian() + shift * 5000)).append(',')
          .append(new String[] {"basic", "pro", "team"}[r.nextInt(3)]).append(",\"x, ").append(i % 3).append("\"\n");
    }
    Files.writeString(p, sb.toString());
  }

  @BeforeEach
  void files() throws Exception {
    ref = dir.resolve("ref.csv");
    cur = dir.resolve("cur.csv");
    csv(ref, 400, 0, 1);
    csv(cur, 300, 1, 2);
  }

  record Outcome(int code, String out, String err) {}

  Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = DriftCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsTheJsonReportWithEveryDocumentedField() throws Exception {
    Outcome o = run("drift", "--reference", ref.toString(), "--current", cur.toString());
    assertEquals(0, o.code(), o.err());
    JsonNode j = new ObjectMapper().readTree(o.out());
    assertEquals(400, j.get("referenceRows").asInt());
    assertEquals(300, j.get("currentRows").asInt());
    assertTrue(j.get("datasetDrift").isBoolean());
    assertTrue(j.get("driftShare").isNumber());
    assertTrue(j.get("driftedColumns").isInt());
    assertEquals(4, j.get("columns").size());
    JsonNode age = j.get("columns").get(0);
    assertEquals("age", age.get("name").asText());
    assertEquals("numerical", age.get("type").asText());
    assertEquals("ks", age.get("test").asText());
    assertTrue(age.get("drift").asBoolean());
    for (String f : new String[] {"statistic", "pValue", "threshold", "bins"}) {
      assertTrue(age.has(f), f);
    }
    JsonNode income = j.get("columns").get(1);
    assertEquals(300 - 18, income.get("currentCount").asInt(), "empty cells are missing values");
    JsonNode plan = j.get("columns").get(2);
    assertEquals("categorical", plan.get("type").asText());
    assertEquals("chisquare", plan.get("test").asText());
  }

  @Test
  void optionsAreHonoured() throws Exception {
    Path json = dir.resolve("r.json");
    Path html = dir.resolve("r.html");
    Outcome o = run("drift", "--reference", ref.toString(), "--current", cur.toString(), "--json", json.toString(), "--html", html.toString(),
        "--test", "psi", "--threshold", "0.2", "--exclude", "note", "--categorical", "age", "--bins", "5", "--correction", "bh");
    assertEquals(0, o.code(), o.err());
    assertEquals("", o.out());
    JsonNode j = new ObjectMapper().readTree(Files.readString(json));
    assertEquals(3, j.get("columns").size());
    for (JsonNode c : j.get("columns")) {
      assertEquals("psi", c.get("test").asText());
      assertEquals(0.2, c.get("threshold").asDouble());
      assertTrue(c.get("pValue").isNull(), "distances have no p-value");
    }
    assertEquals("categorical", j.get("columns").get(0).get("type").asText());
    assertEquals(5, j.get("columns").get(1).get("bins").size());
    assertEquals("bh", j.get("correction").asText());
    String page = Files.readString(html);
    assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<svg") && !page.contains("<script") && !page.contains("http://www.w3.org/1999"));
    o = run("drift", "--reference", ref.toString(), "--current", cur.toString(), "--columns", "age,plan");
    assertEquals(2, new ObjectMapper().readTree(o.out()).get("columns").size());
  }

  @Test
  void badInputExitsNonZeroWithOneClearMessage() throws Exception {
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    String[][] cases = {
        {"drift", "--reference", dir.resolve("missing.csv").toString(), "--current", "x"},
        {"drift", "--reference", empty.toString(), "--current", "x"},
        {"drift", "--reference", "REF", "--current", "CUR", "--columns", "nope"},
        {"drift", "--reference", "REF", "--current", "CUR", "--test", "magic"},
        {"drift", "--reference", "REF", "--current", "CUR", "--test", "ks", "--columns", "plan"},
        {"drift", "--reference", "REF", "--current", "CUR", "--bins", "x"},
        {"drift", "--reference", "REF"},
        {"report"},
        {}};
    String[] expected = {"does not exist", "no header row", "'nope'", "unknown; known tests", "fits none of the columns", "must be a whole number",
        "required", "unknown command", "no command"};
    for (int i = 0; i < cases.length; i++) {
      String[] args = cases[i].clone();
      for (int k = 0; k < args.length; k++) {
        args[k] = args[k].equals("REF") ? ref.toString() : args[k].equals("CUR") ? cur.toString() : args[k];
      }
      Outcome o = run(args);
      assertEquals(2, o.code(), String.join(" ", args));
      assertTrue(o.err().startsWith("error: ") && o.err().contains(expected[i]), o.err());
      assertEquals(1, o.err().strip().lines().count(), "one message: " + o.err());
      assertFalse(o.out().contains("{"));
    }
  }
}
