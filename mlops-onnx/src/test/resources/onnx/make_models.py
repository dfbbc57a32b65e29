#!/usr/bin/python3
"""Deterministically builds the ONNX test models and their golden outputs.

Run with Debian's interpreter and packages (python3-torch, python3-onnx, python3-sklearn, python3-numpy):

    /usr/bin/python3 make_models.py [OUT_DIR]          # default OUT_DIR: the directory of this script

Writes, for each model, NAME.onnx and (where it can run) NAME.golden.json, plus models.json (the manifest:
exporter versions, opset, signature, sha256, expectation). Tribuo-exported models (tribuo_*.onnx, written by
TribuoExport.java, beside this script) are added to the manifest when present. Nothing here downloads anything.

Golden file format (shared with the Java checks):
  {"model": file, "reference": who computed the outputs,
   "input": {"name", "dtype": "float32", "shape": [N, F]}, "feature_names": [...],
   "inputs": [[float32 values as exact doubles], ...],
   "outputs": {NAME: {"kind": "tensor", "dtype": "float32"|"int64"|"string", "shape": [...], "data": nested lists}
               NAME: {"kind": "seq_map", "key_type": "int64"|"string", "data": [{key: prob}, ...]}}}
"""
import hashlib
import json
import os
import platform
import struct
import sys

import numpy as np
import onnx
import sklearn
import torch
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
OPSET = 17  # the highest opset torch 1.13 exports, and the highest onnx 1.12 knows
N_GOLDEN = 20

CLF_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
CLF_CLASSES = ["setosa", "versicolor", "virginica"]
REG_FEATURES = ["temperature", "humidity", "wind_speed", "pressure"]

manifest = []


def f32list(a):
    """float32 array -> nested lists of the exact double value of each float32."""
    return np.asarray(a, dtype=np.float32).astype(np.float64).tolist()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_golden(name, input_name, features, x, outputs, reference):
    g = {"model": name + ".onnx", "reference": reference,
         "input": {"name": input_name, "dtype": "float32", "shape": list(x.shape)},
         "feature_names": features, "inputs": f32list(x), "outputs": outputs}
    with open(os.path.join(OUT, name + ".golden.json"), "w") as f:
        json.dump(g, f, indent=1)


def tensor_out(a, dtype):
    a = np.asarray(a)
    data = f32list(a) if dtype == "float32" else a.tolist()
    return {"kind": "tensor", "dtype": dtype, "shape": list(a.shape), "data": data}


def add_manifest(name, kind, description, expect="ok", golden=True, **extra):
    path = os.path.join(OUT, name + ".onnx")
    entry = {"file": name + ".onnx", "kind": kind, "description": description, "expect": expect,
             "golden": (name + ".golden.json") if golden else None,
             "bytes": os.path.getsize(path), "sha256": sha256(path)}
    try:
        m = onnx.load(path)
        entry["ir_version"] = m.ir_version
        entry["opset_import"] = {(o.domain or "ai.onnx"): o.version for o in m.opset_import}
        entry["producer"] = {"name": m.producer_name, "version": m.producer_version}
    except Exception as e:  # truncated file
        entry["onnx_load_error"] = str(e).splitlines()[0][:200]
    entry.update(extra)
    manifest.append(entry)


# ----------------------------------------------------------------------------------------------- data
def clf_data(rs, n):
    y = np.arange(n) % 3
    centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    x = centers[y] + rs.normal(0, [0.35, 0.3, 0.45, 0.2], size=(n, 4))
    return x.astype(np.float32), y


def reg_data(rs, n):
    x = rs.normal([20.0, 0.5, 5.0, 1013.0], [8.0, 0.2, 3.0, 10.0], size=(n, 4)).astype(np.float32)
    y = 0.8 * x[:, 0] - 12.0 * x[:, 1] + 0.3 * x[:, 2] ** 2 + 0.05 * (x[:, 3] - 1013.0) + rs.normal(0, 0.5, n)
    return x, y.astype(np.float32)


