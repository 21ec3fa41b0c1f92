package dev.zt.netty;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The messages that arrived while a decision or an earlier response was awaited, in order; the backlog owns them
 * (reference counts untouched) until they are replayed or released. Confined to the event loop.
 */
final class Backlog {

  private final ArrayDeque<Object> queue = new ArrayDeque<>();

  void add(Object msg) {
    queue.add(msg);
  }

  Object peek() {
    return queue.peek();
  }

  Object poll() {
    return queue.poll();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Whether the current request's last content is already queued (its body has arrived, nothing to drain). */
  boolean holdsEndOfBody() {
    for (Object m : queue) {
      if (m instanceof LastHttpContent) {
        return true;
      }
      if (m instanceof HttpRequest) {
        return false;
      }
    }
    return false;
  }

  /** Releases every queued message (the connection closes). */
  void release() {
    Object m;
    while ((m = queue.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }
}
