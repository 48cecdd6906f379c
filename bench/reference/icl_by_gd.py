"""PyTorch reference for bench/icl-by-gd.ts: the loss ½·mean(ŷ − y)² of an attention stack on
concatenated tokens (von Oswald et al.'s layer: separate W_K, W_Q, W_V, P per head, keys and values
from the N context tokens only, no normalisation, ŷ = −(query label slot)) and its gradient with
respect to every weight, by autograd through the batched token products, in float64 (the project's
stacks are float64). Linear or softmax attention; K layers, recurrent or not.

The check runs on the project's tasks and weights (build/bench/icl-by-gd/*.npy); the timed unit is
one loss + gradient evaluation on those tasks.
"""
import numpy as np
import torch

REQUIRES = ("torch",)


def load(args, key):
    return torch.from_numpy(np.load(args[key]).astype(np.float64))


class StackGrad:
    def __init__(self, args):
        self.args = args
        self.D = args["d"] + 1
        self.depth, self.recurrent, self.heads = args["depth"], args["recurrent"], args["heads"]
        self.softmax = args["attention"] == "softmax"
        X, y, xq = load(args, "X"), load(args, "y"), load(args, "xq")
        self.yq = load(args, "yq")
        B = X.shape[0]
        ctx = torch.cat([X, y.unsqueeze(2)], 2)
        q = torch.cat([xq.unsqueeze(1), torch.zeros(B, 1, 1, dtype=torch.float64)], 2)
        self.E0 = torch.cat([ctx, q], 1)  # [B, N+1, D]
        self.n = X.shape[1]
        flat = load(args, "weights")
        layers = 1 if self.recurrent else self.depth
        self.W = flat.view(layers, self.heads, 4, self.D, self.D).clone().requires_grad_(True)

    def loss(self):
        E = self.E0
        n = self.n
        for k in range(self.depth):
            layer = self.W[0 if self.recurrent else k]
            upd = 0
            for h in range(self.heads):
                Wk, Wq, Wv, P = layer[h, 0], layer[h, 1], layer[h, 2], layer[h, 3]
                kv = E[:, :n, :]
                keys = kv @ Wk.T
                vals = kv @ Wv.T
                qs = E @ Wq.T
                s = qs @ keys.transpose(1, 2)  # [B, T, n]
                if self.softmax:
                    s = torch.softmax(s, dim=2)
                upd = upd + (s @ vals) @ P.T
            E = E + upd
        yhat = -E[:, n, self.D - 1]
        return 0.5 * ((yhat - self.yq) ** 2).mean()

    def outputs(self):
        self.W.grad = None
        loss = self.loss()
        loss.backward()
        return {"loss": loss.item(), "grad": self.W.grad.reshape(-1)}

    def run(self):
        self.W.grad = None
        self.loss().backward()


WORKLOADS = {"stack_grad": StackGrad}