# ----------------------------------------------------------------------------------------------- (a), (b) PyTorch
class MLPClassifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                                       torch.nn.Linear(16, 3))
        # standardisation baked into the graph, as a real tabular model would have it
        self.register_buffer("mean", torch.zeros(4))
        self.register_buffer("std", torch.ones(4))

    def logits(self, x):
        return self.net((x - self.mean) / self.std)

    def forward(self, x):
        z = self.logits(x)
        return torch.softmax(z, dim=1), torch.argmax(z, dim=1)


class LogitsOnly(torch.nn.Module):
    def __init__(self, clf):
        super().__init__()
        self.clf = clf

    def forward(self, x):
        return self.clf.logits(x)


class MLPRegressor(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(4, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1))
        self.register_buffer("mean", torch.zeros(4))
        self.register_buffer("std", torch.ones(4))
        self.register_buffer("y_mean", torch.zeros(1))
        self.register_buffer("y_std", torch.ones(1))

    def forward(self, x):
        return self.net((x - self.mean) / self.std) * self.y_std + self.y_mean


class NamedInputs(torch.nn.Module):
    """A regressor taking one [N,1] input per feature."""

    def __init__(self, reg):
        super().__init__()
        self.reg = reg

    def forward(self, temperature, humidity, wind_speed, pressure):
        return self.reg(torch.cat([temperature, humidity, wind_speed, pressure], dim=1))


def train(model, loss_fn, x, y, steps, lr):
    opt = torch.optim.Adam([p for p in model.parameters()], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model, x, y)
        loss.backward()
        opt.step()
    return float(loss)


def export(model, name, input_name, output_names, x_example):
    path = os.path.join(OUT, name + ".onnx")
    axes = {input_name: {0: "batch"}}
    for o in output_names:
        axes[o] = {0: "batch"}
    torch.onnx.export(model, (x_example,), path, input_names=[input_name], output_names=output_names,
                      dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True, export_params=True)
    onnx.checker.check_model(onnx.load(path))
    return path


