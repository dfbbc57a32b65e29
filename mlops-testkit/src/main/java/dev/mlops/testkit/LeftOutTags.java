package dev.mlops.testkit;

import java.util.Arrays;

/**
 * The test tags a build leaves out, as the system property {@value #PROPERTY} names them (comma-separated, the value
 * of surefire's {@code excludedGroups}; {@code mvn -Pquick verify} sets both). A helper that starts a heavy resource
 * asks {@link #refuse} first, so that a test which needs PostgreSQL or a browser but lacks its tag fails at once in
 * such a build, with a message naming the tag, instead of quietly making the quick build slow.
 */
public final class LeftOutTags {
  /** The system property listing the tags left out of this run. */
  public static final String PROPERTY = "mlops.test.excludedGroups";

  private LeftOutTags() {}

  /**
   * Throws when tests tagged {@code tag} are left out of this run: the caller, which is about to start
   * {@code resource}, is then a test that should carry the tag.
   *
   * @throws IllegalStateException naming the resource and the tag the test lacks
   */
  public static void refuse(String tag, String resource) {
    String excluded = System.getProperty(PROPERTY, "");
    if (Arrays.stream(excluded.split(",")).map(String::trim).anyMatch(tag::equals)) {
      throw new IllegalStateException(resource + " was asked for in a run that leaves out tests tagged '" + tag
          + "' (" + PROPERTY + "=" + excluded + "): the test that asks for it must carry that tag");
    }
  }
}
