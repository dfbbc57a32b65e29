package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * An MLflow database on PostgreSQL as the source, and a PostgreSQL store as the target: the rows of
 * a database MLflow 3 wrote on SQLite are copied, table by table and in their order, into PostgreSQL
 * tables of the same columns (MLflow's SQL types as PostgreSQL's), then imported from there with
 * MLflow's own URL form into a PostgreSQL store; it must read back as the import of the SQLite file
 * itself does.
 */
@Postgres
class PostgresMlflowImportTest {

  @Test
  void aDatabaseOnPostgresqlImportsAsTheSameDatabaseOnSqliteDoes() throws SQLException {
    Path db = MlflowSqliteImportTest.store("mlflow-770bee3ae1dd.db");
    String jdbc = PostgresServer.newDatabase();
    try (Connection from = DriverManager.getConnection("jdbc:sqlite:" + db); Connection to = DriverManager.getConnection(jdbc)) {
      copy(from, to);
    }
    // as MLflow names it: postgresql://USER:PASSWORD@HOST:PORT/DB
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("jdbc:postgresql://([^/]+)/([^?]+)\\?user=([^&]+)(?:&password=([^&]*))?").matcher(jdbc);
    assertTrue(m.matches(), jdbc);
    String source = "postgresql://" + m.group(3) + (m.group(4) == null ? "" : ":" + m.group(4)) + "@" + m.group(1) + "/" + m.group(2);
    try (StorageBackend viaSqlite = StorageBackend.open("mem:pg-import-reference");
         StorageBackend viaPostgres = StorageBackend.open(PostgresServer.newDatabase())) {
      MlflowImporter.builder().from("sqlite:" + db).storage(viaSqlite).build().run();
      MlflowImporter.Report report = MlflowImporter.builder().from(source).storage(viaPostgres).build().run();
      assertEquals(3, report.imported("runs"), report.summary());
      MlflowImporter.Report again = MlflowImporter.builder().from(source).storage(viaPostgres).build().run();
      again.imported().forEach((kind, n) -> assertEquals(0L, n, kind + " imported again: " + again.summary()));
      try (Tracker expected = Tracker.builder().storage(viaSqlite).build(); Tracker actual = Tracker.builder().storage(viaPostgres).build()) {
        List<Experiment> experiments = expected.listExperiments(ViewType.ALL);
        assertEquals(experiments.stream().map(Experiment::name).toList(), actual.listExperiments(ViewType.ALL).stream().map(Experiment::name).toList());
        int runs = 0;
        for (Experiment e : experiments) {
          for (Run r : expected.searchAll(dev.mlops.tracking.RunQuery.builder().experiments(e.id()).view(ViewType.ALL).build())) {
            Run a = actual.getRun(r.id());
            assertEquals(r.info(), a.info());
            assertEquals(r.params(), a.params());
            assertEquals(r.latestMetrics(), a.latestMetrics());
            for (String key : r.latestMetrics().keySet()) {
              assertEquals(expected.metricHistory(r.id(), key), actual.metricHistory(r.id(), key));
            }
            runs++;
          }
        }
        assertTrue(runs == 3, "runs compared: " + runs);
      }
    }
  }

  /** Every table of the SQLite database as a PostgreSQL table of the same columns, rows in rowid order. */
  private static void copy(Connection from, Connection to) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet r = from.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (r.next()) {
        tables.add(r.getString("TABLE_NAME"));
      }
    }
    for (String table : tables) {
      try (Statement st = from.createStatement(); ResultSet r = st.executeQuery("SELECT * FROM " + table + " ORDER BY rowid")) {
        int n = r.getMetaData().getColumnCount();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          String type = r.getMetaData().getColumnTypeName(i).toUpperCase(Locale.ROOT);
          String pg = type.startsWith("BIGINT") ? "bigint" : type.startsWith("INT") ? "integer" : type.startsWith("FLOAT") || type.startsWith("REAL")
              ? "double precision" : type.startsWith("BOOL") ? "boolean" : "text";
          columns.add("\"" + r.getMetaData().getColumnName(i) + "\" " + pg);
        }
        try (Statement create = to.createStatement()) {
          create.execute("CREATE TABLE " + table + " (" + String.join(", ", columns) + ")");
        }
        try (PreparedStatement insert = to.prepareStatement("INSERT INTO " + table + " VALUES (" + "?, ".repeat(n - 1) + "?)")) {
          while (r.next()) {
            for (int i = 1; i <= n; i++) {
              String type = columns.get(i - 1);
              Object v = r.getObject(i);
              insert.setObject(i, v == null ? null : type.endsWith("boolean") ? (Object) (((Number) v).intValue() != 0)
                  : type.endsWith("bigint") ? (Object) ((Number) v).longValue() : type.endsWith("integer") ? (Object) ((Number) v).intValue()
                  : type.endsWith("precision") ? (Object) ((Number) v).doubleValue() : v.toString());
            }
            insert.executeUpdate();
          }
        }
      }
    }
  }
}
