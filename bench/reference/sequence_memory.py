"""PyTorch reference for bench/linear-attention.ts: one head, row layout, S ∈ R^{dv×dk}, o_t = S_t q_t.

la_recurrent     S ← S + v kᵀ, o = S q, a Python loop over tokens (fla ops/linear_attn/naive.py style)
la_chunk         Lightning-2 chunked form without decay: O = Q Sᵀ + tril(Q Kᵀ) V, S ← S + Vᵀ K per chunk
delta_recurrent  the delta rule token by token (fla ops/delta_rule/naive.py delta_rule_recurrence)
delta_chunk      the WY/UT chunk form (fla naive.py delta_rule_chunkwise, T by the row recursion)

Inputs are the project's (build/bench/linear-attention/*.npy, float32); the outputs feed the check.
"""
import numpy as np
import torch

REQUIRES = ("torch",)


def load(args, key):
    return torch.from_numpy(np.load(args[key]))


class Base:
    def __init__(self, args):
        self.q, self.k, self.v, self.beta = (load(args, key) for key in ("q", "k", "v", "beta"))
        self.C = int(args.get("C", 64))

    def outputs(self):
        with torch.no_grad():
            return {"o": self.run().reshape(-1)}


class LaRecurrent(Base):
    def run(self):
        q, k, v = self.q, self.k, self.v
        L, dk = q.shape
        S = torch.zeros(v.shape[1], dk)
        o = torch.empty(L, v.shape[1])
        for t in range(L):
            S = S + torch.outer(v[t], k[t])
            o[t] = S @ q[t]
        return o


class LaChunk(Base):
    def run(self):
        q, k, v, C = self.q, self.k, self.v, self.C
        L, dk = q.shape
        S = torch.zeros(v.shape[1], dk)
        o = torch.empty(L, v.shape[1])
        for s in range(0, L, C):
            Q, K, V = q[s : s + C], k[s : s + C], v[s : s + C]
            o[s : s + C] = Q @ S.T + torch.tril(Q @ K.T) @ V
            S = S + V.T @ K
        return o


class DeltaRecurrent(Base):
    def run(self):
        q, k, v, beta = self.q, self.k, self.v, self.beta
        L, dk = q.shape
        S = torch.zeros(v.shape[1], dk)
        o = torch.empty(L, v.shape[1])
        for t in range(L):
            u = beta[t] * (v[t] - S @ k[t])
            S = S + torch.outer(u, k[t])
            o[t] = S @ q[t]
        return o


class DeltaChunk(Base):
    def run(self):
        q, k, v, beta, C = self.q, self.k, self.v, self.beta, self.C
        L, dk = q.shape
        S = torch.zeros(v.shape[1], dk)
        o = torch.empty(L, v.shape[1])
        for s in range(0, L, C):
            Q, K, V, b = q[s : s + C], k[s : s + C], v[s : s + C], beta[s : s + C]
            B = Q.shape[0]
            A = -torch.tril((b[:, None] * K) @ K.T, -1)
            for i in range(1, B):  # T = (I + A)⁻¹ by fla naive.py's in-place row recursion
                A[i, :i] = A[i, :i] + (A[i, :, None] * A[:, :i]).sum(0)
            T = (A + torch.eye(B)) * b[None, :]
            W, U = T @ K, T @ V
            Up = U - W @ S.T
            o[s : s + C] = Q @ S.T + torch.tril(Q @ K.T) @ Up
            S = S + Up.T @ K
        return o


WORKLOADS = {"la_recurrent": LaRecurrent, "la_chunk": LaChunk, "delta_recurrent": DeltaRecurrent, "delta_chunk": DeltaChunk}
