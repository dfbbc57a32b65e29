package dev.mlops.api.internal;

import java.util.Locale;

/** Numbers in messages, labels and reports: six significant digits without trailing zeros ({@code 0.88}, not {@code 0.880000}). */
public final class Numbers {
  private Numbers() {}

  /**
   * {@code v} to six significant digits, trailing zeros dropped, in the root locale: {@code 0.88}, {@code 0.854626},
   * {@code 12345}, {@code 1.23457e+07}, {@code 1e-05}, {@code NaN}, {@code Infinity}.
   */
  public static String compact(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    if (mantissa.indexOf('.') >= 0) {
      int end = mantissa.length();
      while (mantissa.charAt(end - 1) == '0') {
        end--;
      }
      if (mantissa.charAt(end - 1) == '.') {
        end--;
      }
      mantissa = mantissa.substring(0, end);
    }
    return e < 0 ? mantissa : mantissa + s.substring(e);
  }
}
