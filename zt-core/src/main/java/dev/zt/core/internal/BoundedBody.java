package dev.zt.core.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * A response body subscriber that keeps at most {@code max} bytes: one more cancels the body and fails the call with
 * the caller's exception (the PDP clients' and the introspection client's answers are small and bounded).
 * Internal: not part of zt's API.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final int max;
  private final Supplier<? extends Exception> tooLarge;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Flow.Subscription subscription;

  /** Collects at most {@code max} bytes; past them the body completes exceptionally with {@code tooLarge.get()}. */
  public BoundedBody(int max, Supplier<? extends Exception> tooLarge) {
    this.max = max;
    this.tooLarge = tooLarge;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      if (out.size() + b.remaining() > max) {
        subscription.cancel();
        body.completeExceptionally(tooLarge.get());
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.write(chunk, 0, chunk.length);
    }
  }

  @Override
  public void onError(Throwable t) {
    body.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    body.complete(out.toByteArray());
  }
}