def make_torch_models():
    rs = np.random.RandomState(0)
    x, y = clf_data(rs, 300)
    clf = MLPClassifier()
    clf.mean.copy_(torch.from_numpy(x.mean(0)))
    clf.std.copy_(torch.from_numpy(x.std(0)))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    loss = train(clf, lambda m, a, b: torch.nn.functional.cross_entropy(m.logits(a), b), xt, yt, 300, 0.01)
    clf.eval()
    xg, _ = clf_data(np.random.RandomState(1), N_GOLDEN)
    with torch.no_grad():
        probs, label = clf(torch.from_numpy(xg))
        logits = clf.logits(torch.from_numpy(xg))
    acc = float((clf(xt)[1] == yt).float().mean())

    name = "torch_mlp_classifier"
    path = export(clf, name, "features", ["probabilities", "label"], torch.from_numpy(xg[:2]))
    # The only post-export edit: names in metadata_props (what an exporter script can add so that a registry can
    # read the feature and class names from the graph). Graph and weights untouched.
    m = onnx.load(path)
    for k, v in (("feature_names", ",".join(CLF_FEATURES)), ("class_labels", ",".join(CLF_CLASSES))):
        m.metadata_props.append(onnx.StringStringEntryProto(key=k, value=v))
    onnx.save(m, path)
    write_golden(name, "features", CLF_FEATURES, xg,
                 {"probabilities": tensor_out(probs.numpy(), "float32"), "label": tensor_out(label.numpy(), "int64")},
                 "PyTorch %s eager forward, float32" % torch.__version__)
    add_manifest(name, "pytorch-classifier",
                 "MLP 4-16-16-3 (standardisation inside), outputs softmax probabilities [N,3] float and argmax label [N] "
                 "int64; metadata_props feature_names/class_labels added after export", train_accuracy=round(acc, 4),
                 final_loss=round(loss, 5), feature_names=CLF_FEATURES, class_labels=CLF_CLASSES,
                 input={"name": "features", "shape": ["batch", 4], "dtype": "float32"},
                 outputs={"probabilities": ["batch", 3], "label": ["batch"]})

    name = "torch_mlp_logits"
    export(LogitsOnly(clf).eval(), name, "input", ["logits"], torch.from_numpy(xg[:2]))
    write_golden(name, "input", CLF_FEATURES, xg, {"logits": tensor_out(logits.numpy(), "float32")},
                 "PyTorch %s eager forward, float32" % torch.__version__)
    add_manifest(name, "pytorch-classifier",
                 "same network, plain export: one unnamed tensor in (input [N,4]), raw logits [N,3] out, no metadata "
                 "(feature and class names must be given at registration)", feature_names=CLF_FEATURES,
                 class_labels=CLF_CLASSES, input={"name": "input", "shape": ["batch", 4], "dtype": "float32"},
                 outputs={"logits": ["batch", 3]})

    rs = np.random.RandomState(2)
    x, y = reg_data(rs, 400)
    reg = MLPRegressor()
    reg.mean.copy_(torch.from_numpy(x.mean(0)))
    reg.std.copy_(torch.from_numpy(x.std(0)))
    reg.y_mean.fill_(float(y.mean()))
    reg.y_std.fill_(float(y.std()))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).unsqueeze(1)
    loss = train(reg, lambda m, a, b: torch.nn.functional.mse_loss(m(a), b), xt, yt, 400, 0.01)
    reg.eval()
    xg, _ = reg_data(np.random.RandomState(3), N_GOLDEN)
    with torch.no_grad():
        pred = reg(torch.from_numpy(xg))
    name = "torch_mlp_regressor"
    export(reg, name, "features", ["prediction"], torch.from_numpy(xg[:2]))
    write_golden(name, "features", REG_FEATURES, xg, {"prediction": tensor_out(pred.numpy(), "float32")},
                 "PyTorch %s eager forward, float32" % torch.__version__)
    add_manifest(name, "pytorch-regressor", "MLP 4-32-1 regressor, output prediction [N,1] float",
                 final_mse=round(loss, 5), feature_names=REG_FEATURES,
                 input={"name": "features", "shape": ["batch", 4], "dtype": "float32"},
                 outputs={"prediction": ["batch", 1]})

    # the same regressor exported with one input per feature, as a model taking named columns is exported
    name = "torch_mlp_regressor_named_inputs"
    named = NamedInputs(reg).eval()
    cols = tuple(torch.from_numpy(xg[:2, i:i + 1]) for i in range(4))
    path = os.path.join(OUT, name + ".onnx")
    axes = {f: {0: "batch"} for f in REG_FEATURES}
    axes["prediction"] = {0: "batch"}
    torch.onnx.export(named, cols, path, input_names=REG_FEATURES, output_names=["prediction"], dynamic_axes=axes,
                      opset_version=OPSET, do_constant_folding=True, export_params=True)
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        pred_named = named(*(torch.from_numpy(xg[:, i:i + 1]) for i in range(4)))
    write_golden(name, "(one input per feature)", REG_FEATURES, xg, {"prediction": tensor_out(pred_named.numpy(), "float32")},
                 "PyTorch %s eager forward, float32" % torch.__version__)
    add_manifest(name, "pytorch-regressor", "the MLP regressor exported with one input per feature (temperature, humidity, "
                 "wind_speed, pressure: float [N,1] each), output prediction [N,1] float", feature_names=REG_FEATURES,
                 input={"name": "one per feature", "shape": ["batch", 1], "dtype": "float32"},
                 outputs={"prediction": ["batch", 1]})


# ----------------------------------------------------------------------------------------------- (c) sklearn shape
def map_type(key_elem, value_elem):
    """TypeProto map(key, tensor(value)); onnx 1.12's helper has no make_map_type_proto."""
    t = onnx.TypeProto()
    t.map_type.key_type = key_elem
    t.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(value_elem, []))
    return t


