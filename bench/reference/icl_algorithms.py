"""PyTorch reference for bench/icl-algorithms.ts: one Adam step of the same causal transformer as
lib/topics/icl/gpt.ts (interleaved tokens, Dense read-in, learned positions, pre-LN blocks with
M-head softmax attention and a tanh-GeLU MLP of width 4H, no final LayerNorm, read-out at the x
positions), float32, written with explicit parameters so the project's weights load one to one.

The check runs on the project's initial weights and batch (build/bench/icl-algorithms/*.npy): loss
and the gradient of every parameter, in the project's variable order. The timed unit is one step:
zero the gradients, forward, backward, Adam(β = (0.9, 0.98), ε = 1e-9) on the same tokens.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

REQUIRES = ("torch",)

# the project's order of a block's parameters (gpt.ts BLOCK_PARAMS)
BLOCK = ("ln1g", "ln1b", "wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo", "ln2g", "ln2b", "w1", "b1", "w2", "b2")


class GptStep:
    def __init__(self, args):
        self.L, self.H, self.M = args["layers"], args["width"], args["heads"]
        self.tok = torch.from_numpy(np.load(args["tokens"]).astype(np.float32))
        self.y = torch.from_numpy(np.load(args["y"]).astype(np.float32))
        self.params = [torch.from_numpy(np.load(f).astype(np.float32)).requires_grad_(True) for f in args["weights"]]
        if len(self.params) != 3 + 16 * self.L + 2:
            raise ValueError(f"{len(self.params)} weight files for {self.L} blocks: expected {3 + 16 * self.L + 2}")
        T = self.tok.shape[1]
        self.mask = torch.triu(torch.full((T, T), -1e9), 1)
        self.opt = torch.optim.Adam(self.params, lr=args["lr"], betas=(0.9, 0.98), eps=1e-9)

    def loss(self):
        B, T, _ = self.tok.shape
        H, M = self.H, self.M
        hd = H // M
        it = iter(self.params)
        w_in, b_in, pos = next(it), next(it), next(it)
        h = self.tok @ w_in + b_in + pos[:T]
        for _ in range(self.L):
            p = {k: next(it) for k in BLOCK}
            a = F.layer_norm(h, (H,), p["ln1g"], p["ln1b"], eps=1e-5)

            def heads(x):
                return x.view(B, T, M, hd).transpose(1, 2)

            q, k, v = heads(a @ p["wq"] + p["bq"]), heads(a @ p["wk"] + p["bk"]), heads(a @ p["wv"] + p["bv"])
            s = q @ k.transpose(-1, -2) / math.sqrt(hd) + self.mask
            att = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, T, H)
            h = h + att @ p["wo"] + p["bo"]
            f = F.layer_norm(h, (H,), p["ln2g"], p["ln2b"], eps=1e-5)
            h = h + F.gelu(f @ p["w1"] + p["b1"], approximate="tanh") @ p["w2"] + p["b2"]
        w_out, b_out = next(it), next(it)
        out = (h @ w_out + b_out)[..., 0]
        return ((out[:, 0::2] - self.y) ** 2).mean()

    def outputs(self):
        for p in self.params:
            p.grad = None
        loss = self.loss()
        loss.backward()
        return {"loss": loss.item(), "grad": torch.cat([p.grad.reshape(-1) for p in self.params])}

    def run(self):
        self.opt.zero_grad()
        self.loss().backward()
        self.opt.step()


class MatMul:
    """One float32 product a @ b: the ceiling a matmul-bound step can reach on each side."""

    def __init__(self, args):
        self.a = torch.from_numpy(np.load(args["a"]).astype(np.float32))
        self.b = torch.from_numpy(np.load(args["b"]).astype(np.float32))

    def outputs(self):
        return {"c": (self.a @ self.b).reshape(-1)}

    def run(self):
        self.a @ self.b


WORKLOADS = {"gpt_step": GptStep, "matmul": MatMul}
