package dev.zt.core.spi;

/**
 * The distinct keys seen within a sliding window, exactly, in constant memory: at most {@code capacity} entries
 * (the threshold), the oldest dropped first, each with the time it was last seen.
 */
final class RecentDistinct {
  private final long[] keys;
  private final long[] seen;
  private final long window;
  private int size;

  RecentDistinct(int capacity, long window) {
    this.keys = new long[capacity];
    this.seen = new long[capacity];
    this.window = window;
  }

  long window() {
    return window;
  }

  int capacity() {
    return keys.length;
  }

  /** Adds {@code key} at {@code now} and returns how many distinct keys the window holds. */
  synchronized int add(long key, long now) {
    int kept = 0;
    for (int i = 0; i < size; i++) { // drop what left the window (a clock that went back keeps everything)
      if (now - seen[i] < window) {
        keys[kept] = keys[i];
        seen[kept] = seen[i];
        kept++;
      }
    }
    size = kept;
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        seen[i] = Math.max(seen[i], now);
        return size;
      }
    }
    if (size == keys.length) { // full: the oldest goes
      int oldest = 0;
      for (int i = 1; i < size; i++) {
        if (seen[i] < seen[oldest]) {
          oldest = i;
        }
      }
      keys[oldest] = keys[size - 1];
      seen[oldest] = seen[size - 1];
      size--;
    }
    keys[size] = key;
    seen[size] = now;
    size++;
    return size;
  }

  synchronized void clear() {
    size = 0;
  }

  synchronized int size() {
    return size;
  }
}
