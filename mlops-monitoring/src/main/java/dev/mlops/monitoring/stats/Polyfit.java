package dev.mlops.monitoring.stats;

/** Least-squares polynomial fits, as {@code numpy.polyfit}. */
final class Polyfit {
  private Polyfit() {}

  /** Coefficients {c2, c1, c0} of the least-squares quadratic through the points. */
  static double[] quadratic(double[] x, double[] y) {
    // normal equations solved in a scaled, column-pivoted QR via Commons Math
    org.apache.commons.math3.linear.RealMatrix a = new org.apache.commons.math3.linear.Array2DRowRealMatrix(x.length, 3);
    for (int i = 0; i < x.length; i++) {
      a.setEntry(i, 0, x[i] * x[i]);
      a.setEntry(i, 1, x[i]);
      a.setEntry(i, 2, 1.0);
    }
    org.apache.commons.math3.linear.DecompositionSolver solver = new org.apache.commons.math3.linear.QRDecomposition(a).getSolver();
    return solver.solve(new org.apache.commons.math3.linear.ArrayRealVector(y)).toArray();
  }
}
