package dev.zt.core.credential;

import dev.zt.core.DenyReason;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;

import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.StoreSettings;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget of token validations that need a signature check (tokens not in the validated-token cache), per client
 * address and per /24 (IPv4) · /64 (IPv6) network: one Bucket4j bucket each, refilled greedily over the window.
 * A request over either budget is refused before any signature work, so a client that sends forged tokens naming a
 * real {@code kid} buys at most the budget's worth of CPU per window, and rotating addresses inside one network does
 * not multiply it.
 *
 * <p>A client whose address is unknown (no address, or an {@code X-Forwarded-For} zt could not resolve) cannot be
 * told from other unknown clients: such clients share one per-address-sized bucket per connection peer (the proxy
 * they came through), apart from every known client's. They can exhaust only each other's budget, never a known
 * client's, and one attacker who makes himself unknown gains nothing over sending with his own address.
 *
 * <p>Not budgeted: loopback and other exempt addresses, and a trusted proxy's own address (its requests without a
 * forwarded client): a per-source budget on an address everyone shares would let any one of them spend it for all.
 * A peer that sends {@code X-Forwarded-For} zt does not trust is budgeted as itself. The address's budget is taken
 * before the network's, so a client over its own budget spends nothing of its neighbours'.
 *
 * <p>Bounded: at most {@value #MAX_KEYS} buckets of each kind, least recently used evicted (an evicted bucket starts
 * full again, which only ever gives a client back its own budget). The buckets live in the enforcer's
 * {@link SecurityState} ({@link RateBuckets} stores {@code budget.address} and {@code budget.network}); a store that
 * fails refuses the validation ({@link DenyReason#STATE_UNAVAILABLE}, 503).
 */
final class ValidationBudget {

  private static final Logger LOG = LoggerFactory.getLogger(ValidationBudget.class);

  static final int MAX_KEYS = 100_000;

  private final int perAddress;
  private final int perNetwork;
  private final Duration window;
  private final List<RateBuckets.Band> addressBands;
  private final List<RateBuckets.Band> networkBands;
  private final RateBuckets addresses;
  private final RateBuckets networks;

  private ValidationBudget(int perAddress, int perNetwork, Duration window, Clock clock, SecurityState state) {
    this.perAddress = perAddress;
    this.perNetwork = perNetwork;
    this.window = window;
    this.addressBands = List.of(new RateBuckets.Band("address", perAddress, window, RateBuckets.Refill.GREEDY));
    this.networkBands = List.of(new RateBuckets.Band("network", perNetwork, window, RateBuckets.Refill.GREEDY));
    StoreSettings settings = new StoreSettings(clock, MAX_KEYS);
    this.addresses = state.rateBuckets("budget.address", settings);
    this.networks = state.rateBuckets("budget.network", settings);
  }

  /** The budget {@code config} asks for, or {@code null} when it is turned off. */
  static ValidationBudget of(BearerJwt config, Clock clock, SecurityState state) {
    if (config.validationBudgetPerAddress() == 0) {
      return null;
    }
    return new ValidationBudget(config.validationBudgetPerAddress(), config.validationBudgetPerNetwork(),
        config.validationBudgetWindow(), clock, state);
  }

  /** Takes one validation from the exchange's source: {@link Step#proceed()} or a 429 with {@code Retry-After}. */
  Step take(RequestState exchange) {
    Optional<InetAddress> client = exchange.clientAddress();
    if (client.isEmpty()) {
      String via = exchange.request().clientAddress().map(InetAddress::getHostAddress).orElse("-");
      return consume(addresses, addressBands, "unknown via " + via, perAddress, exchange, "unknown client");
    }
    if (!exchange.budgetedSource()) {
      return Step.proceed(); // loopback, an exempt address, a trusted proxy's own: a shared budget would be everyone's
    }
    InetAddress a = client.get();
    // the address first: a client over its own budget must not go on spending its network's, which its neighbours
    // (everyone behind one carrier-grade NAT) share
    Step address = consume(addresses, addressBands, a.getHostAddress(), perAddress, exchange, "address");
    if (address != Step.Proceed.INSTANCE) {
      return address;
    }
    return consume(networks, networkBands, SourceKey.networkKey(a), perNetwork, exchange, "network");
  }

  private Step consume(RateBuckets buckets, List<RateBuckets.Band> bands, String key, int capacity,
      RequestState exchange, String what) {
    RateBuckets.Consumption probe;
    try {
      probe = buckets.bucket(key, bands).tryConsumeAndReport();
    } catch (RuntimeException e) {
      LOG.error("zt validation budget unavailable; refusing the validation", e);
      exchange.note("validation budget unavailable: refused");
      return Step.deny(DenyReason.STATE_UNAVAILABLE);
    }
    if (probe.consumed()) {
      return Step.proceed();
    }
    long retry = Math.max(1, (probe.nanosToWait() + 999_999_999L) / 1_000_000_000L);
    exchange.note("validation budget of the " + what + " used up (" + capacity + " per " + window.toSeconds()
        + " s)");
    return Step.deny(DenyReason.VALIDATION_BUDGET_EXCEEDED, Map.of(), Map.of("Retry-After", Long.toString(retry)));
  }
}