def make_sklearn_like():
    """A real scikit-learn LogisticRegression, written as skl2onnx writes a classifier (LinearClassifier with
    SOFTMAX post-transform -> label tensor + ZipMap), by hand with onnx.helper since skl2onnx is not packaged."""
    rs = np.random.RandomState(4)
    x, y = clf_data(rs, 300)
    lr = LogisticRegression(max_iter=1000).fit(x.astype(np.float64), y)
    xg, _ = clf_data(np.random.RandomState(5), N_GOLDEN)
    coef = lr.coef_.astype(np.float32)
    icpt = lr.intercept_.astype(np.float32)
    # reference = sklearn's own predict_proba on the float32 weights (what the float32 graph can reproduce);
    # the float64 sklearn answer is also reported in the manifest as max relative difference
    lr32 = LogisticRegression()
    lr32.classes_, lr32.coef_, lr32.intercept_ = lr.classes_, coef.astype(np.float64), icpt.astype(np.float64)
    lr32.multi_class = lr.multi_class
    probs = lr32.predict_proba(xg.astype(np.float64))
    labels_idx = probs.argmax(1)
    diff64 = float(np.max(np.abs(probs - lr.predict_proba(xg.astype(np.float64))) / np.abs(probs)))

    variants = [
        ("sklearn_logreg_zipmap_int", "int64", [0, 1, 2]),
        ("sklearn_logreg_zipmap_str", "string", CLF_CLASSES),
        ("sklearn_logreg_zipmap_int_labels_3_5_7", "int64", [3, 5, 7]),
    ]
    for name, ktype, classes in variants:
        lin_attrs = dict(coefficients=coef.flatten().tolist(), intercepts=icpt.tolist(), multi_class=1,
                         post_transform="SOFTMAX", domain="ai.onnx.ml", name="LinearClassifier")
        zip_attrs = {}
        if ktype == "int64":
            lin_attrs["classlabels_ints"] = classes
            zip_attrs["classlabels_int64s"] = classes
            label_type = TensorProto.INT64
            map_key = TensorProto.INT64
        else:
            lin_attrs["classlabels_strings"] = classes
            zip_attrs["classlabels_strings"] = classes
            label_type = TensorProto.STRING
            map_key = TensorProto.STRING
        nodes = [
            helper.make_node("LinearClassifier", ["float_input"], ["output_label", "probability_tensor"], **lin_attrs),
            helper.make_node("Normalizer", ["probability_tensor"], ["probabilities"], norm="L1",
                             domain="ai.onnx.ml", name="Normalizer"),
            helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain="ai.onnx.ml",
                             name="ZipMap", **zip_attrs),
        ]
        graph = helper.make_graph(
            nodes, "LogisticRegression",
            [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, 4])],
            [helper.make_tensor_value_info("output_label", label_type, [None]),
             helper.make_value_info("output_probability",
                                    helper.make_sequence_type_proto(map_type(map_key, TensorProto.FLOAT)))])
        model = helper.make_model(graph, producer_name="make_models.py (skl2onnx layout)",
                                  producer_version="sklearn " + sklearn.__version__,
                                  opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 1)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(OUT, name + ".onnx"))
        labels = [classes[i] for i in labels_idx]
        write_golden(name, "float_input", CLF_FEATURES, xg, {
            "output_label": {"kind": "tensor", "dtype": "int64" if ktype == "int64" else "string",
                             "shape": [N_GOLDEN], "data": labels},
            "output_probability": {"kind": "seq_map", "key_type": ktype,
                                   "data": [{str(c): float(np.float32(p)) for c, p in zip(classes, row)}
                                            for row in probs]}},
            "scikit-learn %s LogisticRegression.predict_proba with the float32-rounded coefficients" % sklearn.__version__)
        add_manifest(name, "sklearn-like-classifier",
                     "scikit-learn LogisticRegression in skl2onnx's classifier layout: LinearClassifier(SOFTMAX) + "
                     "Normalizer + ZipMap; outputs output_label [N] %s and output_probability seq(map(%s,float)); "
                     "class labels %s" % (ktype, ktype, classes),
                     feature_names=CLF_FEATURES, class_labels=classes, sklearn_float64_vs_float32_weights_max_rel=diff64,
                     input={"name": "float_input", "shape": ["N", 4], "dtype": "float32"},
                     outputs={"output_label": ["N"], "output_probability": "seq(map(%s,float))" % ktype})


