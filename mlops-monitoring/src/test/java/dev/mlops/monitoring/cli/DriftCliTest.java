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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    assertEquals(1, o.out().lines().count(), "one summary line when the report goes to files: " + o.out());
    assertTrue(o.out().matches("(No dataset drift|Dataset drift): \\d of 3 columns drifted.*; report: " + java.util.regex.Pattern.quote(
        json + ", " + html) + "\\R"), o.out());
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

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  /** 200 rows of a numeric column x (shifted for the current file) and a category c. */
  private static String numbers(double shift, String bad, int badRow) {
    StringBuilder sb = new StringBuilder("x,c\n");
    Random r = new Random(shift == 0 ? 7 : 8);
    for (int i = 0; i < 200; i++) {
      String x = i == badRow ? bad : String.format(java.util.Locale.ROOT, "%.3f", r.nextGaussian() + shift);
      sb.append(x).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "\"1,5\""})
  void aNonNumericCellInANumericColumnIsAnErrorNamingLineColumnAndValueUnlessTheColumnIsDeclaredCategorical(String bad) throws Exception {
    Path reference = write("ref.csv", numbers(0, "", -1));
    Path current = write("cur.csv", numbers(3, bad, 10));
    Outcome o = run("drift", "--reference", reference.toString(), "--current", current.toString());
    assertEquals(2, o.code(), bad + ": " + o.out());
    String value = bad.replace("\"", "");
    assertTrue(o.err().contains("line 12, column 'x': '" + value + "' is not a number"), o.err());
    assertTrue(o.err().contains("declare the column categorical"), o.err());
    assertEquals("", o.out(), "nothing printed on bad input");
    Outcome declared = run("drift", "--reference", reference.toString(), "--current", current.toString(), "--categorical", "x");
    assertEquals(0, declared.code(), declared.err());
    assertEquals("categorical", new ObjectMapper().readTree(declared.out()).get("columns").get(0).get("type").asText());
  }

  @Test
  void missingValueTokensAreCountedAsMissingAndTheColumnStaysNumerical() throws Exception {
    Path reference = write("ref.csv", numbers(0, "", -1));
    // one NA (row 10), one null and one NaN among the numbers of x
    String text = numbers(3, "NA", 10).replaceFirst("\n([-0-9.]+),b\n", "\nnull,b\n").replaceFirst("\n([-0-9.]+),a\n([-0-9.]+),b\n([-0-9.]+),a\n", "\nNaN,a\n$2,b\n$3,a\n");
    Path current = write("cur.csv", text);
    Outcome o = run("drift", "--reference", reference.toString(), "--current", current.toString());
    assertEquals(0, o.code(), o.err());
    JsonNode x = new ObjectMapper().readTree(o.out()).get("columns").get(0);
    assertEquals("numerical", x.get("type").asText());
    assertEquals(197, x.get("currentCount").asInt(), "NA, null and NaN are missing");
    assertTrue(x.get("drift").asBoolean(), "the shift is still found");
    Path json = dir.resolve("r.json");
    Outcome summary = run("drift", "--reference", reference.toString(), "--current", current.toString(), "--json", json.toString());
    assertTrue(summary.out().contains("missing values (reference/current): x 0/3"), summary.out());

    Path custom = write("q.csv", numbers(3, "?", 5));
    assertEquals(2, run("drift", "--reference", reference.toString(), "--current", custom.toString()).code());
    Outcome withToken = run("drift", "--reference", reference.toString(), "--current", custom.toString(), "--missing", "?");
    assertEquals(0, withToken.code(), withToken.err());
    assertEquals(199, new ObjectMapper().readTree(withToken.out()).get("columns").get(0).get("currentCount").asInt());
  }

  @Test
  void anUnterminatedQuoteIsAnErrorNamingItsLineAndAByteOrderMarkIsNotPartOfTheFirstName() throws Exception {
    Path reference = write("ref.csv", numbers(0, "", -1));
    Path broken = write("broken.csv", "x,c\n1,a\n2,\"b\n3,a\n4,b\n");
    Outcome o = run("drift", "--reference", reference.toString(), "--current", broken.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("line 3 opens a quoted cell that is never closed"), o.err());
    Path bom = write("bom.csv", "\uFEFF" + numbers(0.1, "", -1));
    Outcome ok = run("drift", "--reference", reference.toString(), "--current", bom.toString(), "--columns", "x");
    assertEquals(0, ok.code(), ok.err());
    assertEquals("x", new ObjectMapper().readTree(ok.out()).get("columns").get(0).get("name").asText());
  }

  @Test
  void helpAndVersionAreAnsweredWithStatusZero() {
    Outcome main = run("--help");
    assertEquals(0, main.code());
    assertTrue(main.out().contains("commands:") && main.out().contains("drift"), main.out());
    assertEquals(main.out(), run("-h").out());
    Outcome drift = run("drift", "--help");
    assertEquals(0, drift.code());
    for (String option : new String[] {"--reference", "--current", "--json", "--html", "--test", "--threshold", "--columns", "--exclude",
        "--categorical", "--bins", "--correction", "--missing", "--fail-on-drift", "example:", "[10]", "[none]", "jensenshannon"}) {
      assertTrue(drift.out().contains(option), option + " in:\n" + drift.out());
    }
    assertTrue(drift.out().contains("--html drift.html --json drift.json --fail-on-drift"), drift.out());
    Outcome version = run("--version");
    assertEquals(0, version.code());
    assertTrue(version.out().startsWith("mlops drift "), version.out());
  }

  @Test
  void failOnDriftExitsOneWhenTheDatasetDriftsAndZeroOtherwise() throws Exception {
    Path reference = write("ref.csv", numbers(0, "", -1));
    Path shifted = write("cur.csv", numbers(3, "", -1));
    Outcome drift = run("drift", "--reference", reference.toString(), "--current", shifted.toString(), "--fail-on-drift");
    assertEquals(1, drift.code(), drift.err());
    assertTrue(new ObjectMapper().readTree(drift.out()).get("datasetDrift").asBoolean());
    Outcome same = run("drift", "--reference", reference.toString(), "--current", reference.toString(), "--fail-on-drift");
    assertEquals(0, same.code(), same.err());
    assertEquals(0, run("drift", "--reference", reference.toString(), "--current", shifted.toString()).code(),
        "without the flag drift is a result, not a failure");
  }

  @Test
  void unwritableOutputsAreRefusedBeforeAnythingIsPrintedOrWritten() throws Exception {
    Path json = dir.resolve("out.json");
    Outcome toDir = run("drift", "--reference", ref.toString(), "--current", cur.toString(), "--html", dir.toString());
    assertEquals(2, toDir.code());
    assertTrue(toDir.err().contains("is a directory; give a file name"), toDir.err());
    assertEquals("", toDir.out());
    Outcome noParent = run("drift", "--reference", ref.toString(), "--current", cur.toString(), "--json",
        dir.resolve("nope").resolve("r.json").toString(), "--html", dir.resolve("r.html").toString());
    assertEquals(2, noParent.code());
    assertTrue(noParent.err().contains("does not exist"), noParent.err());
    assertFalse(Files.exists(dir.resolve("r.html")), "nothing written");
    assertFalse(Files.exists(json));
  }

  @Test
  void aForcedTestThatDoesNotFitSomeColumnsSaysSoAndExcludingEveryColumnIsAnError() throws Exception {
    Outcome o = run("drift", "--reference", ref.toString(), "--current", cur.toString(), "--test", "ks");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().startsWith("note: --test ks does not fit every column; these were tested otherwise: plan (chisquare)"), o.err());
    Outcome none = run("drift", "--reference", ref.toString(), "--current", cur.toString(), "--exclude", "age,income,plan,note");
    assertEquals(2, none.code(), none.out());
    assertTrue(none.err().contains("no column is left to compare"), none.err());
  }

  @Test
  void htmlIdsAreUniqueForNamesThatLookAlike() throws Exception {
    Path a = write("a.csv", "a b,a_b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n");
    Path html = dir.resolve("r.html");
    Outcome o = run("drift", "--reference", a.toString(), "--current", a.toString(), "--json", dir.resolve("r.json").toString(),
        "--html", html.toString());
    assertEquals(0, o.code(), o.err());
    String page = Files.readString(html);
    assertTrue(page.contains("id=\"col-0-a_b\"") && page.contains("id=\"col-1-a_b\""), page);
    assertTrue(page.contains("href=\"#col-0-a_b\"") && page.contains("href=\"#col-1-a_b\""), page);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ks", "t_test", "wasserstein", "energy", "anderson", "cramer_von_mises", "mannw", "psi", "kl_div",
      "jensenshannon", "hellinger"})
  void aConstantColumnThatStaysTheSameNeverDriftsWhateverTheTest(String test) throws Exception {
    Path a = write("a.csv", "k\n" + "0.1\n".repeat(300));
    Path b = write("b.csv", "k\n" + "0.1\n".repeat(200));
    Outcome o = run("drift", "--reference", a.toString(), "--current", b.toString(), "--test", test);
    assertEquals(0, o.code(), test + ": " + o.err());
    JsonNode k = new ObjectMapper().readTree(o.out()).get("columns").get(0);
    assertFalse(k.get("drift").asBoolean(), test + ": " + k);
    assertEquals(0.0, k.get("statistic").asDouble(), test);
    assertEquals(0.0, k.get("effectSize").asDouble(), test);
  }
}
