package dev.mlops.spark;

import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.Slow;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Repartitioning the same rows, in another order, never changes the answer beyond the sketches' bounds. */
@Slow
class PartitionInvarianceTest {

  @Property(tries = 3, shrinking = ShrinkingMode.OFF)
  void oneSevenAndSixtyFourPartitionsInAnyOrderGiveTheOneJvmProfile(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
      @ForAll @IntRange(min = 1, max = 3_000) int rows) {
    Frames data = Frames.generated(seed, rows);
    Profile jvm = data.jvmProfile(data.names());
    SparkProfiler profiler = SparkProfiler.newBuilder().build();
    for (int partitions : new int[] {1, 7, 64}) {
      var frame = data.shuffled(LocalSpark.session(), partitions, seed + partitions);
      SameAnswer.assertSame(data, jvm, profiler.profile(frame).profile());
    }
  }
}
