"""scikit-learn reference for bench/gen-vs-disc.ts: L-BFGS logistic regression and Gaussian NB.

The inputs are the project's (build/bench/gen-vs-disc/*.npy, float64). `objective` is the one the
project minimises and reports: C · Σ_i CE_i + ½‖W‖² (intercepts unpenalised), computed here from
sklearn's solution.
"""
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

REQUIRES = ("sklearn",)


class Logistic:
    def __init__(self, args):
        self.X = np.load(args["X"])
        self.y = np.load(args["y"])
        self.C, self.tol = float(args["C"]), float(args["tol"])

    def model(self):
        return LogisticRegression(C=self.C, tol=self.tol, solver="lbfgs", max_iter=10000, multi_class="multinomial")

    def outputs(self):
        m = self.model().fit(self.X, self.y)
        Z = self.X @ m.coef_.T + m.intercept_
        zmax = Z.max(1, keepdims=True)
        lse = (zmax[:, 0] + np.log(np.exp(Z - zmax).sum(1)))
        ce = (lse - Z[np.arange(len(self.y)), self.y]).sum()
        objective = self.C * ce + 0.5 * (m.coef_ ** 2).sum()
        return {"objective": float(objective), "iterations": int(m.n_iter_[0])}

    def run(self):
        self.model().fit(self.X, self.y)


class NaiveBayes:
    def __init__(self, args):
        self.X = np.load(args["X"])
        self.y = np.load(args["y"])

    def outputs(self):
        m = GaussianNB().fit(self.X, self.y)
        return {"predictions": m.predict(self.X), "jll": m._joint_log_likelihood(self.X)}

    def run(self):
        GaussianNB().fit(self.X, self.y).predict(self.X)


WORKLOADS = {"logistic": Logistic, "naive_bayes": NaiveBayes}
