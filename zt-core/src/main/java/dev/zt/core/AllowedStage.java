package dev.zt.core;

import java.util.concurrent.CompletableFuture;

/**
 * The answer to the common allowed request — an allow that adds nothing, for one caller under one route rule — as a
 * stage completed once and shared: {@link Decision.Allow} is a value (the same caller, the same rule, nothing added),
 * so every such request of a caller gets the same allow and the same stage, and a request with a validated token
 * allocates neither (issue 19). Remembered on the {@link Caller} (one per caller, replaced when the rule differs).
 *
 * <p>Immutable once built: it is completed in its constructor, so {@code complete}, {@code completeExceptionally} and
 * {@code cancel} change nothing (as on any completed future), and {@code obtrudeValue} / {@code obtrudeException},
 * which would change what every other holder sees, throw. Dependent stages ({@code thenApply}, …) are new futures.
 */
final class AllowedStage extends CompletableFuture<Decision> {

  private final Decision.Allow allow;

  AllowedStage(Decision.Allow allow) {
    this.allow = allow;
    super.complete(allow);
  }

  /**
   * The shared stage of {@code caller}'s plain allow under {@code rule}: remembered, or made and remembered now. The
   * anonymous caller (one instance for every request without a credential, across routes and threads) gets a new one
   * each time: remembering it would have every thread write the one field it shares.
   */
  static AllowedStage of(Caller caller, String rule) {
    if (caller == Caller.anonymous()) {
      return new AllowedStage(new Decision.Allow(caller, rule));
    }
    AllowedStage s = caller.allowed;
    if (s == null || !s.allow.rule().equals(rule)) {
      s = new AllowedStage(new Decision.Allow(caller, rule));
      caller.allowed = s;
    }
    return s;
  }

  Decision.Allow allow() {
    return allow;
  }

  @Override
  public void obtrudeValue(Decision value) {
    throw new UnsupportedOperationException("a shared decision cannot be changed");
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw new UnsupportedOperationException("a shared decision cannot be changed");
  }
}
