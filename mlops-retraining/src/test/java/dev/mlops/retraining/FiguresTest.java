package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A figure in the loop's messages and timeline reads as in the UI: significant digits, no trailing zeros. */
class FiguresTest {
  @Test
  void significantDigitsWithoutTrailingZerosTheIntegerPartWhole() {
    assertEquals("0.975", Figures.of(0.975, 6), "not %.6g's 0.975000");
    assertEquals("0.88", Figures.of(0.88, 4));
    assertEquals("0.8546", Figures.of(0.854626, 4));
    assertEquals("12346", Figures.of(12345.678, 4), "the integer part is never rounded");
    assertEquals("7", Figures.of(7.0, 6));
    assertEquals("0", Figures.of(0.0, 6));
    assertEquals("-0.05", Figures.of(-0.05, 6));
    assertEquals("1.23e-7", Figures.of(1.23e-7, 4));
    assertEquals("NaN", Figures.of(Double.NaN, 4));
    assertEquals("+0.02", Figures.signed(0.02, 6));
    assertEquals("-0.05", Figures.signed(-0.05, 6));
  }

  @Test
  void aPassingChecksDetailPrintsTheFiguresWithoutTrailingZeros() {
    assertEquals("accuracy = 0.975 (champion 0.6125) passes",
        MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.05).check(0.975, 0.6125).detail());
    assertEquals("accuracy = 0.6 is below the floor 0.7",
        MetricThreshold.higherIsBetter("accuracy").atLeast(0.7).check(0.6, null).detail());
  }
}
