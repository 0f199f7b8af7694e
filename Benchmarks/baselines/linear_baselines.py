#!/usr/bin/env python3
"""The scikit-learn linear baselines that classification's model is measured against.

On the same splits as `kefu-bench model` (docs/benchmarks.md, "The learned text model"):
CLINC150 `train` -> in-scope `test`, CLUEmotion `valid` -> `test`. Features: TF-IDF of character
1-5-grams within words and word 1-3-grams, sublinear TF, each block L2-normalised, n-grams seen at
least twice. Models: a linear SVM (squared hinge) and logistic regression, C chosen by 3-fold
cross-validation on the training split. Prints the test accuracy of each, and the best.

Run by `deploy/kefu bench baselines`, which installs scikit-learn from PyPI for the run; the
product never needs it.
"""
import json
import sys
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.svm import LinearSVC


def features():
    common = dict(sublinear_tf=True, min_df=2, lowercase=True)
    return FeatureUnion([
        ("characters", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), **common)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 3), token_pattern=r"(?u)\b\w+\b", **common)),
    ])


def clinc150(folder):
    data = json.loads((folder / "clinc150" / "data_full.json").read_text())
    return [(t, l) for t, l in data["train"]], [(t, l) for t, l in data["test"]]


def cluemotion(folder):
    def read(name):
        rows = [json.loads(line) for line in (folder / "cluemotion" / name).read_text().splitlines() if line.strip()]
        return [(row["content"], row["label"]) for row in rows]
    return read("valid.jsonl"), read("test.jsonl")


def baseline(name, train, test):
    texts, labels = zip(*train)
    test_texts, test_labels = zip(*test)
    best = None
    for model_name, model, costs in [
        ("linear SVM", LinearSVC(max_iter=5000), [0.1, 0.3, 1, 3, 10]),
        ("logistic regression", LogisticRegression(max_iter=2000), [3, 10, 30, 100]),
    ]:
        started = time.monotonic()
        search = GridSearchCV(make_pipeline(features(), model), {model.__class__.__name__.lower() + "__C": costs},
                              cv=3, n_jobs=1)
        search.fit(texts, labels)
        accuracy = search.score(test_texts, test_labels)
        cost = list(search.best_params_.values())[0]
        print(f"{name}: {model_name} (C={cost} by 3-fold cross-validation) test accuracy {accuracy * 100:.2f} % "
              f"in {time.monotonic() - started:.0f} s", flush=True)
        if best is None or accuracy > best[1]:
            best = (model_name, accuracy)
    print(f"{name}: best linear baseline {best[0]} {best[1] * 100:.2f} %", flush=True)


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "datasets")
    for name, load in [("CLUEmotion", cluemotion), ("CLINC150", clinc150)]:
        baseline(name, *load(folder))


if __name__ == "__main__":
    main()
