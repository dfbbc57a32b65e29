package dev.mlops.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium for browser tests: installed with apt-get when it is missing (the
 * test fails, never skips, when it cannot be), then run on a page.
 */
public final class Chromium {
  private Chromium() {}

  /** The browser's path, installing Debian's {@code chromium} package first if needed. */
  public static synchronized Path binary() throws Exception {
    Path bin = Path.of("/usr/bin/chromium");
    if (!Files.isExecutable(bin)) {
      for (String[] cmd : new String[][] {{"apt-get", "update", "-qq"}, {"apt-get", "install", "-y", "-qq", "chromium"}}) {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new AssertionError("this test needs Debian's chromium and could not install it: " + String.join(" ", cmd) + "\n" + out);
        }
      }
    }
    return bin;
  }

  /**
   * Loads {@code url} headless, lets its scripts run for up to {@code budgetMillis} of virtual time,
   * and returns the DOM as it then stands (serialized: text that a script set with textContent
   * comes back escaped, elements a script created come back as elements).
   */
  public static String dumpDom(String url, long budgetMillis) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--disable-extensions", "--no-first-run", "--virtual-time-budget=" + budgetMillis, "--dump-dom", url));
    Path out = Files.createTempFile("chromium-dom", ".html");
    Path err = Files.createTempFile("chromium-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not finish loading " + url);
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
