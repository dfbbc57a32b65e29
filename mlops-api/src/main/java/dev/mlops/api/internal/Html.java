package dev.mlops.api.internal;

/**
 * Escaping for the library's self-contained HTML pages (reports, model cards, timelines).
 *
 * <p>Text from users (a column, run or model name, a reason) can hide what it says: a right-to-left
 * override (U+202E) between {@code invoice} and {@code fdp.exe} makes the name read as
 * {@code invoiceexe.pdf}, and zero-width or other format characters make two different names look
 * the same. So every escaped value shows its hidden characters as {@code <U+202E>}: the controls
 * except tab, line feed and carriage return, and the format characters except the joiners U+200C
 * and U+200D that Persian, Indic scripts and emoji sequences need. {@link #user(String)} also
 * isolates the value from the text around it ({@code <bdi>}), lets a long one wrap anywhere so it
 * never widens its table, and keeps the whole of it in a tooltip; {@link #CSS} styles that markup.
 */
public final class Html {
  private Html() {}

  /**
   * The rules {@link #user(String)}'s markup needs, for the page's style element: isolated, wrapped
   * anywhere, in a table at most 20em wide (so one long value cannot squeeze the others) and three
   * lines in a cell (the rest in the tooltip), hidden characters boxed.
   */
  public static final String CSS = "bdi.u{unicode-bidi:isolate;overflow-wrap:anywhere}"
      + "td bdi.u,th bdi.u{display:-webkit-inline-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;overflow:hidden;max-width:20em;"
      + "vertical-align:top}"
      + "bdi.u .ctl{border:1px solid #cf222e;border-radius:3px;color:#cf222e;font:11px ui-monospace,monospace;padding:0 2px}";

  /** Whether {@code cp} is a character that is not seen but changes how text reads. */
  public static boolean hidden(int cp) {
    int type = Character.getType(cp);
    return (type == Character.CONTROL && cp != '\t' && cp != '\n' && cp != '\r')
        || (type == Character.FORMAT && cp != 0x200C && cp != 0x200D);
  }

  /** The visible stand-in of a hidden character: {@code <U+202E>}. */
  public static String visible(int cp) {
    return String.format(java.util.Locale.ROOT, "<U+%04X>", cp);
  }

  /** {@code s} with every hidden character replaced by its visible stand-in. */
  public static String visible(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> {
      if (hidden(cp)) {
        sb.append(visible(cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.toString();
  }

  /** {@code s} as HTML text or a double-quoted attribute value, its hidden characters made visible. */
  public static String escape(String s) {
    return markup(visible(s));
  }

  private static String markup(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /**
   * {@code s} as user text in an element's content: {@code <bdi class="u" title="...">} holding the
   * escaped text with each hidden character as a boxed {@code <span class="ctl">&lt;U+202E&gt;</span>};
   * the title holds the whole value, for text a table cell cuts short.
   */
  public static String user(String s) {
    StringBuilder sb = new StringBuilder(s.length() * 2 + 40).append("<bdi class=\"u\" title=\"").append(escape(s)).append("\">");
    StringBuilder run = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (hidden(cp)) {
        sb.append(markup(run.toString())).append("<span class=\"ctl\">").append(markup(visible(cp))).append("</span>");
        run.setLength(0);
      } else {
        run.appendCodePoint(cp);
      }
    });
    return sb.append(markup(run.toString())).append("</bdi>").toString();
  }
}
