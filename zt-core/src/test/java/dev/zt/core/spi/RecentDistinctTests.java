package dev.zt.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The in-memory distinct set behind {@link SlidingCounters#addDistinct} (moved from OutcomeDetectorsTests). */
class RecentDistinctTests {

  @Test
  void addWhenFullThenKeepsAtMostItsCapacityAndDropsTheOldest() {
    RecentDistinct r = new RecentDistinct(3, 1000);
    assertThat(r.add(1, 0)).isEqualTo(1);
    assertThat(r.add(2, 10)).isEqualTo(2);
    assertThat(r.add(1, 20)).isEqualTo(2); // seen again: refreshed, not added
    assertThat(r.add(3, 30)).isEqualTo(3);
    assertThat(r.add(4, 40)).isEqualTo(3); // full: the oldest (2, seen at 10) goes
    assertThat(r.add(2, 50)).isEqualTo(3);
    assertThat(r.add(5, 1025)).isEqualTo(3); // 1 (20) and 3 (30) left the window; 4 (40), 2 (50), 5 remain
    assertThat(r.add(6, 2100)).isEqualTo(1);
    assertThat(r.size()).isEqualTo(1);
  }
}
