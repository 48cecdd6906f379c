"""PyTorch reference for bench/one-step-gd.ts: one merged-LSA Adam step on fresh Gaussian tasks.

reduced  the project's reduced algorithm (lib/topics/icl/reduced-loss.ts): per-task statistics
         C_b = Z_bᵀZ_b / n, ŷ = aᵀ C_b Bᵀ... x_q, the hand-written gradient, torch.optim.Adam
tokens   the straightforward formulation: batched (n+1) x (d+1) token products, autograd, Adam

Both sample their tasks with torch's generator for the timed steps (sampling is part of a step's
work); the check runs them on the project's tasks and parameters (build/bench/one-step-gd/*.npy).
"""
import numpy as np
import torch

REQUIRES = ("torch",)


def load(args, key):
    return torch.from_numpy(np.load(args[key]))


class Reduced:
    def __init__(self, args):
        self.d, self.n, self.B, self.steps = args["d"], args["n"], args["batch"], args["steps"]
        self.sigma = float(args["sigma2"]) ** 0.5
        self.args = args
        torch.manual_seed(0)

    def step_on(self, X, y, xq, yq, phi, opt):
        d, n, B = self.d, self.n, X.shape[0]
        D = d + 1
        Z = torch.cat([X, y.unsqueeze(2)], 2)  # [B, n, D]
        C = torch.bmm(Z.transpose(1, 2), Z) / n  # [B, D, D]
        a = phi[:D].view(D, 1)
        BT = phi[D:].view(d, D)
        Cf = C.reshape(B * D, D)
        s = (Cf @ a).view(B, D)
        u = xq @ BT
        yhat = (s * u).sum(1)
        res = yhat - yq
        loss = 0.5 * (res * res).mean()
        r = (res / B).unsqueeze(1)
        gBT = xq.t() @ (r * s)
        ga = (r * u).reshape(1, B * D) @ Cf
        phi.grad = torch.cat([ga.reshape(-1), gBT.reshape(-1)])
        opt.step()
        return C, loss, phi.grad

    def outputs(self):
        a = self.args
        X, y, xq, yq = (load(a, k) for k in ("X", "y", "xq", "yq"))
        phi = torch.nn.Parameter(load(a, "phi"))
        opt = torch.optim.Adam([phi], lr=a["lr"])
        with torch.no_grad():
            C, loss, g = self.step_on(X, y, xq, yq, phi, opt)
        return {"C": C.reshape(-1), "loss": loss.item(), "grad": g, "phi1": phi.detach()}

    def sample(self):
        d, n, B, s = self.d, self.n, self.B, self.sigma
        X = torch.randn(B, n, d)
        xq = torch.randn(B, d)
        w = torch.randn(B, d)
        y = torch.bmm(X, w.unsqueeze(2)).squeeze(2) + s * torch.randn(B, n)
        yq = (xq * w).sum(1) + s * torch.randn(B)
        return X, y, xq, yq

    def run(self):
        D = self.d + 1
        phi = torch.nn.Parameter(0.1 * torch.randn(D + self.d * D))
        opt = torch.optim.Adam([phi], lr=1e-2)
        with torch.no_grad():
            for _ in range(self.steps):
                _, loss, _ = self.step_on(*self.sample(), phi, opt)
                loss.item()  # the project reads every step's loss too


class Tokens(Reduced):
    """ŷ = [E + W_PV E_ctx (E_ctxᵀ W_KQ E)/n]_{d, query}, autograd, Adam on the full W_KQ, W_PV."""

    def loss_of(self, X, y, xq, yq, Wkq, Wpv):
        B, n, d = X.shape
        ctx = torch.cat([X, y.unsqueeze(2)], 2)  # [B, n, D]
        q = torch.cat([xq, torch.zeros(B, 1)], 1).unsqueeze(1)  # [B, 1, D]
        E = torch.cat([ctx, q], 1)  # [B, n+1, D]
        scores = torch.bmm(E @ Wkq.t(), ctx.transpose(1, 2))  # [B, n+1, n]
        values = ctx @ Wpv.t()  # [B, n, D]
        upd = torch.bmm(scores, values) / n
        yhat = E[:, n, d] + upd[:, n, d]
        return 0.5 * ((yhat - yq) ** 2).mean()

    def outputs(self):
        a = self.args
        X, y, xq, yq = (load(a, k) for k in ("X", "y", "xq", "yq"))
        Wkq = torch.nn.Parameter(load(a, "Wkq"))
        Wpv = torch.nn.Parameter(load(a, "Wpv"))
        loss = self.loss_of(X, y, xq, yq, Wkq, Wpv)
        loss.backward()
        d = self.d
        # the reduced parameters' gradients: a = W_PV[d, :], Bᵀ[l, j] = W_KQ[j, l] (l < d)
        grad = torch.cat([Wpv.grad[d, :], Wkq.grad[:, :d].t().reshape(-1)])
        return {"loss": loss.item(), "grad": grad}

    def run(self):
        D = self.d + 1
        Wkq = torch.nn.Parameter(0.1 * torch.randn(D, D))
        Wpv = torch.nn.Parameter(0.1 * torch.randn(D, D))
        opt = torch.optim.Adam([Wkq, Wpv], lr=1e-2)
        for _ in range(self.steps):
            opt.zero_grad()
            loss = self.loss_of(*self.sample(), Wkq, Wpv)
            loss.backward()
            opt.step()
            loss.item()


WORKLOADS = {"reduced": Reduced, "tokens": Tokens}
