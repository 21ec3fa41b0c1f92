package dev.zt.servlet;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The report of how the application answered one allowed request ({@link Enforcer#report}), made exactly once: at
 * once when the request was answered synchronously, or, when the application went asynchronous ({@code startAsync}:
 * a proxy servlet, a reply from another thread), when the container completes the async cycle
 * ({@link AsyncListener#onComplete}, on the container's thread, with the status it finally answered). A cycle that
 * ended in an error or a timeout is never reported as a success: its status, when it still reads below 400 (the
 * error came after the head was sent, or nobody set one), is reported as 500.
 */
final class AnswerReport implements AsyncListener {

  /** What an async cycle that failed (error, timeout) counts as when its response reads as a success. */
  static final int FAILED_CYCLE = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;

  private final Enforcer enforcer;
  private final RequestContext context;
  private final Decision decision;
  private final HttpServletResponse response;
  private final AtomicBoolean reported = new AtomicBoolean();
  private volatile boolean failed;
  private volatile boolean watching;

  AnswerReport(Enforcer enforcer, RequestContext context, Decision decision, HttpServletResponse response) {
    this.enforcer = enforcer;
    this.context = context;
    this.decision = decision;
    this.response = response;
  }

  /** Whether an async cycle is being watched: then the listener reports, never the filter's own thread. */
  boolean watching() {
    return watching;
  }

  /** Listens to {@code async}'s cycle (each cycle once: the container also calls {@link #onStartAsync}). */
  void watch(AsyncContext async) {
    watching = true;
    async.addListener(this);
  }

  /** Reports {@code status} unless this request was reported already. */
  void report(int status) {
    if (reported.compareAndSet(false, true)) {
      enforcer.report(context, decision, status); // never throws: reporting never affects the response
    }
  }

  @Override
  public void onComplete(AsyncEvent event) {
    int status = response.getStatus();
    report(failed && status < 400 ? FAILED_CYCLE : status);
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    failed = true; // the container (or another listener) answers it; onComplete reports that answer
  }

  @Override
  public void onError(AsyncEvent event) {
    failed = true; // as for a timeout: the answer is reported when the cycle completes
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // a new cycle (startAsync again after a dispatch) keeps only the listeners that register again
    AsyncContext next = event.getAsyncContext();
    if (next != null) {
      next.addListener(this);
    }
  }
}
