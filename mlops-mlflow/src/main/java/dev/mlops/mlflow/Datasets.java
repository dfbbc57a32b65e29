package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import java.util.ArrayList;
import java.util.List;

/**
 * MLflow's {@code DatasetInput} messages and this library's {@link DatasetInput}: name, digest,
 * source, schema and the context tag map one to one; a profile's {@code num_rows} becomes the row
 * count. MLflow's {@code source_type} has no field in this library's dataset and reads back as
 * {@code "external"}; other profile fields and other dataset input tags are not kept.
 */
final class Datasets {
  private Datasets() {}

  static String sourceType(Dataset d) {
    return "external";
  }

  static String source(Dataset d) {
    return d.sourceUri();
  }

  /** The inputs of a {@code log-inputs} request, validated before anything is written. */
  static List<DatasetInput> parse(List<Message> datasetInputs) {
    List<DatasetInput> out = new ArrayList<>();
    for (Message in : datasetInputs) {
      Message d = in.message("dataset");
      if (d == null) {
        throw MlflowError.invalid("Missing value for required parameter 'datasets.dataset'");
      }
      String context = DatasetInput.TRAINING;
      for (Message tag : in.messages("tags")) {
        if (Wire.CONTEXT_TAG.equals(tag.string("key")) && tag.string("value") != null) {
          context = tag.string("value");
        }
      }
      long rows = -1;
      String profile = d.string("profile");
      if (profile != null && !profile.isBlank()) {
        try {
          JsonNode p = Wire.JSON.readTree(profile);
          if (p.path("num_rows").canConvertToLong()) {
            rows = p.path("num_rows").asLong();
          }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          // a profile that is not JSON carries no row count; the dataset is still recorded
          rows = -1;
        }
      }
      String source = d.string("source");
      String schema = d.string("schema");
      out.add(new DatasetInput(new Dataset(d.required("name"), d.required("digest"), source == null ? "" : source,
          schema == null ? "" : schema, rows), context));
    }
    return out;
  }
}
