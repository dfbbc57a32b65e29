package dev.mlops.api.internal;

/** Escaping for the library's self-contained HTML pages (reports, model cards, timelines). */
public final class Html {
  private Html() {}

  /** {@code s} as HTML text or a double-quoted attribute value. */
  public static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
