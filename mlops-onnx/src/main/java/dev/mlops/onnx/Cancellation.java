package dev.mlops.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlops.api.MlopsException;
import dev.mlops.onnx.internal.OrtRuntime;
import java.util.HashSet;
import java.util.Set;

/**
 * Cancels the predictions it is given to: {@link #cancel()}, from any thread, stops their runs in
 * ONNX Runtime between two operators (its run options' terminate flag), and a prediction given a
 * cancelled handle stops before it starts. A cancelled prediction throws
 * {@link java.util.concurrent.CancellationException}; one that finished first keeps its result.
 * This is how a caller enforces its own deadline:
 *
 * <pre>{@code
 * Cancellation c = new Cancellation();
 * scheduler.schedule(c::cancel, 200, TimeUnit.MILLISECONDS);
 * List<OnnxPrediction> p = model.predictBatch(rows, c);
 * }</pre>
 *
 * <p>One handle may serve several predictions; once cancelled it stays cancelled. Thread-safe.
 */
public final class Cancellation {
  private final Set<OrtSession.RunOptions> running = new HashSet<>();
  private boolean cancelled;

  /** A handle that is not cancelled. */
  public Cancellation() {}

  /** Cancels every prediction given this handle, running or to come. */
  public synchronized void cancel() {
    cancelled = true;
    for (OrtSession.RunOptions run : running) {
      terminate(run);
    }
  }

  /** Whether {@link #cancel()} was called. */
  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /** A run starts under this handle: it is terminated at once if the handle is already cancelled. */
  synchronized void attach(OrtSession.RunOptions run) {
    running.add(run);
    if (cancelled) {
      terminate(run);
    }
  }

  /** A run ended (before its run options are closed, so a late cancel never touches freed options). */
  synchronized void detach(OrtSession.RunOptions run) {
    running.remove(run);
  }

  private static void terminate(OrtSession.RunOptions run) {
    try {
      run.setTerminate(true);
    } catch (OrtException e) {
      throw new MlopsException("ONNX Runtime could not cancel a run: " + OrtRuntime.message(e), e);
    }
  }
}
