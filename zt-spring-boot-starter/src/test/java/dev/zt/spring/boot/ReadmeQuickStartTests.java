package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestIssuer;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/**
 * README.md's Spring Boot quick start, pasted into a new project: the blocks marked
 * {@code <!-- spring-boot-quickstart: <path> -->} are written to a project directory under those paths, the Java
 * compiled with javax.tools, and the application started as a Spring Boot application on a random port, in a class
 * loader of its own that holds what the README's dependency brings (this starter, Boot's web starter) and nothing of
 * the starter's tests (no Spring Security, no test application). It runs with the README's {@code application.yml};
 * only {@code zt.issuer} is pointed at a {@link TestIssuer}, and a {@code zt.policy-file} that is a file path at the
 * README's policy file in that directory (a relative path resolves against the working directory, which a test cannot
 * change; a {@code classpath:} one is left as it is, the block under {@code src/main/resources} being on the class
 * path).
 */
class ReadmeQuickStartTests {

  private static final Path README = Path.of("../README.md");
  private static final String MARKER = "<!-- spring-boot-quickstart: ";
  private static final String RESOURCES = "src/main/resources/";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path project;

  private static Map<String, String> blocks;
  private static Map<String, Object> zt;
  private static TestIssuer issuer;
  private static URLClassLoader loader;
  private static AutoCloseable application;
  private static int port;

