package dev.mlops.monitoring.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming CSV reader: primitive columns, shared category strings, and progress. */
class CsvColumnsTest {
  @TempDir
  Path dir;

  @Test
  void aLargeFileIsReadInOnePassIntoPrimitiveColumnsReportingProgress() throws Exception {
    Path file = dir.resolve("big.csv");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("x,channel\n");
      for (int i = 0; i < 250_000; i++) {
        w.write(i % 1000 == 0 ? "NA" : Integer.toString(i));
        w.write(i % 2 == 0 ? ",web\n" : ",\"app\"\n");
      }
    }
    List<Long> progress = new ArrayList<>();
    Table t = Table.readCsv(file, Set.of(), Table.DEFAULT_MISSING, progress::add);
    assertEquals(List.of(100_000L, 200_000L), progress, "the one pass reports every 100,000 rows");
    assertEquals(250_000, t.rows());
    Column x = t.column("x");
    assertEquals(Column.Type.NUMERICAL, x.type());
    assertEquals(250, x.missing());
    assertEquals(1.0, x.numbers()[1]);
    Column channel = t.column("channel");
    assertEquals(Column.Type.CATEGORICAL, channel.type());
    assertArrayEquals(new String[] {"web", "app"}, new String[] {channel.categories()[0], channel.categories()[1]});
    assertSame(channel.categories()[0], channel.categories()[2], "one shared string per category, not one per cell");
    assertTrue(Table.readCsv(file, Set.of("x"), Table.DEFAULT_MISSING).column("x").type() == Column.Type.CATEGORICAL,
        "a declared column stays categorical");
  }
}
