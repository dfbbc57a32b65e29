package dev.mlops.tracking.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Facts about where a run executes, recorded as system tags: git commit, branch and dirty flag
 * (when inside a git work tree and {@code git} is on the PATH), host, user, JVM version, main class
 * and library version. Computed once per tracker; every probe has a short time limit and a failure
 * only leaves its tag out.
 */
public final class SystemTags {
  public static final String PREFIX = "mlops.";
  public static final String GIT_COMMIT = "mlops.source.git.commit";
  public static final String GIT_BRANCH = "mlops.source.git.branch";
  public static final String GIT_DIRTY = "mlops.source.git.dirty";
  public static final String HOST = "mlops.host";
  public static final String USER = "mlops.user";
  public static final String JAVA_VERSION = "mlops.java.version";
  public static final String MAIN_CLASS = "mlops.source.main_class";
  public static final String LIBRARY_VERSION = "mlops.library.version";
  public static final String PARENT_RUN_ID = "mlops.parentRunId";
  public static final String RUN_NAME = "mlops.runName";
  public static final String FAILURE = "mlops.failure";

  private SystemTags() {}

  /** Captures the tags for {@code workDir}. */
  public static Map<String, String> capture(Path workDir, String user) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(USER, user);
    tags.put(JAVA_VERSION, System.getProperty("java.version", "unknown"));
    tags.put(LIBRARY_VERSION, libraryVersion());
    String main = mainClass();
    if (!main.isEmpty()) {
      tags.put(MAIN_CLASS, main);
    }
    try {
      tags.put(HOST, InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      if (env != null) {
        tags.put(HOST, env);
      }
    }
    String commit = git(workDir, "rev-parse", "HEAD");
    if (commit != null && commit.matches("[0-9a-f]{40,64}")) {
      tags.put(GIT_COMMIT, commit);
      String branch = git(workDir, "rev-parse", "--abbrev-ref", "HEAD");
      if (branch != null && !branch.isEmpty()) {
        tags.put(GIT_BRANCH, branch);
      }
      String status = git(workDir, "status", "--porcelain", "--untracked-files=no");
      if (status != null) {
        tags.put(GIT_DIRTY, Boolean.toString(!status.isBlank()));
      }
    }
    return tags;
  }

  /** The library's version, from the jar's build. */
  public static String libraryVersion() {
    try (InputStream in = SystemTags.class.getResourceAsStream("/dev/mlops/tracking/version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown";
  }

  private static String mainClass() {
    String cmd = System.getProperty("sun.java.command", "");
    String first = cmd.split(" ", 2)[0];
    return first.endsWith(".jar") ? "jar:" + Path.of(first).getFileName() : first;
  }

  private static String git(Path dir, String... args) {
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toAbsolutePath().toString()));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readNBytes(1 << 20);
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Whether a path exists (used by tests of the git probe). */
  static boolean exists(Path p) {
    return Files.exists(p);
  }
}
