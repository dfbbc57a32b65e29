package dev.mlops.samples.readme;

import dev.mlops.samples.readme.ReadmeBlocks.Snippet;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The README's blocks pasted into a fresh Maven project that imports only {@code mlops-bom}, the way
 * a user adopts the library, then built and run there (by {@code .ci/consumer-check}, against the
 * modules it just installed, offline):
 *
 * <ul>
 *   <li>each block of statements is a module of its own whose dependencies are exactly the artifacts
 *       its imports' title names (versions from the BOM), plus {@code readme-context}: the context
 *       the README says the blocks assume ({@link ReadmeContext}), whose own dependencies are
 *       {@code provided}, so they reach no block's compile classpath;
 *   <li>the block "needs ... your provider" depends on {@code provider}, the storage provider the
 *       README's backend section writes ({@code com.example.casstore}), and the class block under it
 *       ("needs {@code mlops-testkit} and JUnit 5, test scope") is that provider's test, run by
 *       Surefire;
 *   <li>one Maven invocation builds everything ({@code package}) and writes each module's classpath;
 *       then each block of statements runs in its own JVM, in a fresh folder, on its module's
 *       classpath and the context's.
 * </ul>
 *
 * <p>{@code java -cp samples/target/test-classes dev.mlops.samples.readme.FreshProject README.md
 * target/readme-project VERSION} from the project's root; it exits 1 naming every block that failed.
 * Maven is {@code mvn} on the PATH (its options from {@code MAVEN_OPTS}).
 */
public final class FreshProject {
  /** Plugin versions the project's own build uses, so that the offline build finds them. */
  private static final String PLUGINS = """
        <plugins>
          <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
          <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
          <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
          <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>
          <plugin><artifactId>maven-install-plugin</artifactId><version>3.1.3</version></plugin>
          <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
        </plugins>
      """;
  /** What {@link ReadmeContext} uses (provided: a block gets none of it through the context). */
  static final List<String> CONTEXT_NEEDS = List.of("mlops-tracking", "mlops-registry", "mlops-monitoring", "tribuo-classification-sgd",
      "tribuo-regression-sgd");

  /**
   * What the provider needs at run time besides {@code mlops-api}: it keeps its metadata in an
   * embedded {@code file:} store, whose stores these modules implement.
   */
  static final List<String> PROVIDER_RUNTIME = List.of("mlops-tracking", "mlops-registry", "mlops-monitoring", "mlops-retraining");

  private final Path samples;
  private final Path out;
  private final String version;
  private final String junitVersion;

