"""Generates scipy_golden.json: inputs and SciPy's results for every drift statistic.

Run with Debian's SciPy (apt-get install python3-scipy):  /usr/bin/python3 generate.py
The JSON records the SciPy and NumPy versions that produced it.
"""
import json
import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

rng = np.random.default_rng(20261123)


def quantile_edges(ref, bins):
    return np.unique(np.quantile(ref, [i / bins for i in range(1, bins)]))


def shares(values, edges):
    idx = np.searchsorted(edges, values, side="right")
    counts = np.bincount(idx, minlength=len(edges) + 1).astype(float)
    return counts / len(values)


def binned(r, c):
    rz = np.where(r == 0, 0.0001, r)
    cz = np.where(c == 0, 0.0001, c)
    return {
        "psi": float(np.sum((cz - rz) * np.log(cz / rz))),
        "kl_div": float(np.sum(rz * np.log(rz / cz))),
        "jensenshannon": float(distance.jensenshannon(r, c)),
        "hellinger": float(np.sqrt(max(0.0, 1 - np.sum(np.sqrt(r * c))))),
    }


def numeric_case(name, ref, cur, bins=10):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    out = {"name": name, "reference": ref.tolist(), "current": cur.tolist(), "bins": bins}
    ks = stats.ks_2samp(ref, cur)
    out["ks"] = [float(ks.statistic), float(ks.pvalue)]
    sd = np.std(ref)
    out["wasserstein"] = float(stats.wasserstein_distance(ref, cur) / (sd if sd != 0 else 0.001))
    out["energy"] = float(stats.energy_distance(ref, cur))
    mw = stats.mannwhitneyu(ref, cur, method="asymptotic")
    out["mannw"] = [float(mw.statistic), float(mw.pvalue)]
    tt = stats.ttest_ind(ref, cur, equal_var=False)
    out["t_test"] = [float(tt.statistic), float(tt.pvalue)]
    if len(np.unique(np.concatenate([ref, cur]))) > 1:
        ad = stats.anderson_ksamp([ref, cur])
        out["anderson"] = [float(ad.statistic), float(ad.significance_level)]
    if len(ref) > 1 and len(cur) > 1:
        cvm = stats.cramervonmises_2samp(ref, cur)
        out["cramer_von_mises"] = [float(cvm.statistic), float(cvm.pvalue)]
    edges = quantile_edges(ref, bins)
    r, c = shares(ref, edges), shares(cur, edges)
    out["edges"] = edges.tolist()
    out["reference_shares"] = r.tolist()
    out["current_shares"] = c.tolist()
    out.update(binned(r, c))
    return out


def categorical_case(name, ref_counts, cur_counts):
    keys = sorted(set(ref_counts) | set(cur_counts))
    rc = np.array([ref_counts.get(k, 0) for k in keys], dtype=float)
    cc = np.array([cur_counts.get(k, 0) for k in keys], dtype=float)
    table = np.array([rc, cc])
    out = {"name": name, "reference": ref_counts, "current": cur_counts}
    chi = stats.chi2_contingency(table, correction=False)
    out["chisquare"] = [float(chi[0]), float(chi[1])]
    g = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    out["g_test"] = [float(g[0]), float(g[1])]
    r, c = rc / rc.sum(), cc / cc.sum()
    out.update(binned(r, c))
    if len(keys) == 2:
        n1, n2 = rc.sum(), cc.sum()
        p1, p2 = rc[0] / n1, cc[0] / n2
        pooled = (rc[0] + cc[0]) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        out["z"] = [float(z), float(2 * stats.norm.sf(abs(z)))]
        f = stats.fisher_exact([[int(rc[0]), int(rc[1])], [int(cc[0]), int(cc[1])]])
        out["fisher_exact"] = [float(f[0]), float(f[1])]
    return out


numeric = [
    numeric_case("small normal", rng.normal(0, 1, 8), rng.normal(0.5, 1, 11)),
    numeric_case("tiny for exact cvm", rng.normal(0, 1, 7), rng.normal(1, 2, 9)),
    numeric_case("medium shifted", rng.normal(0, 1, 200), rng.normal(0.3, 1.2, 300)),
    numeric_case("equal sizes", rng.normal(0, 1, 150), rng.normal(0.1, 1, 150)),
    numeric_case("same distribution", rng.normal(5, 2, 400), rng.normal(5, 2, 350)),
    numeric_case("tied integers", rng.integers(0, 6, 100), rng.integers(0, 7, 120)),
    numeric_case("tied small exact", [1, 2, 2, 3, 3, 3, 4, 5], [2, 3, 3, 4, 4, 5, 6, 6, 7]),
    numeric_case("constant reference", np.full(50, 3.0), np.concatenate([np.full(40, 3.0), rng.normal(3, 1, 10)])),
    numeric_case("heavy tailed", rng.standard_cauchy(500), rng.standard_cauchy(400) * 1.5),
    numeric_case("large asymptotic", rng.normal(0, 1, 12000), rng.normal(0.02, 1, 11000)),
    numeric_case("large shifted", rng.exponential(1, 15000), rng.exponential(1.1, 10500)),
]

categorical = [
    categorical_case("three categories", {"a": 50, "b": 30, "c": 20}, {"a": 40, "b": 30, "c": 25}),
    categorical_case("new category", {"a": 500, "b": 300, "c": 200}, {"a": 400, "b": 300, "c": 250, "d": 50}),
    categorical_case("binary", {"no": 70, "yes": 30}, {"no": 55, "yes": 45}),
    categorical_case("binary small", {"no": 8, "yes": 2}, {"no": 3, "yes": 7}),
    categorical_case("binary symmetric", {"no": 10, "yes": 10}, {"no": 10, "yes": 10}),
    categorical_case("binary large", {"no": 9000, "yes": 1000}, {"no": 8800, "yes": 1200}),
]

kstwo = []
for n in [3, 10, 50, 140, 141, 1000, 20000, 100000, 100001, 500000]:
    for d in [0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.9]:
        kstwo.append([n, d, float(stats.kstwo.sf(d, n))])

json.dump({
    "source": "scipy %s, numpy %s; generated by generate.py beside this file" % (scipy.__version__, np.__version__),
    "numeric": numeric,
    "categorical": categorical,
    "kstwo_sf": kstwo,
}, open("scipy_golden.json", "w"), indent=None, separators=(",", ":"))
print("wrote scipy_golden.json")
