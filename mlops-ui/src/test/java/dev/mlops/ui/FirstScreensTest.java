package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.Browser;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each page shows first, before any choice: the figures that tell things apart, in a real browser. */
class FirstScreensTest {
  @TempDir
  Path dir;
  private StorageBackend backend;
  private MlopsUi ui;

  @BeforeEach
  void open() {
    backend = StorageBackend.open("file:" + dir.resolve("store"));
    ui = MlopsUi.builder().storage(backend).port(0).start();
  }

  @AfterEach
  void close() {
    ui.close();
    backend.close();
  }

  private static List<String> headers(Browser b) throws Exception {
    return List.of(b.eval("[...document.querySelectorAll('#runs th')].map(th => th.textContent).join('\\n')").asText().split("\n"));
  }

  @Test
  void theRunsTableShowsTheSharedMetricsAndTheParamsThatDifferWithTheRestOneClickAway() throws Exception {
    try (Tracker tracker = Tracker.builder().storage(backend).build()) {
      String[] rates = {"0.1", "0.01", "0.001"};
      for (int i = 0; i < 3; i++) {
        try (ActiveRun run = tracker.newRun().experiment("sweep").name("run-" + i).start()) {
          // what a trainer's provenance logs: mostly the same in every run
          run.logParam("model", "sgd").logParam("epochs", "5").logParam("optimiser.epsilon", "1e-6")
              .logParam("optimiser.initialLearningRate", rates[i]).logParam("lr", rates[i]);
          run.logMetric("accuracy", 0.8 + i / 100.0);
          if (i == 0) {
            run.logMetric("debug_loss", 1.0);
          }
        }
      }
      tracker.flush();
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url());
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#runs table tr').length === 4");
      List<String> columns = headers(b);
      assertEquals(List.of("params.lr", "params.optimiser.initialLearningRate", "metrics.accuracy"), columns.subList(5, columns.size()),
          "the params that differ, plain keys first, and the metric every run has: " + columns);
      b.click("#allparams");
      b.waitFor("location.search.includes('columns=') && [...document.querySelectorAll('#runs th')].some(th => th.textContent === 'params.model')");
      columns = headers(b);
      assertTrue(columns.containsAll(List.of("params.epochs", "params.lr", "params.model", "params.optimiser.epsilon",
          "params.optimiser.initialLearningRate", "metrics.accuracy")), "one click shows every param: " + columns);
      assertEquals(List.of(), b.errors());
    }
  }
}
