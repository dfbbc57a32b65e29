package dev.mlops.tracking.internal;

import java.util.random.RandomGenerator;

/** Generated run names such as {@code brave-otter-417}. */
public final class RunNames {
  private static final String[] ADJECTIVES = {"able", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair", "fast",
      "gentle", "glad", "grand", "keen", "kind", "lively", "lucky", "merry", "neat", "nimble", "proud", "quick", "quiet", "rare",
      "sharp", "shy", "smart", "steady", "sunny", "swift", "tidy", "vivid", "warm", "wise", "witty", "zesty"};
  private static final String[] NOUNS = {"ant", "bat", "bear", "bee", "crane", "deer", "dove", "eagle", "elk", "finch", "fox",
      "frog", "gull", "hare", "hawk", "heron", "ibis", "koala", "lark", "lynx", "mole", "moth", "newt", "otter", "owl", "panda",
      "puma", "quail", "raven", "robin", "seal", "snail", "swan", "tiger", "wolf", "wren", "yak", "zebra"};

  private RunNames() {}

  /** A fresh name. */
  public static String next(RandomGenerator random) {
    return ADJECTIVES[random.nextInt(ADJECTIVES.length)] + "-" + NOUNS[random.nextInt(NOUNS.length)] + "-" + random.nextInt(1000);
  }
}
