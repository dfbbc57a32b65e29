package dev.mlops.samples.readme;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.testkit.Slow;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public and protected member of the library's API packages (everything but {@code internal}
 * packages) has a documentation comment: the modules' sources are compiled with javac's doclint
 * and any "no comment" finding fails this test, naming the file and line.
 */
@Slow
class ApiDocumentationTest {
  private static final List<String> MODULES = List.of("mlops-api", "mlops-testkit", "mlops-tracking", "mlops-registry",
      "mlops-onnx", "mlops-monitoring", "mlops-serving", "mlops-serving-http", "mlops-retraining", "mlops-ui", "mlops-mlflow");

  @Test
  void everyPublicMemberOfAnApiPackageIsDocumented(@TempDir Path out) throws Exception {
    List<Path> sources = new ArrayList<>();
    for (String module : MODULES) {
      try (Stream<Path> files = Files.walk(Path.of("..", module, "src", "main", "java"))) {
        files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("module-info.java"))
            .forEach(sources::add);
      }
    }
    assertTrue(sources.size() > 100, "the modules' sources were found: " + sources.size());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "a JDK's compiler");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      javac.getTask(null, files, diagnostics, List.of("-classpath", cp, "-d", out.toString(), "-proc:none", "-encoding", "UTF-8",
          "-Xdoclint:missing/protected", "-Xmaxwarns", "100000"), null, files.getJavaFileObjectsFromPaths(sources)).call();
    }
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> undocumented = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getSource() == null || !d.getMessage(Locale.ROOT).equals("no comment")) {
        continue;
      }
      String file = Path.of(d.getSource().toUri()).toString();
      if (file.contains(File.separator + "internal" + File.separator)) {
        continue;
      }
      undocumented.add(root.relativize(Path.of(file).toAbsolutePath().normalize()) + ":" + d.getLineNumber());
    }
    assertTrue(undocumented.isEmpty(), undocumented.size() + " public members without a documentation comment:\n"
        + String.join("\n", undocumented));
  }
}
