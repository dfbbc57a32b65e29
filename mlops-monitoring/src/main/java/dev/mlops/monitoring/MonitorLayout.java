package dev.mlops.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Where a monitor's history lives in its monitoring store, and in which form: the one place that
 * knows the keys and the JSON. Profiles, under the monitor's name: the reference ({@code reference}),
 * each reference it replaced ({@code reference-<epoch ms>}), each window's rows
 * ({@code window-<n>}) and each segment's ({@code window-<n>-segment-<value>}). Reports and alerts:
 * one JSON record each, by window. The monitor writes through this class and {@link MonitorHistory}
 * reads through it; a prediction log's records are {@link dev.mlops.monitoring.performance.PredictionLog}'s own.
 */
final class MonitorLayout {
  /** The key of the reference profile windows are compared with now. */
  static final String REFERENCE = "reference";
  private static final String REPLACED_REFERENCE = "reference-";
  // a report or alert written by a later version may carry fields this one does not know
  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private MonitorLayout() {}

  /** The key of the reference that was replaced at {@code time}. */
  static String replacedReference(long time) {
    return REPLACED_REFERENCE + time;
  }

  /** The prefix of the replaced references' keys. */
  static String replacedReferences() {
    return REPLACED_REFERENCE;
  }

  /** The time a replaced reference's key names. */
  static long replacedAt(String key) {
    return Long.parseLong(key.substring(REPLACED_REFERENCE.length()));
  }

  /** The key of a window's profile. */
  static String window(long window) {
    return "window-" + window;
  }

  /** The key of a segment's profile in a window. */
  static String segment(long window, String segment) {
    return segments(window) + segment;
  }

  /** The prefix of a window's segment profiles' keys. */
  static String segments(long window) {
    return window(window) + "-segment-";
  }

  /** A report or an alert as stored. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a monitor's record cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A stored report. */
  static WindowReport report(String json) throws JsonProcessingException {
    return JSON.readValue(json, WindowReport.class);
  }

  /** A stored alert. */
  static Alert alert(String json) throws JsonProcessingException {
    return JSON.readValue(json, Alert.class);
  }

  /** Whether a stored report is a summary, without reading the rest of it. */
  static boolean isSummary(String json) {
    try {
      return JSON.readTree(json).path("summary").asBoolean(false);
    } catch (JsonProcessingException e) {
      return false;
    }
  }
}
