package dev.mlops.registry;

import org.jspecify.annotations.Nullable;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;

/**
 * A parsed model URI: {@code models:/NAME@ALIAS}, {@code models:/NAME/VERSION} or
 * {@code models:/NAME/latest}.
 *
 * @param name the model
 * @param alias the alias, or null
 * @param version the version, or -1 for latest (or when an alias is given)
 */
public record ModelUri(String name, @Nullable String alias, int version) {
  /** Parses a model URI. @throws InvalidArgumentException naming the URI and the expected forms */
  public static ModelUri parse(String uri) {
    Validation.notNull("model uri", uri);
    String forms = "expected models:/NAME@ALIAS, models:/NAME/VERSION or models:/NAME/latest";
    if (!uri.startsWith("models:/")) {
      throw InvalidArgumentException.of("model uri", uri, forms);
    }
    String rest = uri.substring("models:/".length());
    int at = rest.lastIndexOf('@');
    if (at > 0) {
      return new ModelUri(RegistryCore.checkName(rest.substring(0, at)), RegistryCore.checkAlias(rest.substring(at + 1)), -1);
    }
    int slash = rest.lastIndexOf('/');
    if (slash <= 0) {
      throw InvalidArgumentException.of("model uri", uri, forms);
    }
    String name = RegistryCore.checkName(rest.substring(0, slash));
    String v = rest.substring(slash + 1);
    if (v.equals("latest")) {
      return new ModelUri(name, null, -1);
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return new ModelUri(name, null, n);
    } catch (NumberFormatException e) {
      throw InvalidArgumentException.of("model uri", uri, "version must be a positive number or 'latest'; " + forms);
    }
  }
}
