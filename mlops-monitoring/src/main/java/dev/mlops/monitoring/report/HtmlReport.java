package dev.mlops.monitoring.report;

import org.jspecify.annotations.Nullable;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.UntestedColumn;
import dev.mlops.monitoring.performance.ClassificationMetrics;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.quality.CheckResult;
import dev.mlops.monitoring.quality.QualityReport;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML drift report: no scripts, no external resources; inline CSS and SVG. It
 * shows the verdict, a table of every column (type, test, statistic, p-value, threshold, drift) and,
 * per column, the reference and current distributions overlaid as bars.
 */
public final class HtmlReport {
  private HtmlReport() {}

  private static String h(String s) {
    return dev.mlops.api.internal.Html.escape(s);
  }

  /** A name or value from the data: isolated, its hidden characters shown, wrapped (see {@code Html.user}). */
  private static String u(String s) {
    return dev.mlops.api.internal.Html.user(s);
  }

  private static String num(Double d) {
    if (d == null) {
      return "&ndash;";
    }
    if (Double.isNaN(d)) {
      return "NaN";
    }
    double a = Math.abs(d);
    return a != 0 && (a < 1e-3 || a >= 1e6) ? String.format(Locale.ROOT, "%.3e", d) : String.format(Locale.ROOT, "%.4f", d);
  }

  /** Renders a drift report alone; {@code title} heads the page. */
  public static String render(DriftReport r, String title) {
    return render(r, null, List.of(), title);
  }

  /**
   * Renders a drift report with data-quality results (may be null) and performance over windows
   * (may be empty).
   */
  public static String render(DriftReport r, @Nullable QualityReport quality, List<PredictionLog.WindowPerformance> performance, String title) {
    return render(r, quality, performance, null, title);
  }

