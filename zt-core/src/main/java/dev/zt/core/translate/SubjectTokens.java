package dev.zt.core.translate;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.VerifiedCredential;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.internal.pipeline.AfterAllow;
import dev.zt.core.internal.pipeline.AfterAnswer;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What both translations (the minter, the exchange client) need of the request: the subject token, its SHA-256 (the
 * cache key's first part: the token itself is never kept), the FORWARD step both install, and the step that empties a
 * subject token's cached entries once the enforcer refuses that token.
 */
final class SubjectTokens {

  /**
   * Refusals after which a token's cached translations must not be served again, even if it is accepted later (a
   * suspension lifted): suspended, revoked or unknown at the issuer's introspection endpoint, refused by the STS, ended.
   */
  static final Set<DenyReason> EMPTYING = Set.of(DenyReason.TOKEN_SUSPENDED, DenyReason.TOKEN_INACTIVE,
      DenyReason.TOKEN_EXCHANGE_SUBJECT_REFUSED, DenyReason.TOKEN_EXPIRED);

  private SubjectTokens() {}

  /** The token of the request's one {@code Authorization} field (Bearer or DPoP scheme), or null. */
  static String of(RequestState state) {
    return of(state.request());
  }

  static String of(RequestContext request) {
    List<String> values = request.headers().values("Authorization");
    if (values.size() != 1) {
      return null;
    }
    String h = values.get(0).strip();
    int sp = h.indexOf(' ');
    if (sp < 0) {
      return null;
    }
    String t = h.substring(sp + 1).strip();
    return t.isEmpty() ? null : t;
  }

  /** The hex SHA-256 of a token's bytes. */
  static String sha256(String token) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How a translation turns an allowed token caller's credential and subject token into the step's outcome. */
  @FunctionalInterface
  interface Translation {
    Step translate(RequestState state, VerifiedCredential credential, String subjectToken);
  }

  /**
   * The FORWARD step: on an allow of a token caller, {@code translation} sets the credential to forward; anonymous
   * and workload-only allows get none. An allowed token caller always sent its token, so a missing one is a fault.
   */
  record Forward(String name, Translation translation) implements AfterAllow {
    @Override
    public Step evaluate(RequestState state) {
      Caller caller = state.caller();
      if (caller.credential().isEmpty()) {
        return Step.proceed();
      }
      String subjectToken = of(state);
      if (subjectToken == null) {
        return Step.deny(DenyReason.INTERNAL_ERROR);
      }
      return translation.translate(state, caller.credential().get(), subjectToken);
    }
  }

  /**
   * After a refusal in {@link #EMPTYING} of a request that carried a token, hands that token to {@code invalidate}:
   * a suspended or revoked subject token empties its entries (the countermeasures and the introspection client
   * refuse it before any translation; this makes sure a later acceptance exchanges or mints afresh).
   */
  record Emptying(Consumer<String> invalidate) implements AfterAnswer {
    @Override
    public void denied(RequestState state, Decision.Deny deny, int status) {
      if (EMPTYING.contains(deny.reason())) {
        String token = of(state);
        if (token != null) {
          invalidate.accept(token);
        }
      }
    }

    @Override
    public void answered(RequestContext request, ClientAddresses.Client client, Caller caller, String identity,
        String path, int status) {
      // nothing: an answer of the application says nothing about the subject token
    }
  }
}
