package org.clusterdb.chaos.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;

/**
 * The client threads of a workload: thread {@code t} talks to node {@code t mod nodes}, issues
 * operations until stopped with a short random pause between them, and each ends within its
 * operation timeout once stopped.
 */
final class Clients {
  /**
   * One thread's loop body: runs one operation as {@code process}; returns true when it ended
   * indeterminate, after which the thread goes on as a new process (Jepsen's rule).
   */
  interface Step {
    boolean run(int thread, int process, Random random) throws InterruptedException;
  }

  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  void start(String name, int concurrency, long seed, Step step) {
    for (int t = 0; t < concurrency; t++) {
      int thread = t;
      int[] process = {t};
      Random random = new Random(new java.util.SplittableRandom(seed).split().nextLong() + t);
      Thread th =
          new Thread(
              () -> {
                try {
                  while (!stopped) {
                    if (step.run(thread, process[0], random)) {
                      process[0] += concurrency;
                    }
                    Thread.sleep(5 + random.nextInt(20));
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              name + "-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
  }

  void stop(long waitMillis) throws InterruptedException {
    stopped = true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        t.interrupt();
        t.join(5_000);
      }
    }
  }

  boolean stopped() {
    return stopped;
  }

  /** The store's error behind a failed future, or null if the failure is something else. */
  static ClusterDbException cause(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof ClusterDbException e ? e : null;
  }

  /** Whether a failed write surely did not take effect. */
  static boolean definite(Throwable t) {
    ClusterDbException e = cause(t);
    return e != null && e.definite();
  }

  /** Short text for the history: the error code, or the exception's class. */
  static String error(Throwable t) {
    ClusterDbException e = cause(t);
    if (e != null) {
      return e.code().name();
    }
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  static boolean is(Throwable t, ErrorCode code) {
    ClusterDbException e = cause(t);
    return e != null && e.code() == code;
  }

  static <T> List<T> perNode(int nodes, IntFunction<T> f) {
    List<T> l = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      l.add(f.apply(i));
    }
    return l;
  }
}
