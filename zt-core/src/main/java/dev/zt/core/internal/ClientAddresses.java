package dev.zt.core.internal;

import dev.zt.core.RequestContext;

import dev.zt.core.countermeasure.CountermeasurePolicy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the client's address behind trusted proxies: when the peer is a trusted proxy, the rightmost
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy is the client. Only IP literals are read (never a
 * DNS lookup).
 *
 * <p>It also says whether the client may be counted and blocked by an automated response. It may not when it is
 * exempt ({@link CountermeasurePolicy.Builder#neverBlock}, loopback by default), a trusted proxy itself, a peer that
 * sent
 * an {@code X-Forwarded-For} zt was not told to trust (a proxy nobody configured: everyone behind it shares its
 * address), or unknown (a trusted proxy wrote a hop that is not an IP literal: the client is not known, so it is
 * neither blocked nor keyed with other unknown clients). The two misconfigurations are logged at WARN the first time
 * they are seen, not per request.
 */
public final class ClientAddresses {

  private static final Logger LOG = LoggerFactory.getLogger(ClientAddresses.class);

  /**
   * The client as resolved: its address (empty when unknown), whether automated responses may act on it, and whether
   * per-source budgets (the validation budget) are kept for it. A peer that forwards {@code X-Forwarded-For}
   * untrusted is budgeted as itself though never blocked: adding the header must not buy a client more signature
   * checks. An exempt address or a trusted proxy's own is not budgeted: it is infrastructure, or everyone.
   */
  public record Client(Optional<InetAddress> address, boolean blockable, boolean budgeted) {
    public static final Client UNKNOWN = new Client(Optional.empty(), false, false);

    /** A client that is budgeted exactly when it is blockable. */
    public Client(Optional<InetAddress> address, boolean blockable) {
      this(address, blockable, blockable);
    }
  }

  private final Predicate<InetAddress> trustedProxy;
  private final Predicate<InetAddress> neverBlock;
  private final AtomicBoolean warnedUntrusted = new AtomicBoolean();
  private final AtomicBoolean warnedUnparseable = new AtomicBoolean();

  public ClientAddresses(Predicate<InetAddress> trustedProxy) {
    this(trustedProxy, InetAddress::isLoopbackAddress);
  }

  /**
   * @param trustedProxy the proxies whose {@code X-Forwarded-For} is read, or {@code null} for none
   * @param neverBlock addresses automated responses never block
   */
  public ClientAddresses(Predicate<InetAddress> trustedProxy, Predicate<InetAddress> neverBlock) {
    this.trustedProxy = trustedProxy;
    this.neverBlock = neverBlock;
  }

  public Client client(RequestContext request) {
    Optional<InetAddress> peer = request.clientAddress();
    if (peer.isEmpty()) {
      return Client.UNKNOWN;
    }
    List<String> values = request.headers().contains("X-Forwarded-For")
        ? request.headers().values("X-Forwarded-For") : List.of();
    if (trustedProxy == null || !trustedProxy.test(peer.get())) {
      if (!values.isEmpty()) {
        if (warnedUntrusted.compareAndSet(false, true)) {
          LOG.warn("zt: {} sent X-Forwarded-For but is not a trusted proxy (Enforcer.Builder.trustForwardedFor): "
              + "its address is the client's, and it is never blocked, since everyone behind it would be; "
              + "configure the proxy as trusted (logged once)", peer.get().getHostAddress());
        }
        return new Client(peer, false, !neverBlock.test(peer.get()));
      }
      return new Client(peer, mayBlock(peer.get()));
    }
    if (values.isEmpty()) {
      return new Client(peer, false); // the trusted proxy itself
    }
    List<String> hops = new ArrayList<>();
    for (String v : values) {
      for (String part : v.split(",", -1)) {
        hops.add(part.strip());
      }
    }
    InetAddress current = peer.get();
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<InetAddress> hop = literal(hops.get(i));
      if (hop.isEmpty()) {
        if (warnedUnparseable.compareAndSet(false, true)) {
          LOG.warn("zt: a trusted proxy forwarded an X-Forwarded-For hop that is not an IP address: the client is "
              + "unknown (not blocked, not rate-limited with others); check what the proxy writes (logged once)");
        }
        return Client.UNKNOWN;
      }
      current = hop.get();
      if (!trustedProxy.test(current)) {
        return new Client(Optional.of(current), mayBlock(current));
      }
    }
    return new Client(Optional.of(current), false); // every hop is a trusted proxy
  }

  private boolean mayBlock(InetAddress a) {
    return !neverBlock.test(a) && (trustedProxy == null || !trustedProxy.test(a));
  }

  /** An IPv4 literal in its dotted-quad form (compiled once: it is matched per forwarded hop). */
  private static final java.util.regex.Pattern DOTTED_QUAD =
      java.util.regex.Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  public static Optional<InetAddress> literal(String s) {
    if (s.isEmpty() || s.length() > 45 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80
        || c == '.' || c == ':')) {
      return Optional.empty();
    }
    if (s.indexOf(':') < 0 && !DOTTED_QUAD.matcher(s).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
