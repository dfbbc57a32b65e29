package dev.mlops.tracking.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Group commit on the callers' own threads (a leader/follower combiner; no thread of its own).
 * A caller that finds no write running becomes the leader and writes its batch at once, as a lone
 * call always did. Callers that arrive while the leader writes queue their batches and wait; when
 * the leader's write returns it takes the waiting batches, up to {@value #MAX_BATCHES} of them or
 * {@value #MAX_ENTRIES} entries, and writes them together in one transaction. It leads until its
 * own batch is written, then hands the lead to the first caller still waiting. Nothing waits to
 * gather more: a group is whatever queued while the previous write ran.
 *
 * <p>Every caller returns only once the transaction that holds its batch has committed, or throws
 * its own batch's exception. A group whose transaction fails as a whole (anything other than one
 * batch's own refusal, which {@link Writer#writeTogether} reports per batch) is not retried as a
 * group: each of its callers writes its own batch in a transaction of its own on its own thread,
 * exactly as without grouping, so no batch is lost or written twice and each failure reaches only
 * the caller whose batch caused it.
 *
 * <p>Waiting is not interruptible, as waiting for the database's writer lock is not: a caller
 * interrupted while its batch waits still learns what became of it (written, or its exception) and
 * returns with its interrupt status set. A leader that throws an {@link Error} while writing a
 * group leaves no follower waiting: the group's transaction was rolled back, and each follower
 * writes its own batch; the leader's own batch, if it was in that group, was not written.
 *
 * @param <B> a batch
 */
final class GroupCommit<B> {
  /** Most batches one group transaction writes. */
  static final int MAX_BATCHES = 64;
  /** Most entries (metric points, params and tags) one group transaction writes, unless its first batch alone has more. */
  static final int MAX_ENTRIES = 20_000;

  /** How batches are written. */
  interface Writer<B> {
    /** Writes one batch in a transaction of its own (as an ungrouped call does), or throws its exception. */
    void writeAlone(B batch);

    /**
     * Writes {@code group} in one transaction: a batch the store refuses on its own account is left
     * out (its writes undone) and its exception returned at its index; the others are written and
     * committed together, with null at their index. Throws, having written nothing, if the
     * transaction itself failed.
     */
    List<@Nullable RuntimeException> writeTogether(List<B> group);

    /** A batch's size, for {@link #MAX_ENTRIES}. */
    int entries(B batch);
  }

  /** A test seam: told the size of each group before its leader writes it, on the leader's thread. */
  interface Hook {
    void beforeWrite(int batches);
  }

  private enum State { QUEUED, TAKEN, DONE, ALONE }

  /** A caller's batch and what became of it; every field is guarded by {@link #lock}. */
  private static final class Entry<B> {
    final B batch;
    final Condition wake;
    State state = State.QUEUED;
    @Nullable RuntimeException failure;
    /** The outcome found by the leader before it is published (the state it will get). */
    @Nullable State outcome;

    Entry(B batch, Condition wake) {
      this.batch = batch;
      this.wake = wake;
    }
  }

  private final Writer<B> writer;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Entry<B>> queue = new ArrayDeque<>();
  private boolean leading;
  private volatile Hook hook = batches -> { };

  GroupCommit(Writer<B> writer) {
    this.writer = writer;
  }

  /** Sets the test seam. */
  void hook(Hook hook) {
    this.hook = hook;
  }

  /** Batches queued and not yet taken by a leader (for tests). */
  int waiting() {
    lock.lock();
    try {
      return (int) queue.stream().filter(e -> e.state == State.QUEUED).count();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes {@code batch}, joined with the batches of concurrent callers; returns once it is
   * committed, or throws its exception.
   */
  void submit(B batch) {
    Entry<B> own;
    lock.lock();
    try {
      own = new Entry<>(batch, lock.newCondition());
      queue.addLast(own);
      while (own.state == State.TAKEN || (own.state == State.QUEUED && leading)) {
        own.wake.awaitUninterruptibly();
      }
      if (own.state == State.QUEUED) {
        leading = true;
      }
    } finally {
      lock.unlock();
    }
    if (own.state == State.QUEUED) {
      lead(own);
    }
    finish(own);
  }

  /** Returns or throws what became of a published entry; writes it alone if its group failed as a whole. */
  private void finish(Entry<B> own) {
    if (own.state == State.ALONE) {
      writer.writeAlone(own.batch);
    } else if (own.failure != null) {
      throw own.failure;
    }
  }

  /** Writes groups until {@code own} is among the written ones, then hands the lead on. */
  private void lead(Entry<B> own) {
    try {
      while (own.state == State.QUEUED || own.state == State.TAKEN) {
        List<Entry<B>> group = take();
        try {
          write(group);
        } finally {
          publish(group, own);
        }
      }
    } finally {
      lock.lock();
      try {
        // after an Error the leader's own batch may still be queued: it was not written, and the caller learns by the Error
        queue.remove(own);
        leading = false;
        Entry<B> next = queue.peekFirst();
        if (next != null) {
          next.wake.signal();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** The next group from the head of the queue, bounded by {@link #MAX_BATCHES} and {@link #MAX_ENTRIES}. */
  private List<Entry<B>> take() {
    lock.lock();
    try {
      List<Entry<B>> group = new ArrayList<>();
      long entries = 0;
      for (Entry<B> e = queue.peekFirst(); e != null && group.size() < MAX_BATCHES; e = queue.peekFirst()) {
        entries += writer.entries(e.batch);
        if (!group.isEmpty() && entries > MAX_ENTRIES) {
          break;
        }
        queue.pollFirst();
        e.state = State.TAKEN;
        group.add(e);
      }
      return group;
    } finally {
      lock.unlock();
    }
  }

  /** Writes a group, recording each entry's outcome; throws only an Error (no outcome recorded for the rest). */
  private void write(List<Entry<B>> group) {
    hook.beforeWrite(group.size());
    if (group.size() == 1) {
      Entry<B> e = group.get(0);
      try {
        writer.writeAlone(e.batch);
      } catch (RuntimeException ex) {
        e.failure = ex;
      }
      e.outcome = State.DONE;
      return;
    }
    List<B> batches = new ArrayList<>(group.size());
    group.forEach(e -> batches.add(e.batch));
    List<@Nullable RuntimeException> failures;
    try {
      failures = writer.writeTogether(batches);
    } catch (RuntimeException ex) {
      group.forEach(e -> e.outcome = State.ALONE);
      return;
    }
    for (int i = 0; i < group.size(); i++) {
      group.get(i).failure = failures.get(i);
      group.get(i).outcome = State.DONE;
    }
  }

  /**
   * Publishes each entry's outcome and wakes its caller. An entry without one (the write threw an
   * Error, so its transaction rolled back) is written alone by its caller; the leader's own is not
   * written at all, since the leader goes on to throw.
   */
  private void publish(List<Entry<B>> group, Entry<B> own) {
    lock.lock();
    try {
      for (Entry<B> e : group) {
        State outcome = e.outcome;
        e.state = outcome != null ? outcome : e == own ? State.DONE : State.ALONE;
        if (e != own) {
          e.wake.signal();
        }
      }
    } finally {
      lock.unlock();
    }
  }
}
