package dev.zt.core.authz;

import dev.zt.core.Caller;
import dev.zt.core.Decision;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Object-level checks for one allowed request: may its caller do an action on a resource? The enforcer's object
 * rules decide first (forbid wins, no permit → deny); when they permit and a PDP binding covers the resource type and
 * action, the PDP is asked too, and only its allow lets the check pass. A deny anywhere wins; an unavailable PDP is a
 * 503, never an allow. Every check is audited like a request decision, naming the deciding rule.
 *
 * <p>Get one from the adapter (one line on a servlet: {@code ZeroTrustFilter.authorization(req).require("read",
 * Resource.of("order", id).with("owner", owner))}; on Netty {@code ZeroTrustHandler.authorization(channel)}) or from
 * the enforcer:
 *
 * <pre>{@code
 * Authorization authz = enforcer.authorization(request, allow);
 * authz.require("read", Resource.of("order", id).with("owner", owner));
 * }</pre>
 *
 * @since 0.3
 */
public interface Authorization {

  /** Who made the request. */
  Caller caller();

  /** The named captures of the route rule that allowed the request ({@code {id}} in {@code /orders/{id}}). */
  Map<String, String> captures();

  /**
   * Decides, waiting for the PDP when one is asked (up to its binding's timeout): for threads that may block. The
   * answer is {@link Decision.Allow} or {@link Decision.Deny}.
   *
   * @throws IllegalStateException when the PDP must be waited for and the request said it cannot block
   *     ({@code RequestContext.mayBlock()} false, as on Netty's event loop): use {@link #checkAsync} there
   */
  Decision check(String action, Resource resource);

  /** Decides without blocking (for an event loop); the stage never completes exceptionally. */
  CompletionStage<Decision> checkAsync(String action, Resource resource);

  /**
   * Decides as {@link #check}, returning normally on allow.
   *
   * @throws ObjectAccessDenied on deny, carrying the {@link Decision.Deny} for the adapter to answer with
   */
  default void require(String action, Resource resource) {
    Decision d = check(action, resource);
    if (d instanceof Decision.Deny deny) {
      throw new ObjectAccessDenied(deny);
    }
    if (!(d instanceof Decision.Allow)) {
      throw new IllegalStateException("an object check answered " + d);
    }
  }
}
