package dev.mlops.api.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterParserTest {

  @Test
  void parsesMlflowGrammarAndExtensions() {
    Expr e = FilterParser.parse("metrics.acc > 0.9 AND params.model = 'sgd'");
    assertEquals(new Expr.And(List.of(new Expr.Compare(Key.metric("acc"), Expr.Op.GT, 0.9),
        new Expr.Compare(Key.param("model"), Expr.Op.EQ, "sgd"))), e);
    Expr or = FilterParser.parse("(params.a = 'x' OR params.b != \"y\") and not tags.`my key` IS NULL");
    assertTrue(or instanceof Expr.And);
    assertEquals(new Expr.Not(new Expr.IsNull(Key.tag("my key"), false)), ((Expr.And) or).parts().get(1));
    assertEquals(new Expr.In(Key.param("m"), true, List.of("a", "b")), FilterParser.parse("params.m NOT IN ('a', 'b')"));
    assertEquals(new Expr.Compare(new Key(Key.Kind.ATTRIBUTE, "start_time"), Expr.Op.GE, 5.0), FilterParser.parse("attributes.created >= 5"));
    assertEquals(new Expr.Compare(new Key(Key.Kind.ATTRIBUTE, "run_name"), Expr.Op.ILIKE, "a%"), FilterParser.parse("`run name` ILIKE 'a%'"));
    assertEquals(new Expr.Compare(Key.metric("loss"), Expr.Op.LT, Double.NEGATIVE_INFINITY), FilterParser.parse("metric.loss < -Infinity"));
    assertEquals(new Expr.Compare(Key.tag("it's"), Expr.Op.EQ, "o'k"), FilterParser.parse("tags.\"it's\" = 'o''k'"));
    assertTrue(FilterParser.parse("  ") instanceof Expr.True);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "metrics.acc >|13|a number",
      "metrics.acc = 'x'|14|a number",
      "params.p > 'x'|9|=, !=, LIKE or ILIKE",
      "params.p = 5|11|a quoted string",
      "foo.bar = 1|0|a key prefix",
      "unknown_attr = 'x'|0|a key such as",
      "(metrics.a > 1|14|')'",
      "metrics.a > 1 metrics.b > 2|14|AND, OR",
      "params.p = 'open|11|a closing '",
      "metrics.a IS 5|13|NULL",
      "datasets.size = 'x'|9|a dataset field"})
  void syntaxErrorsNamePositionAndExpectation(String filter, int position, String expected) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> FilterParser.parse(filter));
    assertTrue(e.getMessage().contains("position " + position), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void loggedModelVocabulary() {
    FilterParser.Vocabulary lm = FilterParser.Vocabulary.LOGGED_MODELS;
    assertEquals(new Expr.And(List.of(new Expr.Compare(Key.metric("acc"), Expr.Op.GT, 0.9),
        new Expr.Compare(new Key(Key.Kind.ATTRIBUTE, "creation_timestamp"), Expr.Op.GE, 5.0),
        new Expr.Compare(new Key(Key.Kind.ATTRIBUTE, "status"), Expr.Op.EQ, "READY"))),
        FilterParser.parse("metrics.acc > 0.9 AND creation_time >= 5 AND attributes.status = 'READY'", lm));
    assertEquals(new Expr.Compare(new Key(Key.Kind.ATTRIBUTE, "last_updated_timestamp"), Expr.Op.LT, 7.0),
        FilterParser.parse("last_updated_time < 7", lm));
    assertEquals(new Expr.Compare(Key.param("lr"), Expr.Op.LIKE, "0.%"), FilterParser.parse("params.lr LIKE '0.%'", lm));
    InvalidArgumentException run = assertThrows(InvalidArgumentException.class, () -> FilterParser.parse("run_name = 'x'", lm));
    assertTrue(run.getMessage().contains("logged model attribute") && run.getMessage().contains("'run_name"), run.getMessage());
    InvalidArgumentException ds = assertThrows(InvalidArgumentException.class, () -> FilterParser.parse("datasets.name = 'x'", lm));
    assertTrue(ds.getMessage().contains("found 'datasets.'"), ds.getMessage());
    InvalidArgumentException like = assertThrows(InvalidArgumentException.class, () -> FilterParser.parse("creation_timestamp LIKE '1%'", lm));
    assertTrue(like.getMessage().contains("is numeric and cannot use LIKE"), like.getMessage());
  }

  @Test
  void deepNestingAndHugeInputAreRefusedNotOverflowed() {
    String deep = "(".repeat(100_000) + "metrics.a > 1" + ")".repeat(100_000);
    assertThrows(InvalidArgumentException.class, () -> FilterParser.parse(deep));
    String nots = "NOT ".repeat(10_000) + "metrics.a > 1";
    assertThrows(InvalidArgumentException.class, () -> FilterParser.parse(nots));
    String many = String.join(" OR ", java.util.Collections.nCopies(2_000, "metrics.a > 1"));
    assertThrows(InvalidArgumentException.class, () -> FilterParser.parse(many));
    assertThrows(InvalidArgumentException.class, () -> FilterParser.parse("x".repeat(FilterParser.MAX_LENGTH + 1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"metrics.a > 1 AND (params.b = 'x' OR NOT tags.c LIKE 'y%')", "metrics.`a b` IN (1.5, -2)",
      "datasets.name IS NOT NULL OR end_time <= 3", "tags.t = 'q\\'uote'"})
  void printedTreesParseBackEqual(String f) {
    Expr e = FilterParser.parse(f);
    assertEquals(e, FilterParser.parse(e.toString()), f);
  }

  @Test
  void likeMatcher() {
    assertTrue(Like.matches("gold", "g%", false));
    assertFalse(Like.matches("Gold", "g%", false));
    assertTrue(Like.matches("Gold", "g%", true));
    assertTrue(Like.matches("a_b", "a\\_b", false));
    assertFalse(Like.matches("axb", "a\\_b", false));
    assertTrue(Like.matches("abcabc", "%b%c", false));
    assertTrue(Like.matches("", "%", false));
    assertFalse(Like.matches("a", "", false));
    assertTrue(Like.matches("x".repeat(10_000) + "y", "%x%y", false));
  }

  @Provide
  Arbitrary<String> fuzz() {
    Arbitrary<String> tokens = Arbitraries.of("metrics.", "params.", "tags.", "attributes.", "datasets.", "acc", "`k`", "\"q\"", "'s'",
        "'", "`", "\"", " AND ", " OR ", " NOT ", " IN ", " IS ", " NULL", " LIKE ", " ILIKE ", "(", ")", ",", "=", "!=", "<", "<=",
        ">", ">=", "<>", "1", "-2.5e3", "NaN", "Infinity", " ", "\\", "run_name", "start_time", "status", "name", "%", "\u0000", "é");
    return Arbitraries.oneOf(tokens.list().ofMaxSize(30).map(l -> String.join("", l)),
        Arbitraries.strings().ofMaxLength(200));
  }

  @Property(tries = 3000)
  void fuzzedFiltersParseOrFailWithInvalidArgumentOnly(@ForAll("fuzz") String filter) {
    try {
      Expr e = FilterParser.parse(filter);
      assertEquals(e, FilterParser.parse(e.toString()));
    } catch (InvalidArgumentException expected) {
      assertFalse(expected.getMessage().isEmpty());
    }
  }
}
