package dev.mlops.api.artifact;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;

/** Validation of artifact paths, shared by every artifact store. */
public final class ArtifactPaths {
  /** Longest artifact path. */
  public static final int MAX_LENGTH = 1024;

  private ArtifactPaths() {}

  /**
   * Normalises a relative artifact path ('\\' becomes '/', "." segments and repeated slashes are
   * dropped) and refuses anything that could leave the run's artifact root.
   *
   * @param allowRoot whether "" (the root itself) is acceptable
   * @throws InvalidArgumentException for an absolute path, a ".." segment, a NUL or control
   *     character, or an empty path where one is needed
   */
  public static String normalize(String path, boolean allowRoot) {
    Validation.notNull("artifact path", path);
    Validation.maxLength("artifact path", path, MAX_LENGTH);
    String p = path.replace('\\', '/');
    if (p.startsWith("/") || (p.length() >= 2 && p.charAt(1) == ':')) {
      throw InvalidArgumentException.of("artifact path", path, "must be relative to the run's artifact root, not absolute");
    }
    StringBuilder sb = new StringBuilder();
    for (String seg : p.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        throw InvalidArgumentException.of("artifact path", path, "must not contain '..' (it would escape the run's artifact root)");
      }
      for (int i = 0; i < seg.length(); i++) {
        if (Character.isISOControl(seg.charAt(i))) {
          throw InvalidArgumentException.of("artifact path", path, "must not contain control characters");
        }
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(seg);
    }
    if (sb.length() == 0 && !allowRoot) {
      throw InvalidArgumentException.of("artifact path", path, "must name a file below the run's artifact root");
    }
    return sb.toString();
  }

  /** Normalises a path that must name a file. */
  public static String normalize(String path) {
    return normalize(path, false);
  }
}
