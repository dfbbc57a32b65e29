package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testsupport.Browser;
import dev.mlops.testkit.FakeClock;
import dev.mlops.testsupport.Chromium;
import dev.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/** The loop's HTML timeline with a trigger reason that lies about itself and one too long for a screen. */
@Chromium
class TimelineTest {
  static final String REVERSED = "invoice\u202Eexe.pdf";

  @TempDir
  Path dir;

  @Test
  void aHostileReasonIsIsolatedWithItsOverrideShownAndALongOneDoesNotWidenTheTable() throws Exception {
    FakeClock clock = new FakeClock(1_700_000_000_000L);
    String page;
    try (StorageBackend backend = StorageBackend.open("mem:timeline-" + UUID.randomUUID());
        Tracker tracker = Tracker.builder().storage(backend).clock(clock).build();
        ModelRegistry registry = ModelRegistry.builder().storage(backend).clock(clock).principal(() -> "ct-bot").build()) {
      Fixture.champion(registry, "churn", "champion");
      try (RetrainingLoop<Label> loop = RetrainingLoop.builder("churn-loop", Label.class).tracker(tracker).registry(registry).model("churn")
          .clock(clock).executor(Runnable::run).pollInterval(Duration.ZERO).rollout(Rollout.moveAlias())
          .data(ctx -> TrainingData.of(Fixture.data(ctx.time(), 400, 3), Map.of("source", "shifted world")))
          .trainer(new LogisticRegressionTrainer())
          .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.01).atLeast(0.7))).build()) {
        loop.trigger(REVERSED + " " + "V".repeat(3000));
        page = loop.timelineHtml();
      }
    }
    assertFalse(page.contains("\u202E"), "the override never reaches the page as the character itself");
    assertTrue(page.contains("<bdi class=\"u\" title=\"invoice&lt;U+202E&gt;exe.pdf VVV"), page);
    assertTrue(page.contains("invoice<span class=\"ctl\">&lt;U+202E&gt;</span>exe.pdf"), page);
    // each model's figures as every message writes them (no %.4f trailing zeros), the exact value on hover
    java.util.regex.Matcher figure = java.util.regex.Pattern.compile("accuracy <span title=\"([^\"]+)\">([^<]+)</span>").matcher(page);
    int figures = 0;
    while (figure.find()) {
      assertEquals(dev.mlops.api.internal.Numbers.compact(Double.parseDouble(figure.group(1))), figure.group(2), figure.group());
      figures++;
    }
    assertEquals(2, figures, "the champion's and the challenger's accuracy: " + page);

    Path file = Files.writeString(dir.resolve("timeline.html"), page);
    try (Browser b = Browser.launch()) {
      b.viewport(1400, 900);
      b.open(file.toUri().toString());
      assertTrue(b.eval("[...document.querySelectorAll('bdi.u')].some(e => getComputedStyle(e).unicodeBidi === 'isolate'"
          + " && e.querySelector('span.ctl') && e.title.startsWith('invoice<U+202E>exe.pdf VVV'))").asBoolean());
      assertEquals(0, b.eval("[...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().right"
          + " > document.documentElement.clientWidth + 0.5).length").asInt(), "every table fits 1400 px");
      assertTrue(b.eval("document.documentElement.scrollWidth <= document.documentElement.clientWidth").asBoolean(), "no sideways scroll");
      assertEquals(java.util.List.of(), b.errors());
    }
  }
}
