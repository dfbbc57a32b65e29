package dev.mlops.samples.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import dev.mlops.samples.readme.ReadmeBlocks.Snippet;
import dev.mlops.testkit.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * Every {@code java} block of the README compiles and runs, as written, with exactly the imports the
 * README shows for it, so the README cannot drift from the API and a block pasted with its imports
 * compiles. Each block is followed by a {@code java} block of its imports (folded under "Imports"):
 * a name the block uses and its imports do not give fails to compile, and an import the block does
 * not use, or a wildcard import, fails the test. A block of statements becomes the body of a
 * {@link ReadmeContext} subclass (which provides what the README says the blocks assume:
 * {@code tribuoModel}, {@code runId}, {@code registry}, {@code monitor}, ...) compiled against the
 * library and run in its own JVM whose working directory is a fresh folder, so {@code file:./mlops}
 * and {@code train.csv} are real files there. A block that declares a class is compiled too, and
 * must be the text of a test class of this module, imports included, which the build runs.
 */
@ChildJvm
class ReadmeSnippetsTest {
  private static final Path README = Path.of("..", "README.md");

  static List<Snippet> snippets(List<String> lines) {
    try {
      return ReadmeBlocks.snippets(lines);
    } catch (IllegalStateException e) {
      return fail(e.getMessage());
    }
  }

  /**
   * Where a generated source's lines come from in the README.
   *
   * @param importsAt the source's line of the block's first import
   * @param bodyOffset the source's lines before the block's first line
   */
  private record Source(Path file, Snippet snippet, int importsAt, int bodyOffset) {}

