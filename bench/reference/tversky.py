"""PyTorch reference for bench/tversky.ts: the Tversky contrast model (product intersection,
substractmatch difference, threshold 0; lib/topics/tversky/similarity.ts), trained as ONE batched
computation over R runs (every parameter with a leading run axis, loss = Σ_runs mean CE) with
torch.optim.Adam, as the project's trainXorBatch and BatchedClassifier do.

xor         R XOR runs: F [R, K, 2] (padding masked), Π [R, 2, 2] (L2-normalised where flagged),
            θ/α/β [R, 1, 1]; full-batch steps on the 4 points
classifier  digits head on the raw 64 inputs, linear (x W + b) or Tversky (K features, 10
            prototypes), mini-batch 64, R seeds with their own data order
The check returns the loss and every parameter's gradient at the project's initial parameters (XOR:
the full batch; classifier: the first mini-batch of run r in the project's data order). Parameters
after Adam steps are no check: Adam's first steps move a parameter by ±lr whatever the size of its
gradient, so a gradient that is 0 on one side and 1e-9 on the other (float noise) differs by lr.
"""
import numpy as np
import torch
import torch.nn.functional as F

REQUIRES = ("torch",)


def load(path):
    return torch.from_numpy(np.load(path))


def tversky(x, P, Fb, theta, alpha, beta, substractmatch):
    """S = θ·I − α·D(x,Π) − β·D(Π,x)ᵀ, x [R,n,d], Π [R,m,d], Ω [R,K,d] → [R,n,m]; difference
    ignorematch, or substractmatch (+ relu(Ia − Ib) and relu(Ib − Ia))."""
    A = x @ Fb.transpose(1, 2)
    mA = (A > 0).float()
    wA = A * mA
    Bp = P @ Fb.transpose(1, 2)
    mB = (Bp > 0).float()
    wB = Bp * mB
    I = wA @ wB.transpose(1, 2)
    dab = wA @ (1 - mB).transpose(1, 2)
    dba = (1 - mA) @ wB.transpose(1, 2)
    if substractmatch:
        d = wA @ mB.transpose(1, 2) - mA @ wB.transpose(1, 2)
        dab = dab + F.relu(d)
        dba = dba + F.relu(-d)
    return theta * I - alpha * dab - beta * dba


def batched_ce(logits, onehot):
    return -(F.log_softmax(logits, -1) * onehot).sum() / logits.shape[1]


class Xor:
    def __init__(self, args):
        self.F0, self.P0 = load(args["F"]), load(args["P"])
        self.X, self.fmask, self.nflag = load(args["X"]), load(args["fmask"]), load(args["nflag"])
        self.steps, self.lr = args["steps"], args["lr"]
        self.onehot = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]).unsqueeze(0)

    def loss(self, ps):
        Fv, Pv, th, al, be = ps
        Pe = Pv + self.nflag * (F.normalize(Pv, dim=-1) - Pv)
        return batched_ce(tversky(self.X, Pe, Fv * self.fmask, th, al, be, True), self.onehot)

    def train(self, steps):
        R = self.F0.shape[0]
        ps = [torch.nn.Parameter(t.clone()) for t in (self.F0, self.P0)]
        ps += [torch.nn.Parameter(torch.full((R, 1, 1), v)) for v in (1.0, 0.5, 0.5)]
        opt = torch.optim.Adam(ps, lr=self.lr)
        for _ in range(steps):
            opt.zero_grad()
            loss = self.loss(ps)
            loss.backward()
            opt.step()
        return ps, loss

    def outputs(self):
        (ps, loss) = self.train(1)
        return {"loss": loss.item(), **{f"g{i}": p.grad for i, p in enumerate(ps)}}

    def run(self):
        self.train(self.steps)


class Classifier:
    def __init__(self, args):
        self.X, self.y = load(args["X"]), load(args["y"]).long()
        self.init = [load(p) for p in args["init"]]
        self.head, self.batch, self.lr, self.C = args["head"], args["batch"], args["lr"], 10
        self.first = load(args["first_batch"]).long()  # [R, B] rows of each run's first batch

    def logits(self, ps, x):
        if self.head == "linear":
            W, b = ps
            return x @ W + b
        P, Fb, th, al, be = ps
        return tversky(x, P, Fb, th, al, be, False)

    def epoch(self, ps, opt, perms, n):
        R = len(ps[0])
        for start in range(0, n, self.batch):
            idx = perms[:, start : start + self.batch]  # [R, B]
            x = self.X[idx]  # [R, B, 64]
            onehot = F.one_hot(self.y[idx], self.C).float()
            opt.zero_grad()
            batched_ce(self.logits(ps, x), onehot).backward()
            opt.step()

    def outputs(self):
        ps = [torch.nn.Parameter(t.clone()) for t in self.init]
        x = self.X[self.first]
        loss = batched_ce(self.logits(ps, x), F.one_hot(self.y[self.first], self.C).float())
        loss.backward()
        return {"loss": loss.item(), **{f"g{i}": p.grad for i, p in enumerate(ps)}}

    def run(self):
        ps = [torch.nn.Parameter(t.clone()) for t in self.init]
        R, n = len(ps[0]), len(self.y)
        perms = torch.stack([torch.randperm(n) for _ in range(R)])
        self.epoch(ps, torch.optim.Adam(ps, lr=self.lr), perms, n)


WORKLOADS = {"xor": Xor, "classifier": Classifier}
