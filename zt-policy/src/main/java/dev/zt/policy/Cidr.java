package dev.zt.policy;

import dev.zt.core.internal.ClientAddresses;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

/** {@code loopback}, an address, or an address block ({@code 10.0.0.0/8}, {@code fd00::/8}); literals only. */
record Cidr(byte[] network, int bits, boolean loopback) implements Predicate<InetAddress> {

  static Cidr parse(String text) {
    if (text.equals("loopback")) {
      return new Cidr(new byte[0], 0, true);
    }
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    InetAddress a = ClientAddresses.literal(addr)
        .orElseThrow(() -> new IllegalArgumentException("not an IP address literal: " + addr));
    byte[] bytes = a.getAddress();
    int max = bytes.length * 8;
    int bits;
    try {
      bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a prefix length: " + text);
    }
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("prefix length must be 0 to " + max + ": " + text);
    }
    for (int i = bits; i < max; i++) {
      if ((bytes[i / 8] & (0x80 >> (i % 8))) != 0) {
        throw new IllegalArgumentException("host bits set after the prefix (write the network address): " + text);
      }
    }
    return new Cidr(bytes, bits, false);
  }

  static Predicate<InetAddress> anyOf(List<Cidr> blocks) {
    List<Cidr> copy = List.copyOf(blocks);
    return a -> copy.stream().anyMatch(c -> c.test(a));
  }

  @Override
  public boolean test(InetAddress address) {
    if (loopback) {
      return address.isLoopbackAddress();
    }
    byte[] b = address.getAddress();
    if (b.length != network.length) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      int m = 0x80 >> (i % 8);
      if ((b[i / 8] & m) != (network[i / 8] & m)) {
        return false;
      }
    }
    return true;
  }
}
