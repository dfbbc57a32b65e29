package dev.mlops.spark;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.data.Table;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Feeds a Structured Streaming query's micro-batches to a {@link Monitor}, each batch's window
 * reported exactly once across restarts of the query from its checkpoint: give it to
 * {@code writeStream().foreachBatch(...)}.
 *
 * <pre>{@code
 * Monitor monitor = Monitor.builder("payments").reference(nightly).storage(backend).windowRows(1_000_000).build();
 * StreamingQuery query = spark.readStream().schema(schema).parquet("s3://bucket/payments/")
 *     .writeStream()
 *     .foreachBatch(SparkStreamMonitor.of(monitor, backend))
 *     .option("checkpointLocation", "s3://bucket/checkpoints/payments-monitor")
 *     .start();
 * }</pre>
 *
 * <p>Each non-empty micro-batch is collected to the driver (as {@link SparkComparison} does, at most
 * the bound given, {@link SparkComparison#DEFAULT_MAX_ROWS} by default), logged row by row into the
 * monitor and closed as one window ({@link Monitor#flush()}), which stores its report before the
 * call returns. Spark replays a batch whose commit it did not record (the driver died after the batch
 * ran) with the same rows and id; a mark kept in the monitor's store under the batch id, written
 * before the window, says which window the batch became, so a replayed batch whose window is stored
 * is skipped, and one whose window is not is reported now: a window is never reported twice or lost.
 * This holds when the monitor is not fed from anywhere else and closes no window inside a batch: build
 * it with {@code windowRows} above the largest batch (bound a batch with {@code maxFilesPerTrigger} or
 * {@code maxOffsetsPerTrigger}), and with the same {@link StorageBackend} as given here.
 *
 * <p>Called by Spark on the driver, one batch at a time; not for use from several queries at once.
 */
public final class SparkStreamMonitor implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  private static final String MARK = "spark-batch-";

  private final transient Monitor monitor;
  private final transient MonitoringStore store;
  private final int maxRows;

  private SparkStreamMonitor(Monitor monitor, MonitoringStore store, int maxRows) {
    this.monitor = monitor;
    this.store = store;
    this.maxRows = maxRows;
  }

  /**
   * A batch function feeding {@code monitor}, keeping its marks in {@code backend}, the monitor's own
   * store; batches of at most {@link SparkComparison#DEFAULT_MAX_ROWS} rows.
   *
   * @throws InvalidArgumentException if an argument is null or the backend has no monitoring store
   */
  public static SparkStreamMonitor of(Monitor monitor, StorageBackend backend) {
    return of(monitor, backend, SparkComparison.DEFAULT_MAX_ROWS);
  }

  /**
   * As {@link #of(Monitor, StorageBackend)}, with batches of at most {@code maxRows} rows (a larger
   * batch fails the query, naming the bound, before anything of it is logged).
   *
   * @throws InvalidArgumentException if an argument is null, the backend has no monitoring store or
   *     {@code maxRows} is below 1
   */
  public static SparkStreamMonitor of(Monitor monitor, StorageBackend backend, int maxRows) {
    Arguments.notNull("monitor", monitor);
    Arguments.notNull("backend", backend);
    if (maxRows < 1) {
      throw InvalidArgumentException.of("max rows", maxRows, "must be at least 1");
    }
    return new SparkStreamMonitor(monitor, backend.store(MonitoringStore.class), maxRows);
  }

  /** Logs the batch into the monitor as one window, unless its window is already stored. */
  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    String name = monitor.name();
    String mark = MARK + batchId;
    Optional<byte[]> marked = store.profile(name, mark);
    long last = store.lastWindow(name);
    if (marked.isPresent() && last >= ByteBuffer.wrap(marked.get()).getLong()) {
      return; // a replay of a batch whose window is stored
    }
    Table rows = SparkComparison.table(batch, maxRows);
    if (rows.rows() == 0) {
      return;
    }
    if (marked.isEmpty()) {
      store.putProfile(name, mark, ByteBuffer.allocate(Long.BYTES).putLong(last + 1).array());
    }
    for (int i = 0; i < rows.rows(); i++) {
      monitor.log(rows.row(i));
    }
    monitor.flush();
  }
}
