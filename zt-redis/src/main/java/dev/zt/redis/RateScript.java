package dev.zt.redis;

import dev.zt.core.spi.RateBuckets.Band;
import dev.zt.core.spi.RateBuckets.Refill;
import dev.zt.core.spi.StateUnavailableException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token-bucket script: one Redis hash per bucket, fields {@code t<i>} (tokens, fractional), {@code l<i>} (the
 * last refill, ms) and {@code c<i>} (the capacity the tokens were counted against) for band {@code i}. The caller
 * passes "now" (the enforcer's clock), so every instance's clock decides only its own calls and tests move time.
 *
 * <p>A band refills as Bucket4j's does: GREEDY adds {@code capacity × elapsed / period} (up to the capacity);
 * INTERVALLY adds the capacity once per whole period since the last refill. A band passed with another capacity than
 * the one stored is rescaled in proportion (Bucket4j's {@code PROPORTIONALLY}): consumption carries over. The call
 * takes up to {@code want} tokens: as many as every band can give. It answers {@code [granted, nanos to wait for one
 * token, room of each band]} (the wait only when nothing was granted; a band's room is its capacity less the tokens
 * it held before the take, which {@link #REFUND} needs), and sets the key to expire after twice the longest period (a
 * bucket idle that long is full again anyway).
 */
final class RateScript {

  private static final Logger LOG = LoggerFactory.getLogger(RateScript.class);

  /**
   * What both scripts share: {@code read(n)} the stored fields of n bands, and {@code refill} of one band to "now" as
   * Bucket4j refills (GREEDY: {@code capacity × elapsed / period}, up to the capacity; INTERVALLY: the capacity once per
   * whole period), then rescaled in proportion when the band's capacity changed.
   */
  private static final String COMMON = """
      local function read(n)
        local fields = {}
        for i = 1, n do
          fields[#fields + 1] = 't' .. i
          fields[#fields + 1] = 'l' .. i
          fields[#fields + 1] = 'c' .. i
        end
        return redis.call('HMGET', KEYS[1], unpack(fields))
      end
      local function refill(t, l, oc, c, p, g, now)
        if now > l then
          if g then
            t = math.min(oc, t + (now - l) * oc / p)
            l = now
          else
            local periods = math.floor((now - l) / p)
            if periods > 0 then
              t = math.min(oc, t + periods * oc)
              l = l + periods * p
            end
          end
        end
        if oc ~= c then
          t = t * c / oc
        end
        return t, l
      end
      """;

  static final String LUA = COMMON + """
      local now = tonumber(ARGV[1])
      local want = tonumber(ARGV[2])
      local ttl = tonumber(ARGV[3])
      local n = (#ARGV - 3) / 3
      local stored = read(n)
      local tokens, last, cap, per, greedy, room = {}, {}, {}, {}, {}, {}
      local granted = want
      for i = 1, n do
        local c = tonumber(ARGV[1 + 3 * i])
        local p = tonumber(ARGV[2 + 3 * i])
        local g = ARGV[3 + 3 * i] == 'G'
        local t = tonumber(stored[3 * i - 2])
        local l = tonumber(stored[3 * i - 1])
        local oc = tonumber(stored[3 * i])
        if t == nil or l == nil or oc == nil or oc <= 0 then
          t, l, oc = c, now, c
        end
        t, l = refill(t, l, oc, c, p, g, now)
        tokens[i], last[i], cap[i], per[i], greedy[i] = t, l, c, p, g
        room[i] = math.max(0, math.floor(c - t))
        local whole = math.floor(t + 1e-9)
        if whole < granted then
          granted = whole
        end
      end
      if granted < 0 then
        granted = 0
      end
      local wait = 0
      local set = {}
      for i = 1, n do
        local t = tokens[i] - granted
        if t < 0 then
          t = 0
        end
        if granted == 0 and t < 1 - 1e-9 then
          local w
          if greedy[i] then
            w = (1 - t) * per[i] / cap[i]
          else
            w = last[i] + per[i] - now
          end
          if w > wait then
            wait = w
          end
        end
        set[#set + 1] = 't' .. i
        set[#set + 1] = string.format('%.17g', t)
        set[#set + 1] = 'l' .. i
        set[#set + 1] = string.format('%.17g', last[i])
        set[#set + 1] = 'c' .. i
        set[#set + 1] = string.format('%.17g', cap[i])
      end
      redis.call('HSET', KEYS[1], unpack(set))
      redis.call('PEXPIRE', KEYS[1], ttl)
      local out = {granted, math.ceil(wait * 1000000)}
      for i = 1, n do
        out[#out + 1] = room[i]
      end
      return out
      """;

  static final String SHA = LuaScript.sha1Hex(LUA);

  /**
   * Gives back a lease's unused tokens: {@code ARGV} = now, ttl, the lease's time (when it was taken), the unused
   * tokens, then per band capacity, period (ms), G|I and the room the band had when the lease was taken (capacity −
   * tokens before the take, from {@link #LUA}'s answer). Each band gets back at most what the bucket would hold
   * without the lease: an INTERVALLY band nothing once a refill came since the lease (the bucket was full again
   * anyway), a GREEDY band the unused tokens less what it refilled beyond its room since the lease; never above
   * its capacity. A bucket that expired meanwhile is full: nothing is written. Answers 1 when written, else 0.
   */
  static final String REFUND = COMMON + """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return 0
      end
      local now = tonumber(ARGV[1])
      local ttl = tonumber(ARGV[2])
      local since = tonumber(ARGV[3])
      local amount = tonumber(ARGV[4])
      local n = (#ARGV - 4) / 4
      local stored = read(n)
      local set = {}
      for i = 1, n do
        local c = tonumber(ARGV[1 + 4 * i])
        local p = tonumber(ARGV[2 + 4 * i])
        local g = ARGV[3 + 4 * i] == 'G'
        local room = tonumber(ARGV[4 + 4 * i])
        local t = tonumber(stored[3 * i - 2])
        local l = tonumber(stored[3 * i - 1])
        local oc = tonumber(stored[3 * i])
        if t == nil or l == nil or oc == nil or oc <= 0 then
          return 0
        end
        t, l = refill(t, l, oc, c, p, g, now)
        local add = amount
        if g then
          local refilled = math.max(0, now - since) * c / p
          add = amount - math.max(0, refilled - room)
        elseif l > since then
          add = 0
        end
        add = math.max(0, math.min(add, c - t))
        set[#set + 1] = 't' .. i
        set[#set + 1] = string.format('%.17g', t + add)
        set[#set + 1] = 'l' .. i
        set[#set + 1] = string.format('%.17g', l)
        set[#set + 1] = 'c' .. i
        set[#set + 1] = string.format('%.17g', c)
      end
      redis.call('HSET', KEYS[1], unpack(set))
      redis.call('PEXPIRE', KEYS[1], ttl)
      return 1
      """;

  static final String REFUND_SHA = LuaScript.sha1Hex(REFUND);

  private RateScript() {}

  /** The script's arguments after now and want: ttl, then capacity, period (ms) and G|I for each band. */
  static String[] arguments(List<Band> bands) {
    long longest = 0;
    String[] args = new String[3 + 3 * bands.size()];
    for (int i = 0; i < bands.size(); i++) {
      Band b = bands.get(i);
      long period = Math.max(1, b.period().toMillis());
      longest = Math.max(longest, period);
      args[3 + 3 * i] = Long.toString(b.capacity());
      args[4 + 3 * i] = Long.toString(period);
      args[5 + 3 * i] = b.refill() == Refill.GREEDY ? "G" : "I";
    }
    args[2] = Long.toString(Math.max(1000, 2 * longest));
    return args;
  }

  /**
   * Runs the script on {@code key} with {@code args} (from {@link #arguments}, now and want set by the caller):
   * {@code [granted, nanos, room of band 1, …]} (the room: capacity − tokens before the take). EVALSHA first; a Redis
   * that forgot the script (restarted) gets it again with EVAL.
   */
  static long[] take(Redis redis, String key, String[] args) {
    String[] keys = {key};
    List<Long> out;
    try {
      out = redis.call("rate", c -> c.evalsha(SHA, ScriptOutputType.MULTI, keys, args));
    } catch (StateUnavailableException e) {
      if (!(e.getCause() instanceof RedisNoScriptException)) {
        throw e;
      }
      out = redis.call("rate", c -> c.eval(LUA, ScriptOutputType.MULTI, keys, args));
    }
    if (out == null || out.size() < 2) {
      throw new StateUnavailableException("the rate script answered " + out);
    }
    long[] answer = new long[out.size()];
    for (int i = 0; i < answer.length; i++) {
      answer[i] = out.get(i);
    }
    return answer;
  }

  /**
   * Sends {@link #REFUND} on {@code key} with {@code args} and does not wait for it. While {@code loaded} is false
   * (the script not yet seen on this Redis) it sends the script's text (EVAL), so the refund reaches Redis before
   * any command sent after it on the connection; then EVALSHA, and a Redis that forgot it (restarted) gets the text
   * again from Lettuce's I/O thread (that refund arrives later than what was sent meanwhile). A refund that fails
   * (deadline, disconnection) is lost, which only lowers what the client gets.
   */
  static void refund(Redis redis, String key, String[] args, AtomicBoolean loaded) {
    String[] keys = {key};
    try {
      RedisFuture<Long> sent = loaded.get()
          ? redis.connection().async().evalsha(REFUND_SHA, ScriptOutputType.INTEGER, keys, args)
          : redis.connection().async().eval(REFUND, ScriptOutputType.INTEGER, keys, args);
      sent.whenComplete((out, err) -> {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause == null) {
          loaded.set(true);
        } else if (cause instanceof RedisNoScriptException) {
          loaded.set(false); // EVAL next: it cannot answer NOSCRIPT, so this ends
          refund(redis, key, args, loaded);
        } else {
          LOG.debug("zt Redis rate refund lost: {}", cause.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("zt Redis rate refund lost: {}", e.toString());
    }
  }

}
