/**
 * zt-redis: the security state a fleet of instances shares, in Redis (Lettuce), over TCP or TLS: every store of the
 * state SPI; every call has a deadline and each store fails the way its contract in
 * {@code dev.zt.core.spi} says.
 */
module dev.zt.redis {
  requires transitive dev.zt.core;
  requires lettuce.core;
  requires reactor.core; // Lettuce's credentials provider answers a Mono
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.zt.redis;
}
