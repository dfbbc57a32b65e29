package dev.mlops.retraining;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mlops.api.StorageException;

/** The JSON form of a loop's records in the store and in run artifacts. */
final class LoopJson {
  static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.INDENT_OUTPUT, false);

  /**
   * A trigger as stored, with what the loop decided.
   *
   * @param trigger the trigger
   * @param outcome the decision
   * @param detail why
   */
  record Entry(Trigger trigger, TriggerResult.Outcome outcome, String detail) {}

  private LoopJson() {}

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
    }
  }

  static String pretty(Object value) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
    }
  }

  static <V> V read(String json, Class<V> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot read a stored " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
