package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The standalone command's arguments. */
class MlopsUiMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private MlopsUi start(String... args) {
    return MlopsUiMain.start(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryOptionAndBadArgumentsSayWhy() {
    assertNull(start("--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String option : new String[] {"--storage", "--port", "--host", "--token", "--allow-host", "example:"}) {
      assertTrue(help.contains(option), help);
    }
    assertNull(start("--port", "5000"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--storage is required"), err.toString(StandardCharsets.UTF_8));
    assertNull(start("--storage", "mem:x", "--token", "short"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("at least 16 characters"), err.toString(StandardCharsets.UTF_8));
    assertNull(start("--storage", "mem:x", "--colour", "red"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --colour"));
  }

  @Test
  void itStartsOnAStoreAndPrintsWhereToOpenIt() {
    try (MlopsUi ui = start("--storage", "mem:main-test", "--port", "0")) {
      assertNotNull(ui);
      assertTrue(out.toString(StandardCharsets.UTF_8).contains(ui.url()), out.toString(StandardCharsets.UTF_8));
    }
  }
}
