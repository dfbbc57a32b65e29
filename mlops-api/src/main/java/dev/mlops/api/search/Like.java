package dev.mlops.api.search;

import java.util.Locale;

/**
 * SQL LIKE matching: {@code %} any run of characters, {@code _} one character, backslash escapes the
 * next character. The same matcher serves the in-memory stores and, as a registered SQL function,
 * the embedded store, so both agree to the character. Iterative with backtracking on the last
 * {@code %} only: linear-time in practice and never recursive.
 */
public final class Like {
  private Like() {}

  /** Whether {@code text} matches {@code pattern}; {@code ignoreCase} folds both with {@link Locale#ROOT}. */
  public static boolean matches(String text, String pattern, boolean ignoreCase) {
    if (ignoreCase) {
      text = text.toLowerCase(Locale.ROOT);
      pattern = pattern.toLowerCase(Locale.ROOT);
    }
    int t = 0;
    int p = 0;
    int starP = -1;
    int starT = -1;
    while (t < text.length()) {
      if (p < pattern.length()) {
        char pc = pattern.charAt(p);
        if (pc == '%') {
          starP = ++p;
          starT = t;
          continue;
        }
        if (pc == '_') {
          p++;
          t++;
          continue;
        }
        if (pc == '\\' && p + 1 < pattern.length()) {
          if (pattern.charAt(p + 1) == text.charAt(t)) {
            p += 2;
            t++;
            continue;
          }
        } else if (pc == text.charAt(t)) {
          p++;
          t++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      p = starP;
      t = ++starT;
    }
    while (p < pattern.length() && pattern.charAt(p) == '%') {
      p++;
    }
    return p == pattern.length();
  }
}
