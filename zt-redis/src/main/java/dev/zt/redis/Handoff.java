package dev.zt.redis;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands tasks from threads that must never wait (Netty's event loops, Lettuce's I/O threads, where connection events
 * and command answers arrive) to an executor whose own submission takes a lock: a {@code ScheduledThreadPoolExecutor}
 * inserts under its queue's lock, and a contended lock parks the caller. Here the caller only appends to a lock-free
 * queue and unparks one thread of its own, which forwards the tasks in their order.
 */
final class Handoff implements Executor {

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final Executor target;
  private final Thread thread;
  private volatile boolean closed;

  Handoff(String name, Executor target) {
    this.target = target;
    this.thread = new Thread(this::forward, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code task} for the target executor without waiting; refused once closed. */
  @Override
  public void execute(Runnable task) {
    if (closed) {
      throw new RejectedExecutionException("closed");
    }
    queue.add(task);
    LockSupport.unpark(thread);
  }

  private void forward() {
    while (!closed) {
      Runnable task = queue.poll();
      if (task == null) {
        LockSupport.park(this); // an unpark before this park leaves a permit: no task is missed
        continue;
      }
      try {
        target.execute(task);
      } catch (RejectedExecutionException e) {
        return; // the target closed
      }
    }
  }

  /** Stops forwarding; what is still queued is dropped, as a closed executor drops it. */
  void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
