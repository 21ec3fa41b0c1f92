package dev.zt.core.trust;

import dev.zt.core.internal.pipeline.Identities;
import dev.zt.core.policy.Route;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The behaviour signal: one identity's streaming baseline and how a request deviates from it. The model and its
 * limits are in docs/continuous-verification.md.
 *
 * <p>A {@link Baseline} lives in the identity's {@link Identities.State}, so the trust gate reaches it with the same
 * cache lookup the rate gate uses. It is updated without locks (compare-and-set on its few fields): concurrent
 * requests of one identity never wait on each other, and the steady path allocates nothing.
 */
final class Behaviour {

  static final int LEARNING_REQUESTS = 20;
  /** Route rules are remembered as bits of one word: slot modulo 64. */
  static final int ROUTE_BITS = 64;
  static final int MAX_COUNTRIES = 8;

  private static final SignalResult LEARNING = SignalResult.abstain("learning");
  private static final SignalResult USUAL = SignalResult.of(1.0, "as usual");
  private static final SignalResult NEW_ROUTE = SignalResult.of(0.8, "new route");
  private static final SignalResult[] UNUSUAL_HOUR = new SignalResult[24];
  private static final SignalResult[] ERROR_RATIO = new SignalResult[101];

  static {
    for (int h = 0; h < 24; h++) {
      UNUSUAL_HOUR[h] = SignalResult.of(0.7, "unusual hour " + h + ":00 UTC");
    }
    for (int p = 0; p <= 100; p++) {
      ERROR_RATIO[p] = SignalResult.of(0.5, "error ratio " + p + "%");
    }
  }

  private Behaviour() {}

  /** One identity's baseline: a few hundred bytes, updated lock-free. */
  static final class Baseline {
    private static final VarHandle MINUTE;
    private static final VarHandle N;
    private static final VarHandle ROUTES;
    private static final VarHandle ERRORS;
    private static final VarHandle HOURS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle COUNTRIES = MethodHandles.arrayElementVarHandle(String[].class);

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        MINUTE = l.findVarHandle(Baseline.class, "minuteAndCount", long.class);
        N = l.findVarHandle(Baseline.class, "n", long.class);
        ROUTES = l.findVarHandle(Baseline.class, "routes", long.class);
        ERRORS = l.findVarHandle(Baseline.class, "errorRatioBits", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** The current epoch minute (high 32 bits) and the requests seen in it (low 32 bits): one CAS moves both. */
    private volatile long minuteAndCount;
    /** Requests seen. */
    private volatile long n;
    /** Bits of the route rules seen (slot modulo 64). */
    private volatile long routes;
    /** Weighted mean of error outcomes, as {@link Double#doubleToRawLongBits} for CAS. */
    private volatile long errorRatioBits;
    /** Weighted mean of requests per active minute; negative until the first minute has ended. */
    private volatile double perMinute = -1;
    /**
     * The rate deviation flagged in the current minute: built by the first request over the bar, then reused, so a
     * flood (the very case it flags) does not build a reason string per request.
     */
    private volatile RateFlag rateFlag;
    private final int[] hours = new int[24];
    private final String[] countries = new String[MAX_COUNTRIES];

    Baseline(long nowMillis) {
      this.minuteAndCount = (nowMillis / 60_000) << 32;
    }

    /**
     * Scores the request against the baseline, then learns from it.
     *
     * @param routeSlot the route rule's slot (see {@link Identities#slot})
     * @param country the request's country, or {@code null} when unknown
     */
    SignalResult observe(int routeSlot, String country, long nowMillis) {
      long inMinute = countMinute(nowMillis / 60_000);
      int hour = (int) Math.floorMod(nowMillis / 3_600_000L, 24L);
      long routeBit = 1L << (routeSlot & (ROUTE_BITS - 1));
      long seen = (long) N.getAndAdd(this, 1L);
      int inHour = (int) HOURS.getAndAdd(hours, hour, 1);
      long knownRoutes = routes;
      if ((knownRoutes & routeBit) == 0) {
        ROUTES.getAndBitwiseOr(this, routeBit);
      }
      boolean newCountry = country != null && learnCountry(country);
      if (seen < LEARNING_REQUESTS) {
        return LEARNING;
      }
      // the lowest score that applies wins; reasons are built only for the rarer deviations
      double usual = Math.max(0, perMinute);
      if (inMinute > Math.max(30, 5 * usual)) {
        return rateFlag(nowMillis / 60_000, inMinute, usual);
      }
      if (newCountry) {
        return SignalResult.of(0.4, "new country " + country);
      }
      double errors = Double.longBitsToDouble(errorRatioBits);
      if (errors > 0.5) {
        return ERROR_RATIO[(int) Math.min(100, Math.round(errors * 100))];
      }
      if (inHour * 50L < seen) {
        return UNUSUAL_HOUR[hour];
      }
      if ((knownRoutes & routeBit) == 0) {
        return NEW_ROUTE;
      }
      return USUAL;
    }

    private SignalResult rateFlag(long minute, long inMinute, double usual) {
      RateFlag f = rateFlag;
      if (f == null || f.minute != minute) {
        f = new RateFlag(minute, SignalResult.of(0.4,
            "request rate over " + (inMinute - 1) + "/min against a usual " + Math.round(usual)));
        rateFlag = f;
      }
      return f.result;
    }

    /** Counts one request in {@code minute}; returns the count so far in it. */
    private long countMinute(long minute) {
      while (true) {
        long cur = minuteAndCount;
        long curMinute = cur >>> 32;
        long count = cur & 0xFFFF_FFFFL;
        if (curMinute == minute || minute < curMinute) {
          // a request stamped a little earlier than the newest one counts in the current minute
          long next = count == 0xFFFF_FFFFL ? cur : cur + 1;
          if (MINUTE.compareAndSet(this, cur, next)) {
            return (next & 0xFFFF_FFFFL);
          }
        } else if (MINUTE.compareAndSet(this, cur, (minute << 32) | 1)) {
          // the thread that rolls the minute folds the ended one into the mean
          double before = perMinute;
          perMinute = before < 0 ? count : 0.2 * count + 0.8 * before;
          return 1;
        }
      }
    }

    /**
     * Whether {@code country} is new to a baseline that already knew others. Remembers up to 8; once full, a ninth
     * country is flagged every time (it is never learned).
     */
    private boolean learnCountry(String country) {
      boolean knewAny = false;
      for (int i = 0; i < MAX_COUNTRIES; i++) {
        String c = (String) COUNTRIES.getVolatile(countries, i);
        if (c == null) {
          if (COUNTRIES.compareAndSet(countries, i, null, country)) {
            return knewAny;
          }
          c = (String) COUNTRIES.getVolatile(countries, i);
        }
        if (c.equals(country)) {
          return false;
        }
        knewAny = true;
      }
      return true;
    }

    private record RateFlag(long minute, SignalResult result) {}

    /** Requests seen (tests). */
    long seen() {
      return n;
    }

    /** Requests seen in the current minute (tests). */
    long inCurrentMinute() {
      return minuteAndCount & 0xFFFF_FFFFL;
    }

    /** Records the outcome of one of the identity's requests (error ratio). */
    void outcome(boolean error) {
      while (true) {
        long cur = errorRatioBits;
        double next = 0.1 * (error ? 1 : 0) + 0.9 * Double.longBitsToDouble(cur);
        if (ERRORS.compareAndSet(this, cur, Double.doubleToRawLongBits(next))) {
          return;
        }
      }
    }
  }
}