  /** As above, with the reference window's metrics as the first row of the performance table (may be null). */
  public static String render(DriftReport r, @Nullable QualityReport quality, List<PredictionLog.WindowPerformance> performance,
      ClassificationMetrics reference, String title) {
    StringBuilder sb = new StringBuilder(16_384);
    sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
        .append("<title>").append(h(title)).append("</title><style>")
        .append("body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;background:#f6f7fb}")
        .append("header{padding:1.4rem 2rem;background:#fff;border-bottom:1px solid #e3e6ef}h1{margin:0;font-size:1.4rem}")
        .append("main{padding:1.5rem 2rem;max-width:72rem}.verdict{display:inline-block;margin-top:.6rem;padding:.35rem .8rem;border-radius:1rem;")
        .append("font-weight:600}.drift{background:#fde2e1;color:#a1231b}.ok{background:#def7e5;color:#17693a}.unsure{background:#fff3cd;color:#7a5a00}")
        .append(".cards{display:flex;gap:1rem;margin:1rem 0}.card{background:#fff;border:1px solid #e3e6ef;border-radius:.5rem;padding:.8rem 1rem}")
        .append(".card b{display:block;font-size:1.3rem}table{border-collapse:collapse;width:100%;background:#fff}")
        .append("th,td{padding:.45rem .6rem;border-bottom:1px solid #eceef4;text-align:left;font-size:.9rem}th{background:#fafbfe}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}.col{background:#fff;border:1px solid #e3e6ef;border-radius:.5rem;")
        .append("padding:1rem;margin:1rem 0}.col h3{margin:0 0 .5rem;font-size:1rem}.legend span{display:inline-block;width:.8rem;height:.8rem;")
        .append("margin:0 .3rem 0 .8rem;vertical-align:middle}svg text{font-size:10px;fill:#56607a}h2{font-size:1.1rem;margin-top:1.6rem}")
        .append(dev.mlops.api.internal.Html.CSS).append("</style></head><body>");
    sb.append("<header><h1>").append(u(title)).append("</h1><span class=\"verdict ").append(r.datasetDrift() ? "drift\">Dataset drift detected"
        : r.testedColumns() == 0 ? "drift\">No column tested" : "ok\">No dataset drift").append("</span></header><main>");
    sb.append("<div class=\"cards\">");
    card(sb, "Reference rows", Integer.toString(r.referenceRows()));
    card(sb, "Current rows", Integer.toString(r.currentRows()));
    card(sb, "Drifted columns", r.driftedColumns() + " of " + r.testedColumns() + " tested");
    card(sb, "Drift share", r.driftSharePercent());
    card(sb, "Correction", h(r.correction()));
    sb.append("</div><table><thead><tr><th>Column</th><th>Type</th><th>Test</th><th>Statistic</th><th>p-value</th><th>Threshold</th>")
        .append("<th>Drift</th></tr></thead><tbody>");
    int row = 0;
    for (ColumnDrift c : r.columns()) {
      sb.append("<tr><td><a href=\"#").append(h(anchor(row++, c.name()))).append("\">").append(u(c.name())).append("</a></td><td>")
          .append(c.type()).append("</td><td>").append(h(c.test())).append("</td><td class=\"n\">").append(num(c.statistic()))
          .append(c.statisticError() == null ? "" : " &plusmn; " + num(c.statisticError()))
          .append("</td><td class=\"n\">").append(num(c.pValue())).append("</td><td class=\"n\">").append(num(c.threshold()))
          .append("</td><td>").append(c.drift() ? "<span class=\"verdict drift\">drift</span>" : "<span class=\"verdict ok\">ok</span>")
          .append(c.unsettled() ? " <span class=\"verdict unsure\">unsettled</span>" : "").append("</td></tr>");
    }
    sb.append("</tbody></table>");
    sketched(sb, r);
    untested(sb, r);
    if (quality != null) {
      sb.append("<h2>Data quality</h2><p>").append(quality.passed() ? "<span class=\"verdict ok\">all checks passed</span>"
          : "<span class=\"verdict drift\">" + quality.failures().size() + " checks failed</span>").append("</p>");
      sb.append("<table><thead><tr><th>Check</th><th>Column</th><th>Observed</th><th>Expected</th><th>Result</th></tr></thead><tbody>");
      for (CheckResult c : quality.results()) {
        sb.append("<tr><td>").append(h(c.check())).append("</td><td>").append(u(c.column())).append("</td><td>").append(u(c.observed()))
            .append("</td><td>").append(u(c.expected())).append("</td><td>")
            .append(c.passed() ? "<span class=\"verdict ok\">pass</span>" : "<span class=\"verdict drift\">fail</span>").append("</td></tr>");
      }
      sb.append("</tbody></table>");
    }
    if (!performance.isEmpty()) {
      sb.append("<h2>Performance over windows</h2><table><thead><tr><th>Window</th><th>Predictions</th><th>Labelled</th>")
          .append("<th>Accuracy</th><th>F1</th><th>ROC AUC</th><th>Estimated accuracy (CBPE)</th><th>Estimated F1 (CBPE)</th></tr></thead><tbody>");
      if (reference != null) {
        sb.append("<tr><td>reference</td><td class=\"n\">").append(reference.count()).append("</td><td class=\"n\">").append(reference.count())
            .append("</td><td class=\"n\">").append(num(reference.accuracy())).append("</td><td class=\"n\">").append(num(reference.f1()))
            .append("</td><td class=\"n\">").append(num(reference.rocAuc())).append("</td><td class=\"n\">&ndash;</td><td class=\"n\">&ndash;</td></tr>");
      }
      for (PredictionLog.WindowPerformance w : performance) {
        sb.append("<tr><td>").append(w.window()).append("</td><td class=\"n\">").append(w.predictions()).append("</td><td class=\"n\">")
            .append(w.labelled()).append("</td><td class=\"n\">").append(w.realized() == null ? "&ndash;" : num(w.realized().accuracy()))
            .append("</td><td class=\"n\">").append(w.realized() == null ? "&ndash;" : num(w.realized().f1())).append("</td><td class=\"n\">")
            .append(w.realized() == null ? "&ndash;" : num(w.realized().rocAuc())).append("</td><td class=\"n\">")
            .append(w.estimated() == null ? "&ndash;" : num(w.estimated().accuracy())).append("</td><td class=\"n\">")
            .append(w.estimated() == null ? "&ndash;" : num(w.estimated().f1())).append("</td></tr>");
      }
      sb.append("</tbody></table>");
    }
    int section = 0;
    for (ColumnDrift c : r.columns()) {
      sb.append("<section class=\"col\" id=\"").append(h(anchor(section++, c.name()))).append("\"><h3>").append(u(c.name())).append(" &middot; ")
          .append(h(c.test())).append(c.drift() ? " &middot; drift" : "").append("</h3>");
      sb.append("<div class=\"legend\"><span style=\"background:#6c8cff\"></span>reference<span style=\"background:#ff8a5c\"></span>current</div>");
      histogram(sb, c.bins());
      sb.append("</section>");
    }
    sb.append("</main></body></html>\n");
    return sb.toString();
  }

