package dev.mlops.monitoring.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import java.io.StringReader;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The reader's numbers are {@link Double#parseDouble}'s, bit for bit (the cells are parsed with
 * FastDoubleParser), and its one pass gives the columns the two passes it replaced gave.
 */
class CsvNumbersTest {
  @Provide
  Arbitrary<String> decimals() {
    Arbitrary<String> sign = Arbitraries.of("", "-", "+");
    Arbitrary<String> whole = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> fraction = Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(20);
    Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
        Arbitraries.integers().between(-340, 340).map(e -> (e % 2 == 0 ? "e" : "E") + e));
    return Combinators.combine(sign, whole, fraction, exponent).as((s, w, f, e) -> s + w + (f.isEmpty() ? "" : "." + f) + e);
  }

  @Property(tries = 3000)
  void everyDecimalParsesToTheSameDoubleAsTheJdk(@ForAll("decimals") String s) {
    Double mine = CsvColumns.number(s);
    assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(mine), s);
  }

  @Property(tries = 2000)
  void everyDoubleItPrintsReadsBack(@ForAll double v) {
    for (String s : new String[] {Double.toString(v), String.format(java.util.Locale.ROOT, "%.6f", v),
        String.format(java.util.Locale.ROOT, "%.17g", v)}) {
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(CsvColumns.number(s)), s);
    }
  }

  @Test
  void theJdksSpecialSpellingsAndNonNumbersAgree() {
    for (String s : new String[] {"Infinity", "-Infinity", "+Infinity", "NaN", "0x1p3", "0x1.8p-2", ".5", "5.", "-0", "-0.0",
        "4.9e-324", "2.4703282292062327e-324", "1.7976931348623157e308", "1.8e308", "00012.5000"}) {
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(CsvColumns.number(s)), s);
    }
    for (String s : new String[] {"abc", "1,5", "1.5f", "2d", "1e", "--1", "1.2.3", "Inf", "N/A", "+", ".", "e5", "0x"}) {
      assertNull(CsvColumns.number(s), s);
    }
  }

  @Test
  void aMostlyNumberColumnWithLateLabelsIsRefusedNamingTheFirstLabel() {
    StringBuilder csv = new StringBuilder("code,x\n");
    for (int i = 0; i < 3000; i++) {
      csv.append(i < 2500 ? (i % 2 == 0 ? "1.0" : "01") : "A7").append(',').append(i + ".25").append('\n');
    }
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> Table.readCsv(new StringReader(csv.toString()), Set.of(), "late.csv"));
    assertTrue(e.getMessage().contains("line 2502, column 'code': 'A7' is not a number, but 2500 of the column's 3000 values are (500 are not)"),
        e.getMessage());
  }

  @Test
  void aMostlyLabelColumnTurnsCategoricalAndItsEarlyNumbersStayAsWritten() throws Exception {
    StringBuilder csv = new StringBuilder("code,x\n");
    for (int i = 0; i < 3000; i++) {
      csv.append(i < 1200 ? (i % 2 == 0 ? "1.0" : "01") : "A7").append(',').append(i % 7 == 0 ? "NA" : i + ".25").append('\n');
    }
    Table t = Table.readCsv(new StringReader(csv.toString()), Set.of(), "late.csv");
    assertEquals(3000, t.rows());
    Column code = t.column("code");
    assertEquals(Column.Type.CATEGORICAL, code.type());
    assertArrayEquals(new String[] {"1.0", "01", "1.0"}, new String[] {code.categories()[0], code.categories()[1], code.categories()[1198]});
    assertEquals("A7", code.categories()[2999]);
    Column x = t.column("x");
    assertEquals(Column.Type.NUMERICAL, x.type());
    assertTrue(Double.isNaN(x.numbers()[0]));
    assertEquals(2999.25, x.numbers()[2999]);
    assertEquals(429, x.missing());
  }

  @Test
  void missingTokensComeBeforeNumbersAndTheShapeErrorBeforeTheTypeError() throws Exception {
    Table t = Table.readCsv(new StringReader("a,b\n-999,NaN\n1.5,2\n"), Set.of(), Set.of("", "-999"), "m.csv");
    assertTrue(Double.isNaN(t.column("a").numbers()[0]), "a listed token is missing even when it is a number");
    assertTrue(Double.isNaN(t.column("b").numbers()[0]), "NaN not listed is still no value");
    assertEquals(1, t.column("a").missing());
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> Table.readCsv(new StringReader("a,b\n1,2\nx,3\n4,5\n6,7\n8\n"), Set.of(), "s.csv"));
    assertTrue(e.getMessage().contains("line 6 has 1 cells, the header has 2"), e.getMessage());
  }
}
