package dev.mlops.tracking.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.Page;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.PostgresLiterals;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.Key;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.testkit.Postgres;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL a search's values are written into its SQL as literals ({@link PostgresLiterals}):
 * the server must read every value back exactly (quotes, backslashes, question marks, control
 * characters, any Unicode; every double including NaN, infinities and -0.0), and searches on
 * hostile values must find the same runs as the file store, also once the driver has made a
 * repeated search a named server-side statement with a kept plan.
 */
@Postgres
class PostgresSearchLiteralsTest {
  private static StorageBackend postgres;

  @BeforeAll
  static void open() {
    postgres = Backends.postgres();
  }

  @AfterAll
  static void close() {
    postgres.close();
  }

  /** Random text: ASCII with SQL's special characters, control characters, Unicode, surrogate pairs; no NUL. */
  private static String hostile(Random r) {
    String specials = "'\"\\?$;-%_*()\n\t\r";
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(5)) {
        case 0 -> sb.append(specials.charAt(r.nextInt(specials.length())));
        case 1 -> sb.append((char) (1 + r.nextInt(31)));
        case 2 -> sb.append((char) (0x20 + r.nextInt(0x5f)));
        case 3 -> sb.append((char) (0xa0 + r.nextInt(0xd700 - 0xa0)));
        default -> sb.appendCodePoint(0x10000 + r.nextInt(0x10ffff - 0x10000));
      }
    }
    return sb.toString();
  }

  @Test
  void theServerReadsEveryLiteralBackExactly() {
    Random r = new Random(7);
    List<Object> values = new ArrayList<>(List.of("", "'", "\\", "\\'", "''", "E'x'", "?", "$1", "$$", "--", "/*", "é∑😀",
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE,
        -Double.MIN_NORMAL, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, 0));
    for (int i = 0; i < 500; i++) {
      values.add(hostile(r));
      values.add(Double.longBitsToDouble(r.nextLong()));
      values.add(r.nextLong());
    }
    Database.of(postgres).read(c -> {
      for (Object v : values) {
        String sql = PostgresLiterals.inline("SELECT ?", List.of(v));
        assertNotNull(sql, "a literal for " + v);
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          if (v instanceof Double d) {
            double back = rs.getDouble(1);
            assertEquals(Double.isNaN(d) ? "NaN" : Long.toString(Double.doubleToLongBits(d)),
                Double.isNaN(back) ? "NaN" : Long.toString(Double.doubleToLongBits(back)), "double " + d + " from " + sql);
          } else if (v instanceof Long l) {
            assertEquals(l.longValue(), rs.getLong(1), sql);
          } else if (v instanceof Integer n) {
            assertEquals(n.intValue(), rs.getInt(1), sql);
          } else {
            assertEquals(v, rs.getString(1), "string from " + sql);
          }
        }
      }
      return null;
    });
  }

  @Test
  void searchesOnHostileValuesFindWhatTheFileStoreFinds() {
    try (StorageBackend file = Backends.file()) {
      Random r = new Random(11);
      List<String> names = new ArrayList<>(List.of("it's", "a\\b", "a\\'b", "?", "x%y", "x_y", "'; DROP TABLE runs; --", "é😀"));
      for (int i = 0; i < 20; i++) {
        names.add(hostile(r));
      }
      String experiment = null;
      for (StorageBackend b : List.of(file, postgres)) {
        experiment = fill(b.store(TrackingStore.class), names);
      }
      List<Expr> filters = new ArrayList<>();
      for (String v : names) {
        filters.add(new Expr.Compare(Key.param("name"), Expr.Op.EQ, v));
        filters.add(new Expr.Compare(Key.tag("note"), Expr.Op.NE, v));
        filters.add(new Expr.Compare(Key.param("name"), Expr.Op.LIKE, "%" + v + "%"));
        filters.add(new Expr.In(Key.param("name"), false, List.of(v, names.get(0))));
        filters.add(new Expr.And(List.of(new Expr.Compare(Key.metric("acc"), Expr.Op.GT, 0.25),
            new Expr.Compare(Key.param("name"), Expr.Op.NE, v))));
      }
      List<OrderBy> byAcc = OrderBy.parseAll(List.of("metrics.acc DESC"));
      List<OrderBy> byName = OrderBy.parseAll(List.of("params.name ASC"));
      for (int repeat = 0; repeat < 7; repeat++) {
        // the same texts again: from the sixth execution on, PostgreSQL runs kept plans of named statements
        for (Expr filter : filters) {
          for (List<OrderBy> order : List.of(byAcc, byName)) {
            assertEquals(allPages(file, experiment, filter, order), allPages(postgres, experiment, filter, order), filter + " " + order);
          }
        }
      }
    }
  }

  private static String fill(TrackingStore store, List<String> names) {
    String experiment = "hostile";
    store.createExperiment(new Experiment(experiment, "hostile values", "runs:/", LifecycleStage.ACTIVE, 1, 1, Map.of()));
    for (int i = 0; i < names.size(); i++) {
      String id = String.format("%032x", i + 1L);
      store.createRun(new RunInfo(id, experiment, "run-" + i, RunStatus.FINISHED, "u", 1_000L + i, 2_000L, LifecycleStage.ACTIVE,
          "runs:/" + id, ""), Map.of("note", names.get((i + 1) % names.size())), Map.of("name", names.get(i)));
      store.logBatch(id, List.of(new Metric("acc", (i % 5) / 4.0, 1, 0)), Map.of(), Map.of());
    }
    return experiment;
  }

  /** Every page of a search, three runs a page, as run ids. */
  private static List<String> allPages(StorageBackend b, String experiment, Expr filter, List<OrderBy> order) {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      Page<Run> page = b.store(TrackingStore.class).searchRuns(List.of(experiment), filter, order, ViewType.ACTIVE_ONLY, 3, token);
      page.items().forEach(run -> ids.add(run.id()));
      token = page.nextPageToken().orElse(null);
    } while (token != null);
    return ids;
  }
}
