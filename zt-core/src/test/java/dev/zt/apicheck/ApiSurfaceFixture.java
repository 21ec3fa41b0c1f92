package dev.zt.apicheck;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Types for ApiSurfaceTests' dump test, one rule of the API surface each (kept out of zt-core's test-jar). */
public abstract class ApiSurfaceFixture<T extends Comparable<? super T>> implements Supplier<T> {
  public static final String NAME = "fixture";
  protected int counter;
  int secret;

  public ApiSurfaceFixture(List<? extends T> values) {
  }

  protected ApiSurfaceFixture() {
  }

  @SafeVarargs
  public static <K, V extends Collection<K>> Map<K, V[]> index(V... values) {
    return Map.of();
  }

  protected abstract void run() throws java.io.IOException;

  void secret() {
  }

  public static final class Nested extends ApiSurfaceFixture<String> {
    protected int protectedOfFinal;

    @Override
    public String get() {
      return "";
    }

    @Override
    protected void run() {
    }
  }

  public sealed interface Sealed permits Point {
  }

  public record Point(int x, int y) implements Sealed {
  }

  public enum Color { RED }

  static class Hidden {
    public void inherited() {
    }
  }

  interface Shape {
  }

  public static final class FromHidden extends Hidden implements Shape {
  }

  List<String> unused() {
    return new ArrayList<>();
  }
}
