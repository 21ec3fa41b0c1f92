package dev.zt.samples.orders;

import dev.zt.redis.RedisServerProcess;
import dev.zt.testkit.TestIssuer;
import java.util.HashMap;
import java.util.Map;

/** What the sample's tests of instances sharing one redis-server have in common: their environment and clean-up. */
final class RedisInstances {

  private RedisInstances() {}

  /** The environment of an instance on {@code server} ({@code servlet}, {@code netty}) sharing {@code redis}. */
  static Map<String, String> env(TestIssuer issuer, RedisServerProcess redis, String server) {
    Map<String, String> env = new HashMap<>();
    env.put("ZT_ISSUER", issuer.issuer());
    env.put("ZT_AUDIENCE", "orders-api");
    env.put("PORT", "0");
    env.put("ZT_SERVER", server);
    env.put("ZT_REDIS_URL", redis.uri());
    return env;
  }

  /** Closes, in order, what was started ({@code null} where a start failed before it). */
  static void closeAll(AutoCloseable... started) throws Exception {
    for (AutoCloseable c : started) {
      if (c != null) {
        c.close();
      }
    }
  }
}
