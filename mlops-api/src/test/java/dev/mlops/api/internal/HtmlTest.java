package dev.mlops.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The escaping every HTML page of the library shares: markup escaped, hidden characters shown, user text isolated. */
class HtmlTest {
  @Test
  void aRightToLeftOverrideIsShownAsAVisibleEscapeInAnIsolatedElement() {
    String name = "invoice\u202Eexe.pdf";
    assertEquals("invoice&lt;U+202E&gt;exe.pdf", Html.escape(name));
    assertEquals("<bdi class=\"u\" title=\"invoice&lt;U+202E&gt;exe.pdf\">invoice<span class=\"ctl\">&lt;U+202E&gt;</span>exe.pdf</bdi>",
        Html.user(name));
  }

  @Test
  void markupIsTextInContentAndInTheTooltip() {
    assertEquals("<bdi class=\"u\" title=\"&lt;img src=&quot;x&quot; onerror=alert(1)&gt; &amp;\">&lt;img src=&quot;x&quot; onerror=alert(1)&gt; &amp;</bdi>",
        Html.user("<img src=\"x\" onerror=alert(1)> &"));
  }

  @Test
  void controlsAndFormatCharactersAreShownExceptLineBreaksTabsAndJoiners() {
    // NUL, a C1 control, a zero-width space, the isolates and a tag character (outside the BMP) are shown
    assertEquals("a<U+0000>b<U+0085>c<U+200B>d<U+2067>e<U+2069>f<U+E0041>", Html.visible("a\u0000b\u0085c\u200Bd\u2067e\u2069f" + Character.toString(0xE0041)));
    // what text needs stays as it is: line breaks, tabs, the joiners of Persian and of emoji sequences, accents
    String kept = "line\nnext\r\n\tcol \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 \uD83D\uDC69\u200D\uD83D\uDCBB e\u0301";
    assertEquals(kept, Html.visible(kept));
    assertEquals("<bdi class=\"u\" title=\"" + kept + "\">" + kept + "</bdi>", Html.user(kept));
  }
}
