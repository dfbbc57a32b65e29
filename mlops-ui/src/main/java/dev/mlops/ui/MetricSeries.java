package dev.mlops.ui;

import dev.mlops.api.tracking.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A metric history reduced to a chart's width on the server, keeping what a chart must not lose:
 * the x range is cut into equal buckets and each non-empty bucket keeps its minimum, maximum and
 * last value (so a spike of one step is never sampled away, unlike even-stride sampling). A
 * history with no more points than buckets is returned whole.
 *
 * @param x each bucket's x (the last point's step, time or seconds since the first point)
 * @param min each bucket's minimum
 * @param max each bucket's maximum
 * @param last each bucket's last value
 * @param points the points in the requested range
 * @param reduced whether buckets hold more than one point
 */
record MetricSeries(double[] x, double[] min, double[] max, double[] last, int points, boolean reduced) {
  /** The x axes a chart can ask for. */
  enum Axis {
    STEP, TIME, RELATIVE
  }

  static MetricSeries of(List<Metric> history, Axis axis, int buckets, double from, double to) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1, was " + buckets);
    }
    List<Metric> sorted = new ArrayList<>(history);
    sorted.sort(axis == Axis.STEP ? Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp)
        : Comparator.comparingLong(Metric::timestamp).thenComparingLong(Metric::step));
    long t0 = sorted.isEmpty() ? 0 : sorted.get(0).timestamp();
    List<double[]> pts = new ArrayList<>();
    for (Metric m : sorted) {
      double xv = switch (axis) {
        case STEP -> m.step();
        case TIME -> m.timestamp();
        case RELATIVE -> (m.timestamp() - t0) / 1000.0;
      };
      if (xv >= from && xv <= to && !Double.isNaN(m.value())) {
        pts.add(new double[] {xv, m.value()});
      }
    }
    int n = pts.size();
    if (n <= buckets) {
      double[] x = new double[n];
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = pts.get(i)[0];
        v[i] = pts.get(i)[1];
      }
      return new MetricSeries(x, v.clone(), v.clone(), v, n, false);
    }
    double lo = pts.get(0)[0];
    double hi = pts.get(n - 1)[0];
    double width = (hi - lo) / buckets;
    List<double[]> out = new ArrayList<>();
    int i = 0;
    for (int b = 0; b < buckets && i < n; b++) {
      double end = b == buckets - 1 ? Double.POSITIVE_INFINITY : lo + width * (b + 1);
      double mn = Double.POSITIVE_INFINITY;
      double mx = Double.NEGATIVE_INFINITY;
      double lastX = Double.NaN;
      double lastV = Double.NaN;
      int count = 0;
      while (i < n && (pts.get(i)[0] < end || width == 0)) {
        double v = pts.get(i)[1];
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
        lastX = pts.get(i)[0];
        lastV = v;
        count++;
        i++;
      }
      if (count > 0) {
        out.add(new double[] {lastX, mn, mx, lastV});
      }
    }
    double[] x = new double[out.size()];
    double[] mn = new double[out.size()];
    double[] mx = new double[out.size()];
    double[] last = new double[out.size()];
    for (int k = 0; k < out.size(); k++) {
      x[k] = out.get(k)[0];
      mn[k] = out.get(k)[1];
      mx[k] = out.get(k)[2];
      last[k] = out.get(k)[3];
    }
    return new MetricSeries(x, mn, mx, last, n, true);
  }
}
