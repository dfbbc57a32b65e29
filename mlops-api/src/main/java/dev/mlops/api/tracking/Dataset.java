package dev.mlops.api.tracking;

import dev.mlops.api.internal.Validation;
import java.util.Optional;

/**
 * A dataset a run used.
 *
 * @param name a human name
 * @param digest a content digest (for example a SHA-256 hex of the data)
 * @param sourceUri where the data came from, or empty
 * @param schema a description of the columns (JSON recommended), or empty
 * @param rowCount the number of rows, or -1 when unknown
 */
public record Dataset(String name, String digest, String sourceUri, String schema, long rowCount) {
  /** The canonical constructor: invalid components are refused; null strings become empty. */
  public Dataset {
    Validation.name("dataset name", name, Validation.MAX_DATASET_NAME_LENGTH);
    Validation.name("dataset digest", digest, 256);
    sourceUri = sourceUri == null ? "" : Validation.maxLength("dataset sourceUri", sourceUri, Validation.MAX_DATASET_SOURCE_LENGTH);
    schema = schema == null ? "" : Validation.maxLength("dataset schema", schema, Validation.MAX_DATASET_SCHEMA_LENGTH);
    if (rowCount < -1) {
      throw dev.mlops.api.InvalidArgumentException.of("dataset rowCount", rowCount, "must be -1 (unknown) or a count");
    }
  }

  /** The row count, if known. */
  public Optional<Long> rows() {
    return rowCount < 0 ? Optional.empty() : Optional.of(rowCount);
  }
}
