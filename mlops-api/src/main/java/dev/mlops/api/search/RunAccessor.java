package dev.mlops.api.search;

import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import java.util.ArrayList;
import java.util.List;

/** Reads filter and ordering keys off a {@link Run}; the in-memory reference semantics of search. */
public final class RunAccessor implements Accessor {
  private final Run run;

  private RunAccessor(Run run) {
    this.run = run;
  }

  /** An accessor over {@code run}. */
  public static RunAccessor of(Run run) {
    return new RunAccessor(run);
  }

  @Override
  public List<Object> values(Key key) {
    RunInfo i = run.info();
    return switch (key.kind()) {
      case METRIC -> {
        Metric m = run.latestMetrics().get(key.name());
        yield m == null ? List.of() : List.of(m.value());
      }
      case PARAM -> Evaluator.one(run.params().get(key.name()));
      case TAG -> Evaluator.one(run.tags().get(key.name()));
      case ATTRIBUTE -> switch (key.name()) {
        case "run_id" -> List.of(i.runId());
        case "run_name" -> List.of(i.runName());
        case "status" -> List.of(i.status().name());
        case "user" -> List.of(i.user());
        case "artifact_uri" -> List.of(i.artifactUri());
        case "experiment_id" -> List.of(i.experimentId());
        case "parent_run_id" -> i.parentRunId().isEmpty() ? List.of() : List.of(i.parentRunId());
        case "start_time" -> List.of((double) i.startTime());
        case "end_time" -> i.endTime() < 0 ? List.of() : List.of((double) i.endTime());
        default -> List.of();
      };
      case DATASET -> {
        List<Object> out = new ArrayList<>();
        for (DatasetInput d : run.inputs()) {
          out.add(switch (key.name()) {
            case "name" -> d.dataset().name();
            case "digest" -> d.dataset().digest();
            default -> d.context();
          });
        }
        yield out;
      }
    };
  }
}
