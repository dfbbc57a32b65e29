package dev.mlops.api.internal;

import dev.mlops.api.InvalidArgumentException;

import java.util.regex.Pattern;

/**
 * Argument checks shared by every module, with MLflow's limits. Each check throws
 * {@link InvalidArgumentException} naming the field, the value and the rule; nothing is truncated.
 */
public final class Validation {
  /** Longest param, metric and tag key. */
  public static final int MAX_KEY_LENGTH = 250;
  /** Longest param value. */
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;
  /** Longest run tag value. */
  public static final int MAX_TAG_VALUE_LENGTH = 8000;
  /** Longest experiment name. */
  public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
  /** Longest experiment tag value. */
  public static final int MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000;
  /** Longest run name. */
  public static final int MAX_RUN_NAME_LENGTH = 250;
  /** Longest dataset name. */
  public static final int MAX_DATASET_NAME_LENGTH = 500;
  /** Longest dataset source URI. */
  public static final int MAX_DATASET_SOURCE_LENGTH = 65535;
  /** Longest dataset schema. */
  public static final int MAX_DATASET_SCHEMA_LENGTH = 1048575;

  private static final Pattern KEY = Pattern.compile("[/\\w.\\- :]*");
  private static final Pattern ID = Pattern.compile("[a-zA-Z0-9][\\w\\-]{0,255}");

  private Validation() {}

  /** Checks a param, metric or tag key: 1..250 chars of letters, digits, {@code _ - . / : space}, a normalised relative path. */
  public static String key(String field, String key) {
    notNull(field, key);
    if (key.isEmpty()) {
      throw InvalidArgumentException.of(field, key, "must not be empty");
    }
    maxLength(field, key, MAX_KEY_LENGTH);
    if (!isKeyText(key)) {
      throw InvalidArgumentException.of(field, key,
          "may contain only letters, digits, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)");
    }
    if (!isNormalisedPath(key)) {
      throw InvalidArgumentException.of(field, key,
          "must be a normalised relative path (no leading or trailing '/', no '.' or '..' segment, no empty segment)");
    }
    return key;
  }

  /** MLflow's rule: a key used as a file name must not resolve to another name (posix normpath leaves it unchanged). */
  private static boolean isNormalisedPath(String key) {
    int start = 0;
    while (true) {
      int slash = key.indexOf('/', start);
      int end = slash < 0 ? key.length() : slash;
      int len = end - start;
      if (len == 0 || (len == 1 && key.charAt(start) == '.') || (len == 2 && key.charAt(start) == '.' && key.charAt(start + 1) == '.')) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      start = slash + 1;
    }
  }

  // a char loop rather than KEY.matcher(): keys are checked on every metric point
  private static boolean isKeyText(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'
          || c == ' ' || c == ':' || c == '/' || (c > 127 && KEY.matcher(String.valueOf(c)).matches());
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Checks an entity id such as a run or experiment id. */
  public static String id(String field, String id) {
    notNull(field, id);
    if (!ID.matcher(id).matches()) {
      throw InvalidArgumentException.of(field, id, "must match [a-zA-Z0-9][\\w-]{0,255}");
    }
    return id;
  }

  /** Checks that {@code value} is at most {@code max} characters long. */
  public static String maxLength(String field, String value, int max) {
    notNull(field, value);
    if (value.length() > max) {
      throw new InvalidArgumentException(field + " has length " + value.length() + ", over the limit of " + max
          + " characters (value starts " + quote(value) + ")");
    }
    return value;
  }

  /** Checks a display name: not blank, at most {@code max} characters, no control characters. */
  public static String name(String field, String name, int max) {
    notNull(field, name);
    if (name.isBlank()) {
      throw InvalidArgumentException.of(field, name, "must not be blank");
    }
    maxLength(field, name, max);
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw InvalidArgumentException.of(field, name, "must not contain control characters (found at index " + i + ")");
      }
    }
    return name;
  }

  /** Checks that a value is not null. */
  public static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new InvalidArgumentException(field + " must not be null");
    }
    return value;
  }

  /** Checks that a whole number is not negative. */
  public static long nonNegative(String field, long value) {
    if (value < 0) {
      throw InvalidArgumentException.of(field, value, "must be zero or positive");
    }
    return value;
  }

  /** Checks that a whole number is positive. */
  public static int positive(String field, int value) {
    if (value <= 0) {
      throw InvalidArgumentException.of(field, value, "must be positive");
    }
    return value;
  }

  /** Quotes a value for an error message, shortening long strings. */
  public static String quote(Object value) {
    if (value == null) {
      return "null";
    }
    String s = String.valueOf(value);
    if (s.length() > 80) {
      s = s.substring(0, 77) + "...";
    }
    return value instanceof CharSequence ? "'" + s + "'" : s;
  }
}
