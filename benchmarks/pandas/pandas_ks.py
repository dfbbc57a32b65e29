# the outsider's baseline: pandas read_csv of both files, SciPy ks_2samp on every column, a JSON report
import sys, json, pandas as pd
from scipy.stats import ks_2samp
ref = pd.read_csv(sys.argv[1]); cur = pd.read_csv(sys.argv[2])
out = []
for c in ref.columns:
    r = ks_2samp(ref[c].dropna().to_numpy(), cur[c].dropna().to_numpy())
    out.append({"name": c, "statistic": float(r.statistic), "pValue": float(r.pvalue), "drift": bool(r.pvalue < 0.05)})
json.dump({"columns": out}, open(sys.argv[3], "w"))
