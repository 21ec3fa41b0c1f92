package dev.zt.core.internal;

/**
 * An approximate sliding-window counter in constant memory: the current fixed window's count plus the previous
 * window's, weighted by how much of it still overlaps the sliding window. Thread-safe.
 */
public final class WindowCounter {

  private final long windowMillis;
  private long windowStart;
  private long current;
  private long previous;

  public WindowCounter(long windowMillis, long now) {
    this.windowMillis = windowMillis;
    this.windowStart = now - (now % windowMillis);
  }

  /** The fixed window's length. */
  public long windowMillis() {
    return windowMillis;
  }

  /** Adds one event at {@code now} and returns the sliding count including it. */
  public synchronized long add(long now) {
    roll(now);
    current++;
    return count0(now);
  }

  public synchronized long count(long now) {
    roll(now);
    return count0(now);
  }

  public synchronized void reset() {
    current = 0;
    previous = 0;
  }

  private void roll(long now) {
    if (now < windowStart) {
      return; // the clock went back: keep counting in the current window
    }
    long elapsedWindows = (now - windowStart) / windowMillis;
    if (elapsedWindows == 1) {
      previous = current;
      current = 0;
      windowStart += windowMillis;
    } else if (elapsedWindows > 1) {
      previous = 0;
      current = 0;
      windowStart = now - (now % windowMillis);
    }
  }

  private long count0(long now) {
    double overlap = 1.0 - (double) Math.max(0, now - windowStart) / windowMillis;
    return current + (long) Math.floor(previous * Math.max(0, overlap));
  }
}
