package dev.mlops.monitoring.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.DriftAnalyzer;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.testsupport.Chromium;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in a real headless Chromium (Debian's package; installed with apt-get by
 * this test when absent) and checks that it renders, shows every column, logs nothing to the
 * console and requests nothing from the network.
 */
@Chromium
class HtmlReportBrowserTest {
  @TempDir
  Path dir;

  static Path chromium() throws Exception {
    return dev.mlops.testsupport.Browser.binary();
  }

  record Run(String stdout, String stderr) {}

  Run browse(Path page, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + dir.resolve("profile-" + System.nanoTime()), "--enable-logging=stderr", "--v=0"));
    cmd.addAll(List.of(extra));
    cmd.add(page.toUri().toString());
    Path out = dir.resolve("stdout-" + System.nanoTime());
    Path err = dir.resolve("stderr-" + System.nanoTime());
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
    return new Run(Files.readString(out), Files.readString(err));
  }

  static DriftReport report() {
    Random r = new Random(9);
    double[] a = new double[400];
    double[] b = new double[300];
    String[] c = new String[400];
    String[] d = new String[300];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
      c[i] = r.nextBoolean() ? "<script>alert(1)</script>" : "b&c";
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = 0.7 + r.nextGaussian();
      d[i] = r.nextInt(3) == 0 ? "<script>alert(1)</script>" : "b&c";
    }
    return DriftAnalyzer.compare(Table.of(List.of(Column.numerical("amount", a), Column.categorical("channel", c))),
        Table.of(List.of(Column.numerical("amount", b), Column.categorical("channel", d))), DriftOptions.defaults());
  }

  @Test
  void theReportRendersInARealBrowserWithoutConsoleErrorsOrNetworkRequests() throws Exception {
    dev.mlops.monitoring.quality.QualityReport quality = new dev.mlops.monitoring.quality.QualityReport(300, List.of(
        new dev.mlops.monitoring.quality.CheckResult("missing_share", "amount", true, "0.00%", "<= 5.00%"),
        new dev.mlops.monitoring.quality.CheckResult("new_categories", "channel", false, "[partner]", "none")));
    dev.mlops.monitoring.performance.PredictionLog log = new dev.mlops.monitoring.performance.PredictionLog(2, 0.5)
        .reference(new int[] {0, 1, 1, 0}, new double[] {0.2, 0.8, 0.6, 0.4});
    log.predict("a", 0.9);
    log.predict("b", 0.1);
    log.label("a", 1);
    String html = HtmlReport.render(report(), quality, log.windows(), "Payments drift");
    assertFalse(Pattern.compile("(src|href)=\"https?:", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no external resources");
    assertFalse(html.contains("<script"), "no scripts, and category values are escaped");
    Path page = dir.resolve("report.html");
    Files.writeString(page, html);

    Run dom = browse(page, "--dump-dom");
    assertTrue(dom.stdout().contains("Dataset drift detected"), dom.stdout());
    assertEquals(3 + 3 + 2, dom.stdout().split("<tr>", -1).length - 1, "drift, quality and performance table rows");
    assertTrue(dom.stdout().contains("Data quality") && dom.stdout().contains("Performance over windows"));
    assertTrue(dom.stdout().contains("&lt;script&gt;"), "the hostile category is shown as text");
    assertFalse(dom.stderr().contains(":CONSOLE"), dom.stderr());

    Path png = dir.resolve("report.png");
    Run shot = browse(page, "--window-size=1200,1600", "--screenshot=" + png);
    assertTrue(Files.size(png) > 20_000, "a real picture was drawn");
    assertFalse(shot.stderr().contains(":CONSOLE"), shot.stderr());
  }

  @Test
  void theConsoleCheckCatchesAnErrorOnABrokenPage() throws Exception {
    Path page = dir.resolve("broken.html");
    Files.writeString(page, "<!DOCTYPE html><html><body><script>console.error('broken')</script></body></html>");
    assertTrue(browse(page, "--dump-dom").stderr().contains(":CONSOLE"), "the harness sees console output");
  }
}
