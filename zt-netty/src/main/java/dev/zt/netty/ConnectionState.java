package dev.zt.netty;

/**
 * The explicit state machine of {@link ZeroTrustHandler}'s inbound side: where the connection is with its current
 * request. Every change goes through {@link #to}, which refuses a transition the table below does not list, so a bug
 * fails loudly instead of passing content undecided.
 *
 * <pre>
 *   IDLE ───── request ─────▶ decided at once:  allow ──▶ FORWARDING ── last content ──▶ IDLE
 *     ▲                                         deny  ──▶ DISCARDING ── last content ──▶ IDLE
 *     │                                         (body already complete: straight back to IDLE)
 *     │                                         read form ──▶ READING_FORM
 *     │                       decision pending ──▶ DECIDING ── decided ──▶ as "decided at once"
 *     │        READING_FORM ── body complete or past the limit ──▶ decided at once | DECIDING
 *     │                     ── deadline passed ──▶ DISCARDING (408) | IDLE
 *     └─ FORWARDING / DISCARDING may also meet the next request (a body the codec cut short)
 *   any ── closing, fault, channel inactive, handler removed ──▶ CLOSED (terminal: everything released)
 * </pre>
 *
 * <p>The response side is separate ({@link ResponseWatch}): an allowed request waits for its final response while the
 * inbound side may already be {@code IDLE}, and the next request is queued until it is written.
 */
enum ConnectionState {
  /** No request in progress: a stray content is released, never passed on. */
  IDLE,
  /** A decision is pending on another thread: reading is paused and every message queued. */
  DECIDING,
  /** Every check that needs no body allowed a streamed form: its contents are copied for inspection. */
  READING_FORM,
  /** The request was allowed: its contents go on to the application. */
  FORWARDING,
  /** The request was denied: its contents are released up to the last one. */
  DISCARDING,
  /** The connection closes: everything that still arrives is released. */
  CLOSED;

  /** {@code next}, when the table allows going there from this state. */
  ConnectionState to(ConnectionState next) {
    boolean allowed = switch (this) {
      case CLOSED -> next == CLOSED;
      case DECIDING -> next != DECIDING;         // one decision at a time
      case READING_FORM -> next != READING_FORM; // one form at a time
      case IDLE, FORWARDING, DISCARDING -> true;
    };
    if (!allowed) {
      throw new IllegalStateException("zt handler: no transition " + this + " -> " + next);
    }
    return next;
  }

  /** Whether the connection takes no more messages. */
  boolean closed() {
    return this == CLOSED;
  }
}
