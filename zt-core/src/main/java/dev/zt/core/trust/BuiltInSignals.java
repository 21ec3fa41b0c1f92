package dev.zt.core.trust;

import dev.zt.core.Caller;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.VerifiedCredential;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** The signals zt computes itself from what it already knows about a request. */
final class BuiltInSignals {

  private static final SignalResult NO_TOKEN = SignalResult.abstain("no token");
  private static final SignalResult NO_ACR = SignalResult.abstain("no acr/amr");
  private static final SignalResult MFA_AMR = SignalResult.of(1.0, "multi-factor (amr)");
  private static final SignalResult SINGLE_AMR = SignalResult.of(0.6, "single factor (amr)");
  private static final SignalResult STRONG_ACR = SignalResult.of(1.0, "strong acr");
  private static final SignalResult BASIC_ACR = SignalResult.of(0.6, "basic acr");
  private static final SignalResult MTLS = SignalResult.of(1.0, "mTLS");
  private static final SignalResult NO_MTLS = SignalResult.of(0.7, "no mTLS");
  // by whole minutes of age: the signal allocates nothing per request
  private static final SignalResult[] AGE = new SignalResult[61];
  // no iat: the age cannot be known, so it scores as the oldest token does (never as a fresh one)
  private static final SignalResult AGE_UNKNOWN = SignalResult.of(0.5, "token age unknown (no iat)");

  static {
    AGE[0] = SignalResult.of(1.0, "fresh token");
    for (int m = 1; m <= 60; m++) {
      AGE[m] = SignalResult.of(1.0 - 0.5 * m / 60.0, "token " + m + (m == 60 ? "+" : "") + " min old");
    }
  }

  private BuiltInSignals() {}

  /**
   * A signal zt computes itself: a pure function of what the enforcer already knows. The trust gate calls it without
   * building a {@link TrustContext}, and calls it again (same inputs, same result) only when someone reads the
   * breakdown, so the steady path keeps no per-request results.
   */
  @FunctionalInterface
  interface Pure extends TrustSignal {
    SignalResult evaluate(RequestContext request, Caller caller, Optional<InetAddress> client, long nowMillis);

    @Override
    default SignalResult evaluate(TrustContext ctx) {
      return evaluate(ctx.request(), ctx.caller(), ctx.clientAddress(), ctx.now().toEpochMilli());
    }
  }

  static SignalResult tokenAge(RequestContext request, Caller caller, Optional<InetAddress> client, long now) {
    Optional<VerifiedCredential> token = caller.credential();
    if (token.isEmpty()) {
      return NO_TOKEN;
    }
    if (token.get().issuedAt().isEmpty()) {
      return AGE_UNKNOWN;
    }
    long age = Math.max(0, now - token.get().issuedAt().get().toEpochMilli());
    return AGE[(int) Math.min(60, age / 60_000)];
  }

  static SignalResult authenticationStrength(RequestContext request, Caller caller, Optional<InetAddress> client,
      long now) {
    Optional<VerifiedCredential> token = caller.credential();
    if (token.isEmpty()) {
      return NO_TOKEN;
    }
    Object amr = token.get().claims().get("amr");
    if (amr instanceof Collection<?> methods) {
      for (Object m : methods) {
        String method = String.valueOf(m).toLowerCase(Locale.ROOT);
        if (method.equals("mfa") || method.equals("hwk") || method.equals("otp") || method.equals("swk")
            || method.equals("sc") || method.equals("fido") || method.equals("webauthn")) {
          return MFA_AMR;
        }
      }
      return SINGLE_AMR;
    }
    Object acr = token.get().claims().get("acr");
    if (acr instanceof String a) {
      String v = a.toLowerCase(Locale.ROOT);
      if (v.contains("mfa") || v.contains("aal2") || v.contains("aal3") || v.contains("phr") || v.equals("2")
          || v.equals("3") || v.contains("gold") || v.contains("silver")) {
        return STRONG_ACR;
      }
      return BASIC_ACR;
    }
    return NO_ACR;
  }

  static SignalResult channel(RequestContext request, Caller caller, Optional<InetAddress> client, long now) {
    return request.peerCertificates().isEmpty() ? NO_MTLS : MTLS;
  }

  private static final SignalResult NO_ADDRESS = SignalResult.abstain("no client address");
  private static final SignalResult NOT_LISTED = SignalResult.abstain("not listed");

  /** A client address inside any of {@code blocks} is a hard failure. */
  static Pure ipReputation(java.util.List<Cidr> blocks) {
    SignalResult[] listed = new SignalResult[blocks.size()];
    for (int i = 0; i < listed.length; i++) {
      listed[i] = SignalResult.hardFail("address on the reputation list " + blocks.get(i));
    }
    return (request, caller, client, now) -> {
      if (client.isEmpty()) {
        return NO_ADDRESS;
      }
      InetAddress a = client.get();
      for (int i = 0; i < listed.length; i++) {
        if (blocks.get(i).contains(a)) {
          return listed[i];
        }
      }
      return NOT_LISTED;
    };
  }

  /** An IPv4 or IPv6 address block. */
  record Cidr(byte[] network, int bits, String text) {
    static Cidr parse(String cidr) {
      int slash = cidr.indexOf('/');
      String host = slash < 0 ? cidr : cidr.substring(0, slash);
      if (!host.matches("[0-9a-fA-F:.]+")) {
        throw new IllegalArgumentException("not an IP address block: " + cidr);
      }
      try {
        byte[] addr = InetAddress.getByName(host).getAddress();
        int bits = slash < 0 ? addr.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        if (bits < 0 || bits > addr.length * 8) {
          throw new IllegalArgumentException("bad prefix length: " + cidr);
        }
        return new Cidr(addr, bits, cidr);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not an IP address block: " + cidr, e);
      }
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
