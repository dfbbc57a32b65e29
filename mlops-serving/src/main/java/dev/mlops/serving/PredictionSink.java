package dev.mlops.serving;

import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.performance.PredictionLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;
import org.tribuo.classification.Label;

/**
 * Prediction logging off the request path: the caller only offers an entry to a bounded,
 * lock-free queue (sampled; dropped and counted when full, never blocking); a background worker
 * feeds the endpoint's and the variants' {@link Monitor}s (features, optionally the output) and
 * {@link PredictionLog}s (the positive class's score, and later the label that
 * {@link Endpoint#feedback} joins), in order.
 */
final class PredictionSink<T extends Output<T>> {
  private final List<EndpointBuilder.MonitorSpec> monitors;
  private final List<EndpointBuilder.LogSpec> logs;
  private final double sampleRate;
  private final boolean logOutputs;
  /** Answered requests and their feedback labels, in order. */
  private final Handoff.Lane<LogEntry<T>> lane;
  /** Rows (answered requests) handed to logging, and those of them dropped because the queue was full. */
  private final LongAdder rows = new LongAdder();
  private final LongAdder rowsDropped = new LongAdder();
  /** Feedback labels handed to logging, those dropped because the queue was full, and those no prediction log could join. */
  private final LongAdder labels = new LongAdder();
  private final LongAdder labelsDropped = new LongAdder();
  private final LongAdder labelsUnjoined = new LongAdder();

  /** What the logging lane carries: an answered request ({@link Answered}) or a feedback label ({@link Labelled}). */
  sealed interface LogEntry<T extends Output<T>> permits Answered, PredictionSink.Labelled {}

  /** A label that {@link Endpoint#feedback} joins to a logged prediction. */
  record Labelled<T extends Output<T>>(String requestId, String variant, String truth) implements LogEntry<T> {}

  PredictionSink(EndpointBuilder<T> b, Handoff worker) {
    this.monitors = List.copyOf(b.monitors);
    this.logs = List.copyOf(b.predictionLogs);
    this.sampleRate = b.sampleRate;
    this.logOutputs = b.logOutputs;
    this.lane = worker.lane(b.logQueue, this::run);
  }

  /** Whether this request is logged (the sampling rate's draw). */
  private boolean sampled() {
    return sampleRate >= 1 || ThreadLocalRandom.current().nextDouble() < sampleRate;
  }

  /**
   * Whether the next answered request is to be logged: false when the sampling draw leaves it out,
   * and false (counted as a row handed and dropped) while the queue is known to be full, so that
   * the caller builds nothing for it.
   */
  boolean admit() {
    if (!sampled()) {
      return false;
    }
    if (lane.skipping()) {
      rows.increment();
      rowsDropped.increment();
      return false;
    }
    return true;
  }

  /** Queues an answered request for logging; a full queue drops it and counts it as a dropped row. */
  void offer(Answered<T> job) {
    rows.increment();
    if (!lane.offer(job)) {
      rowsDropped.increment();
    }
  }

  /** Queues a feedback label for the prediction logs; a full queue drops it and counts it as a dropped label. */
  void label(String requestId, T truth, FeedbackWindow.Issued issued) {
    if (!logs.isEmpty()) {
      labels.increment();
      if (!lane.offer(new Labelled<>(requestId, issued.variant().name, truth.getSerializableForm(false)))) {
        labelsDropped.increment();
      }
    }
  }

  private void run(LogEntry<T> e) {
    if (e instanceof Answered<T> p) {
      Map<String, Object> row = null;
      for (EndpointBuilder.MonitorSpec m : monitors) {
        if (m.variant() != null && !m.variant().equals(p.served().variant())) {
          continue;
        }
        if (!logOutputs && p.request() instanceof Request.OfExample<T> oe && oe.example instanceof PresortedExample<T> pe) {
          // plain numbers by name: no map for the row
          m.monitor().logNumbers(pe.names(), pe.values());
          continue;
        }
        if (row == null) {
          row = p.request().columns(p.schema());
          if (logOutputs) {
            row.put("prediction", p.served().outputText());
            double s = p.served().score();
            if (!Double.isNaN(s)) {
              row.put("prediction_score", s);
            }
          }
        }
        m.monitor().log(row);
      }
      for (EndpointBuilder.LogSpec l : logs) {
        if (l.variant() != null && !l.variant().equals(p.served().variant())) {
          continue;
        }
        Double score = positiveScore(p.served(), l.positive());
        if (score != null) {
          l.log().predict(p.served().requestId(), score);
        }
      }
    } else if (e instanceof Labelled<T> lab) {
      boolean joined = true;
      for (EndpointBuilder.LogSpec l : logs) {
        if (l.variant() != null && !l.variant().equals(lab.variant)) {
          continue;
        }
        try {
          l.log().label(lab.requestId, lab.truth.equals(l.positive()) ? 1 : 0);
        } catch (RuntimeException ex) {
          // the prediction was not logged (sampled out, dropped, or its window left memory)
          joined = false;
        }
      }
      if (!joined) {
        labelsUnjoined.increment();
      }
    }
  }

  private static @Nullable Double positiveScore(Served<?> served, String positive) {
    Object s = served.prediction().getOutputScores().get(positive);
    return s instanceof Label l ? l.getScore() : null;
  }

  int depth() {
    return lane.depth();
  }

  long rows() {
    return rows.sum();
  }

  long rowsDropped() {
    return rowsDropped.sum();
  }

  long labels() {
    return labels.sum();
  }

  long labelsDropped() {
    return labelsDropped.sum();
  }

  long labelsUnjoined() {
    return labelsUnjoined.sum();
  }
}