  /** A unique id per column: its position keeps {@code a b} and {@code a_b} apart; the name keeps it readable. */
  private static String anchor(int index, String name) {
    return "col-" + index + "-" + name.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** What a statistic read from sketches means for its verdict, when any column's was. */
  private static void sketched(StringBuilder sb, DriftReport r) {
    if (r.columns().stream().allMatch(c -> c.statisticError() == null)) {
      return;
    }
    long unsettled = r.columns().stream().filter(ColumnDrift::unsettled).count();
    sb.append("<p>A statistic shown &plusmn; an error was read from quantile sketches: the statistic of the rows themselves lies within ")
        .append("that error (99% confidence). ").append(unsettled == 0 ? "Every such verdict holds across its error."
            : unsettled + (unsettled == 1 ? " verdict is" : " verdicts are")
                + " <span class=\"verdict unsure\">unsettled</span>: its threshold lies within the error, so a test on the rows could decide it the other way.")
        .append("</p>");
  }

  /** The columns the report was asked for but did not test, with the reason: the verdict above does not cover them. */
  private static void untested(StringBuilder sb, DriftReport r) {
    if (r.untested().isEmpty()) {
      return;
    }
    sb.append("<h2>Columns not tested</h2><p>").append(r.untested().size()).append(" of ").append(r.untested().size() + r.testedColumns())
        .append(" columns were not tested; the verdict covers the tested columns only.</p>")
        .append("<table><thead><tr><th>Column</th><th>Why it was not tested</th></tr></thead><tbody>");
    for (UntestedColumn column : r.untested()) {
      sb.append("<tr><td>").append(u(column.name())).append("</td><td>").append(u(column.reason())).append("</td></tr>");
    }
    sb.append("</tbody></table>");
  }

  private static void card(StringBuilder sb, String label, String value) {
    sb.append("<div class=\"card\">").append(label).append("<b>").append(value).append("</b></div>");
  }

  /**
   * Paired bars per bin on a shared percent y axis. The left margin grows with the longest x label
   * (labels are rotated 30 degrees and end under their bars, so the first one extends left) and the
   * chart takes the card's full width.
   */
  private static void histogram(StringBuilder sb, List<ColumnDrift.Bin> bins) {
    List<ColumnDrift.Bin> shown = bins.size() > 40 ? bins.subList(0, 40) : bins;
    boolean labelled = shown.size() <= 24;
    int longest = 0;
    for (ColumnDrift.Bin b : shown) {
      longest = Math.max(longest, Math.min(22, b.label().length()));
    }
    int w = 960;
    int hgt = 200;
    int top = 12;
    // 6.5 px per character at 11 px, projected on the x axis (cos 30 degrees), plus room for the tick labels
    int left = Math.max(56, labelled ? (int) Math.ceil(longest * 6.5 * 0.87) + 8 : 56);
    int right = 16;
    double max = 0;
    for (ColumnDrift.Bin b : shown) {
      max = Math.max(max, Math.max(b.reference(), b.current()));
    }
    max = max == 0 ? 1 : max;
    double slot = (double) (w - left - right) / Math.max(1, shown.size());
    int bottom = labelled ? (int) Math.ceil(longest * 6.5 * 0.5) + 24 : 12;
    sb.append("<svg role=\"img\" width=\"100%\" viewBox=\"0 0 ").append(w).append(' ').append(hgt + bottom)
        .append("\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
    // y axis: 0, half and the largest share, as percentages
    sb.append(String.format(Locale.ROOT, "<line class=\"y-axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c9cedd\"/>",
        left, top, left, hgt));
    for (double f : new double[] {0, 0.5, 1}) {
      double y = hgt - (hgt - top) * f;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eef0f6\"/>", left, y, w - right, y));
      sb.append(String.format(Locale.ROOT, "<text class=\"y-tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>",
          left - 6, y, percent(max * f)));
    }
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c9cedd\"/>", left, hgt, w - right, hgt));
    for (int i = 0; i < shown.size(); i++) {
      ColumnDrift.Bin b = shown.get(i);
      double x = left + i * slot;
      double bw = Math.max(1, slot * 0.4);
      double rh = (hgt - top) * b.reference() / max;
      double ch = (hgt - top) * b.current() / max;
      sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#6c8cff\"><title>%s reference %.2f%%</title></rect>",
          x + slot * 0.08, hgt - rh, bw, rh, h(b.label()), b.reference() * 100));
      sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ff8a5c\"><title>%s current %.2f%%</title></rect>",
          x + slot * 0.5, hgt - ch, bw, ch, h(b.label()), b.current() * 100));
      if (labelled) {
        String label = b.label().length() > 22 ? b.label().substring(0, 21) + "…" : b.label();
        double tx = x + slot / 2;
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-30 %.1f %d)\">%s</text>",
            tx, hgt + 14, tx, hgt + 14, h(label)));
      }
    }
    sb.append("</svg>");
  }

  /** A share as a percentage with as many decimals as its size needs: 40%, 2.5%, 0.25%. */
  static String percent(double share) {
    double p = share * 100;
    if (p == 0 || p >= 10) {
      return String.format(Locale.ROOT, "%.0f%%", p);
    }
    return String.format(Locale.ROOT, p >= 1 ? "%.1f%%" : "%.2f%%", p);
  }
}
