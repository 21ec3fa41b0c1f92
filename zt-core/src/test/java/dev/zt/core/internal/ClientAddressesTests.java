package dev.zt.core.internal;

import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ClientAddressesTests {

  static final Predicate<InetAddress> PROXIES = a -> a.isLoopbackAddress() || (a.getAddress()[0] & 0xFF) == 10;

  private static ClientAddresses.Client client(Predicate<InetAddress> trusted, String peer, String... forwardedFor) {
    RequestContext.Builder b = RequestContext.builder("GET", "/").clientAddress(ip(peer));
    if (forwardedFor.length > 0) {
      b.headers(RequestHeaders.of(Map.of("X-Forwarded-For", java.util.List.of(forwardedFor))));
    }
    return new ClientAddresses(trusted, InetAddress::isLoopbackAddress).client(b.build());
  }

  private static InetAddress ip(String literal) {
    return ClientAddresses.literal(literal).orElseThrow();
  }

  @Test
  void clientWhenTrustedProxyForwardsThenTheRightmostUntrustedHopIsTheBlockableClient() {
    ClientAddresses.Client c = client(PROXIES, "10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.9");
    assertThat(c.address()).contains(ip("203.0.113.7"));
    assertThat(c.blockable()).isTrue();
  }

  @Test
  void clientWhenAHopIsUnparseableThenTheClientIsUnknown() {
    for (String xff : new String[] {"unknown", "203.0.113.7:443", "_hidden", "203.0.113.7,", "[2001:db8::1]"}) {
      ClientAddresses.Client c = client(PROXIES, "10.0.0.5", xff);
      assertThat(c.address()).as(xff).isEmpty();
      assertThat(c.blockable()).as(xff).isFalse();
    }
    // garbage left of the hop the proxy wrote is never reached
    assertThat(client(PROXIES, "10.0.0.5", "junk, 203.0.113.7").address()).contains(ip("203.0.113.7"));
  }

  @Test
  void clientWhenTheTrustedProxyItselfOrOnlyProxiesThenNotBlockable() {
    assertThat(client(PROXIES, "10.0.0.5")).isEqualTo(new ClientAddresses.Client(Optional.of(ip("10.0.0.5")), false));
    assertThat(client(PROXIES, "10.0.0.5", "10.1.2.3").blockable()).isFalse();
    assertThat(client(PROXIES, "127.0.0.1").blockable()).isFalse();
  }

  @Test
  void clientWhenAnUntrustedPeerSendsForwardedForThenItIsTheClientButNotBlockable() {
    ClientAddresses.Client c = client(PROXIES, "192.0.2.10", "203.0.113.7");
    assertThat(c.address()).contains(ip("192.0.2.10"));
    assertThat(c.blockable()).isFalse();
    ClientAddresses.Client none = client(null, "192.0.2.10", "203.0.113.7");
    assertThat(none.address()).contains(ip("192.0.2.10"));
    assertThat(none.blockable()).isFalse();
    assertThat(client(null, "192.0.2.10").blockable()).isTrue();
    // never blocked, but budgeted as itself: adding the header buys no extra signature checks
    assertThat(c.budgeted()).isTrue();
    assertThat(none.budgeted()).isTrue();
  }

  @Test
  void clientWhenATrustedProxyItselfOrLoopbackThenNeitherBlockableNorBudgeted() {
    ClientAddresses.Client proxy = client(PROXIES, "10.0.0.5");
    assertThat(proxy.blockable()).isFalse();
    assertThat(proxy.budgeted()).isFalse();
    ClientAddresses.Client loopback = client(null, "127.0.0.1");
    assertThat(loopback.blockable()).isFalse();
    assertThat(loopback.budgeted()).isFalse();
  }
}