def make_mixed_inputs():
    """One input per feature of three element types, as a pipeline with a categorical column exports: colour string
    [N,1] through ai.onnx.ml LabelEncoder, size float [N,1], count int64 [N,1]; y = 2*size + 0.5*count + code(colour),
    code red 0, green 1, blue 2, anything else -1. Built with onnx.helper; golden by numpy."""
    codes = {"red": 0.0, "green": 1.0, "blue": 2.0}
    nodes = [
        helper.make_node("LabelEncoder", ["colour"], ["code"], domain="ai.onnx.ml", keys_strings=list(codes),
                         values_floats=list(codes.values()), default_float=-1.0),
        helper.make_node("Cast", ["count"], ["count_f"], to=TensorProto.FLOAT),
        helper.make_node("Concat", ["size", "count_f", "code"], ["x"], axis=1),
        helper.make_node("MatMul", ["x", "W"], ["value"]),
    ]
    w = np.array([[2.0], [0.5], [1.0]], dtype=np.float32)
    graph = helper.make_graph(
        nodes, "mixed",
        [helper.make_tensor_value_info("colour", TensorProto.STRING, [None, 1]),
         helper.make_tensor_value_info("size", TensorProto.FLOAT, [None, 1]),
         helper.make_tensor_value_info("count", TensorProto.INT64, [None, 1])],
        [helper.make_tensor_value_info("value", TensorProto.FLOAT, [None, 1])],
        initializer=[numpy_helper.from_array(w, "W")])
    model = helper.make_model(graph, producer_name="make_models.py", producer_version="1",
                              opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 2)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    name = "mixed_inputs_regressor"
    onnx.save(model, os.path.join(OUT, name + ".onnx"))
    rs = np.random.RandomState(7)
    colours = [["red", "green", "blue", "purple"][i % 4] for i in range(N_GOLDEN)]
    size = rs.uniform(0, 10, N_GOLDEN).astype(np.float32)
    count = rs.randint(0, 20, N_GOLDEN).astype(np.int64)
    code = np.array([codes.get(c, -1.0) for c in colours], dtype=np.float32)
    x = np.stack([size, count.astype(np.float32), code], axis=1)
    y = x @ w
    g = {"model": name + ".onnx", "reference": "numpy float32: [size, count, code(colour)] @ [2, 0.5, 1]",
         "input": {"name": "(one input per feature)", "dtype": "mixed", "shape": [N_GOLDEN, 3]},
         "feature_names": ["colour", "size", "count"],
         "inputs": [[c, float(s_), int(n)] for c, s_, n in zip(colours, size.astype(np.float64), count)],
         "outputs": {"value": tensor_out(y, "float32")}}
    with open(os.path.join(OUT, name + ".golden.json"), "w") as f:
        json.dump(g, f, indent=1)
    add_manifest(name, "hand-built-regressor", "one input per feature of three types: colour string [N,1] (LabelEncoder), "
                 "size float [N,1], count int64 [N,1]; output value [N,1] float", feature_names=["colour", "size", "count"],
                 input={"name": "one per feature", "shape": ["N", 1], "dtype": "string, float32, int64"},
                 outputs={"value": ["N", 1]})


# ----------------------------------------------------------------------------------------------- (d) hostile
def simple_graph(nodes, inputs, outputs, inits=(), opsets=(("", OPSET),), name="g", producer="make_models.py"):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, producer_name=producer, producer_version="1",
                          opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    m.ir_version = 8
    return m


