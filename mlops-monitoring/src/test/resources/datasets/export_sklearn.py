"""Writes scikit-learn's bundled tables to CSV, once, as test resources of mlops-monitoring.

Source: the data files shipped inside scikit-learn (sklearn.datasets.load_*; nothing is downloaded),
here scikit-learn 1.2.1 as packaged by Debian (python3-sklearn 1.2.1+dfsg-1). The tests read the CSV
files and never need Python. Re-run with: /usr/bin/python3 export_sklearn.py

  breast_cancer.csv  569 rows, 30 numerical features, target 0 (malignant) / 1 (benign)
  wine.csv           178 rows, 13 numerical features, target 0 / 1 / 2 (cultivar)
  diabetes.csv       442 rows, 10 numerical features (scaled as scikit-learn ships them), target: disease progression
  iris.csv           150 rows, 4 numerical features, target: the species name
"""
import csv
import sklearn
from sklearn import datasets


def write(name, bunch, target):
    with open(name + ".csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(list(bunch.feature_names) + ["target"])
        for row, t in zip(bunch.data, target):
            w.writerow([repr(float(v)) for v in row] + [t])


if __name__ == "__main__":
    print("scikit-learn", sklearn.__version__)
    cancer = datasets.load_breast_cancer()
    write("breast_cancer", cancer, [int(t) for t in cancer.target])
    wine = datasets.load_wine()
    write("wine", wine, [int(t) for t in wine.target])
    diabetes = datasets.load_diabetes()
    write("diabetes", diabetes, [repr(float(t)) for t in diabetes.target])
    iris = datasets.load_iris()
    write("iris", iris, [iris.target_names[t] for t in iris.target])