  @BeforeAll
  static void pasteIntoANewProjectAndStart() throws Exception {
    blocks = quickStartBlocks(Files.readString(README));
    assertThat(blocks.keySet())
        .as("the README's quick start blocks")
        .contains("pom.xml", "src/main/resources/application.yml")
        .anyMatch(p -> p.startsWith("src/main/java/") && p.endsWith(".java"));
    for (Map.Entry<String, String> block : blocks.entrySet()) {
      Path file = project.resolve(block.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, block.getValue());
    }
    zt = ztProperties(blocks.get("src/main/resources/application.yml"));

    Path classes = Files.createDirectories(project.resolve("target/classes"));
    List<URL> classPath = applicationClassPath();
    compile(classes, classPath);
    for (String resource : blocks.keySet()) {
      if (resource.startsWith(RESOURCES)) {
        Path target = classes.resolve(resource.substring(RESOURCES.length()));
        Files.createDirectories(target.getParent());
        Files.copy(project.resolve(resource), target);
      }
    }

    issuer = TestIssuer.start();
    List<URL> urls = new ArrayList<>();
    urls.add(classes.toUri().toURL());
    urls.addAll(classPath);
    loader = new URLClassLoader("readme-quickstart", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    List<String> args = new ArrayList<>(List.of("--server.port=0", "--zt.issuer=" + issuer.issuer()));
    if (zt.containsKey("policy-file") && !policyFile().startsWith(RESOURCES)) {
      args.add("--zt.policy-file=" + project.resolve(policyFile()).toAbsolutePath());
    }
    application = start(mainClass(), args.toArray(String[]::new));
  }

  @AfterAll
  static void stop() throws Exception {
    if (application != null) {
      application.close();
    }
    if (loader != null) {
      loader.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @Test
  void dependencyWhenReadThenNamesThisStarterAtThisVersion() throws Exception {
    Element pom = xml(Files.readString(Path.of("pom.xml")));
    String version = text((Element) pom.getElementsByTagName("parent").item(0), "version");
    NodeList dependencies = xml("<project>" + blocks.get("pom.xml") + "</project>").getElementsByTagName("dependency");
    List<String> coordinates = new ArrayList<>();
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element d = (Element) dependencies.item(i);
      coordinates.add(text(d, "groupId") + ":" + text(d, "artifactId") + ":" + text(d, "version"));
    }

    assertThat(coordinates).containsExactly("dev.zt:zt-spring-boot-starter:" + version);
  }

  @Test
  void policyWhenReadThenRoutesInThePropertiesOrTheFileTheQuickStartShows() {
    assertThat(zt).containsKeys("issuer", "audience");
    if (zt.containsKey("policy-file")) {
      assertThat(blocks).containsKey(policyFile());
      assertThat(zt).doesNotContainKey("routes");
    } else {
      assertThat(zt).containsKey("routes");
    }
  }

  @Test
  void getOrdersWhenNoTokenThen401FromZt() throws Exception {
    HttpResponse<String> r = get("/orders", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
  }

  @Test
  void getOrdersWhenScopeMissingThen403FromZt() throws Exception {
    String token = issuer.token().subject("alice").audience(audience()).scope("profile").build();

    HttpResponse<String> r = get("/orders", token);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
  }

  @Test
  void getOrdersWhenTokenOfAnotherAudienceThen401FromZt() throws Exception {
    String token = issuer.token().subject("alice").audience("another-api").scope("orders:read").build();

    assertThat(get("/orders", token).statusCode()).isEqualTo(401);
  }

  @Test
  void routeWhenNotInThePolicyThenDenied() throws Exception {
    String token = issuer.token().subject("alice").audience(audience()).scope("orders:read").build();

    assertThat(get("/admin/stats", token).statusCode()).isEqualTo(403);
  }

  @Test
  void getOrdersWhenScopeGrantedThenTheControllerAnswersWithTheCaller() throws Exception {
    String token = issuer.token().subject("alice").audience(audience()).scope("orders:read").build();

    HttpResponse<String> r = get("/orders", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("alice");
  }

  /** The fenced block after each marker, by the path the marker names, in README order. */
  static Map<String, String> quickStartBlocks(String readme) {
    Map<String, String> found = new LinkedHashMap<>();
    List<String> lines = readme.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.startsWith(MARKER)) {
        continue;
      }
      String path = line.substring(MARKER.length(), line.indexOf("-->")).strip();
      assertThat(lines.get(i + 1)).as("a fence after %s", line).startsWith("```");
      int end = i + 2;
      while (end < lines.size() && !lines.get(end).startsWith("```")) {
        end++;
      }
      assertThat(found.put(path, String.join("\n", lines.subList(i + 2, end)) + "\n")).as("one block for %s", path)
          .isNull();
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> ztProperties(String applicationYml) {
    Map<String, Object> root = new Yaml().load(applicationYml);
    assertThat(root).as("application.yml").containsKey("zt");
    return (Map<String, Object>) root.get("zt");
  }

  /**
   * The policy file block {@code zt.policy-file} names: {@code classpath:x} is the block
   * {@code src/main/resources/x}, on the application's class path as it is; a file path names the block at that path
   * in the project, handed to the application as an absolute path.
   */
  private static String policyFile() {
    String value = String.valueOf(zt.get("policy-file"));
    return value.startsWith("classpath:") ? RESOURCES + value.substring("classpath:".length()) : value;
  }

  private static String audience() {
    return String.valueOf(zt.get("audience"));
  }

  /**
   * The test class path as a new project of the README would have it: the starter and its dependencies, Boot's web
   * starter; without Spring Security (a test dependency here, not in the README) and without the starter's tests.
   */
  private static List<URL> applicationClassPath() throws IOException {
    Path testClasses = Path.of("target/test-classes").toAbsolutePath().normalize();
    List<URL> urls = new ArrayList<>();
    for (Path entry : testClassPath()) {
      Path normal = entry.toAbsolutePath().normalize();
      if (normal.equals(testClasses) || normal.getFileName().toString().startsWith("spring-security-")) {
        continue;
      }
      urls.add(normal.toUri().toURL());
    }
    return urls;
  }

  /** Surefire's test class path, also when it is handed over in a manifest-only jar. */
  private static List<Path> testClassPath() throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<Path> entries = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry);
      if (path.getFileName().toString().startsWith("surefirebooter") && path.toString().endsWith(".jar")) {
        try (JarFile jar = new JarFile(path.toFile())) {
          String manifestPath = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
          for (String url : manifestPath.split(" ")) {
            if (!url.isBlank()) {
              entries.add(Path.of(URI.create(url)));
            }
          }
        }
      } else {
        entries.add(path);
      }
    }
    return entries;
  }

  private static void compile(Path classes, List<URL> classPath) throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringBuilder cp = new StringBuilder();
    for (URL url : classPath) {
      cp.append(cp.isEmpty() ? "" : File.pathSeparator).append(Path.of(url.toURI()));
    }
    List<File> sources = blocks.keySet().stream().filter(p -> p.endsWith(".java"))
        .map(p -> project.resolve(p).toFile()).toList();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      StringWriter out = new StringWriter();
      boolean ok = javac.getTask(out, files, diagnostics,
          List.of("--release", "17", "-parameters", "-proc:none", "-d", classes.toString(), "-classpath", cp.toString()),
          null, files.getJavaFileObjectsFromFiles(sources)).call();
      assertThat(ok).as("the README's Java compiles: %s %s", diagnostics.getDiagnostics(), out).isTrue();
    }
  }

  /** The class of the Java block whose name is that of its file and that has {@code main}. */
  private static String mainClass() {
    String path = blocks.keySet().stream()
        .filter(p -> p.startsWith("src/main/java/") && p.endsWith(".java")
            && blocks.get(p).contains("public static void main("))
        .findFirst().orElseThrow(() -> new AssertionError("no Java block with main in the README's quick start"));
    return path.substring("src/main/java/".length(), path.length() - ".java".length()).replace('/', '.');
  }

  /** SpringApplication.run(mainClass, args) in the project's own class loader; its port read back. */
  private static AutoCloseable start(String mainClass, String... args) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      // a JVM takes one URL stream handler factory, and the Tomcat of whichever Boot test starts first sets Tomcat's:
      // this second Tomcat, in its own class loader, must not try (a new project's JVM has only its own)
      loader.loadClass("org.apache.catalina.webresources.TomcatURLStreamHandlerFactory").getMethod("disable")
          .invoke(null);
      Class<?> spring = loader.loadClass("org.springframework.boot.SpringApplication");
      Object context = spring.getMethod("run", Class.class, String[].class)
          .invoke(null, loader.loadClass(mainClass), args);
      Object environment = loader.loadClass("org.springframework.context.ConfigurableApplicationContext")
          .getMethod("getEnvironment").invoke(context);
      port = Integer.parseInt((String) loader.loadClass("org.springframework.core.env.PropertyResolver")
          .getMethod("getProperty", String.class).invoke(environment, "local.server.port"));
      return (AutoCloseable) context;
    } catch (InvocationTargetException e) {
      throw new AssertionError("the README's application does not start: " + e.getCause(), e.getCause());
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Element xml(String text) throws Exception {
    Document doc = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    return doc.getDocumentElement();
  }

  private static String text(Element parent, String child) {
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(child)) {
        return e.getTextContent().strip();
      }
    }
    return "";
  }
}
