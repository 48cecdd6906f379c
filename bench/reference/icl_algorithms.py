"""PyTorch reference for bench/icl-algorithms.ts: one Adam step of the same causal transformer
(interleaved tokens, Dense read-in, learned positions, pre-LN blocks with M-head softmax attention and
a tanh-GeLU MLP of width 4H, no final LayerNorm, read-out at the x positions), one CPU thread."""
import time
import torch
import torch.nn as nn

torch.set_num_threads(1)


class Block(nn.Module):
    def __init__(self, H, M):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(H), nn.LayerNorm(H)
        self.att = nn.MultiheadAttention(H, M, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(H, 4 * H), nn.GELU(approximate="tanh"), nn.Linear(4 * H, H))

    def forward(self, h, mask):
        a = self.ln1(h)
        h = h + self.att(a, a, a, attn_mask=mask, need_weights=False)[0]
        return h + self.mlp(self.ln2(h))


class Gpt(nn.Module):
    def __init__(self, d, L, H, M, T):
        super().__init__()
        self.inp, self.pos = nn.Linear(d + 1, H), nn.Parameter(torch.randn(T, H) * 0.02)
        self.blocks = nn.ModuleList(Block(H, M) for _ in range(L))
        self.out = nn.Linear(H, 1)

    def forward(self, tok):
        T = tok.shape[1]
        mask = torch.triu(torch.full((T, T), float("-inf")), 1)
        h = self.inp(tok) + self.pos[:T]
        for b in self.blocks:
            h = b(h, mask)
        return self.out(h)[..., 0]


def step_ms(d, L, H, n, B, M=4):
    T = 2 * n - 1
    model = Gpt(d, L, H, M, T)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-9)
    X, w = torch.randn(B, n, d), torch.randn(B, d, 1)
    y = (X @ w)[..., 0]
    tok = torch.zeros(B, T, d + 1)
    tok[:, 0::2, 1:] = X
    tok[:, 1::2, 0] = y[:, : n - 1]

    def one():
        opt.zero_grad()
        loss = ((model(tok)[:, 0::2] - y) ** 2).mean()
        loss.backward()
        opt.step()

    for _ in range(2):
        one()
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(10):
            one()
        best = min(best, (time.perf_counter() - t0) / 10 * 1000)
    return best


if __name__ == "__main__":
    print(f"torch {torch.__version__}, 1 thread: ms per Adam step")
    for L in (1, 2, 4):
        print(f"L = {L}, H = 32, d = 4, 19 tokens, B = 64: {step_ms(4, L, 32, 10, 64):.1f}")
    print(f"L = 1, H = 64, d = 8, 31 tokens, B = 64: {step_ms(8, 1, 64, 16, 64):.1f}")
