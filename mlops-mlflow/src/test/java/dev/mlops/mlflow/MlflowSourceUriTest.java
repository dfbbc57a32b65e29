package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

/** The source URIs the importer accepts, as MLflow's {@code --backend-store-uri} spells them. */
class MlflowSourceUriTest {

  @Test
  void mlflowsPostgresqlUrisBecomeJdbcUrlsAndTheirPasswordsAreMaskedInReports() {
    assertEquals("jdbc:postgresql://db.example:5432/mlflow?user=ml&password=s3cr%40t",
        MlflowSource.jdbcPostgres("postgresql+psycopg2://ml:s3cr%40t@db.example:5432/mlflow"));
    assertEquals("jdbc:postgresql://db/mlflow?sslmode=require&user=ml", MlflowSource.jdbcPostgres("postgresql://ml@db/mlflow?sslmode=require"));
    assertEquals("jdbc:postgresql://h/d?user=u", MlflowSource.jdbcPostgres("jdbc:postgresql://h/d?user=u"));
    assertEquals("jdbc:postgresql://h/d?user=u&password=***", MlflowSource.mask("jdbc:postgresql://h/d?user=u&password=hunter2"));
    assertEquals("postgresql://u:***@h/d", MlflowSource.mask("postgresql://u:hunter2@h/d"));
  }

  @Test
  void aSourceThatIsNoMlflowStoreIsRefusedNamingTheValueAndTheAcceptedForms() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> MlflowSource.open("sqlite:////no/such/mlflow.db", null));
    assertTrue(e.getMessage().contains("sqlite:////no/such/mlflow.db") && e.getMessage().contains("/no/such/mlflow.db does not exist"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> MlflowSource.open("mysql+pymysql://root@db/mlflow", null));
    assertTrue(e.getMessage().contains("mysql+pymysql://root@db/mlflow") && e.getMessage().contains("postgresql://"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> MlflowImporter.builder().from("  "));
    assertTrue(e.getMessage().contains("from"), e.getMessage());
  }
}
