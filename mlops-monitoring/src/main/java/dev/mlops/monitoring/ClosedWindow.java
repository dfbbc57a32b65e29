package dev.mlops.monitoring;

import dev.mlops.monitoring.profile.Profile;
import java.util.concurrent.CompletableFuture;

/**
 * A window cut from a monitor's stream, waiting for its report: its rows and the reference (the
 * watched columns) it is compared with. The windows dropped just before it are added to it, under the
 * stream's lock, so its report says how many there were.
 */
final class ClosedWindow {
  final long index;
  final long start;
  final long end;
  final WindowBuffer rows;
  final Profile reference;
  final CompletableFuture<WindowReport> done = new CompletableFuture<>();
  long droppedWindows;
  long droppedRows;

  ClosedWindow(long index, long start, long end, WindowBuffer rows, Profile reference) {
    this.index = index;
    this.start = start;
    this.end = end;
    this.rows = rows;
    this.reference = reference;
  }
}