def make_hostile():
    # truncated: the classifier cut in the middle of its weights
    src = open(os.path.join(OUT, "torch_mlp_classifier.onnx"), "rb").read()
    with open(os.path.join(OUT, "hostile_truncated.onnx"), "wb") as f:
        f.write(src[: len(src) // 2])
    add_manifest("hostile_truncated", "hostile", "first half of torch_mlp_classifier.onnx", expect="load_error",
                 golden=False)

    xin = helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 4])
    # operator ONNX Runtime lacks: custom domain op
    m = simple_graph([helper.make_node("FancyScore", ["input"], ["score"], domain="com.example.custom")],
                     [xin], [helper.make_tensor_value_info("score", TensorProto.FLOAT, [None, 1])],
                     opsets=(("", OPSET), ("com.example.custom", 1)))
    onnx.save(m, os.path.join(OUT, "hostile_custom_op.onnx"))
    add_manifest("hostile_custom_op", "hostile", "node FancyScore from domain com.example.custom (no kernel anywhere)",
                 expect="load_error", golden=False)

    # an opset the runtime does not know (ai.onnx 99); built without the checker
    m = simple_graph([helper.make_node("Relu", ["input"], ["out"])], [xin],
                     [helper.make_tensor_value_info("out", TensorProto.FLOAT, [None, 4])], opsets=(("", 99),))
    onnx.save(m, os.path.join(OUT, "hostile_future_opset.onnx"))
    add_manifest("hostile_future_opset", "hostile", "a Relu stamped with ai.onnx opset 99", expect="load_error",
                 golden=False)

    # declared output shape wrong vs computed: computes [N,3], declares [N,2]
    w = np.arange(12, dtype=np.float32).reshape(4, 3) / 10.0
    m = simple_graph([helper.make_node("MatMul", ["input", "W"], ["scores"])], [xin],
                     [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [None, 2])],
                     inits=[numpy_helper.from_array(w, "W")])
    onnx.save(m, os.path.join(OUT, "hostile_wrong_output_shape.onnx"))
    xg, _ = clf_data(np.random.RandomState(6), N_GOLDEN)
    write_golden("hostile_wrong_output_shape", "input", CLF_FEATURES, xg,
                 {"scores": tensor_out(xg @ w, "float32")}, "numpy float32 matmul")
    add_manifest("hostile_wrong_output_shape", "hostile", "MatMul with a [4,3] weight computes [N,3] but the graph "
                 "output is declared [N,2]", expect="shape_mismatch")

    # weights in an external file (onnx's external data format): the .onnx file alone is not the model
    w = np.arange(12, dtype=np.float32).reshape(4, 3) / 10.0
    m = simple_graph([helper.make_node("MatMul", ["input", "W"], ["scores"])], [xin],
                     [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [None, 3])],
                     inits=[numpy_helper.from_array(w, "W")])
    onnx.save_model(m, os.path.join(OUT, "hostile_external_data.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="hostile_external_data.onnx.data", size_threshold=0)
    add_manifest("hostile_external_data", "hostile", "MatMul whose weight W lives in hostile_external_data.onnx.data "
                 "(onnx external data); the .onnx file alone does not hold the model", expect="external_data",
                 golden=False)

    # seconds per call: a Loop of 256x256 matmuls; the loop state depends on the input so nothing constant-folds.
    # S0 = M + 0*mean(x) with M = 1/256 everywhere, S <- S @ M keeps every entry exactly 1/256 (powers of two),
    # output = sum(x, axis=1) * mean(S_final) = sum(x)/256 exactly representable -> golden exact.
    trips = int(os.environ.get("SLOW_TRIPS", "6000"))
    M = np.full((256, 256), 1.0 / 256, dtype=np.float32)
    body = helper.make_graph(
        [helper.make_node("MatMul", ["s_in", "M"], ["s_out"]),
         helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "body",
        [helper.make_tensor_value_info("iter", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("s_in", TensorProto.FLOAT, [256, 256])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("s_out", TensorProto.FLOAT, [256, 256])])
    nodes = [
        helper.make_node("ReduceMean", ["input"], ["xm"], keepdims=0),
        helper.make_node("Mul", ["xm", "zero"], ["xz"]),
        helper.make_node("Add", ["M", "xz"], ["s0"]),
        helper.make_node("Loop", ["trips", "true", "s0"], ["s_final"], body=body),
        helper.make_node("ReduceMean", ["s_final"], ["sm"], keepdims=0),
        helper.make_node("ReduceSum", ["input", "axis1"], ["xs"], keepdims=1),
        helper.make_node("Mul", ["xs", "sm"], ["out"]),
    ]
    inits = [numpy_helper.from_array(M, "M"), numpy_helper.from_array(np.array(0.0, np.float32), "zero"),
             numpy_helper.from_array(np.array(trips, np.int64), "trips"),
             numpy_helper.from_array(np.array(True), "true"), numpy_helper.from_array(np.array([1], np.int64), "axis1")]
    m = simple_graph(nodes, [xin], [helper.make_tensor_value_info("out", TensorProto.FLOAT, [None, 1])], inits=inits)
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(OUT, "hostile_slow.onnx"))
    xs = xg[:1]  # one row: the loop cost does not depend on the batch
    with open(os.path.join(OUT, "hostile_slow.golden.json"), "w") as f:
        json.dump({"model": "hostile_slow.onnx", "reference": "numpy: sum(x, axis=1)/256",
                   "input": {"name": "input", "dtype": "float32", "shape": [1, 4]}, "feature_names": CLF_FEATURES,
                   "inputs": f32list(xs), "outputs": {"out": tensor_out(xs.sum(1, keepdims=True) / 256, "float32")}},
                  f, indent=1)
    add_manifest("hostile_slow", "hostile", "Loop of %d 256x256 float matmuls per call (~%.0f GFLOP), independent of "
                 "batch size; output sum(x)/256" % (trips, trips * 2 * 256 ** 3 / 1e9), expect="slow", trips=trips)


def add_tribuo():
    for name, kind in (("tribuo_linear_classifier", "tribuo-classifier"), ("tribuo_fm_classifier", "tribuo-classifier"),
                       ("tribuo_linear_regressor", "tribuo-regressor"), ("tribuo_fm_regressor", "tribuo-regressor")):
        if os.path.exists(os.path.join(OUT, name + ".onnx")):
            g = json.load(open(os.path.join(OUT, name + ".golden.json")))
            add_manifest(name, kind, "exported by Tribuo's ONNXExportable.saveONNXModel (TribuoExport.java); "
                         "one input 'input' [N,4] in Tribuo feature-id order, one output 'output'",
                         feature_names=g["feature_names"], class_labels=list(g.get("class_index", {}).keys()) or None,
                         made_by="TribuoExport.java")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    make_torch_models()
    make_sklearn_like()
    make_mixed_inputs()
    make_hostile()
    add_tribuo()
    deb = {}
    for pkg in ("python3-torch", "python3-onnx", "python3-sklearn", "python3-numpy"):
        try:
            deb[pkg] = os.popen("dpkg-query -W -f='${Version}' %s 2>/dev/null" % pkg).read().strip()
        except Exception:
            deb[pkg] = None
    with open(os.path.join(OUT, "models.json"), "w") as f:
        json.dump({"generator": "make_models.py", "python": platform.python_version(),
                   "exporters": {"torch": torch.__version__, "onnx": onnx.__version__, "onnx_max_opset":
                                 onnx.defs.onnx_opset_version(), "onnx_ir_version": onnx.IR_VERSION,
                                 "sklearn": sklearn.__version__, "numpy": np.__version__,
                                 "torch_export_opset": OPSET, "debian_packages": deb},
                   "golden_rows": N_GOLDEN, "models": manifest}, f, indent=1)
    for e in manifest:
        print("%-45s %8d bytes  expect=%s" % (e["file"], e["bytes"], e["expect"]))


if __name__ == "__main__":
    main()
