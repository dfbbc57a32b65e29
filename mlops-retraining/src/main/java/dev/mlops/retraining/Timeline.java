package dev.mlops.retraining;

import dev.mlops.api.internal.Html;
import dev.mlops.api.internal.Numbers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The loop history as one self-contained HTML page: no scripts, no network, every value escaped. */
final class Timeline {
  private Timeline() {}

  static String esc(Object o) {
    return Html.escape(String.valueOf(o));
  }

  /** A name or text a user or model gave: isolated, its hidden characters shown, wrapped (see {@link Html#user}). */
  static String user(Object o) {
    return Html.user(String.valueOf(o));
  }

  private static String color(Retraining.State s) {
    return switch (s) {
      case PROMOTED -> "#1a7f37";
      case ROLLOUT_PENDING, RUNNING -> "#9a6700";
      case NOT_BLESSED, DATA_REFUSED, REJECTED -> "#57606a";
      default -> "#cf222e";
    };
  }

  private static String metrics(Map<String, Double> m) {
    // without trailing zeros (Numbers.compact, as every message writes a figure), the exact value on hover
    return new java.util.TreeMap<>(m).entrySet().stream().map(e -> esc(e.getKey()) + " <span title=\"" + e.getValue() + "\">"
            + Numbers.compact(e.getValue()) + "</span>")
        .collect(Collectors.joining("<br>"));
  }

  /** Each watched monitor's new reference: which columns come from the training rows, which kept their previous profile. */
  private static String references(Retraining r) {
    if (r.references().isEmpty()) {
      return "";
    }
    StringBuilder h = new StringBuilder(r.state() == Retraining.State.PROMOTED ? "<br>monitors re-referenced" : "<br>monitor references prepared")
        .append(r.referenceDigest() == null ? "" : " (" + esc(r.referenceDigest().substring(0, 12)) + ")").append(":");
    for (Retraining.Reference ref : r.references()) {
      h.append("<br><code>").append(user(ref.monitor())).append("</code>: ")
          .append(ref.fromTraining().isEmpty() ? "no column" : user(String.join(", ", ref.fromTraining()))).append(" from the training rows");
      if (!ref.keptFromPrevious().isEmpty()) {
        h.append("; ").append(user(String.join(", ", ref.keptFromPrevious()))).append(" kept from the previous reference (not in the training rows)");
      }
    }
    return h.toString();
  }

  static String render(RetrainingLoop<?> loop) {
    List<Retraining> history = loop.history();
    List<TriggerResult> triggers = loop.triggers();
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Retraining loop ").append(esc(loop.name()))
        .append("</title>\n<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse;width:100%;"
            + "margin:12px 0 28px}th,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}"
            + ".state{color:#fff;border-radius:10px;padding:2px 8px;font-weight:600;white-space:nowrap}.muted{color:#57606a}"
            + ".warning{color:#9a6700}code{font-size:12px}").append(Html.CSS).append("</style></head><body>\n");
    h.append("<h1>Retraining loop <code>").append(user(loop.name())).append("</code></h1>\n<p class=\"muted\">Maintains <code>")
        .append(esc(loop.config.model())).append("@").append(esc(loop.config.alias())).append("</code>; ").append(history.size()).append(" retraining(s), ")
        .append(triggers.size()).append(" trigger(s) received").append(loop.paused() ? "; <strong>paused</strong> after repeated failures" : "")
        .append(". Written ").append(esc(Instant.ofEpochMilli(loop.config.clock().millis()))).append(".</p>\n");
    h.append("<h2>Retrainings</h2>\n<table><tr><th>began</th><th>state</th><th>triggers</th><th>data</th><th>champion</th><th>challenger</th>"
        + "<th>decision</th><th>rollout</th><th>run</th></tr>\n");
    for (Retraining r : history) {
      h.append("<tr id=\"").append(esc(r.id())).append("\"><td>").append(esc(Instant.ofEpochMilli(r.created()))).append("<br><span class=\"muted\">")
          .append(esc(r.id())).append("</span></td><td><span class=\"state\" style=\"background:").append(color(r.state())).append("\">")
          .append(esc(r.state())).append("</span>").append(r.error() == null ? "" : "<br>" + user(r.error()))
          .append(r.warnings().stream().map(w -> "<br><span class=\"warning\">warning: " + user(w) + "</span>").collect(Collectors.joining()))
          .append("</td><td>")
          .append(r.triggers().stream().map(t -> "<b>" + esc(t.kind()) + "</b> " + user(t.reason())).collect(Collectors.joining("<br>")))
          .append("</td><td>").append(r.trainRows()).append(" train / ").append(r.holdoutRows()).append(" holdout")
          .append(r.validation() == null ? "" : r.validation().passed() ? "<br>validation passed"
              : "<br>validation failed: " + user(String.join("; ", r.validation().failures())))
          .append("</td><td>").append(r.championVersion() == null ? "none" : "v" + r.championVersion()).append("<br>")
          .append(metrics(r.championMetrics())).append("</td><td>").append(r.challengerVersion() == null ? "" : "v" + r.challengerVersion() + "<br>")
          .append(metrics(r.challengerMetrics())).append("</td><td>").append(r.blessing() == null ? "" : user(r.blessing().reason()))
          .append("</td><td>").append(r.rollout() == null ? "" : user(r.rollout().state() + ": " + r.rollout().detail()))
          .append(references(r))
          .append("</td><td><code>").append(r.runId() == null ? "" : esc(r.runId())).append("</code></td></tr>\n");
    }
    h.append("</table>\n<h2>Triggers</h2>\n<table><tr><th>time</th><th>kind</th><th>reason</th><th>outcome</th><th>key</th></tr>\n");
    for (TriggerResult t : triggers) {
      h.append("<tr><td>").append(esc(Instant.ofEpochMilli(t.trigger().time()))).append("</td><td>").append(esc(t.trigger().kind()))
          .append("</td><td>").append(user(t.trigger().reason())).append("</td><td>").append(esc(t.outcome())).append(": ")
          .append(user(t.detail())).append("</td><td><code>").append(user(t.trigger().key())).append("</code></td></tr>\n");
    }
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }
}
