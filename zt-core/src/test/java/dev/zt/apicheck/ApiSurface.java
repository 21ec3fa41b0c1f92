package dev.zt.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one module as sorted text, and the check that it matches the module's committed
 * {@code api/<module>.api} file (OkHttp's api dump is the model): every change of the surface shows in review as a
 * diff of that file.
 *
 * <p>Where it lives: zt-core's test sources, shipped to the other modules in zt-core's test-jar, which holds this
 * class only (see zt-core's pom). Every published module already depends on zt-core, so each can use it from its
 * own tests without a cycle, and nothing else of zt-core's tests leaks onto their class paths. It needs the JDK
 * only (no JUnit, no AssertJ): a mismatch is an {@link AssertionError}.
 *
 * <p>What is written: every public or protected class, interface, enum, record and annotation type whose enclosing
 * types are public or protected, of every package of the module's {@code target/classes} (packages with an
 * {@code internal} segment are marked as such); for each, its modifiers, kind and supertypes, then its public and
 * protected fields, constructors and methods with full generic signatures. Synthetic and bridge members and
 * anonymous and local classes are left out; so are protected members of final and sealed classes, which no user
 * can reach. Public members a public class inherits from a non-public superclass are listed under the public
 * class, since that is where users call them. Types are written by their binary names ({@code Outer$Inner}).
 */
public final class ApiSurface {

  /** The system property (or, upper-cased with {@code _}, the environment variable) that rewrites the files. */
  public static final String UPDATE_PROPERTY = "zt.api.update";

  private static final int DIFF_LINES = 40;

  private ApiSurface() {
  }

  /**
   * Compares the module's compiled API with {@code api/<module>.api} under the module's base directory, or
   * rewrites that file when {@value #UPDATE_PROPERTY} is {@code true}.
   *
   * @throws AssertionError naming the changed lines and how to update the file, when they differ
   */
  public static void assertMatchesCommittedFile(String module) {
    Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path classes = basedir.resolve("target/classes");
    Path file = basedir.resolve("api").resolve(module + ".api");
    String actual = dump(module, classes, Thread.currentThread().getContextClassLoader());
    if (updateRequested()) {
      write(file, actual);
      return;
    }
    String expected;
    try {
      expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    compare(module, expected, actual).ifPresent(message -> {
      throw new AssertionError(message);
    });
  }

  static boolean updateRequested() {
    String value = System.getProperty(UPDATE_PROPERTY);
    if (value == null) {
      value = System.getenv(UPDATE_PROPERTY.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
    }
    return "true".equalsIgnoreCase(value);
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The failure message when {@code actual} differs from the {@code committed} text: what to run, then
   * the first changed lines in a unified-diff layout. Empty when they are equal.
   */
  static Optional<String> compare(String module, String committed, String actual) {
    // a checkout with CRLF line endings (Windows, core.autocrlf) holds the same surface
    String expected = committed.replace("\r\n", "\n");
    if (expected.equals(actual)) {
      return Optional.empty();
    }
    String file = "api/" + module + ".api";
    StringBuilder message = new StringBuilder()
        .append("The public API of ").append(module).append(" differs from ").append(file).append(".\n")
        .append("If the change is intended, rewrite the file and commit it with the change:\n")
        .append("  ./mvnw -B verify -pl ").append(module).append(" -am -D").append(UPDATE_PROPERTY)
        .append("=true -Dtest='*ApiSurfaceTests' -Dsurefire.failIfNoSpecifiedTests=false\n")
        .append("(or set ZT_API_UPDATE=true). Changed lines (committed -, compiled +):\n")
        .append("--- ").append(file).append('\n')
        .append("+++ ").append(module).append(" target/classes\n");
    if (expected.isEmpty()) {
      message.append("(").append(file).append(" is missing or empty)\n");
    }
    message.append(diff(lines(expected), lines(actual), DIFF_LINES));
    return Optional.of(message.toString());
  }

  private static List<String> lines(String text) {
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    return body.isEmpty() ? List.of() : Arrays.asList(body.split("\n", -1));
  }

  /** A unified-looking diff (one line of context), cut after {@code limit} changed lines. */
  static String diff(List<String> a, List<String> b, int limit) {
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    List<String> x = a.subList(prefix, a.size() - suffix);
    List<String> y = b.subList(prefix, b.size() - suffix);
    // longest common subsequence of the differing middle: small for a reviewed change
    int[][] lcs = new int[x.size() + 1][y.size() + 1];
    for (int i = x.size() - 1; i >= 0; i--) {
      for (int j = y.size() - 1; j >= 0; j--) {
        lcs[i][j] = x.get(i).equals(y.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    StringBuilder out = new StringBuilder();
    int changed = 0;
    int i = 0;
    int j = 0;
    boolean inHunk = false;
    while ((i < x.size() || j < y.size()) && changed < limit) {
      if (i < x.size() && j < y.size() && x.get(i).equals(y.get(j))) {
        inHunk = false;
        i++;
        j++;
        continue;
      }
      if (!inHunk) {
        out.append("@@ -").append(prefix + i + 1).append(" +").append(prefix + j + 1).append(" @@\n");
        String context = contextBefore(a, prefix + i);
        if (context != null) {
          out.append(' ').append(context).append('\n');
        }
        inHunk = true;
      }
      if (j >= y.size() || (i < x.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.append('-').append(x.get(i++)).append('\n');
      } else {
        out.append('+').append(y.get(j++)).append('\n');
      }
      changed++;
    }
    int remaining = (x.size() - i) + (y.size() - j) - lcs[i][j] * 2;
    if (remaining > 0) {
      out.append("... and ").append(remaining).append(" more changed lines\n");
    }
    return out.toString();
  }

  private static String contextBefore(List<String> lines, int index) {
    for (int k = index - 1; k >= 0; k--) {
      if (!lines.get(k).startsWith("  ") && !lines.get(k).isBlank()) {
        return lines.get(k); // the enclosing type's header, the most useful context
      }
    }
    return null;
  }

  /** The API text of the classes under {@code classes}, loaded (not initialised) through {@code loader}. */
  static String dump(String module, Path classes, ClassLoader loader) {
    List<Class<?>> types;
    try (Stream<Path> files = Files.walk(classes)) {
      types = files.map(classes::relativize)
          .map(Path::toString)
          .filter(name -> name.endsWith(".class"))
          .filter(name -> !name.endsWith("module-info.class") && !name.endsWith("package-info.class"))
          .map(name -> name.substring(0, name.length() - ".class".length())
              .replace(java.io.File.separatorChar, '.'))
          .map(name -> load(name, loader))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dump(module, types);
  }

  /** The API text of {@code classes}, of which the ones that are not API are skipped. */
  static String dump(String module, List<Class<?>> classes) {
    List<Class<?>> types = classes.stream()
        .filter(ApiSurface::visible)
        .filter(type -> !type.isSynthetic() && !type.isAnonymousClass() && !type.isLocalClass())
        .sorted(Comparator.comparing(Class::getName))
        .collect(Collectors.toList());
    TreeMap<String, List<Class<?>>> byPackage = new TreeMap<>();
    for (Class<?> type : types) {
      byPackage.computeIfAbsent(type.getPackageName(), p -> new ArrayList<>()).add(type);
    }
    StringBuilder out = new StringBuilder()
        .append("# The public API of ").append(module)
        .append(", generated from its classes by its ApiSurfaceTests: do not edit.\n")
        .append("# Rewrite with -D").append(UPDATE_PROPERTY)
        .append("=true when a change is intended (docs/architecture.md, \"The API surface file\").\n");
    byPackage.forEach((name, members) -> {
      out.append('\n').append("package ").append(name);
      if (Arrays.asList(name.split("\\.")).contains("internal")) {
        out.append("  // internal: public for zt's own modules only, not a supported API");
      }
      out.append('\n');
      for (Class<?> type : members) {
        out.append('\n');
        render(type, out);
      }
    });
    return out.toString();
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("cannot load " + name + " for the API surface", e);
    }
  }

  /** Public or protected, and so is every enclosing type. */
  private static boolean visible(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      if (!Modifier.isPublic(t.getModifiers()) && !Modifier.isProtected(t.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static void render(Class<?> type, StringBuilder out) {
    out.append(header(type)).append(" {\n");
    // members: declared ones, plus those inherited from non-public superclasses (users call them on this type)
    List<Class<?>> sources = new ArrayList<>();
    sources.add(type);
    for (Class<?> s = type.getSuperclass(); s != null && !visible(s); s = s.getSuperclass()) {
      sources.add(s);
    }
    boolean protectedReachable = !Modifier.isFinal(type.getModifiers()) && !type.isSealed();
    Set<String> fields = new LinkedHashSet<>();
    Set<String> constructors = new LinkedHashSet<>();
    Set<String> methods = new LinkedHashSet<>();
    for (Class<?> source : sources) {
      for (Field field : source.getDeclaredFields()) {
        if (api(field, protectedReachable)) {
          fields.add(modifiers(field.getModifiers(), false) + name(field.getGenericType()) + " "
              + field.getName());
        }
      }
      if (source == type) {
        for (Constructor<?> constructor : source.getDeclaredConstructors()) {
          if (api(constructor, protectedReachable)) {
            constructors.add(executable(constructor, "", type.getSimpleName()));
          }
        }
      }
      for (Method method : source.getDeclaredMethods()) {
        if (api(method, protectedReachable) && !method.isBridge()) {
          String prefix = method.isDefault() ? "default " : "";
          methods.add(executable(method, prefix + name(method.getGenericReturnType()) + " ",
              method.getName()));
        }
      }
    }
    Stream.of(fields, constructors, methods).forEach(group -> group.stream()
        .sorted(Comparator.comparing(ApiSurface::memberName).thenComparing(Comparator.naturalOrder()))
        .forEach(line -> out.append("  ").append(line).append('\n')));
    out.append("}\n");
  }

  /** Orders members by name first, so a member's overloads and its modifiers' changes stay together. */
  private static String memberName(String line) {
    int paren = line.indexOf('(');
    String head = paren < 0 ? line : line.substring(0, paren);
    return head.substring(head.lastIndexOf(' ') + 1);
  }

  private static boolean api(Member member, boolean protectedReachable) {
    int modifiers = member.getModifiers();
    return !member.isSynthetic()
        && (Modifier.isPublic(modifiers) || (protectedReachable && Modifier.isProtected(modifiers)));
  }

  private static String header(Class<?> type) {
    int modifiers = type.getModifiers();
    StringBuilder out = new StringBuilder();
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
      modifiers &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isInterface()) {
      kind = "interface";
      modifiers &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isEnum()) {
      kind = "enum";
      modifiers &= ~(Modifier.ABSTRACT | Modifier.FINAL);
    } else if (type.isRecord()) {
      kind = "record";
      modifiers &= ~Modifier.FINAL;
    } else {
      kind = "class";
    }
    out.append(modifiers(modifiers, type.isSealed() && !type.isEnum()));
    out.append(kind).append(' ').append(type.getName()).append(typeParameters(type.getTypeParameters()));
    List<String> supertypes = new ArrayList<>();
    Type superclass = type.getGenericSuperclass();
    for (Class<?> s = type.getSuperclass(); s != null && !visible(s); s = s.getSuperclass()) {
      superclass = s.getGenericSuperclass();
    }
    if (superclass != null && !type.isEnum() && !type.isRecord() && superclass != Object.class) {
      out.append(" extends ").append(name(superclass));
    }
    Set<Type> interfaces = new LinkedHashSet<>(Arrays.asList(type.getGenericInterfaces()));
    for (Class<?> s = type.getSuperclass(); s != null && !visible(s); s = s.getSuperclass()) {
      interfaces.addAll(Arrays.asList(s.getGenericInterfaces()));
    }
    for (Type supertype : interfaces) {
      if (visible(raw(supertype))) {
        supertypes.add(name(supertype));
      }
    }
    if (!supertypes.isEmpty()) {
      out.append(type.isInterface() ? " extends " : " implements ").append(String.join(", ", supertypes));
    }
    return out.toString();
  }

  private static Class<?> raw(Type type) {
    if (type instanceof ParameterizedType parameterized) {
      return (Class<?>) parameterized.getRawType();
    }
    return (Class<?>) type;
  }

  private static String modifiers(int modifiers, boolean sealed) {
    StringBuilder out = new StringBuilder();
    if (Modifier.isPublic(modifiers)) {
      out.append("public ");
    }
    if (Modifier.isProtected(modifiers)) {
      out.append("protected ");
    }
    if (Modifier.isAbstract(modifiers)) {
      out.append("abstract ");
    }
    if (Modifier.isStatic(modifiers)) {
      out.append("static ");
    }
    if (Modifier.isFinal(modifiers)) {
      out.append("final ");
    }
    if (sealed) {
      out.append("sealed ");
    }
    return out.toString();
  }

  private static String executable(Executable executable, String returns, String name) {
    Type[] parameters = executable.getGenericParameterTypes();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < parameters.length; i++) {
      String parameter = name(parameters[i]);
      if (executable.isVarArgs() && i == parameters.length - 1 && parameter.endsWith("[]")) {
        parameter = parameter.substring(0, parameter.length() - 2) + "...";
      }
      names.add(parameter);
    }
    String typeParameters = typeParameters(executable.getTypeParameters());
    StringBuilder out = new StringBuilder(modifiers(executable.getModifiers()
        & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.ABSTRACT | Modifier.STATIC | Modifier.FINAL), false));
    if (!typeParameters.isEmpty()) {
      out.append(typeParameters).append(' ');
    }
    out.append(returns).append(name).append('(').append(String.join(", ", names)).append(')');
    Type[] exceptions = executable.getGenericExceptionTypes();
    if (exceptions.length > 0) {
      out.append(" throws ").append(Arrays.stream(exceptions).map(ApiSurface::name)
          .sorted().collect(Collectors.joining(", ")));
    }
    return out.toString();
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (TypeVariable<?> variable : variables) {
      List<String> bounds = Arrays.stream(variable.getBounds())
          .filter(bound -> bound != Object.class)
          .map(ApiSurface::name)
          .collect(Collectors.toList());
      out.add(variable.getName() + (bounds.isEmpty() ? "" : " extends " + String.join(" & ", bounds)));
    }
    return "<" + String.join(", ", out) + ">";
  }

  /** A type as written in the file: binary names, full generic arguments; the same on every JDK. */
  static String name(Type type) {
    if (type instanceof Class<?> c) {
      return c.isArray() ? name(c.getComponentType()) + "[]" : c.getName();
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      String base = p.getOwnerType() instanceof ParameterizedType owner
          ? name(owner) + "$" + raw.getSimpleName()
          : raw.getName();
      return base + "<" + Arrays.stream(p.getActualTypeArguments()).map(ApiSurface::name)
          .collect(Collectors.joining(", ")) + ">";
    }
    if (type instanceof GenericArrayType a) {
      return name(a.getGenericComponentType()) + "[]";
    }
    if (type instanceof WildcardType w) {
      if (w.getLowerBounds().length > 0) {
        return "? super " + name(w.getLowerBounds()[0]);
      }
      Type upper = w.getUpperBounds()[0];
      return upper == Object.class ? "?" : "? extends " + name(upper);
    }
    if (type instanceof TypeVariable<?> v) {
      return v.getName();
    }
    throw new IllegalArgumentException("unknown kind of type: " + type);
  }
}
