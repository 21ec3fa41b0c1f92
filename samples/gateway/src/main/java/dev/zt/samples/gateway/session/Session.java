package dev.zt.samples.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One browser's login: its tokens (replaced on each renewal) and its timeouts. Renewal is single flight: while one
 * request of the session calls the token endpoint, the session's other requests wait for that call's answer instead
 * of making their own (a rotated refresh token is good for one use, so a second call would look like reuse and
 * revoke the whole family).
 */
final class Session {

  private final Instant created;
  private volatile Tokens tokens;
  private volatile Instant lastSeen;
  private volatile boolean ended;
  private final AtomicReference<CompletableFuture<TokenResult>> renewing = new AtomicReference<>();

  Session(Tokens tokens, Instant created) {
    this.tokens = tokens;
    this.created = created;
    this.lastSeen = created;
  }

  Tokens tokens() {
    return tokens;
  }

  Instant created() {
    return created;
  }

  Instant lastSeen() {
    return lastSeen;
  }

  void seen(Instant now) {
    lastSeen = now;
  }

  boolean ended() {
    return ended;
  }

  void end() {
    ended = true;
  }

  /** True when the access token has less than {@code margin} left at {@code now}. */
  boolean needsRenewal(Instant now, Duration margin) {
    return !tokens.accessExpiresAt().minus(margin).isAfter(now);
  }

  /**
   * The session's current tokens, renewed first through {@code refresh} when {@code stale} says so; concurrent
   * callers share one call. Waits at most {@code wait} for another caller's call.
   */
  TokenResult renew(java.util.function.Predicate<Session> stale, Function<String, TokenResult> refresh, Duration wait) {
    CompletableFuture<TokenResult> mine = new CompletableFuture<>();
    CompletableFuture<TokenResult> theirs = renewing.compareAndExchange(null, mine);
    if (theirs != null) {
      try {
        return theirs.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return new TokenResult.Unavailable("the session's renewal did not finish within " + wait.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new TokenResult.Unavailable("interrupted");
      } catch (ExecutionException e) {
        return new TokenResult.Unavailable("the session's renewal failed: " + e.getCause().getClass().getSimpleName());
      }
    }
    TokenResult result;
    try {
      Tokens current = tokens;
      if (ended) {
        result = new TokenResult.Refused("session_ended");
      } else if (!stale.test(this)) {
        result = new TokenResult.Issued(current); // another caller renewed between our check and our turn
      } else if (current.refreshToken().isEmpty()) {
        result = new TokenResult.Refused("no_refresh_token");
      } else {
        result = refresh.apply(current.refreshToken().get());
        if (result instanceof TokenResult.Issued issued) {
          Tokens next = current.renewedBy(issued.tokens()); // rotation: the answer's refresh token replaces ours
          tokens = next;
          result = new TokenResult.Issued(next);
        } else if (result instanceof TokenResult.Refused) {
          ended = true;
        }
      }
    } catch (RuntimeException e) {
      result = new TokenResult.Unavailable("the renewal failed: " + e.getClass().getSimpleName());
    }
    renewing.set(null);
    mine.complete(result);
    return result;
  }

  @Override
  public String toString() {
    return "Session[created=" + created + ", " + tokens + "]";
  }
}