  FreshProject(Path samples, Path out, String version, String junitVersion) {
    this.samples = samples;
    this.out = out;
    this.version = version;
    this.junitVersion = junitVersion;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: FreshProject README.md OUTPUT-DIR MLOPS-VERSION");
      System.exit(2);
    }
    Path readme = Path.of(args[0]);
    Path root = readme.toAbsolutePath().getParent();
    String junit = property(Files.readString(root.resolve("pom.xml")), "junit.version");
    FreshProject project = new FreshProject(root.resolve("samples"), Path.of(args[1]).toAbsolutePath(), args[2], junit);
    List<Snippet> blocks = ReadmeBlocks.snippets(Files.readAllLines(readme, StandardCharsets.UTF_8));
    List<String> modules = project.write(blocks);
    List<String> failures = project.buildAndRun(modules, blocks);
    if (!failures.isEmpty()) {
      System.err.println(String.join("\n", failures));
      System.exit(1);
    }
    System.out.println("readme: " + blocks.size() + " blocks built in a fresh project importing only mlops-bom; "
        + blocks.stream().filter(b -> !b.declaresClass()).count() + " ran");
  }

  /** A Maven property's value in a pom's text. */
  static String property(String pom, String name) {
    int at = pom.indexOf("<" + name + ">");
    if (at < 0) {
      throw new IllegalStateException("no property " + name);
    }
    return pom.substring(at + name.length() + 2, pom.indexOf("</" + name + ">", at));
  }

  /**
   * The coordinates of an artifact a title names: ours under {@code dev.mlops}, Tribuo's under {@code org.tribuo},
   * Micrometer's (the Prometheus registry the BOM manages) under {@code io.micrometer}.
   */
  static String dependency(String artifact, String scope) {
    String group;
    if (artifact.startsWith("mlops-")) {
      group = "dev.mlops";
    } else if (artifact.startsWith("tribuo-")) {
      group = "org.tribuo";
    } else if (artifact.startsWith("micrometer-")) {
      group = "io.micrometer";
    } else {
      throw new IllegalStateException("a README title names " + artifact + ", which is not in mlops-bom");
    }
    return "    <dependency><groupId>" + group + "</groupId><artifactId>" + artifact + "</artifactId>"
        + (scope.isEmpty() ? "" : "<scope>" + scope + "</scope>") + "</dependency>\n";
  }

  /** A module's pom: the parent (which imports only the BOM), then its dependencies. */
  String pom(String artifactId, String dependencies) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent><groupId>com.example.readme</groupId><artifactId>readme</artifactId><version>1</version></parent>
          <artifactId>%s</artifactId>
          <dependencies>
        %s  </dependencies>
        </project>
        """.formatted(artifactId, dependencies);
  }

  /**
   * Writes the project: the parent, {@code readme-context}, {@code provider} and a module per block.
   *
   * @return the modules of blocks of statements, in the README's order
   */
  List<String> write(List<Snippet> blocks) throws IOException {
    List<String> modules = new ArrayList<>();
    List<String> all = new ArrayList<>(List.of("readme-context", "provider"));
    StringBuilder providerTestNeeds = new StringBuilder();
    for (Snippet b : blocks) {
      if (b.title().isEmpty()) {
        throw new IllegalStateException("README line " + b.line() + ": no fold title says what the block needs");
      }
      if (b.declaresClass()) {
        // the provider's own test: the title's artifacts in test scope, JUnit 5 as it says
        String pkg = packageOfTheTest(b.className());
        Path test = out.resolve("provider/src/test/java/" + pkg.replace('.', '/') + "/" + b.className() + ".java");
        Files.createDirectories(test.getParent());
        Files.writeString(test, "package " + pkg + ";\n" + String.join("\n", b.imports()) + "\n" + b.code());
        for (String a : b.needs()) {
          providerTestNeeds.append(dependency(a, "test"));
        }
        if (b.title().contains("JUnit 5")) {
          providerTestNeeds.append("    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>")
              .append(junitVersion).append("</version><scope>test</scope></dependency>\n");
        }
        continue;
      }
      String module = "line-" + b.line();
      StringBuilder deps = new StringBuilder("    <dependency><groupId>com.example.readme</groupId><artifactId>readme-context</artifactId>"
          + "<version>1</version></dependency>\n");
      for (String a : new LinkedHashSet<>(b.needs())) {
        deps.append(dependency(a, ""));
      }
      if (b.title().contains("your provider")) {
        deps.append("    <dependency><groupId>com.example.readme</groupId><artifactId>provider</artifactId><version>1</version></dependency>\n");
      }
      Path src = Files.createDirectories(out.resolve(module).resolve("src/main/java"));
      Files.writeString(src.resolve(b.mainClass() + ".java"), b.mainSource());
      Files.writeString(out.resolve(module).resolve("pom.xml"), pom(module, deps.toString()));
      modules.add(module);
      all.add(module);
    }
    // the context the README describes, as samples keeps it
    Path context = out.resolve("readme-context");
    Path contextSrc = Files.createDirectories(context.resolve("src/main/java/dev/mlops/samples/readme"));
    Files.copy(samples.resolve("src/test/java/dev/mlops/samples/readme/ReadmeContext.java"), contextSrc.resolve("ReadmeContext.java"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // the training script the context's trainCommand runs (the ONNX section's external process)
    Path scriptSrc = Files.createDirectories(context.resolve("src/main/java/dev/mlops/samples"));
    Files.copy(samples.resolve("src/main/java/dev/mlops/samples/OnnxTrainingScript.java"), scriptSrc.resolve("OnnxTrainingScript.java"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // every file ReadmeContext copies out of its resources (the ONNX model, MLflow's database, ...)
    Path resources = Files.createDirectories(context.resolve("src/main/resources/readme"));
    try (java.util.stream.Stream<Path> files = Files.list(samples.resolve("src/test/resources/readme"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, resources.resolve(f.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    StringBuilder contextDeps = new StringBuilder();
    CONTEXT_NEEDS.forEach(a -> contextDeps.append(dependency(a, "provided")));
    Files.writeString(context.resolve("pom.xml"), pom("readme-context", contextDeps.toString()));
    // the storage provider the README's backend section writes: its code, and the dependencies it has
    Path provider = out.resolve("provider");
    Path providerSrc = Files.createDirectories(provider.resolve("src/main/java/com/example/casstore"));
    try (Stream<Path> files = Files.list(samples.resolve("src/main/java/com/example/casstore"))) {
      for (Path f : files.toList()) {
        Files.copy(f, providerSrc.resolve(f.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    StringBuilder providerDeps = new StringBuilder(dependency("mlops-api", ""))
        .append("    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId></dependency>\n");
    PROVIDER_RUNTIME.forEach(a -> providerDeps.append(dependency(a, "runtime")));
    Files.writeString(provider.resolve("pom.xml"), pom("provider", providerDeps.append(providerTestNeeds).toString()));
    StringBuilder moduleList = new StringBuilder();
    all.forEach(m -> moduleList.append("    <module>").append(m).append("</module>\n"));
    Files.writeString(out.resolve("pom.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Generated by FreshProject from the README: an application that imports only mlops-bom. -->
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>com.example.readme</groupId>
          <artifactId>readme</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
          <modules>
        %s  </modules>
          <dependencyManagement>
            <dependencies>
              <dependency><groupId>dev.mlops</groupId><artifactId>mlops-bom</artifactId><version>%s</version><type>pom</type><scope>import</scope></dependency>
            </dependencies>
          </dependencyManagement>
          <build>
            <pluginManagement>
        %s    </pluginManagement>
          </build>
        </project>
        """.formatted(moduleList, version, PLUGINS));
    return modules;
  }

  /** The package of the test of samples that a README class block is the text of. */
  private String packageOfTheTest(String className) throws IOException {
    try (Stream<Path> files = Files.walk(samples.resolve("src/test/java"))) {
      Path test = files.filter(f -> f.getFileName().toString().equals(className + ".java")).findFirst()
          .orElseThrow(() -> new IllegalStateException("the README shows class " + className + ", which no test of samples declares"));
      return Files.readAllLines(test).stream().filter(l -> l.startsWith("package ")).findFirst()
          .map(l -> l.substring("package ".length(), l.indexOf(';'))).orElseThrow();
    }
  }

  /** One Maven build of the whole project, then each block of statements in its own JVM; the failures. */
  List<String> buildAndRun(List<String> modules, List<Snippet> blocks) throws Exception {
    Path log = out.resolve("build.log");
    Process mvn = new ProcessBuilder("mvn", "-B", "-o", "-q", "-f", out.resolve("pom.xml").toString(), "package",
        "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!mvn.waitFor(15, TimeUnit.MINUTES)) {
      mvn.destroyForcibly().waitFor();
      return List.of("the fresh project's build did not finish in 15 minutes:\n" + Files.readString(log));
    }
    if (mvn.exitValue() != 0) {
      return List.of("the fresh project importing only mlops-bom does not build (" + out + "):\n" + Files.readString(log));
    }
    String context = Files.readString(out.resolve("readme-context/classpath.txt")).strip();
    List<String> failures = new ArrayList<>();
    Set<String> ran = new LinkedHashSet<>();
    // two blocks at a time, each in its own JVM and working directory (the blocks bind port 0 and keep their stores
    // under their working directory); the failures are reported in the README's order
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<String>> results = new ArrayList<>();
      for (Snippet b : blocks) {
        if (b.declaresClass()) {
          continue;
        }
        ran.add(b.mainClass());
        results.add(pool.submit(() -> run(b, context)));
      }
      for (java.util.concurrent.Future<String> r : results) {
        String failure = r.get();
        if (failure != null) {
          failures.add(failure);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (ran.size() != modules.size()) {
      failures.add("ran " + ran + " of the modules " + modules);
    }
    return failures;
  }

  /** Runs one block of statements in its own JVM: null when it exits with 0, else what went wrong and its output. */
  private String run(Snippet b, String context) throws IOException, InterruptedException {
    Path module = out.resolve("line-" + b.line());
    String classpath = module.resolve("target/classes") + File.pathSeparator + Files.readString(module.resolve("classpath.txt")).strip()
        + File.pathSeparator + context;
    Path work = Files.createDirectories(out.resolve("run").resolve("line-" + b.line()));
    Path output = out.resolve("run").resolve("line-" + b.line() + ".log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath, b.mainClass())
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    boolean done = p.waitFor(180, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    if (!done || p.exitValue() != 0) {
      return "README block at line " + b.line() + (done ? " failed with exit status " + p.exitValue() : " did not finish in 180 s")
          + " in the fresh project (" + module + "):\n" + Files.readString(output);
    }
    return null;
  }
}
