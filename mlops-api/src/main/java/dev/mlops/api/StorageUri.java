package dev.mlops.api;

import dev.mlops.api.internal.Validation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A storage URI parsed once: {@code mem:NAME}, {@code file:PATH[?sync=full]},
 * {@code jdbc:postgresql://HOST:PORT/DB?user=..&password=..}, or any scheme a provider supports.
 * {@link #toString()} masks secrets (passwords, tokens, keys), so a URI can be logged and put in
 * messages.
 *
 * @param uri the URI as given
 * @param scheme the scheme, lower case, without the colon
 * @param location the URI without its scheme and without a {@code ?query}: the name of a
 *     {@code mem:} store, the directory of a {@code file:} store, {@code postgresql://HOST/DB} of a
 *     {@code jdbc:} one
 * @param parameters the query parameters, decoded, in order
 */
public record StorageUri(String uri, String scheme, String location, Map<String, String> parameters) {
  private static final Pattern SECRET = Pattern.compile("(?i)([?&;](?:password|passwd|pwd|secret|token|apikey|api_key|access_key|secret_key)=)([^&;]*)");
  private static final Pattern USERINFO = Pattern.compile("(//[^/:@]*:)([^@/]*)(@)");

  /** The canonical constructor: collections are copied and immutable; invalid components are refused. */
  public StorageUri {
    Validation.notNull("storage uri", uri);
    parameters = Map.copyOf(parameters);
  }

  /**
   * Parses a URI.
   *
   * @throws InvalidArgumentException if it has no scheme, or a {@code file:} URI has no path (the
   *     message shows the URI with secrets masked)
   */
  public static StorageUri parse(String uri) {
    Validation.notNull("storage uri", uri);
    int colon = uri.indexOf(':');
    if (colon <= 0 || !uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      throw InvalidArgumentException.of("storage uri", mask(uri), "must start with a scheme such as mem:, file: or jdbc:");
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = uri.substring(colon + 1);
    Map<String, String> params = new LinkedHashMap<>();
    int q = rest.indexOf('?');
    if (q >= 0) {
      for (String part : rest.substring(q + 1).split("&")) {
        if (part.isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        String k = eq < 0 ? part : part.substring(0, eq);
        String v = eq < 0 ? "" : part.substring(eq + 1);
        params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      }
      rest = rest.substring(0, q);
    }
    if (scheme.equals("file")) {
      if (rest.startsWith("//")) {
        rest = rest.substring(2);
      }
      if (rest.isEmpty()) {
        throw InvalidArgumentException.of("storage uri", mask(uri), "file: needs a directory path, for example file:./mlops");
      }
    }
    if (scheme.equals("mem") && rest.isEmpty()) {
      rest = "default";
    }
    return new StorageUri(uri, scheme, rest, params);
  }

  /** For {@code jdbc:} URIs, the sub-protocol ({@code postgresql}, {@code mysql}, ...), else "". */
  public String subProtocol() {
    if (!scheme.equals("jdbc")) {
      return "";
    }
    int c = location.indexOf(':');
    return (c < 0 ? location : location.substring(0, c)).toLowerCase(Locale.ROOT);
  }

  /** For {@code jdbc:} URIs of the form {@code jdbc:SUB://HOST[:PORT]/...}, {@code HOST:PORT} (PORT may be absent), else "". */
  public String hostAndPort() {
    Matcher m = Pattern.compile("//(?:[^@/]*@)?([^/?]+)").matcher(location);
    return m.find() ? m.group(1) : "";
  }

  /** Masks secrets in a URI string: passwords in the query or in {@code user:password@}. */
  public static String mask(String uri) {
    String s = SECRET.matcher(uri).replaceAll("$1****");
    return USERINFO.matcher(s).replaceAll("$1****$3");
  }

  /** The URI with secrets masked. */
  @Override
  public String toString() {
    return mask(uri);
  }
}
