package dev.zt.samples.orders;

import dev.zt.redis.RedisHealth;
import dev.zt.redis.RedisState;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the sample keeps its security state when it shares it with other instances: {@code ZT_REDIS_URL}
 * ({@code redis://[user:password@]host[:port][/database]}, {@code rediss://} for TLS), {@code ZT_REDIS_NAMESPACE}
 * (the prefix of every key and channel, default {@code zt}) and {@code ZT_REDIS_TIMEOUT_MS} (the deadline of every
 * Redis call, default 100). Without {@code ZT_REDIS_URL} the state stays in memory, per instance.
 *
 * <p>The password is never printed: {@link #toString()} and every error show the URL without its user info.
 *
 * @param uri the URL as configured (credentials included), handed to Lettuce only
 * @param shown the URL without user info, for logs and errors
 * @param namespace the key prefix
 * @param timeout the deadline of every call
 * @param password the URL's password, to blank out of a driver's error message; empty when there is none
 */
record RedisSettings(String uri, String shown, String namespace, Duration timeout, String password) {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSettings.class);

  /** {@code ZT_REDIS_NAMESPACE} when unset. */
  static final String DEFAULT_NAMESPACE = "zt";

  /** {@code ZT_REDIS_TIMEOUT_MS} when unset. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);

  /** The longest {@code ZT_REDIS_TIMEOUT_MS} accepted: a request never waits on Redis for longer. */
  static final long MAX_TIMEOUT_MS = 10_000;

  /**
   * The settings of {@code env}; empty when {@code ZT_REDIS_URL} is unset or blank. {@code ZT_REDIS_NAMESPACE} or
   * {@code ZT_REDIS_TIMEOUT_MS} without the URL, and every value not understood, is an error naming the variable
   * (and never quoting the URL's credentials).
   */
  static Optional<RedisSettings> fromEnvironment(Map<String, String> env) {
    String url = value(env, "ZT_REDIS_URL");
    String namespace = value(env, "ZT_REDIS_NAMESPACE");
    String timeoutText = value(env, "ZT_REDIS_TIMEOUT_MS");
    if (url == null) {
      for (String name : new String[] {"ZT_REDIS_NAMESPACE", "ZT_REDIS_TIMEOUT_MS"}) {
        if (value(env, name) != null) {
          throw new IllegalArgumentException(name + " is set but ZT_REDIS_URL is not: without it the state stays in"
              + " memory and " + name + " would do nothing");
        }
      }
      return Optional.empty();
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      // the value may hold a password: never quote it
      throw new IllegalArgumentException("ZT_REDIS_URL is not a URL (redis://host:port or rediss://host:port, "
          + "credentials as user:password@); its value is not shown, it may hold a password");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("redis") || scheme.equals("rediss")) || u.isOpaque()) {
      throw new IllegalArgumentException("ZT_REDIS_URL must start with redis:// or rediss:// (TLS), not '"
          + printable(scheme) + ":'");
    }
    String host = u.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("ZT_REDIS_URL has no host (" + scheme + "://host:port)");
    }
    int port = u.getPort();
    if (port == 0 || port > 65535) {
      throw new IllegalArgumentException("ZT_REDIS_URL's port must be from 1 to 65535");
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    String shown = scheme + "://" + host + ":" + (port == -1 ? 6379 : port) + (path.equals("/") ? "" : path);
    if (!(path.isEmpty() || path.equals("/") || path.matches("/[0-9]{1,5}"))) {
      throw new IllegalArgumentException("ZT_REDIS_URL's path must be empty or a database number (/0), not '"
          + printable(path) + "'");
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null) {
      // Lettuce reads options from the query (verifyPeer=NONE, timeout=…): a URL must not weaken TLS or the deadline
      throw new IllegalArgumentException("ZT_REDIS_URL must not have a query or fragment (" + shown + "?…): options "
          + "such as the timeout come from ZT_REDIS_TIMEOUT_MS, and TLS is always verified");
    }
    String userInfo = u.getRawUserInfo();
    String password = "";
    if (userInfo != null) {
      password = userInfo.contains(":") ? userInfo.substring(userInfo.indexOf(':') + 1) : userInfo;
      if (password.isEmpty()) {
        throw new IllegalArgumentException("ZT_REDIS_URL has user info without a password (" + shown + ")");
      }
      shown = scheme + "://****@" + shown.substring(scheme.length() + 3);
    }
    String ns = DEFAULT_NAMESPACE;
    if (namespace != null) {
      if (!namespace.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException("ZT_REDIS_NAMESPACE must be 1 to 64 of A-Z a-z 0-9 . _ -, not '"
            + printable(namespace) + "'");
      }
      ns = namespace;
    }
    Duration timeout = DEFAULT_TIMEOUT;
    if (timeoutText != null) {
      long ms = timeoutText.matches("[0-9]{1,9}") ? Long.parseLong(timeoutText) : -1;
      if (ms < 1 || ms > MAX_TIMEOUT_MS) {
        throw new IllegalArgumentException("ZT_REDIS_TIMEOUT_MS must be a whole number of milliseconds from 1 to "
            + MAX_TIMEOUT_MS + ", not '" + printable(timeoutText) + "'");
      }
      timeout = Duration.ofMillis(ms);
    }
    RedisSettings settings = new RedisSettings(url, shown, ns, timeout, password);
    if (scheme.equals("redis") && !isLoopback(host)) {
      LOG.warn("ZT_REDIS_URL is plain redis:// to a host that is not loopback ({}): suspensions, blocks and the "
          + "password cross the network unencrypted and unauthenticated; use rediss://", shown);
    }
    return Optional.of(settings);
  }

  /**
   * Connects ({@link RedisState.Builder#build()}): a Redis that refuses the credentials, or a server TLS refuses, is a
   * start-up error naming {@code ZT_REDIS_URL} without its password; one that does not answer is not (the state
   * starts degraded and connects in the background, so an outage during a rolling restart does not stop the fleet).
   */
  RedisState connect() {
    try {
      return RedisState.builder(uri).namespace(namespace).timeout(timeout).onHealthChange(RedisSettings::logHealth)
          .build();
    } catch (RuntimeException e) {
      String why = e.getClass().getSimpleName();
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t.getMessage() != null) {
          why = t.getClass().getSimpleName() + ": " + t.getMessage();
        }
      }
      throw new IllegalStateException("ZT_REDIS_URL: cannot use Redis at " + shown + " (" + redact(why) + ")");
    }
  }

  /**
   * The sample's own line for each health transition (besides zt-redis's {@code zt.redis.health} audit line and
   * span): WARN when this instance is no longer in step with Redis, with the reason, INFO when it is again. The public
   * {@code GET /health} shows the status only.
   */
  static void logHealth(RedisHealth health) {
    if (health.degraded()) {
      LOG.warn("orders-service is not in step with Redis since {} ({}; {} changes wait to be written back): it keeps "
          + "serving and enforcing what it knows, rate limits on the local share, DPoP proofs refused; GET /health "
          + "says \"redis\":\"degraded\"", health.since(), health.reason().orElseThrow(), health.changesWaiting());
    } else {
      LOG.info("orders-service is in step with Redis again (since {}); GET /health says \"redis\":\"in_step\"",
          health.since());
    }
  }

  /** A driver's message with the password and the configured URL blanked out. */
  private String redact(String message) {
    String m = message.replace(uri, shown);
    if (!password.isEmpty()) {
      m = m.replace(password, "****");
    }
    return printable(m);
  }

  /** The URL without credentials, the namespace and the deadline: never the password. */
  @Override
  public String toString() {
    return shown + " (namespace " + namespace + ", timeout " + timeout.toMillis() + " ms)";
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (!(h.matches("(\\d{1,3}\\.){3}\\d{1,3}") || (h.startsWith("[") && h.endsWith("]")))) {
      return false; // a name may resolve anywhere
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static String printable(String s) {
    String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
