"""PyTorch reference for bench/ltsf-linear.ts: one training step of the official LTSF-Linear models
(Zeng et al., cure-lab/LTSF-Linear models/{Linear,NLinear,DLinear}.py, individual = False) on ETTh1
windows: gather a batch of 32 windows from the series, forward, MSE, backward, Adam(lr 0.005), float32.

The check runs on the project's initial parameters θ (W [F, H] row-major, then one bias per layer;
DLinear's rows 0..L-1 are the seasonal layer, L..2L-1 the trend layer) and the project's first batch
(build/bench/ltsf-linear/*.npy): loss and the gradient of θ in the project's layout.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REQUIRES = ("torch",)

KERNEL = 25  # DLinear's moving average


class LtsfStep:
    def __init__(self, args):
        self.model, self.L, self.H, self.B = args["model"], args["L"], args["H"], args["batch"]
        self.n = args["windows"]
        self.series = torch.from_numpy(np.load(args["series"]).astype(np.float32))  # [rows, C], window i starts at row i
        self.first = torch.from_numpy(np.load(args["idx"]).astype(np.int64))
        theta = np.load(args["theta"]).astype(np.float32)
        layers = 2 if self.model == "DLinear" else 1
        L, H = self.L, self.H
        W = theta[: layers * L * H].reshape(layers * L, H)
        self.lin = []
        for l in range(layers):
            m = nn.Linear(L, H)
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(W[l * L : (l + 1) * L].T.copy()))
                m.bias.copy_(torch.from_numpy(theta[layers * L * H + l * H : layers * L * H + (l + 1) * H].copy()))
            self.lin.append(m)
        self.opt = torch.optim.Adam([p for m in self.lin for p in m.parameters()], lr=0.005)
        self.gen = torch.Generator().manual_seed(2)
        self.ar_x, self.ar_y = torch.arange(L), L + torch.arange(H)

    def forward(self, x):  # x [B, L, C] -> [B, H, C]
        if self.model == "Linear":
            return self.lin[0](x.permute(0, 2, 1)).permute(0, 2, 1)
        if self.model == "NLinear":
            last = x[:, -1:, :]
            return self.lin[0]((x - last).permute(0, 2, 1)).permute(0, 2, 1) + last
        pad = (KERNEL - 1) // 2
        xp = torch.cat([x[:, :1, :].repeat(1, pad, 1), x, x[:, -1:, :].repeat(1, pad, 1)], 1)
        trend = F.avg_pool1d(xp.permute(0, 2, 1), KERNEL, stride=1)  # [B, C, L]
        seasonal = x.permute(0, 2, 1) - trend
        return (self.lin[0](seasonal) + self.lin[1](trend)).permute(0, 2, 1)

    def loss(self, idx):
        x = self.series[idx[:, None] + self.ar_x]
        y = self.series[idx[:, None] + self.ar_y]
        return F.mse_loss(self.forward(x), y)

    def outputs(self):
        for m in self.lin:
            m.zero_grad()
        loss = self.loss(self.first)
        loss.backward()
        gW = torch.cat([m.weight.grad.T.reshape(-1) for m in self.lin])
        gb = torch.cat([m.bias.grad for m in self.lin])
        return {"loss": loss.item(), "grad": torch.cat([gW, gb])}

    def run(self):
        idx = torch.randint(0, self.n, (self.B,), generator=self.gen)
        self.opt.zero_grad()
        self.loss(idx).backward()
        self.opt.step()


WORKLOADS = {"ltsf_step": LtsfStep}
