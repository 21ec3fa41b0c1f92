package dev.zt.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Resolves the client's address behind trusted proxies: when the peer is a trusted proxy, the rightmost
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy is the client. Only IP literals are read (never a
 * DNS lookup); a malformed entry stops the walk at the last good address.
 */
final class ClientAddresses {

  private final Predicate<InetAddress> trustedProxy;

  ClientAddresses(Predicate<InetAddress> trustedProxy) {
    this.trustedProxy = trustedProxy;
  }

  Optional<InetAddress> resolve(RequestContext request) {
    Optional<InetAddress> peer = request.clientAddress();
    if (trustedProxy == null || peer.isEmpty() || !trustedProxy.test(peer.get())) {
      return peer;
    }
    List<String> values = request.headers().values("X-Forwarded-For");
    if (values.isEmpty()) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String v : values) {
      for (String part : v.split(",")) {
        hops.add(part.strip());
      }
    }
    InetAddress current = peer.get();
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<InetAddress> hop = literal(hops.get(i));
      if (hop.isEmpty()) {
        break;
      }
      current = hop.get();
      if (!trustedProxy.test(current)) {
        break;
      }
    }
    return Optional.of(current);
  }

  static Optional<InetAddress> literal(String s) {
    if (s.isEmpty() || s.length() > 45 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80
        || c == '.' || c == ':')) {
      return Optional.empty();
    }
    if (s.indexOf(':') < 0 && !s.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
