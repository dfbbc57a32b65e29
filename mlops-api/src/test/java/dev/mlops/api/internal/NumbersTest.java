package dev.mlops.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumbersTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "0.88, 0.88",
      "0.854626123, 0.854626",
      "1, 1",
      "-2.5, -2.5",
      "0, 0",
      "12345, 12345",
      "123456789, 1.23457e+08",
      "0.00001, 1e-05",
      "0.000012345678, 1.23457e-05",
      "100, 100",
      "NaN, NaN",
      "Infinity, Infinity",
      "-Infinity, -Infinity"})
  void sixSignificantDigitsWithoutTrailingZeros(double v, String expected) {
    assertEquals(expected, Numbers.compact(v));
  }
}
