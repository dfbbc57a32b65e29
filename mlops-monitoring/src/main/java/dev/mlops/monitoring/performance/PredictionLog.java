package dev.mlops.monitoring.performance;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.monitoring.MonitoringStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Predictions of a binary classifier recorded with an id, whose labels join later. Predictions are
 * grouped into windows of {@code windowSize} in arrival order; for each window it reports the
 * realized metrics over the predictions labelled so far and, from the scores alone, the CBPE
 * estimate of accuracy and F1 (calibrated on the reference window), so performance is visible
 * before labels arrive and both appear side by side once they do.
 *
 * <p>Made for serving: {@link #predict} and {@link #label} take no lock (a slot is claimed with one
 * atomic increment and written with atomic array stores), so many threads record at once. Memory is
 * bounded: the last {@code retainWindows} windows are kept (a label can join a prediction while its
 * window is retained); an older window is written to the monitoring store, when there is one, and
 * dropped from memory. {@link #windows()} reads stored windows back. Thread-safe.
 */
public final class PredictionLog implements AutoCloseable {
  private static final long EMPTY = 0x7ff8_dead_beef_0001L;
  private static final String PREFIX = "predictions/window-";
  /** The labelled reference window, kept so a log reopened on the store (or the web UI) estimates with CBPE again. */
  private static final String REFERENCE = "predictions/reference";
  private static final int FORMAT = 1;

  private final String name;
  private final int windowSize;
  private final double threshold;
  private final int retainWindows;
  private final @Nullable MonitoringStore store;
  private final long firstWindow;
  private final AtomicLong next = new AtomicLong();
  private final ConcurrentSkipListMap<Long, Window> windows = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<String, Long> ids = new ConcurrentHashMap<>();
  private final LongAdder lateLabels = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  /** Windows below this index have been written out; a prediction that arrives for one is dropped and counted. */
  private volatile long floor;
  private volatile @Nullable Cbpe cbpe;
  private volatile @Nullable ClassificationMetrics reference;

  /** One window's slots: score bits (EMPTY until written), labels (-1 until joined) and ids. */
  private static final class Window {
    final AtomicLongArray scores;
    final AtomicIntegerArray labels;
    final AtomicReferenceArray<String> ids;

    Window(int size) {
      scores = new AtomicLongArray(size);
      labels = new AtomicIntegerArray(size);
      ids = new AtomicReferenceArray<>(size);
      for (int i = 0; i < size; i++) {
        scores.set(i, EMPTY);
        labels.set(i, -1);
      }
    }
  }

  /**
   * Performance of one window.
   *
   * @param window 0, 1, 2, ...
   * @param predictions predictions in the window
   * @param labelled how many have labels
   * @param realized metrics over the labelled predictions, or null when none are labelled
   * @param estimated CBPE estimate from all scores, or null without a reference window
   */
  public record WindowPerformance(long window, int predictions, int labelled, @Nullable ClassificationMetrics realized,
      Cbpe.@Nullable Estimate estimated) {}

  /**
   * What a prediction log stored: the reference window's metrics and each stored window's
   * performance.
   *
   * @param reference the labelled reference window's metrics, or null if none was stored
   * @param windows each stored window's predictions, labels, realized metrics and CBPE estimate (from
   *     the stored reference), oldest first
   */
  public record History(@Nullable ClassificationMetrics reference, List<WindowPerformance> windows) {
    /** Copies the windows; the list is immutable. */
    public History {
      windows = List.copyOf(windows);
    }
  }

  /**
   * The history of the log stored under {@code name} in {@code store}, read without recording
   * anything (metrics at the default threshold, 0.5); empty when no window of it is stored.
   */
  public static Optional<History> history(MonitoringStore store, String name) {
    Validation.notNull("store", store);
    if (store.profileKeys(Validation.name("prediction log name", name, 250), PREFIX).isEmpty()) {
      return Optional.empty();
    }
    PredictionLog stored = builder(name).store(store).build();
    return Optional.of(new History(stored.referenceMetrics(), stored.windows()));
  }

  /** An in-memory log with windows of {@code windowSize} predictions and the positive decision at score &gt;= {@code threshold}. */
  public PredictionLog(int windowSize, double threshold) {
    this(builder("predictions").windowSize(windowSize).threshold(threshold));
  }

  private PredictionLog(Builder b) {
    this.name = b.name;
    this.windowSize = b.windowSize;
    this.threshold = b.threshold;
    this.retainWindows = b.retainWindows;
    this.store = b.store;
    long first = 0;
    if (store != null) {
      List<String> keys = store.profileKeys(name, PREFIX);
      if (!keys.isEmpty()) {
        first = Long.parseLong(keys.get(keys.size() - 1).substring(PREFIX.length())) + 1;
      }
    }
    this.firstWindow = first;
    if (store != null) {
      Optional<byte[]> stored = store.profile(name, REFERENCE);
      if (stored.isPresent()) {
        List<double[]> rows = decode(REFERENCE, stored.get());
        int[] labels = new int[rows.size()];
        double[] scores = new double[rows.size()];
        for (int i = 0; i < labels.length; i++) {
          scores[i] = rows.get(i)[0];
          labels[i] = (int) rows.get(i)[1];
        }
        fit(labels, scores);
      }
    }
  }

  /** A builder of a log named {@code name} (its key in the monitoring store). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Sets the labelled reference window: fits CBPE's calibration and keeps its metrics for
   * comparison. With a store, the window is written there too, and a log later built on the same
   * store and name starts from it.
   */
  public PredictionLog reference(int[] labels, double[] scores) {
    fit(labels, scores);
    if (store != null) {
      store.putProfile(name, REFERENCE, encode(labels.length, i -> scores[i], i -> labels[i]));
    }
    return this;
  }

  private void fit(int[] labels, double[] scores) {
    Cbpe fitted = Cbpe.fit(labels, scores, threshold);
    this.reference = ClassificationMetrics.binary(labels, scores, threshold);
    this.cbpe = fitted;
  }

  /** The reference window's metrics, if set. */
  public @Nullable ClassificationMetrics referenceMetrics() {
    return reference;
  }

  /**
   * Records a prediction. Lock-free.
   *
   * @throws InvalidArgumentException if the id was recorded before (while its window is retained) or the score is not finite
   */
  public void predict(String id, double score) {
    Validation.notNull("prediction id", id);
    if (!Double.isFinite(score)) {
      throw InvalidArgumentException.of("score", score, "must be a finite number");
    }
    long seq = next.getAndIncrement();
    if (ids.putIfAbsent(id, seq) != null) {
      throw InvalidArgumentException.of("prediction id", id, "was already recorded");
    }
    long w = firstWindow + seq / windowSize;
    int slot = (int) (seq % windowSize);
    if (w < floor) {
      // this thread was suspended so long that its window was already written out
      ids.remove(id, seq);
      dropped.increment();
      return;
    }
    Window win = windows.computeIfAbsent(w, k -> new Window(windowSize));
    win.ids.set(slot, id);
    win.scores.set(slot, Double.doubleToRawLongBits(score));
    if (slot == 0) {
      evictBefore(w - retainWindows + 1);
    }
  }

  /**
   * Joins a label (0 or 1) to a recorded prediction. Lock-free.
   *
   * @throws InvalidArgumentException for an id with no retained prediction, or a label other than 0 and 1
   */
  public void label(String id, int label) {
    if (label != 0 && label != 1) {
      throw InvalidArgumentException.of("label", label, "must be 0 or 1");
    }
    Long seq = id == null ? null : ids.get(id);
    if (seq == null) {
      throw InvalidArgumentException.of("prediction id", id, "has no recorded prediction in the last " + retainWindows + " windows");
    }
    Window win = windows.get(firstWindow + seq / windowSize);
    if (win == null) {
      lateLabels.increment();
      throw InvalidArgumentException.of("prediction id", id, "belongs to a window no longer retained");
    }
    win.labels.set((int) (seq % windowSize), label);
  }

  /** Labels that arrived for a window already written out and dropped from memory. */
  public long lateLabels() {
    return lateLabels.sum();
  }

  /** Predictions dropped because their window had already been written out (a thread suspended for a whole window). */
  public long droppedPredictions() {
    return dropped.sum();
  }

  private void evictBefore(long window) {
    if (window > floor) {
      floor = window;
    }
    for (Map.Entry<Long, Window> e = windows.firstEntry(); e != null && e.getKey() < window; e = windows.firstEntry()) {
      if (windows.remove(e.getKey(), e.getValue())) {
        write(e.getKey(), e.getValue());
        for (int i = 0; i < windowSize; i++) {
          String id = e.getValue().ids.get(i);
          if (id != null) {
            ids.remove(id);
          }
        }
      }
    }
  }

  private void write(long index, Window w) {
    if (store == null) {
      return;
    }
    int n = 0;
    for (int i = 0; i < windowSize && w.scores.get(i) != EMPTY; i++) {
      n++;
    }
    store.putProfile(name, key(index), encode(n, i -> Double.longBitsToDouble(w.scores.get(i)), w.labels::get));
  }

  /** Stored form of {@code n} predictions (a window, or the reference): format, count, then each score and label (-1 unlabelled). */
  private static byte[] encode(int n, java.util.function.IntToDoubleFunction score, java.util.function.IntUnaryOperator label) {
    ByteBuffer buf = ByteBuffer.allocate(8 + n * 9);
    buf.putInt(FORMAT).putInt(n);
    for (int i = 0; i < n; i++) {
      buf.putDouble(score.applyAsDouble(i)).put((byte) label.applyAsInt(i));
    }
    return buf.array();
  }

  private static String key(long window) {
    return PREFIX + String.format("%012d", window);
  }

  /** Writes every retained window to the monitoring store (no-op without one); the windows stay in memory. */
  public void flush() {
    for (Map.Entry<Long, Window> e : windows.entrySet()) {
      write(e.getKey(), e.getValue());
    }
  }

  /** Flushes. */
  @Override
  public void close() {
    flush();
  }

  /** Performance per window, oldest first: stored windows, then the retained ones (the last may be open). */
  public List<WindowPerformance> windows() {
    List<WindowPerformance> out = new ArrayList<>();
    if (store != null) {
      for (String k : store.profileKeys(name, PREFIX)) {
        long index = Long.parseLong(k.substring(PREFIX.length()));
        if (windows.containsKey(index)) {
          continue;
        }
        Optional<byte[]> bytes = store.profile(name, k);
        if (bytes.isPresent()) {
          out.add(performance(index, decode(k, bytes.get())));
        }
      }
    }
    for (Map.Entry<Long, Window> e : windows.entrySet()) {
      Window w = e.getValue();
      List<double[]> rows = new ArrayList<>();
      for (int i = 0; i < windowSize; i++) {
        long bits = w.scores.get(i);
        if (bits != EMPTY) {
          rows.add(new double[] {Double.longBitsToDouble(bits), w.labels.get(i)});
        }
      }
      out.add(performance(e.getKey(), rows));
    }
    out.sort(java.util.Comparator.comparingLong(WindowPerformance::window));
    return out;
  }

  private static List<double[]> decode(String key, byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (bytes.length < 8 || buf.getInt() != FORMAT) {
      throw new StorageException("stored prediction window " + key + " has an unknown format");
    }
    int n = buf.getInt();
    List<double[]> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(new double[] {buf.getDouble(), buf.get()});
    }
    return rows;
  }

  private WindowPerformance performance(long index, List<double[]> rows) {
    double[] scores = new double[rows.size()];
    int labelled = 0;
    for (int i = 0; i < scores.length; i++) {
      scores[i] = rows.get(i)[0];
      if (rows.get(i)[1] >= 0) {
        labelled++;
      }
    }
    int[] labels = new int[labelled];
    double[] labelledScores = new double[labelled];
    int j = 0;
    for (double[] r : rows) {
      if (r[1] >= 0) {
        labels[j] = (int) r[1];
        labelledScores[j++] = r[0];
      }
    }
    ClassificationMetrics realized = labelled == 0 ? null : ClassificationMetrics.binary(labels, labelledScores, threshold);
    Cbpe c = cbpe;
    return new WindowPerformance(index, scores.length, labelled, realized, c == null || scores.length == 0 ? null : c.estimate(scores));
  }

  /** Builder of {@link PredictionLog}. */
  public static final class Builder {
    private final String name;
    private int windowSize = 1000;
    private double threshold = 0.5;
    private int retainWindows = 100;
    private @Nullable MonitoringStore store;

    private Builder(String name) {
      this.name = Validation.name("prediction log name", name, 250);
    }

    /** Predictions per window (default 1000). */
    public Builder windowSize(int size) {
      this.windowSize = Validation.positive("window size", size);
      return this;
    }

    /** The score at or above which the prediction is positive (default 0.5). */
    public Builder threshold(double threshold) {
      if (!(threshold >= 0 && threshold <= 1)) {
        throw InvalidArgumentException.of("threshold", threshold, "must be between 0 and 1");
      }
      this.threshold = threshold;
      return this;
    }

    /** How many windows stay in memory for labels to join (default 100). */
    public Builder retainWindows(int windows) {
      this.retainWindows = Validation.positive("retained windows", windows);
      return this;
    }

    /** Writes windows leaving memory, and on {@link PredictionLog#flush()}, to this store. */
    public Builder store(MonitoringStore store) {
      this.store = Validation.notNull("store", store);
      return this;
    }

    /** Builds the log; with a store, window numbers continue after the last stored window. */
    public PredictionLog build() {
      return new PredictionLog(this);
    }
  }
}
