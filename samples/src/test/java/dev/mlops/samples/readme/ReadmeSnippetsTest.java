package dev.mlops.samples.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mlops.testkit.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * Every {@code java} block of the README compiles and runs, as written, so the README cannot drift
 * from the API. A block of statements becomes the body of a {@link ReadmeContext} subclass (which
 * provides what the README takes as given: {@code tribuoModel}, {@code runId}, {@code registry},
 * {@code monitor}, ...) compiled against the library and run in its own JVM whose working
 * directory is a fresh folder, so {@code file:./mlops} and {@code train.csv} are real files there.
 * A block that declares a class is compiled too, and must be the text of a test class of this
 * module, which the build runs.
 */
@ChildJvm
class ReadmeSnippetsTest {
  private static final Path README = Path.of("..", "README.md");
  private static final List<String> IMPORTS = List.of("dev.mlops.api", "dev.mlops.api.artifact", "dev.mlops.api.monitoring",
      "dev.mlops.api.registry", "dev.mlops.api.search", "dev.mlops.api.spi", "dev.mlops.api.tracking", "dev.mlops.tracking",
      "dev.mlops.registry", "dev.mlops.registry.RoleBasedAccessPolicy", "dev.mlops.monitoring", "dev.mlops.monitoring.data", "dev.mlops.monitoring.drift", "dev.mlops.monitoring.performance",
      "dev.mlops.monitoring.profile", "dev.mlops.monitoring.quality", "dev.mlops.monitoring.report", "dev.mlops.serving",
      "dev.mlops.retraining", "dev.mlops.ui", "dev.mlops.onnx", "dev.mlops.testkit", "com.example.casstore", "java.util", "java.nio.file", "java.time", "org.tribuo",
      "org.tribuo.classification", "org.tribuo.classification.sgd.linear");

  record Snippet(int line, String code) {
    boolean declaresClass() {
      return code.stripLeading().startsWith("class ");
    }
  }

  static List<Snippet> snippets(List<String> lines) {
    List<Snippet> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("```java")) {
        int start = i + 1;
        StringBuilder code = new StringBuilder();
        for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
          code.append(lines.get(i)).append('\n');
        }
        out.add(new Snippet(start + 1, code.toString()));
      }
    }
    return out;
  }

  @Test
  void everyJavaBlockOfTheReadmeCompilesAndRuns(@TempDir Path dir) throws Exception {
    List<Snippet> snippets = snippets(Files.readAllLines(README, StandardCharsets.UTF_8));
    assertTrue(snippets.size() >= 6, "the README's java blocks were found: " + snippets.size());
    String header = IMPORTS.stream().map(p -> "import " + p + ".*;").collect(Collectors.joining("\n")) + "\n";
    int headerLines = IMPORTS.size();
    Path src = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<Path> sources = new ArrayList<>();
    List<String> mains = new ArrayList<>();
    for (Snippet s : snippets) {
      if (s.declaresClass()) {
        String name = s.code().stripLeading().substring("class ".length()).split("[\\s<{]", 2)[0];
        assertDeclaredInATestOfThisModule(s, name);
        Path f = src.resolve(name + ".java");
        // a line directive is not Java: keep line numbers by starting the class right after the imports
        Files.writeString(f, header + s.code());
        sources.add(f);
        continue;
      }
      String name = "ReadmeLine" + s.line();
      String text = header + "public class " + name + " extends " + ReadmeContext.class.getName() + " {\n"
          + "  public static void main(String[] args) throws Exception {\n"
          + "    " + name + " snippet = new " + name + "();\n"
          + "    try { snippet.body(); } finally { snippet.close(); }\n"
          + "    System.exit(0);\n"
          + "  }\n"
          + "  void body() throws Exception {\n"
          + s.code()
          + "  }\n}\n";
      Path f = src.resolve(name + ".java");
      Files.writeString(f, text);
      sources.add(f);
      mains.add(name);
    }
    String classpath = classpath();
    compile(sources, classes, classpath, headerLines + 7, snippets);
    for (String main : mains) {
      Path work = Files.createDirectories(dir.resolve("run-" + main));
      Path log = dir.resolve(main + ".log");
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", classes + File.pathSeparator + classpath, main)
          .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean done = p.waitFor(180, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String out = Files.readString(log);
      assertTrue(done, "README snippet at line " + main.substring("ReadmeLine".length()) + " did not finish in 180 s:\n" + out);
      assertEquals(0, p.exitValue(), "README snippet at line " + main.substring("ReadmeLine".length()) + " failed:\n" + out);
    }
    assertTrue(mains.size() >= 5, "statement blocks run: " + mains);
  }

  private static void compile(List<Path> sources, Path classes, String classpath, int bodyOffset, List<Snippet> snippets)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "a JDK's compiler");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      Boolean ok = javac.getTask(null, files, diagnostics,
          List.of("-classpath", classpath, "-d", classes.toString(), "-proc:none", "-encoding", "UTF-8"), null,
          files.getJavaFileObjectsFromPaths(sources)).call();
      if (!ok) {
        StringBuilder sb = new StringBuilder("README snippets do not compile:\n");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          if (d.getKind() != Diagnostic.Kind.ERROR) {
            continue;
          }
          String file = d.getSource() == null ? "?" : Path.of(d.getSource().toUri()).getFileName().toString();
          sb.append(readmeLine(file, d.getLineNumber(), bodyOffset, snippets)).append(": ")
              .append(d.getMessage(Locale.ROOT)).append('\n');
        }
        fail(sb.toString());
      }
    }
  }

  /** Where in the README a compiler diagnostic points. */
  private static String readmeLine(String file, long line, int bodyOffset, List<Snippet> snippets) {
    if (file.startsWith("ReadmeLine")) {
      int start = Integer.parseInt(file.substring("ReadmeLine".length(), file.length() - ".java".length()));
      return "README.md line " + (start + line - bodyOffset - 1);
    }
    return file + " line " + line + " (README block that declares the class; its first line follows " + IMPORTS.size()
        + " import lines)";
  }

  /** A class the README shows is a real test of this module, so the build runs it. */
  private static void assertDeclaredInATestOfThisModule(Snippet s, String name) throws IOException {
    String wanted = normalize(s.code());
    try (Stream<Path> files = Files.walk(Path.of("src", "test", "java"))) {
      List<Path> matches = files.filter(f -> f.getFileName().toString().equals(name + ".java")).toList();
      assertEquals(1, matches.size(), "README line " + s.line() + " shows class " + name + ", a test of samples: " + matches);
      String actual = normalize(Files.readString(matches.get(0)));
      assertTrue(actual.contains(wanted), "README line " + s.line() + " shows class " + name + " differently from "
          + matches.get(0) + ":\n" + s.code());
    }
  }

  private static String normalize(String code) {
    return code.replaceAll("\\s+", " ").strip();
  }

  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    List<String> entries = Stream.of(cp.split(File.pathSeparator)).filter(e -> !e.isBlank()).toList();
    entries.forEach(e -> {
      if (!Files.exists(Path.of(e))) {
        throw new UncheckedIOException(new IOException("classpath entry " + e + " does not exist"));
      }
    });
    return String.join(File.pathSeparator, entries);
  }
}
