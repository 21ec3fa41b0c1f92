package dev.zt.core.credential;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The top of an issuer's key-source chain, on the enforcer's {@link Clock}: what Nimbus' {@code JWKSetBasedJWKSource}
 * does (the cached JWKS; on no matching key, one refetch), except that every layer below (cache expiry,
 * refresh-ahead, Nimbus' own rate limit, outage tolerance) is handed the enforcer's time rather than the system's,
 * and that the refetch a token with an unknown {@code kid} triggers is limited here: at most one per
 * {@code minRefetchMillis}, counted from the last one this source started. A token whose key is unknown while the
 * limit holds gets no key of its own fetching (401 {@code TOKEN_KEY_UNKNOWN}) — it waits only for a refetch already
 * under way and then looks at the cache again, so the first tokens of a rotated key that arrive together all find it
 * — and a flood of forged {@code kid}s costs the issuer one request per interval, whatever the validation budget lets
 * through.
 *
 * <p>Nimbus' limiter stays below the cache as a bound on every fetch (cache expiry and outage retries included); this
 * one makes the refetch-on-unknown-kid rule exact: one, then none within the interval, then one again.
 */
final class ClockedKeySource implements JWKSource<SecurityContext>, Closeable {

  private final JWKSetSource<SecurityContext> source;
  private final Clock clock;
  private final long minRefetchMillis;
  private final long waitMillis;
  private long nextRefetch = Long.MIN_VALUE; // guarded by this
  private final ReentrantLock refetching = new ReentrantLock(); // held while the allowed refetch runs

  /**
   * @param waitMillis how long a token that finds the refetch limit reached waits for a refetch another token started
   *     (a rotated key's first tokens arrive together): the key source's own bound on one load
   */
  ClockedKeySource(JWKSetSource<SecurityContext> source, Clock clock, long minRefetchMillis, long waitMillis) {
    this.source = source;
    this.clock = clock;
    this.minRefetchMillis = minRefetchMillis;
    this.waitMillis = waitMillis;
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    long now = clock.millis();
    JWKSet set = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
    List<JWK> keys = selector.select(set);
    if (!keys.isEmpty()) {
      return keys;
    }
    if (!mayRefetch(now)) {
      // no fetch of our own; but a refetch another token started may be bringing this key: wait for it, then look
      // at the cache again (nothing is fetched for this token either way)
      try {
        if (refetching.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
          refetching.unlock();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return keys;
      }
      return selector.select(source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context));
    }
    refetching.lock();
    try {
      // refreshed unless another thread has refreshed it since (reference comparison)
      set = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(set), now, context);
    } finally {
      refetching.unlock();
    }
    return selector.select(set);
  }

  private synchronized boolean mayRefetch(long now) {
    if (minRefetchMillis > 0 && now < nextRefetch) {
      return false;
    }
    nextRefetch = now + minRefetchMillis;
    return true;
  }

  /** Whether a token waits for the refetch under way (tests). */
  boolean hasWaiters() {
    return refetching.hasQueuedThreads();
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
