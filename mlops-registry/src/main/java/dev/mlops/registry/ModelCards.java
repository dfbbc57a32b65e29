package dev.mlops.registry;

import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Renders model cards as Markdown and as self-contained HTML (no scripts, no external resources). */
public final class ModelCards {
  private ModelCards() {}

  private static String or(String s) {
    return s == null || s.isBlank() ? "_Not documented._" : s;
  }

  /** Markdown. */
  public static String markdown(ModelVersion v, ModelCard c) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Model card: ").append(v.name()).append(" v").append(v.version()).append("\n\n");
    sb.append("| | |\n|---|---|\n");
    sb.append("| Flavor | ").append(v.flavor()).append(" |\n");
    sb.append("| SHA-256 | `").append(v.sha256()).append("` |\n");
    sb.append("| Registered by | ").append(v.createdBy()).append(" |\n");
    sb.append("| Source | ").append(v.source()).append(" |\n");
    if (!v.lineage().runId().isEmpty()) {
      sb.append("| Source run | ").append(v.lineage().runId()).append(" |\n");
    }
    if (!v.lineage().gitCommit().isEmpty()) {
      sb.append("| Git commit | ").append(v.lineage().gitCommit()).append(" |\n");
    }
    sb.append("| Owners | ").append(c.owners().isEmpty() ? "_none listed_" : String.join(", ", c.owners())).append(" |\n\n");
    sb.append("## Intended use\n\n").append(or(c.intendedUse())).append("\n\n");
    sb.append("## Limitations\n\n").append(or(c.limitations())).append("\n\n");
    sb.append("## Training data\n\n");
    if (c.trainingData().isEmpty()) {
      sb.append("_Not documented._\n\n");
    } else {
      c.trainingData().forEach(d -> sb.append("- ").append(d).append('\n'));
      sb.append('\n');
    }
    sb.append("## Evaluation metrics\n\n");
    if (c.evaluationMetrics().isEmpty()) {
      sb.append("_Not documented._\n\n");
    } else {
      sb.append("| metric | value |\n|---|---|\n");
      new TreeMap<>(c.evaluationMetrics()).forEach((k, val) -> sb.append("| ").append(k).append(" | ")
          .append(String.format(Locale.ROOT, "%.4f", val)).append(" |\n"));
      sb.append('\n');
    }
    sb.append("## Inputs and outputs\n\n");
    List<FeatureSpec> inputs = v.signature().inputs();
    sb.append(inputs.isEmpty() ? "_No signature._\n" : "Inputs: " + String.join(", ", inputs.stream().map(f -> f.name() + " (" + f.type() + ")").toList()) + "\n");
    if (!v.signature().outputDomain().isEmpty()) {
      sb.append("\nOutputs: ").append(String.join(", ", v.signature().outputDomain())).append('\n');
    }
    sb.append("\n## Fairness analysis\n\n").append(or(c.fairnessAnalysis())).append("\n\n");
    sb.append("## Ethical considerations\n\n").append(or(c.ethicalConsiderations())).append('\n');
    return sb.toString();
  }

  /** HTML. */
  public static String html(ModelVersion v, ModelCard c) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Model card: ").append(h(v.name())).append(" v")
        .append(v.version()).append("</title><style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
            + "color:#1d2330}h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #dde}"
            + "table{border-collapse:collapse}td,th{border:1px solid #dde;padding:.3rem .6rem;text-align:left}"
            + ".missing{color:#8a5a00;font-style:italic}code{font-size:.85em}" + dev.mlops.api.internal.Html.CSS + "</style></head><body>");
    sb.append("<h1>Model card: ").append(h(v.name())).append(" v").append(v.version()).append("</h1><table>");
    row(sb, "Flavor", u(v.flavor()));
    row(sb, "SHA-256", "<code>" + h(v.sha256()) + "</code>");
    row(sb, "Registered by", u(v.createdBy()));
    row(sb, "Source", u(v.source()));
    if (!v.lineage().runId().isEmpty()) {
      row(sb, "Source run", u(v.lineage().runId()));
    }
    if (!v.lineage().gitCommit().isEmpty()) {
      row(sb, "Git commit", "<code>" + h(v.lineage().gitCommit()) + "</code>");
    }
    row(sb, "Owners", c.owners().isEmpty() ? "<span class=\"missing\">none listed</span>" : u(String.join(", ", c.owners())));
    sb.append("</table>");
    section(sb, "Intended use", c.intendedUse());
    section(sb, "Limitations", c.limitations());
    sb.append("<h2>Training data</h2>");
    if (c.trainingData().isEmpty()) {
      sb.append("<p class=\"missing\">Not documented.</p>");
    } else {
      sb.append("<ul>");
      c.trainingData().forEach(d -> sb.append("<li>").append(u(d)).append("</li>"));
      sb.append("</ul>");
    }
    sb.append("<h2>Evaluation metrics</h2>");
    Map<String, Double> m = new TreeMap<>(c.evaluationMetrics());
    if (m.isEmpty()) {
      sb.append("<p class=\"missing\">Not documented.</p>");
    } else {
      sb.append("<table><tr><th>metric</th><th>value</th></tr>");
      m.forEach((k, val) -> sb.append("<tr><td>").append(u(k)).append("</td><td>").append(String.format(Locale.ROOT, "%.4f", val))
          .append("</td></tr>"));
      sb.append("</table>");
    }
    section(sb, "Fairness analysis", c.fairnessAnalysis());
    section(sb, "Ethical considerations", c.ethicalConsiderations());
    return sb.append("</body></html>\n").toString();
  }

  private static void row(StringBuilder sb, String k, String v) {
    sb.append("<tr><th>").append(k).append("</th><td>").append(v).append("</td></tr>");
  }

  private static void section(StringBuilder sb, String title, String text) {
    sb.append("<h2>").append(title).append("</h2>");
    sb.append(text == null || text.isBlank() ? "<p class=\"missing\">Not documented.</p>" : "<p>" + u(text) + "</p>");
  }

  static String h(String s) {
    return dev.mlops.api.internal.Html.escape(s);
  }

  /** A value of the version or its card in the page's content: isolated, hidden characters shown, wrapped. */
  static String u(String s) {
    return dev.mlops.api.internal.Html.user(s);
  }
}
