package dev.mlops.samples.readme;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's {@code java} blocks, each with the imports folded under it and the title of that
 * fold ("Imports; needs {@code mlops-registry}, ..."), and the source a block of statements runs as.
 * Only the JDK: {@link ReadmeSnippetsTest} uses it, and so does {@link FreshProject}, which
 * {@code .ci/consumer-check} runs outside any test.
 */
final class ReadmeBlocks {
  private static final Pattern CODE = Pattern.compile("<code>([^<]+)</code>");
  private static final Pattern ASIDE = Pattern.compile("\\([^()]*\\)");
  /** The class the blocks of statements extend (named, not referenced: loading it needs the library and Tribuo). */
  static final String CONTEXT = "dev.mlops.samples.readme.ReadmeContext";

  private ReadmeBlocks() {}

  /**
   * A code block of the README and the imports shown for it.
   *
   * @param line the README line of its first line
   * @param code its text
   * @param imports its import lines, as shown
   * @param importsLine the README line of its first import
   * @param title the summary line of the fold holding its imports, or "" when there is none
   */
  record Snippet(int line, String code, List<String> imports, int importsLine, String title) {
    boolean declaresClass() {
      return code.stripLeading().startsWith("class ");
    }

    /** The simple name of the class a class block declares. */
    String className() {
      return code.stripLeading().substring("class ".length()).split("[\\s<{]", 2)[0];
    }

    Snippet withImports(List<String> lines, int at, String fold) {
      return new Snippet(line, code, lines, at, fold);
    }

    /**
     * The artifacts the title says the block needs, in its order: each {@code <code>name</code>} outside
     * parentheses (those inside say what a named artifact brings, or which class a name is for).
     */
    List<String> needs() {
      List<String> out = new ArrayList<>();
      Matcher m = CODE.matcher(ASIDE.matcher(title).replaceAll(""));
      while (m.find()) {
        out.add(m.group(1));
      }
      return out;
    }

    /** The name of the class a block of statements runs as. */
    String mainClass() {
      return "ReadmeLine" + line;
    }

    /**
     * A block of statements as a class after its own imports: the body of a {@link ReadmeContext}
     * subclass with a main method (in the unnamed package), which closes the context and exits 0.
     */
    String mainSource() {
      String name = mainClass();
      return String.join("\n", imports) + "\n"
          + "public class " + name + " extends " + CONTEXT + " {\n"
          + "  public static void main(String[] args) throws Exception {\n"
          + "    " + name + " snippet = new " + name + "();\n"
          + "    try { snippet.body(); } finally { snippet.close(); }\n"
          + "    System.exit(0);\n"
          + "  }\n"
          + "  void body() throws Exception {\n"
          + code
          + "  }\n}\n";
    }

    /** The lines of {@link #mainSource()} before the block's first line. */
    int mainSourceOffset() {
      return imports.size() + 7;
    }
  }

  /**
   * The README's java blocks, each with the imports block that follows it (an imports block is one of
   * only {@code import} lines) and the summary of the fold around those imports.
   *
   * @throws IllegalStateException when a block of imports follows no block
   */
  static List<Snippet> snippets(List<String> lines) {
    List<Snippet> out = new ArrayList<>();
    String fold = "";
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().startsWith("<details><summary>")) {
        fold = lines.get(i).strip();
      }
      if (lines.get(i).strip().equals("```java")) {
        int start = i + 1;
        StringBuilder code = new StringBuilder();
        List<String> body = new ArrayList<>();
        for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
          code.append(lines.get(i)).append('\n');
          body.add(lines.get(i));
        }
        boolean importsOnly = !body.isEmpty() && body.stream().allMatch(l -> l.isBlank() || l.startsWith("import "));
        if (!importsOnly) {
          out.add(new Snippet(start + 1, code.toString(), List.of(), -1, ""));
          fold = "";
          continue;
        }
        if (out.isEmpty() || out.get(out.size() - 1).importsLine() != -1) {
          throw new IllegalStateException("README line " + (start + 1) + ": a block of imports must follow the block it belongs to");
        }
        Snippet previous = out.remove(out.size() - 1);
        out.add(previous.withImports(body.stream().filter(l -> !l.isBlank()).toList(), start + 1, fold));
      }
    }
    return out;
  }
}
