package dev.mlops.api.registry;

/**
 * A registry change, delivered to listeners in order of {@code seq}.
 *
 * @param seq position in the store's event log
 * @param model the model it concerns
 * @param type {@code MODEL_CREATED}, {@code VERSION_REGISTERED}, {@code ALIAS_MOVED}, {@code ALIAS_DELETED},
 *     {@code VERSION_DELETED}, {@code REQUEST_OPENED}, {@code REQUEST_APPROVED}, {@code REQUEST_REJECTED}, ...
 * @param payload details as {@code key=value} pairs separated by {@code ;}, for example {@code alias=champion;version=3}
 * @param time epoch ms
 */
public record RegistryEvent(long seq, String model, String type, String payload, long time) {
  /** A payload value by key, or "" when absent. */
  public String get(String key) {
    for (String part : payload.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).equals(key)) {
        return part.substring(eq + 1);
      }
    }
    return "";
  }
}
