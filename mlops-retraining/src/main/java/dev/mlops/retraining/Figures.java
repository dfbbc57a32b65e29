package dev.mlops.retraining;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * How the loop's messages and its timeline page write a figure, as the UI does: to a number of significant digits
 * without trailing zeros ("0.975", not "0.975000"), the integer part never rounded ("12345.7" to four digits is
 * "12346"), tiny and huge figures with an exponent ("1.23e-7"). The records keep the exact values.
 */
final class Figures {
  private Figures() {}

  /** {@code x} to {@code digits} significant digits (at least its integer part's), trailing zeros dropped; NaN and infinities as Java writes them. */
  static String of(double x, int digits) {
    if (!Double.isFinite(x)) {
      return Double.toString(x);
    }
    if (x == 0) {
      return "0";
    }
    int whole = Math.abs(x) >= 1 ? (int) Math.floor(Math.log10(Math.abs(x))) + 1 : 0;
    return new BigDecimal(x).round(new MathContext(Math.max(digits, whole))).stripTrailingZeros().toString()
        .replace("E+", "e").replace('E', 'e');
  }

  /** {@link #of} with its sign, "+0.02" or "-0.05". */
  static String signed(double x, int digits) {
    return (x >= 0 ? "+" : "") + of(x, digits);
  }
}