  @Test
  void everyJavaBlockOfTheReadmeCompilesAndRuns(@TempDir Path dir) throws Exception {
    List<Snippet> snippets = snippets(Files.readAllLines(README, StandardCharsets.UTF_8));
    assertTrue(snippets.size() >= 6, "the README's java blocks were found: " + snippets.size());
    Path src = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Map<String, Source> sources = new LinkedHashMap<>();
    List<String> mains = new ArrayList<>();
    for (Snippet s : snippets) {
      assertTrue(s.importsLine() != -1, "README line " + s.line() + ": the block is not followed by a block of its imports");
      Source source = write(src, s);
      sources.put(source.file().getFileName().toString(), source);
      if (!s.declaresClass()) {
        mains.add(source.file().getFileName().toString().replace(".java", ""));
      }
    }
    String classpath = classpath();
    compile(sources, classes, classpath);
    List<String> failures = new ArrayList<>();
    for (String main : mains) {
      Path work = Files.createDirectories(dir.resolve("run-" + main));
      Path log = dir.resolve(main + ".log");
      // a plain -cp of several thousand characters, as an application's is (the ONNX block's JVM crashed on such a
      // command line before the library created ONNX Runtime's environment on a thread with a stack to match)
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          classes + File.pathSeparator + classpath, main)
          .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean done = p.waitFor(180, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly().waitFor();
      }
      String line = main.substring("ReadmeLine".length());
      if (!done || p.exitValue() != 0) {
        failures.add("README snippet at line " + line + (done ? " failed with exit status " + p.exitValue() : " did not finish in 180 s")
            + ":\n" + Files.readString(log));
      }
    }
    // every block runs, so that one report names every block that fails
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertTrue(mains.size() >= 5, "statement blocks run: " + mains);
  }

  @Test
  void aBlockWhoseImportsMissANameOrNameOneItDoesNotUseFails(@TempDir Path dir) throws Exception {
    String classpath = classpath();
    List<String> readme = List.of("```java", "List<String> names = List.of(\"a\");", "```", "",
        "<details><summary>Imports</summary>", "", "```java", "import java.util.List;", "import java.util.Map;", "```");
    Map<String, Source> unused = sourcesOf(dir.resolve("unused"), snippets(readme));
    AssertionError e = assertThrows(AssertionError.class, () -> compile(unused, Files.createDirectories(dir.resolve("c1")), classpath));
    assertTrue(e.getMessage().contains("README.md line 9: import java.util.Map; is not used by the block at line 2"), e.getMessage());

    List<String> missing = List.of("```java", "List<String> names = List.of(\"a\");", "Map<String, String> m = Map.of();", "```",
        "```java", "import java.util.List;", "```");
    Map<String, Source> missingMap = sourcesOf(dir.resolve("missing"), snippets(missing));
    e = assertThrows(AssertionError.class, () -> compile(missingMap, Files.createDirectories(dir.resolve("c2")), classpath));
    assertTrue(e.getMessage().contains("README.md line 3: cannot find symbol"), e.getMessage());

    List<String> wildcard = List.of("```java", "List<String> names = List.of(\"a\");", "```", "```java", "import java.util.*;", "```");
    Map<String, Source> star = sourcesOf(dir.resolve("wildcard"), snippets(wildcard));
    e = assertThrows(AssertionError.class, () -> compile(star, Files.createDirectories(dir.resolve("c3")), classpath));
    assertTrue(e.getMessage().contains("README.md line 5: import java.util.*; imports a whole package"), e.getMessage());
  }

  /** The generated sources of blocks. */
  private static Map<String, Source> sourcesOf(Path dir, List<Snippet> snippets) throws IOException {
    Files.createDirectories(dir);
    Map<String, Source> out = new LinkedHashMap<>();
    for (Snippet s : snippets) {
      Source source = write(dir, s);
      out.put(source.file().getFileName().toString(), source);
    }
    return out;
  }

  /**
   * Writes a block as a source file after its own imports: a class as it is (a test of this module),
   * statements as the body of a {@link ReadmeContext} subclass with a main method.
   */
  private static Source write(Path dir, Snippet s) throws IOException {
    String header = String.join("\n", s.imports()) + "\n";
    if (s.declaresClass()) {
      String name = s.className();
      String pkg = packageOfTheTestDeclaring(s, name);
      Path f = dir.resolve(name + ".java");
      // a line directive is not Java: keep line numbers by starting the class right after its package and imports
      Files.writeString(f, "package " + pkg + ";\n" + header + s.code());
      return new Source(f, s, 2, s.imports().size() + 1);
    }
    Path f = dir.resolve(s.mainClass() + ".java");
    Files.writeString(f, s.mainSource());
    return new Source(f, s, 1, s.mainSourceOffset());
  }

  private static void compile(Map<String, Source> sources, Path classes, String classpath) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "a JDK's compiler");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavacTask task = (JavacTask) javac.getTask(null, files, diagnostics,
          List.of("-classpath", classpath, "-d", classes.toString(), "-proc:none", "-encoding", "UTF-8"), null,
          files.getJavaFileObjectsFromPaths(sources.values().stream().map(Source::file).toList()));
      List<String> importProblems = new ArrayList<>();
      for (CompilationUnitTree unit : task.parse()) {
        importProblems.addAll(importProblems(unit, sources.get(Path.of(unit.getSourceFile().toUri()).getFileName().toString())));
      }
      if (!importProblems.isEmpty()) {
        fail("README blocks' imports are not the ones they need:\n" + String.join("\n", importProblems));
      }
      task.generate();
      if (diagnostics.getDiagnostics().stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR)) {
        StringBuilder sb = new StringBuilder("README snippets do not compile:\n");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          if (d.getKind() != Diagnostic.Kind.ERROR) {
            continue;
          }
          String file = d.getSource() == null ? "?" : Path.of(d.getSource().toUri()).getFileName().toString();
          sb.append(readmeLine(sources.get(file), file, d.getLineNumber())).append(": ")
              .append(d.getMessage(Locale.ROOT)).append('\n');
        }
        fail(sb.toString());
      }
    }
  }

  /** Each import of a block that is a wildcard or names what the block never uses, with its README line. */
  private static List<String> importProblems(CompilationUnitTree unit, Source source) {
    Set<String> used = new HashSet<>();
    for (Tree type : unit.getTypeDecls()) {
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitIdentifier(IdentifierTree node, Void unused) {
          used.add(node.getName().toString());
          return null;
        }
      }.scan(type, null);
    }
    List<String> problems = new ArrayList<>();
    List<? extends ImportTree> imports = unit.getImports();
    for (int i = 0; i < imports.size(); i++) {
      ImportTree imp = imports.get(i);
      String name = ((MemberSelectTree) imp.getQualifiedIdentifier()).getIdentifier().toString();
      String shown = source.snippet().imports().get(i).strip();
      String where = "README.md line " + (source.snippet().importsLine() + i) + ": " + shown;
      if (name.equals("*")) {
        problems.add(where + " imports a whole package: import each name the block uses");
      } else if (!used.contains(name)) {
        problems.add(where + " is not used by the block at line " + source.snippet().line());
      }
    }
    return problems;
  }

  /** Where in the README a compiler diagnostic points. */
  private static String readmeLine(Source source, String file, long line) {
    if (source == null) {
      return file + " line " + line;
    }
    if (line >= source.importsAt() && line < source.importsAt() + source.snippet().imports().size()) {
      return "README.md line " + (source.snippet().importsLine() + line - source.importsAt());
    }
    return "README.md line " + (source.snippet().line() + line - source.bodyOffset() - 1);
  }

  /** A class the README shows is a real test of this module, imports included, so the build runs it: its package. */
  private static String packageOfTheTestDeclaring(Snippet s, String name) throws IOException {
    String wanted = normalize(s.code());
    try (Stream<Path> files = Files.walk(Path.of("src", "test", "java"))) {
      List<Path> matches = files.filter(f -> f.getFileName().toString().equals(name + ".java")).toList();
      assertEquals(1, matches.size(), "README line " + s.line() + " shows class " + name + ", a test of samples: " + matches);
      String text = Files.readString(matches.get(0));
      String actual = normalize(text);
      assertTrue(actual.contains(wanted), "README line " + s.line() + " shows class " + name + " differently from "
          + matches.get(0) + ":\n" + s.code());
      List<String> imports = text.lines().filter(l -> l.startsWith("import ")).toList();
      assertEquals(imports, s.imports(), "README line " + s.importsLine() + " shows the imports of " + matches.get(0));
      return text.lines().filter(l -> l.startsWith("package ")).findFirst()
          .map(l -> l.substring("package ".length(), l.indexOf(';'))).orElseThrow();
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
