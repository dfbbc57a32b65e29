package dev.mlops.samples.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.samples.readme.ReadmeBlocks.Snippet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fresh project {@code .ci/consumer-check} builds from the README (see {@link FreshProject}) is
 * what a user would write: it imports only {@code mlops-bom}, and each block's module depends on the
 * artifacts its imports' title names and on nothing else of the library.
 */
class FreshProjectTest {
  private static final Pattern DEPENDENCY = Pattern.compile("<artifactId>([^<]+)</artifactId>(?:<version>[^<]+</version>)?(?:<type>[a-z]+</type>)?(?:<scope>([a-z]+)</scope>)?"
      + "</dependency>");

  /** A module's dependencies as artifactId or artifactId:scope. */
  private static List<String> dependencies(Path pom) throws Exception {
    Matcher m = DEPENDENCY.matcher(Files.readString(pom));
    return m.results().map(r -> r.group(1) + (r.group(2) == null ? "" : ":" + r.group(2))).toList();
  }

  @Test
  void aTitleNamesWhatABlockNeedsOutsideItsParentheses() {
    List<String> readme = List.of("```java", "Label l = null;", "```", "",
        "<details><summary>Imports; needs <code>mlops-registry</code>, <code>mlops-tracking</code> (the run it registers from) and "
            + "<code>tribuo-classification-core</code> (<code>Label</code>)</summary>", "", "```java", "import org.tribuo.classification.Label;", "```",
        "", "</details>", "", "```java", "new OnnxThing();", "```",
        "<details><summary>Imports; needs <code>mlops-onnx</code> (it brings <code>mlops-registry</code> and ONNX Runtime)</summary>",
        "```java", "import dev.mlops.onnx.OnnxThing;", "```");
    List<Snippet> blocks = ReadmeBlocks.snippets(readme);
    assertEquals(List.of("mlops-registry", "mlops-tracking", "tribuo-classification-core"), blocks.get(0).needs());
    assertEquals(List.of("mlops-onnx"), blocks.get(1).needs());
    assertEquals(List.of("import org.tribuo.classification.Label;"), blocks.get(0).imports());
  }

  @Test
  void theProjectImportsOnlyTheBomAndEachBlocksModuleHasTheArtifactsItsTitleNames(@TempDir Path dir) throws Exception {
    Path readme = Path.of("..", "README.md");
    List<Snippet> blocks = ReadmeBlocks.snippets(Files.readAllLines(readme, StandardCharsets.UTF_8));
    FreshProject project = new FreshProject(Path.of("."), dir, "9.9.9", "5.0.0");
    List<String> modules = project.write(blocks);
    assertEquals(blocks.stream().filter(b -> !b.declaresClass()).count(), modules.size(), "a module per block of statements");

    String root = Files.readString(dir.resolve("pom.xml"));
    String management = root.substring(root.indexOf("<dependencyManagement>"), root.indexOf("</dependencyManagement>"));
    assertEquals(List.of("mlops-bom:import"), dependencies(dir.resolve("pom.xml")), "the parent imports the BOM and nothing else: " + management);
    assertTrue(management.contains("<version>9.9.9</version>"), management);

    assertEquals(List.of("mlops-tracking:provided", "mlops-registry:provided", "mlops-monitoring:provided", "tribuo-classification-sgd:provided",
        "tribuo-regression-sgd:provided"), dependencies(dir.resolve("readme-context/pom.xml")), "the context passes nothing on to a block");
    for (Snippet b : blocks) {
      if (b.declaresClass()) {
        Path test = dir.resolve("provider/src/test/java/com/example/casstore/" + b.className() + ".java");
        assertTrue(Files.readString(test).endsWith(b.code()), "the class block as pasted, in the provider's tests");
        continue;
      }
      Path module = dir.resolve("line-" + b.line());
      List<String> expected = new java.util.ArrayList<>(List.of("readme-context"));
      expected.addAll(b.needs());
      if (b.title().contains("your provider")) {
        expected.add("provider");
      }
      assertEquals(expected, dependencies(module.resolve("pom.xml")), "README line " + b.line() + ": " + b.title());
      String source = Files.readString(module.resolve("src/main/java/" + b.mainClass() + ".java"));
      assertTrue(source.startsWith(String.join("\n", b.imports()) + "\npublic class " + b.mainClass()), "the block's imports, as shown");
      assertTrue(source.contains(b.code()), "the block as pasted");
    }
    // the registry block names three artifacts; the ONNX block one, since it brings the registry
    assertTrue(blocks.stream().anyMatch(b -> b.needs().equals(List.of("mlops-registry", "mlops-tracking", "tribuo-classification-core"))));
    assertTrue(blocks.stream().anyMatch(b -> b.needs().equals(List.of("mlops-onnx"))));
    assertEquals(List.of("mlops-api", "jackson-databind", "mlops-tracking:runtime", "mlops-registry:runtime", "mlops-monitoring:runtime",
        "mlops-retraining:runtime", "mlops-testkit:test", "junit-jupiter:test"), dependencies(dir.resolve("provider/pom.xml")));
  }
}
