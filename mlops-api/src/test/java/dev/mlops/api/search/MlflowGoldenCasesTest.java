package dev.mlops.api.search;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MLflow's own search and validation test cases, ported as golden cases: the library claims
 * MLflow's grammar, so it must agree with MLflow on every one of them. Source: mlflow/mlflow,
 * {@code tests/utils/test_search_utils.py} (test_filter, test_error_filter, test_bad_quotes,
 * test_invalid_clauses, test_invalid_order_by_search_runs, test_space_order_by_search_runs,
 * test_correct_sorting's order-by strings) and {@code tests/utils/test_validation.py}
 * (GOOD_METRIC_OR_PARAM_NAMES, BAD_METRIC_OR_PARAM_NAMES, test_path_not_unique). Where this
 * library deliberately extends MLflow (OR, parentheses, NOT, IN, IS NULL on metrics and
 * attributes, experiment_id as a searchable attribute), the case is listed under
 * {@link #mlflowRejectsButThisLibraryExtends} with the reason.
 */
class MlflowGoldenCasesTest {

  // test_filter: filter -> kind|key|op|value
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "metric.acc >= 0.94|METRIC|acc|>=|0.94",
      "metric.acc>=100|METRIC|acc|>=|100",
      "params.m!='tf'|PARAM|m|!=|tf",
      "params.\"m\"!=\"tf\"|PARAM|m|!=|tf",
      "metric.\"legit name\" >= 0.243|METRIC|legit name|>=|0.243",
      "metrics.XYZ = 3|METRIC|XYZ|=|3",
      "params.\"cat dog\" = \"pets\"|PARAM|cat dog|=|pets",
      "metrics.\"X-Y-Z\" = 3|METRIC|X-Y-Z|=|3",
      "metrics.\"X//Y#$$@&Z\" = 3|METRIC|X//Y#$$@&Z|=|3",
      "params.model = 'LinearRegression'|PARAM|model|=|LinearRegression",
      "`metric`.a >= 0.1|METRIC|a|>=|0.1",
      "`params`.model = 'LR'|PARAM|model|=|LR",
      "tags.version = 'commit-hash'|TAG|version|=|commit-hash",
      "`tags`.source_name = 'a notebook'|TAG|source_name|=|a notebook",
      "metrics.\"accuracy.2.0\" > 5|METRIC|accuracy.2.0|>|5",
      "metrics.`spacey name` > 5|METRIC|spacey name|>|5",
      "params.\"p.a.r.a.m\" != \"a\"|PARAM|p.a.r.a.m|!=|a",
      "tags.\"t.a.g\" = \"a\"|TAG|t.a.g|=|a",
      "attribute.artifact_uri = '1/23/4'|ATTRIBUTE|artifact_uri|=|1/23/4",
      "attribute.start_time >= 1234|ATTRIBUTE|start_time|>=|1234",
      "run.status = 'RUNNING'|ATTRIBUTE|status|=|RUNNING",
      "dataset.name = 'my_dataset'|DATASET|name|=|my_dataset",
      "params.m = 'LR'|PARAM|m|=|LR",
      "params.m = \"LR\"|PARAM|m|=|LR",
      "params.m = \"L'Hosp\"|PARAM|m|=|L'Hosp"})
  void filtersMlflowAccepts(String filter, Key.Kind kind, String key, String op, String value) {
    Expr e = FilterParser.parse(filter);
    Expr.Compare c = (Expr.Compare) e;
    assertEquals(kind, c.key().kind(), filter);
    assertEquals(key, c.key().name(), filter);
    assertEquals(op, c.op().symbol(), filter);
    assertEquals(c.key().numeric() ? (Object) Double.valueOf(value) : value, c.value(), filter);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tags.version IS NULL", "tags.version IS NOT NULL", "params.lr IS NULL", "params.lr IS NOT NULL"})
  void nullTestsMlflowAccepts(String filter) {
    assertEquals(Expr.IsNull.class, FilterParser.parse(filter).getClass());
  }

  @ParameterizedTest
  @ValueSource(strings = {"metrics.rmse < 1 and params.model_class = 'LR'", "tags.a IS NULL AND params.b = 'val'"})
  void conjunctionsMlflowAccepts(String filter) {
    assertEquals(2, ((Expr.And) FilterParser.parse(filter)).parts().size());
  }

  // test_error_filter, test_error_comparison_clauses, test_bad_quotes, test_invalid_clauses (minus the extensions below)
  @ParameterizedTest
  @ValueSource(strings = {
      "metric.acc >= 0.94; metrics.rmse < 1",
      "m.acc >= 0.94",
      "acc >= 0.94",
      "p.model >= 'LR'",
      "attri.x != 1",
      "a.x != 1",
      "model >= 'LR'",
      "metrics.A > 0.1 NAND params.B = 'LR'",
      "`metrics.A > 0.1",
      "param`.A > 0.1",
      "`dummy.A > 0.1",
      "dummy`.A > 0.1",
      "attribute.start != 1",
      "attribute.lifecycle_stage = 'ACTIVE'",
      "attribute.name != 1",
      "attribute.time != 1",
      "attribute._status != 'RUNNING'",
      "attribute.status = true",
      "dataset.status = 'true'",
      "dataset.profile = 'num_rows: 10'",
      "metric.model = 'LR'",
      "metric.model = '5'",
      "params.acc = 5",
      "tags.acc = 5",
      "metrics.acc != metrics.acc",
      "1.0 > metrics.acc",
      "attribute.status = 1",
      "params.acc = LR",
      "tags.acc = LR",
      "params.acc = `LR`",
      "params.'acc = LR",
      "params.acc = 'LR",
      "params.acc = LR'",
      "params.acc = \"LR'",
      "tags.acc = \"LR'",
      "tags.acc = = 'LR'",
      "attribute.status IS 'RUNNING'",
      "params.acc LR !=",
      "params.acc LR",
      "metric.acc !=",
      "acc != 1.0",
      "foo is null",
      "1=1",
      "1==2",
      // test_bad_comparators: a comparison MLflow has no meaning for
      "metrics.abc ~ 1.0",
      "params.abc > 'my-param-value'",
      "tags.abc <= 'my-tag-value'",
      "attributes.status >= 'my-tag-value'",
      "attributes.start_time LIKE 1234",
      "datasets.name > 'my-dataset-name'"})
  void filtersMlflowRejects(String filter) {
    assertThrows(InvalidArgumentException.class, () -> FilterParser.parse(filter), filter);
  }

  /** Filters MLflow refuses that this library accepts on purpose: what its users keep asking for. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "metrics.A > 0.1 OR params.B = 'LR'|OR",
      "metrics.A > 0.1 AND (params.B = 'LR')|parentheses",
      "metrics.acc IS NULL|IS NULL on any key: a run that never logged the metric",
      "attribute.status IS NULL|IS NULL on attributes (always false for status; end_time of a running run is null)",
      "attribute.experiment_id != '1'|experiment_id is searchable, for searches across experiments"})
  void mlflowRejectsButThisLibraryExtends(String filter, String why) {
    assertDoesNotThrow(() -> FilterParser.parse(filter), why);
  }

  // test_correct_sorting, test_space_order_by_search_runs: clause -> kind|key|ascending
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "tags.noSuchTag|TAG|noSuchTag|true",
      "attributes.status|ATTRIBUTE|status|true",
      "attributes.start_time|ATTRIBUTE|start_time|true",
      "metrics.key1 asc|METRIC|key1|true",
      "metrics.\"key1\"  desc|METRIC|key1|false",
      "params.my_param aSc|PARAM|my_param|true",
      "attributes.status  ASC|ATTRIBUTE|status|true",
      "attributes.status   DESC|ATTRIBUTE|status|false",
      "params.`my_param` DESC|PARAM|my_param|false",
      "tags.tag1    DESC|TAG|tag1|false",
      "metrics.`Mean Square Error`|METRIC|Mean Square Error|true",
      "metrics.`Mean Square Error` ASC|METRIC|Mean Square Error|true",
      "metrics.`Mean Square Error` DESC|METRIC|Mean Square Error|false"})
  void orderByMlflowAccepts(String clause, Key.Kind kind, String key, boolean ascending) {
    assertEquals(new OrderBy(new Key(kind, key), ascending), OrderBy.parse(clause));
  }

  // test_invalid_order_by_search_runs (attribute.experiment_id is the extension above)
  @ParameterizedTest
  @ValueSource(strings = {"m.acc", "acc", "attri.x", "`metrics.A", "`metrics.A`", "attribute.start", "metrics.A != 1", "params.my_param ",
      "attribute.run_id ACS", "attribute.run_id decs"})
  void orderByMlflowRejects(String clause) {
    assertThrows(InvalidArgumentException.class, () -> OrderBy.parse(clause), clause);
  }

  @org.junit.jupiter.api.Test
  void orderByRejectsAKeyTwice() {
    assertThrows(InvalidArgumentException.class, () -> OrderBy.parseAll(List.of("metrics.a", "metrics.a DESC")));
    assertEquals(2, OrderBy.parseAll(List.of("metrics.a", "params.a DESC")).size());
  }

  // test_validation.py: GOOD_METRIC_OR_PARAM_NAMES, and the unique paths of test_path_not_unique
  @ParameterizedTest
  @ValueSource(strings = {"a", "Ab-5_", "a/b/c", "a.b.c", ".a", "b.", "a..a/._./o_O/.e.", "a b/c d", "a.b/c"})
  void keysMlflowAccepts(String key) {
    assertEquals(key, Validation.key("metric key", key));
  }

  // BAD_METRIC_OR_PARAM_NAMES and the not-unique paths of test_path_not_unique
  @ParameterizedTest
  @ValueSource(strings = {"", ".", "/", "..", "//", "a//b", "a/./b", "/a", "a/", "\\", "./", "/./", "./a", "a/b/../c", "../a/b",
      "/a/b/c"})
  void keysMlflowRejects(String key) {
    assertThrows(InvalidArgumentException.class, () -> Validation.key("metric key", key), key);
  }
}
