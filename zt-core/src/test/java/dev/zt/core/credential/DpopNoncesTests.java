package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stateless DPoP nonces: an HMAC of the time period, accepted during its period and the next. */
class DpopNoncesTests {

  private final byte[] key = new byte[32];
  private final DpopNonces nonces = new DpopNonces(key, Duration.ofSeconds(60));

  @Test
  void checkWhenTheCurrentPeriodsNonceThenCurrent() {
    long now = 1_000_020_000L; // the start of a period
    assertThat(nonces.check(nonces.current(now), now + 59_000)).isEqualTo(DpopNonces.Check.CURRENT);
  }

  @Test
  void checkWhenOnePeriodLaterThenPreviousAndTwoPeriodsLaterThenInvalid() {
    long now = 1_000_020_000L;
    String nonce = nonces.current(now);
    assertThat(nonces.check(nonce, now + 60_000)).isEqualTo(DpopNonces.Check.PREVIOUS);
    assertThat(nonces.check(nonce, now + 120_000)).isEqualTo(DpopNonces.Check.INVALID);
    assertThat(nonces.current(now + 60_000)).isNotEqualTo(nonce);
  }

  @Test
  void checkWhenANonceOfTheFutureOrAnotherKeyThenInvalid() {
    long now = 1_000_020_000L; // the start of a period
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(nonces.check(new DpopNonces(other, Duration.ofSeconds(60)).current(now), now))
        .isEqualTo(DpopNonces.Check.INVALID);
    assertThat(nonces.check(nonces.current(now + 60_000), now)).as("next period's").isEqualTo(
        DpopNonces.Check.INVALID);
    assertThat(nonces.check("", now)).isEqualTo(DpopNonces.Check.INVALID);
  }

  @Test
  void currentWhenTwoInstancesShareTheKeyThenTheSameNonce() {
    long now = 1_000_020_000L; // the start of a period
    assertThat(new DpopNonces(key.clone(), Duration.ofSeconds(60)).current(now)).isEqualTo(nonces.current(now));
  }

  @Test
  void checkWhenAskedAboutAnOlderPeriodAfterANewerOneThenStillRight() {
    long now = 1_000_020_000L; // the start of a period
    String old = nonces.current(now);
    nonces.current(now + 600_000); // a later period was asked for first
    assertThat(nonces.check(old, now + 30_000)).isEqualTo(DpopNonces.Check.CURRENT);
  }
}
