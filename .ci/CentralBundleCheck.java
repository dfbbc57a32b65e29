import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a deployed bundle (a Maven repository layout, as {@code mvn -Prelease deploy} writes it to a file repository)
 * the way Maven Central's validation does: every POM has the required metadata (with what it inherits from a parent in
 * the bundle), every jar module has its main, sources and javadoc jars, every file has correct .md5 and .sha1
 * checksums, and, with {@code --signatures}, an .asc signature beside it (verified separately with gpg).
 *
 * <p>Usage: {@code java .ci/CentralBundleCheck.java BUNDLE_DIR [--signatures]}; exits 1 listing every problem.
 */
public final class CentralBundleCheck {
  private record Pom(Path file, Element root) {}

  private final Path bundle;
  private final boolean signatures;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, Pom> poms = new TreeMap<>();

  private CentralBundleCheck(Path bundle, boolean signatures) {
    this.bundle = bundle;
    this.signatures = signatures;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: java CentralBundleCheck.java BUNDLE_DIR [--signatures]");
      System.exit(2);
    }
    CentralBundleCheck check = new CentralBundleCheck(Path.of(args[0]), List.of(args).contains("--signatures"));
    int artifacts = check.run();
    if (!check.problems.isEmpty()) {
      System.err.println("release bundle check: " + check.problems.size() + " problem(s):");
      check.problems.forEach(p -> System.err.println("  " + p));
      System.exit(1);
    }
    System.out.println("release bundle check: " + artifacts + " artifacts pass Central's rules (metadata, jars, checksums"
        + (check.signatures ? ", signatures present" : "") + ")");
  }

  private int run() throws Exception {
    if (!Files.isDirectory(bundle)) {
      problems.add("no bundle at " + bundle);
      return 0;
    }
    List<Path> pomFiles;
    try (Stream<Path> s = Files.walk(bundle)) {
      pomFiles = s.filter(p -> p.toString().endsWith(".pom")).sorted().toList();
    }
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(false);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    for (Path p : pomFiles) {
      Document d = f.newDocumentBuilder().parse(p.toFile());
      Element root = d.getDocumentElement();
      poms.put(coordinates(root), new Pom(p, root));
    }
    if (poms.isEmpty()) {
      problems.add("no POM in " + bundle);
    }
    for (Map.Entry<String, Pom> e : poms.entrySet()) {
      checkPom(e.getKey(), e.getValue());
    }
    return poms.size();
  }

  private void checkPom(String gav, Pom pom) throws Exception {
    Element root = pom.root();
    require(gav, "name", text(root, "name"));
    require(gav, "description", inherited(root, "description"));
    require(gav, "url", inherited(root, "url"));
    Element licenses = inheritedElement(root, "licenses");
    if (licenses == null || children(licenses, "license").stream().noneMatch(l -> text(l, "name") != null)) {
      problems.add(gav + ": no licenses/license/name");
    }
    Element developers = inheritedElement(root, "developers");
    if (developers == null || children(developers, "developer").stream().noneMatch(d -> text(d, "name") != null || text(d, "id") != null)) {
      problems.add(gav + ": no developers/developer with a name or id");
    }
    Element scm = inheritedElement(root, "scm");
    if (scm == null || text(scm, "url") == null || text(scm, "connection") == null) {
      problems.add(gav + ": no scm with url and connection");
    }
    Path dir = pom.file().getParent();
    checkFile(gav, pom.file());
    String packaging = text(root, "packaging") == null ? "jar" : text(root, "packaging");
    if (!packaging.equals("pom")) {
      String artifactId = text(root, "artifactId");
      Path main = artifactFile(dir, artifactId, "", ".jar");
      Path sources = artifactFile(dir, artifactId, "-sources", ".jar");
      Path javadoc = artifactFile(dir, artifactId, "-javadoc", ".jar");
      if (main == null || sources == null || javadoc == null) {
        problems.add(gav + ": missing " + (main == null ? "jar " : "") + (sources == null ? "sources jar " : "")
            + (javadoc == null ? "javadoc jar" : "").trim());
      }
      if (main != null) {
        checkFile(gav, main);
        requireEntry(gav, main, ".class");
      }
      if (sources != null) {
        checkFile(gav, sources);
        requireEntry(gav, sources, ".java");
      }
      if (javadoc != null) {
        checkFile(gav, javadoc);
        requireEntry(gav, javadoc, "index.html");
      }
    }
  }

  /** The file of this artifact with the classifier, for a release or a timestamped snapshot. */
  private static Path artifactFile(Path dir, String artifactId, String classifier, String ext) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        if (!n.startsWith(artifactId + "-") || !n.endsWith(classifier + ext)) {
          return false;
        }
        String middle = n.substring(artifactId.length() + 1, n.length() - classifier.length() - ext.length());
        // the version (or snapshot timestamp) has no classifier of its own
        return !middle.endsWith("-sources") && !middle.endsWith("-javadoc") && !middle.endsWith("-tests");
      }).sorted().reduce((a, b) -> b).orElse(null);
    }
  }

  private void checkFile(String gav, Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) {
      problems.add(gav + ": empty " + file.getFileName());
    }
    for (String[] algo : new String[][] {{"MD5", ".md5"}, {"SHA-1", ".sha1"}}) {
      Path sum = file.resolveSibling(file.getFileName() + algo[1]);
      if (!Files.exists(sum)) {
        problems.add(gav + ": no " + sum.getFileName());
        continue;
      }
      String expected = HexFormat.of().formatHex(MessageDigest.getInstance(algo[0]).digest(bytes));
      String stored = Files.readString(sum).trim().split("\\s+")[0];
      if (!stored.equalsIgnoreCase(expected)) {
        problems.add(gav + ": " + sum.getFileName() + " says " + stored + ", the file's is " + expected);
      }
    }
    if (signatures && !Files.exists(file.resolveSibling(file.getFileName() + ".asc"))) {
      problems.add(gav + ": no signature " + file.getFileName() + ".asc");
    }
  }

  private void requireEntry(String gav, Path jar, String suffix) throws IOException {
    try (InputStream in = Files.newInputStream(jar); ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        if (e.getName().endsWith(suffix)) {
          return;
        }
      }
    }
    problems.add(gav + ": " + jar.getFileName() + " holds no " + suffix);
  }

  private void require(String gav, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add(gav + ": no " + field);
    }
  }

  private String inherited(Element root, String name) {
    Element e = inheritedElement(root, name);
    return e == null ? null : e.getTextContent().trim();
  }

  private Element inheritedElement(Element root, String name) {
    for (Element pom = root; pom != null; pom = parent(pom)) {
      Element e = child(pom, name);
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  private Element parent(Element root) {
    Element p = child(root, "parent");
    if (p == null) {
      return null;
    }
    String gav = text(p, "groupId") + ":" + text(p, "artifactId") + ":" + text(p, "version");
    Pom parent = poms.get(gav);
    if (parent == null) {
      problems.add(coordinates(root) + ": its parent " + gav + " is not in the bundle");
      return null;
    }
    return parent.root();
  }

  private static String coordinates(Element root) {
    Element parent = child(root, "parent");
    String group = text(root, "groupId") != null ? text(root, "groupId") : parent == null ? null : text(parent, "groupId");
    String version = text(root, "version") != null ? text(root, "version") : parent == null ? null : text(parent, "version");
    return group + ":" + text(root, "artifactId") + ":" + version;
  }

  private static String text(Element e, String name) {
    Element c = child(e, name);
    return c == null || c.getTextContent().isBlank() ? null : c.getTextContent().trim();
  }

  private static Element child(Element e, String name) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static List<Element> children(Element e, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        out.add(c);
      }
    }
    return out;
  }
}
