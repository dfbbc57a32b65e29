import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tribuo.*;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.fm.FMRegressionTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

import java.nio.file.*;
import java.util.*;

/** Trains Tribuo 4.3.2 linear + FM models on a fixed synthetic dataset, exports them to ONNX and writes golden JSON. */
public class TribuoExport {
    // deliberately NOT alphabetical, to show that Tribuo orders tensor columns by its feature-id map (sorted names)
    static final String[] FEATURES = {"sepal_length", "sepal_width", "petal_length", "petal_width"};
    static final String[] CLASSES = {"setosa", "versicolor", "virginica"};
    static final ObjectMapper M = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static double[][] rows(long seed, int n) {
        Random r = new Random(seed);
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            x[i] = new double[]{5.0 + c * 0.9 + r.nextGaussian() * 0.4, 3.4 - c * 0.3 + r.nextGaussian() * 0.3,
                    1.5 + c * 2.0 + r.nextGaussian() * 0.5, 0.2 + c * 0.8 + r.nextGaussian() * 0.2};
        }
        return x;
    }
    static double target(double[] x) { return 1.5 * x[0] - 2.0 * x[1] + 0.5 * x[2] * x[3] + 3.0; }

    public static void main(String[] a) throws Exception {
        Path out = Paths.get(a.length > 0 ? a[0] : ".");
        LabelFactory lf = new LabelFactory();
        RegressionFactory rf = new RegressionFactory();
        MutableDataset<Label> clf = new MutableDataset<>(new SimpleDataSourceProvenance("synthetic-iris-like", lf), lf);
        MutableDataset<Regressor> reg = new MutableDataset<>(new SimpleDataSourceProvenance("synthetic-reg", rf), rf);
        double[][] train = rows(42, 150);
        Random noise = new Random(43);
        for (int i = 0; i < train.length; i++) {
            // class order reversed w.r.t. CLASSES so the label-id order Tribuo assigns is visible in the golden file
            clf.add(new ArrayExample<>(new Label(CLASSES[2 - (i % 3)]), FEATURES, train[i]));
            reg.add(new ArrayExample<>(new Regressor("target", target(train[i]) + noise.nextGaussian() * 0.1), FEATURES, train[i]));
        }

        double[][] test = rows(7, 20);

        Model<Label> linear = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 10, 1L).train(clf);
        Model<Label> fmc = new FMClassificationTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 10, 1L, 3, 0.1).train(clf);
        Model<Regressor> fmr = new FMRegressionTrainer(new SquaredLoss(), new AdaGrad(0.1, 0.1), 10, 1L, 3, 0.1, true).train(reg);
        Model<Regressor> linr = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1, 0.1), 10, 1L).train(reg);

        writeClf("tribuo_linear_classifier", linear, test, out);
        writeClf("tribuo_fm_classifier", fmc, test, out);
        writeReg("tribuo_fm_regressor", fmr, test, out);
        writeReg("tribuo_linear_regressor", linr, test, out);
    }

    /** Feature names in tensor column order: column j = the feature whose Tribuo feature id is j. */
    static String[] tensorOrder(Model<?> m) {
        ImmutableFeatureMap fm = m.getFeatureIDMap();
        String[] names = new String[fm.size()];
        for (VariableInfo vi : fm) names[((VariableIDInfo) vi).getID()] = vi.getName();
        return names;
    }

    static ObjectNode header(String name, Model<?> m, double[][] test, Path out) throws Exception {
        ((ONNXExportable) m).saveONNXModel("org.example.staging", 1L, out.resolve(name + ".onnx"));
        ObjectNode g = M.createObjectNode();
        g.put("model", name + ".onnx");
        g.put("reference", "Tribuo " + Tribuo.VERSION + " " + m.getClass().getSimpleName() + ".predict (double precision)");
        String[] order = tensorOrder(m);
        ArrayNode fn = g.putArray("feature_names");
        for (String s : order) fn.add(s);
        ObjectNode idx = g.putObject("feature_index");
        for (String s : order) idx.put(s, m.getFeatureIDMap().getID(s));
        ObjectNode in = g.putObject("input");
        in.put("name", "input"); in.put("dtype", "float32");
        in.putArray("shape").add(test.length).add(order.length);
        ArrayNode rows = g.putArray("inputs");
        for (double[] r : test) {
            ArrayNode row = rows.addArray();
            for (String s : order) row.add((double) (float) r[Arrays.asList(FEATURES).indexOf(s)]);
        }
        return g;
    }

    static ArrayExample<Label> exC(double[] r) {
        double[] f = new double[r.length]; for (int i = 0; i < r.length; i++) f[i] = (float) r[i]; // same float32 inputs ORT sees
        return new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, FEATURES, f);
    }

    static void writeClf(String name, Model<Label> m, double[][] test, Path out) throws Exception {
        ObjectNode g = header(name, m, test, out);
        ImmutableOutputInfo<Label> oi = m.getOutputIDInfo();
        String[] labels = new String[oi.size()];
        for (Pair p : pairs(oi)) labels[p.id] = p.label;
        ObjectNode li = g.putObject("class_index");
        for (int i = 0; i < labels.length; i++) li.put(labels[i], i);
        ArrayNode probs = M.createArrayNode(); ArrayNode lab = M.createArrayNode();
        for (double[] r : test) {
            Prediction<Label> p = m.predict(exC(r));
            ArrayNode row = probs.addArray();
            for (String l : labels) row.add(p.getOutputScores().get(l).getScore());
            lab.add(p.getOutput().getLabel());
        }
        ObjectNode outs = g.putObject("outputs");
        ObjectNode o = outs.putObject("output");
        o.put("kind", "tensor"); o.put("dtype", "float32"); o.putArray("shape").add(test.length).add(labels.length);
        o.set("data", probs);
        g.set("expected_labels", lab);
        g.put("generates_probabilities", m.generatesProbabilities());
        M.writeValue(out.resolve(name + ".golden.json").toFile(), g);
        System.out.println("wrote " + name + " labels(id order)=" + Arrays.toString(labels) + " features(tensor order)=" + Arrays.toString(tensorOrder(m)));
    }

    static void writeReg(String name, Model<Regressor> m, double[][] test, Path out) throws Exception {
        ObjectNode g = header(name, m, test, out);
        ArrayNode vals = M.createArrayNode();
        for (double[] r : test) {
            double[] f = new double[r.length]; for (int i = 0; i < r.length; i++) f[i] = (float) r[i];
            Prediction<Regressor> p = m.predict(new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR, FEATURES, f));
            vals.addArray().add(p.getOutput().getValues()[0]);
        }
        ObjectNode o = g.putObject("outputs").putObject("output");
        o.put("kind", "tensor"); o.put("dtype", "float32"); o.putArray("shape").add(test.length).add(1);
        o.set("data", vals);
        g.put("regression_dimension", m.getOutputIDInfo().getOutput(0).getNames()[0]);
        M.writeValue(out.resolve(name + ".golden.json").toFile(), g);
        System.out.println("wrote " + name + " dims=" + Arrays.toString(m.getOutputIDInfo().getOutput(0).getNames()));
    }

    record Pair(int id, String label) {}
    static List<Pair> pairs(ImmutableOutputInfo<Label> oi) {
        List<Pair> l = new ArrayList<>();
        for (var e : oi) l.add(new Pair(e.getA(), e.getB().getLabel()));
        return l;
    }
}
