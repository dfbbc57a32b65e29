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
final class PredictionSink<T extends Output<T>> implements AutoCloseable {
  private final Endpoint<T> endpoint;
  private final List<EndpointBuilder.MonitorSpec> monitors;
  private final List<EndpointBuilder.LogSpec> logs;
  private final double sampleRate;
  private final boolean logOutputs;
  private final Handoff<Entry<T>> handoff;
  private final LongAdder labelsMissed = new LongAdder();

  private sealed interface Entry<T extends Output<T>> permits Predicted, Labelled {}

  private record Predicted<T extends Output<T>>(Request<T> request, InputSchema schema, Served<T> served) implements Entry<T> {}

  private record Labelled<T extends Output<T>>(String requestId, String variant, String truth) implements Entry<T> {}

  PredictionSink(Endpoint<T> endpoint, EndpointBuilder<T> b) {
    this.endpoint = endpoint;
    this.monitors = List.copyOf(b.monitors);
    this.logs = List.copyOf(b.predictionLogs);
    this.sampleRate = b.sampleRate;
    this.logOutputs = b.logOutputs;
    this.handoff = new Handoff<>("mlops-endpoint-" + endpoint.name() + "-log", b.logQueue, this::run);
  }

  /** Queues a detached request for logging. */
  void offer(Request<T> request, Served<T> served, Variant<T> v) {
    if (sampleRate < 1 && ThreadLocalRandom.current().nextDouble() >= sampleRate) {
      return;
    }
    Variant.Active<T> a = v.active();
    if (a == null) {
      return;
    }
    if (!handoff.offer(new Predicted<>(request, a.schema(), served))) {
      endpoint.metrics.dropped(endpoint.name(), "log");
    }
  }

  void label(String requestId, T truth, Endpoint.Issued issued) {
    if (!logs.isEmpty() && !handoff.offer(new Labelled<>(requestId, issued.variant().name, truth.getSerializableForm(false)))) {
      endpoint.metrics.dropped(endpoint.name(), "log");
    }
  }

  private void run(Entry<T> e) {
    if (e instanceof Predicted<T> p) {
      Map<String, Object> row = null;
      for (EndpointBuilder.MonitorSpec m : monitors) {
        if (m.variant() != null && !m.variant().equals(p.served.variant())) {
          continue;
        }
        if (row == null) {
          row = p.request.columns(p.schema);
          if (logOutputs) {
            row.put("prediction", p.served.outputText());
            double s = p.served.score();
            if (!Double.isNaN(s)) {
              row.put("prediction_score", s);
            }
          }
        }
        m.monitor().log(row);
      }
      for (EndpointBuilder.LogSpec l : logs) {
        if (l.variant() != null && !l.variant().equals(p.served.variant())) {
          continue;
        }
        Double score = positiveScore(p.served, l.positive());
        if (score != null) {
          l.log().predict(p.served.requestId(), score);
        }
      }
    } else if (e instanceof Labelled<T> lab) {
      for (EndpointBuilder.LogSpec l : logs) {
        if (l.variant() != null && !l.variant().equals(lab.variant)) {
          continue;
        }
        try {
          l.log().label(lab.requestId, lab.truth.equals(l.positive()) ? 1 : 0);
        } catch (RuntimeException ex) {
          // the prediction was not logged (sampled out, dropped, or its window left memory)
          labelsMissed.increment();
        }
      }
    }
  }

  private static @Nullable Double positiveScore(Served<?> served, String positive) {
    Object s = served.prediction().getOutputScores().get(positive);
    return s instanceof Label l ? l.getScore() : null;
  }

  int depth() {
    return handoff.depth();
  }

  long dropped() {
    return handoff.dropped();
  }

  long labelsMissed() {
    return labelsMissed.sum();
  }

  boolean awaitIdle(long timeoutMillis) {
    return handoff.awaitIdle(timeoutMillis);
  }

  @Override
  public void close() {
    handoff.close();
  }
}
