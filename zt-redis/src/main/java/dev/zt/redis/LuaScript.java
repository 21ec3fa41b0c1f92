package dev.zt.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script sent by its SHA-1 digest ({@code EVALSHA}) without waiting: only the digest crosses the wire on each
 * call. A Redis that does not hold the script ({@code NOSCRIPT}: restarted, or its scripts flushed) did not run it,
 * so the same call is sent once more with the whole script ({@code EVAL}, which also caches it), again without
 * waiting: no call is lost and none runs twice.
 */
final class LuaScript {

  private final String text;
  private final String sha;

  LuaScript(String text) {
    this.text = text;
    this.sha = sha1Hex(text);
  }

  String sha() {
    return sha;
  }

  /**
   * Runs the script with {@code keys} and {@code args}: {@code EVALSHA}, then {@code EVAL} once on {@code NOSCRIPT}.
   * Never blocks; the stage completes on Lettuce's I/O thread (each command keeps the client's deadline).
   */
  <T> CompletionStage<T> run(RedisAsyncCommands<String, String> redis, ScriptOutputType type, String[] keys,
      String... args) {
    CompletableFuture<T> out = new CompletableFuture<>();
    redis.<T>evalsha(sha, type, keys, args).whenComplete((value, error) -> {
      if (error == null) {
        out.complete(value);
      } else if (noScript(error)) {
        try {
          redis.<T>eval(text, type, keys, args).whenComplete((again, failed) -> {
            if (failed == null) {
              out.complete(again);
            } else {
              out.completeExceptionally(failed);
            }
          });
        } catch (RuntimeException e) {
          out.completeExceptionally(e);
        }
      } else {
        out.completeExceptionally(error);
      }
    });
    return out;
  }

  static boolean noScript(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RedisNoScriptException) {
        return true;
      }
      if (!(t instanceof CompletionException) && t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")) {
        return true;
      }
    }
    return false;
  }

  /** The digest EVALSHA names a script by. */
  static String sha1Hex(String script) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JDK", e);
    }
  }
}
