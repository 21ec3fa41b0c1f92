package dev.zt.netty;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Which of Netty's HTTP message interfaces a message implements, found once per class. Netty's message classes
 * implement many interfaces, and the JVM answers {@code instanceof} against an interface from a one-entry cache per
 * class: checking one message against several interfaces in turn (request? content? last content?) scanned the class's
 * interface list on most checks, a visible share of what zt's handler added per request. One instance per handler
 * (per connection), used on its event loop only: the last four classes are remembered in the instance, the rest in a
 * {@link ClassValue}.
 */
final class MessageKinds {

  static final int REQUEST = 1;
  static final int CONTENT = 1 << 1;
  static final int LAST = 1 << 2;
  static final int FULL_REQUEST = 1 << 3;
  static final int RESPONSE = 1 << 4;

  private static final ClassValue<Integer> KINDS = new ClassValue<>() {
    @Override
    protected Integer computeValue(Class<?> c) {
      return (HttpRequest.class.isAssignableFrom(c) ? REQUEST : 0)
          | (HttpContent.class.isAssignableFrom(c) ? CONTENT : 0)
          | (LastHttpContent.class.isAssignableFrom(c) ? LAST : 0)
          | (FullHttpRequest.class.isAssignableFrom(c) ? FULL_REQUEST : 0)
          | (HttpResponse.class.isAssignableFrom(c) ? RESPONSE : 0);
    }
  };

  private final Class<?>[] classes = new Class<?>[4];
  private final int[] kinds = new int[4];
  private int next;

  /** The kinds {@code msg} is, as bits of this class's constants; 0 for anything else. */
  int of(Object msg) {
    Class<?> c = msg.getClass();
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] == c) {
        return kinds[i];
      }
    }
    int k = KINDS.get(c);
    classes[next] = c;
    kinds[next] = k;
    next = (next + 1) & 3;
    return k;
  }

  static boolean is(int kinds, int kind) {
    return (kinds & kind) != 0;
  }
}
