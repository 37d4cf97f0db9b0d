"""Fit time of scikit-learn's HistGradientBoostingClassifier on a design matrix written by the bench.

Usage: hist_gbdt_fit_time.py <X.f64> <y.f64> <n_rows> <n_features> '<settings JSON>'
X is row-major float64 (n_rows x n_features), y float64 0/1. Prints one JSON line:
{"fit_seconds": [...], "train_accuracy": ..., "n_threads": ..., "sklearn": "..."}.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_info


def main() -> None:
    x_path, y_path, n_rows, n_features, settings = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
    X = np.fromfile(x_path, dtype="<f8").reshape(n_rows, n_features)
    y = np.fromfile(y_path, dtype="<f8").astype(np.int64)
    repeats = int(settings.pop("repeats", 1))
    times = []
    model = None
    for _ in range(repeats):
        model = HistGradientBoostingClassifier(early_stopping=False, random_state=0, **settings)
        t0 = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - t0)
    threads = max((p.get("num_threads", 1) for p in threadpool_info() if p.get("user_api") == "openmp"), default=1)
    print(json.dumps({
        "fit_seconds": times,
        "train_accuracy": float((model.predict(X) == y).mean()),
        "n_iter": int(model.n_iter_),
        "n_threads": threads,
        "sklearn": sklearn.__version__,
    }))


if __name__ == "__main__":
    main()
