package dev.mlops.ui;

import dev.mlops.testsupport.Browser;

/** Reading the UI's pages in headless Chromium (mlops-test-support's Browser). */
final class Pages {
  private Pages() {}

  /** The page at {@code url} once its script says it is ready (its title starts "ready"), as the browser serializes its DOM. */
  static String readyDom(Browser b, String url) throws Exception {
    b.open(url);
    b.waitFor("document.title.startsWith('ready')");
    return b.eval("document.documentElement.outerHTML").asText();
  }
}
