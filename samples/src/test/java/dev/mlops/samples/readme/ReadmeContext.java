package dev.mlops.samples.readme;

import dev.mlops.api.registry.ModelCard;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * What the README's snippets take as given, as its "The blocks assume" paragraph lists it — a
 * churn model on {@code tenure} and {@code calls} and its evaluation, a tracked run with that model,
 * a registry with model {@code churn} at versions 1 to 7, a monitor, a signed-in user, customers'
 * CSV files, an ONNX file — made for real in the working directory ({@code ./mlops},
 * {@code ./train.csv} with a {@code label} column, {@code ./today.csv} of shifted live rows without
 * it, {@code ./iris.onnx}, {@code ./mlflow.db}) before a snippet runs. {@link ReadmeSnippetsTest} compiles each snippet as the body of a subclass and runs it in
 * its own JVM.
 */
public abstract class ReadmeContext {
  /** A pager the monitoring snippet sends alerts to. */
  public static final class Pager {
    /** Prints the alert. */
    public void send(String message) {
      System.out.println("PAGE: " + message);
    }
  }

  protected final Model<Label> tribuoModel;
  protected final LabelEvaluation labelEvaluation;
  protected final Example<Label> example;
  protected final String runId;
  protected final ModelRegistry registry;
  protected final Monitor monitor;
  protected final Pager pager = new Pager();
  protected final String userId = "user-42";
  /**
   * The command of a training script the README runs as an external process: {@code python3 train.py} in the
   * README's prose; here a JVM program doing the same ({@link dev.mlops.samples.OnnxTrainingScript}), as the build
   * has no Python.
   */
  protected final List<String> trainCommand = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
      System.getProperty("java.class.path"), "dev.mlops.samples.OnnxTrainingScript");
  private String user = "alice";

  protected ReadmeContext() {
    tribuoModel = new LogisticRegressionTrainer().train(churn(1, 400));
    labelEvaluation = new LabelEvaluator().evaluate(tribuoModel, churn(2, 200));
    example = new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, new String[] {"tenure", "calls"}, new double[] {12.0, 3.0});
    try (Tracker tracker = Tracker.builder().storage("file:./mlops").build();
        ActiveRun run = tracker.startRun("churn-training")) {
      run.logModel(tribuoModel, "model");
      run.logEvaluation(labelEvaluation, "");
      runId = run.id();
    }
    registry = ModelRegistry.builder().storage("file:./mlops").build();
    if (registry.getModel("churn").isEmpty()) {
      for (int seed = 1; seed <= 7; seed++) {
        registry.register(Registration.of("churn").fromModel(new LogisticRegressionTrainer().train(churn(seed, 300)))
            .card(ModelCard.builder().intendedUse("Who is about to leave").build()));
      }
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "canary", 2);
    }
    Random r = new Random(3);
    double[] tenure = new double[500];
    double[] calls = new double[500];
    for (int i = 0; i < tenure.length; i++) {
      tenure[i] = 1 + r.nextInt(60);
      calls[i] = r.nextInt(8);
    }
    monitor = Monitor.builder("churn-serving")
        .reference(Profile.of(Table.of(List.of(Column.numerical("tenure", tenure), Column.numerical("calls", calls)))))
        .windowRows(1_000)
        .build();
    writeCustomersCsv(Path.of("train.csv"), 4, 1_000, false);
    writeCustomersCsv(Path.of("today.csv"), 5, 2_000, true);
    copyResource("/readme/iris.onnx", Path.of("iris.onnx"));
    copyResource("/readme/mlflow.db", Path.of("mlflow.db"));
  }

  /** Who acts on the registry: the signed-in user. */
  protected String currentUser() {
    return user;
  }

  /** Signs a user in, as an application's login would. */
  protected void signIn(String name) {
    user = name;
  }

  /** A training body: logs the model family and its accuracy. */
  protected void train(ActiveRun run) {
    run.logParam("model", "sgd");
    run.logMetric("accuracy", labelEvaluation.accuracy());
  }

  /** The labelled rows a retraining trains on: a fresh sample of the same customers. */
  protected MutableDataset<Label> recentLabelledRows() {
    return churn(9, 400);
  }

  /** Closes what the context opened. */
  protected void close() {
    monitor.close();
    registry.close();
  }

  /**
   * Customers' monthly spend (regressor {@code spend}) with their {@code tenure} and {@code calls}:
   * about 20 + 0.8 per month of tenure + 5 per call, with noise; the same customers for a seed.
   */
  protected static MutableDataset<Regressor> spendRows(long seed, int n) {
    RegressionFactory f = new RegressionFactory();
    MutableDataset<Regressor> d = new MutableDataset<>(new SimpleDataSourceProvenance("spend", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      double tenure = 1 + r.nextInt(60);
      double calls = r.nextInt(8);
      d.add(new ArrayExample<>(new Regressor("spend", 20 + 0.8 * tenure + 5 * calls + 3 * r.nextGaussian()),
          new String[] {"tenure", "calls"}, new double[] {tenure, calls}));
    }
    return d;
  }

  static MutableDataset<Label> churn(long seed, int n) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("churn", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      boolean leaves = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(leaves ? "churn" : "stay"), new String[] {"tenure", "calls"},
          new double[] {leaves ? 3 + 4 * r.nextDouble() : 24 + 30 * r.nextDouble(), leaves ? 4 + r.nextInt(4) : r.nextInt(3)}));
    }
    return d;
  }

  /**
   * A file the README names, from this module's test resources (iris.onnx: PyTorch's export of an iris classifier's logits;
   * mlflow.db: a database MLflow 3's SQLAlchemy store wrote, from github.com/2023ac05242/mlops-iris at commit
   * ec8915280b1a5c98393dc870d77a0ece97c388f0, as mlops-mlflow's test resources keep it).
   */
  private static void copyResource(String resource, Path file) {
    try (java.io.InputStream in = ReadmeContext.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + resource);
      }
      Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Customers as the churn model sees them, with their {@code plan}, {@code region}, {@code email} and
   * {@code age}: training rows with their {@code label} ({@code churn} or {@code stay}), or {@code live}
   * rows without it and shifted (more customers about to leave: shorter tenure, more support calls,
   * more on the {@code pro} plan, a few more missing emails).
   */
  private static void writeCustomersCsv(Path file, long seed, int rows, boolean live) {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>();
    lines.add("tenure,calls,plan,region,email,age" + (live ? "" : ",label"));
    String[] plans = {"basic", "plus", "pro"};
    String[] regions = {"eu", "us", "apac"};
    for (int i = 0; i < rows; i++) {
      boolean leaves = r.nextInt(live ? 10 : 20) < (live ? 6 : 5);
      int tenure = leaves ? 1 + r.nextInt(8) : 24 + r.nextInt(36);
      int calls = leaves ? 4 + r.nextInt(live ? 8 : 4) : r.nextInt(3);
      String plan = live && r.nextBoolean() ? "pro" : plans[r.nextInt(3)];
      String email = r.nextInt(live ? 50 : 100) == 0 ? "" : "c" + i + "@example.com";
      lines.add(String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%d", tenure, calls, plan, regions[r.nextInt(3)], email, 18 + r.nextInt(70))
          + (live ? "" : "," + (leaves ? "churn" : "stay")));
    }
    try {
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
