package dev.mlops.serving;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Small models for serving tests: two features, labels "yes" and "no", separable by x1. */
final class Models {
  static final String[] FEATURES = {"x1", "x2"};

  private Models() {}

  static MutableDataset<Label> data(long seed, boolean flipLabels) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("blobs", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < 300; i++) {
      boolean yes = r.nextBoolean();
      String label = yes != flipLabels ? "yes" : "no";
      d.add(new ArrayExample<>(new Label(label), FEATURES, new double[] {r.nextGaussian() + (yes ? 2 : -2), r.nextGaussian()}));
    }
    return d;
  }

  static Model<Label> train(long seed) {
    return new LogisticRegressionTrainer().train(data(seed, false));
  }

  /** A model that says "yes" where the truth is "no" and back: a deliberately broken challenger. */
  static Model<Label> mislabelling(long seed) {
    return new LogisticRegressionTrainer().train(data(seed, true));
  }

  /** The truth of a request: "yes" when x1 is positive. */
  static String truth(Map<String, ?> features) {
    return ((Number) features.get("x1")).doubleValue() > 0 ? "yes" : "no";
  }

  static Map<String, Object> request(Random r) {
    boolean yes = r.nextBoolean();
    return Map.of("x1", r.nextGaussian() + (yes ? 2 : -2), "x2", r.nextGaussian());
  }

  /** A test model with a real model's feature map, provenance and outputs; subclasses decide how it predicts. */
  abstract static class Custom extends Model<Label> {
    private static final long serialVersionUID = 1L;

    Custom(String name, Model<Label> like) {
      super(name, like.getProvenance(), like.getFeatureIDMap(), like.getOutputIDInfo(), true);
    }

    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
      return Map.of();
    }

    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
      return Optional.empty();
    }

    @Override
    protected Model<Label> copy(String newName, ModelProvenance newProvenance) {
      return this;
    }
  }

  /** Predictions throw: registered as Java-serialized bytes. */
  static final class Throwing extends Custom {
    private static final long serialVersionUID = 1L;

    Throwing(Model<Label> like) {
      super("throwing", like);
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
      throw new IllegalStateException("this model is broken");
    }
  }

  /**
   * A gate a {@link Gated} model waits at, by name (models are serialized into the registry and
   * loaded back, so they find their gate in this table, not in a field): tests open it when they
   * have seen what they need to see while the model was held.
   */
  static final class Gate {
    private static final java.util.Map<String, Gate> GATES = new java.util.concurrent.ConcurrentHashMap<>();
    volatile java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    volatile java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    final String name;

    private Gate(String name) {
      this.name = name;
    }

    /** A new closed gate under a unique name. */
    static Gate create(String name) {
      Gate g = new Gate(name);
      if (GATES.putIfAbsent(name, g) != null) {
        throw new IllegalStateException("gate " + name + " exists");
      }
      return g;
    }

    static Gate named(String name) {
      return GATES.get(name);
    }

    /** Waits (a positive wait, bounded by the testkit's timeout) until a prediction holds at the gate. */
    void awaitEntered() throws InterruptedException {
      if (!entered.await(dev.mlops.testkit.Eventually.DEFAULT_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
        throw new AssertionError("no prediction reached the gate");
      }
    }

    void open() {
      open.countDown();
    }

    /** Closes an opened gate again: the next held prediction waits until {@link #open()}. */
    void close() {
      entered = new java.util.concurrent.CountDownLatch(1);
      open = new java.util.concurrent.CountDownLatch(1);
    }
  }

  /**
   * Answers like {@code inner}, but a prediction whose {@code x2} is {@link #HOLD} waits at its gate
   * until the test opens it; every other request, warm-up included, passes at once.
   */
  static final class Gated extends Custom {
    private static final long serialVersionUID = 1L;
    static final double HOLD = 12345.0;
    private final Model<Label> inner;
    private final String gate;

    Gated(Model<Label> inner, String gate) {
      super("gated", inner);
      this.inner = inner;
      this.gate = gate;
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
      boolean hold = false;
      for (org.tribuo.Feature f : example) {
        hold |= f.getName().equals("x2") && f.getValue() == HOLD;
      }
      if (hold) {
        Gate g = Gate.named(gate);
        java.util.concurrent.CountDownLatch open = g.open;
        g.waiting.incrementAndGet();
        g.entered.countDown();
        try {
          if (!open.await(dev.mlops.testkit.Eventually.DEFAULT_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate " + gate + " never opened");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          g.waiting.decrementAndGet();
        }
      }
      return inner.predict(example);
    }
  }

  /** A request the {@link Gated} model holds at its gate. */
  static Map<String, Object> held() {
    return Map.of("x1", 2.0, "x2", Gated.HOLD);
  }

  /** {@link #held()} as JSON: a version registered with it as its input example is held at its gate while it warms up. */
  static final String HELD_JSON = "{\"x1\": 2.0, \"x2\": " + Gated.HOLD + "}";

  /** Test clocks in nanoseconds, by name, that only {@link Delayed} models move: an endpoint's latencies read one. */
  static final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> CLOCKS = new java.util.concurrent.ConcurrentHashMap<>();

  /** A new test clock at 0 under a unique name. */
  static java.util.concurrent.atomic.AtomicLong clock(String name) {
    java.util.concurrent.atomic.AtomicLong c = new java.util.concurrent.atomic.AtomicLong();
    CLOCKS.put(name, c);
    return c;
  }

  /** Answers like {@code inner}, moving the test clock {@code clock} on by {@code nanos}: a slow model in test time, not wall time. */
  static final class Delayed extends Custom {
    private static final long serialVersionUID = 1L;
    private final Model<Label> inner;
    private final String clock;
    private final long nanos;

    Delayed(Model<Label> inner, String clock, long nanos) {
      super("delayed", inner);
      this.inner = inner;
      this.clock = clock;
      this.nanos = nanos;
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
      CLOCKS.get(clock).addAndGet(nanos);
      return inner.predict(example);
    }
  }
}
