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


class LtsfFit:
    """A full fit by the official protocol in its deterministic form (notes §3.4, the project's
    trainOfficial(deterministic)): zero init, train and val batches in order with drop_last, Adam,
    val loss = mean of per-batch MSEs, the full test set evaluated every epoch (as exp_main.train
    does), early stopping with patience 3, type1 halving, then the best checkpoint tested on the
    full set and with drop_last. Outputs the per-epoch [train, val, test MSE] log."""

    def __init__(self, args):
        self.model, self.L, self.H, self.B = args["model"], args["L"], args["H"], args["batch"]
        self.lr0, self.max_epochs = args["lr"], args["maxEpochs"]
        self.data = torch.from_numpy(np.load(args["data"]).astype(np.float32))  # [rows, C], the whole normalised file
        self.ranges = {k: tuple(args[k]) for k in ("train", "val", "test")}  # [start, end) rows
        self.ar_x, self.ar_y = torch.arange(self.L), self.L + torch.arange(self.H)
        self.step = LtsfStep.__new__(LtsfStep)  # reuse forward() with fresh layers per fit
        self.step.model = self.model

    def windows(self, split):
        start, end = self.ranges[split]
        return start + torch.arange(end - start - self.L - self.H + 1)

    def mse_batches(self, idx, drop_last):
        """Mean over batches of the per-batch MSE (drop_last) or the MSE over all windows."""
        with torch.no_grad():
            if drop_last:
                nb = len(idx) // self.B
                return sum(self.batch_loss(idx[k * self.B : (k + 1) * self.B]).item() for k in range(nb)) / nb
            se, count = 0.0, 0
            for s in range(0, len(idx), 256):
                x, y = self.xy(idx[s : s + 256])
                se += ((self.step.forward(x) - y) ** 2).sum().item()
                count += y.numel()
            return se / count

    def xy(self, idx):
        return self.data[idx[:, None] + self.ar_x], self.data[idx[:, None] + self.ar_y]

    def batch_loss(self, idx):
        x, y = self.xy(idx)
        return F.mse_loss(self.step.forward(x), y)

    def fit(self):
        layers = 2 if self.model == "DLinear" else 1
        self.step.lin = [nn.Linear(self.L, self.H) for _ in range(layers)]
        params = [p for m in self.step.lin for p in m.parameters()]
        with torch.no_grad():
            for p in params:
                p.zero_()
        opt = torch.optim.Adam(params, lr=self.lr0)
        tr, va, te = self.windows("train"), self.windows("val"), self.windows("test")
        steps = len(tr) // self.B
        best, counter, best_state, log = float("inf"), 0, None, []
        for epoch in range(1, self.max_epochs + 1):
            total = 0.0
            for s in range(steps):
                opt.zero_grad()
                loss = self.batch_loss(tr[s * self.B : (s + 1) * self.B])
                loss.backward()
                opt.step()
                total += loss.item()
            val = self.mse_batches(va, True)
            log.append([total / steps, val, self.mse_batches(te, False)])
            if val > best:
                counter += 1
                if counter >= 3:
                    break
            else:
                best, counter = val, 0
                best_state = [p.detach().clone() for p in params]
            for g in opt.param_groups:
                g["lr"] = self.lr0 * 0.5 ** (epoch - 1)
        with torch.no_grad():
            for p, b in zip(params, best_state):
                p.copy_(b)
        full = self.mse_batches(te, False)
        kept = len(te) - len(te) % self.B
        dl = self.mse_batches(te[:kept], False)
        return log, full, dl

    def outputs(self):
        log, full, dl = self.fit()
        return {"log": log, "full": full, "dropLast": dl}

    def run(self):
        self.fit()


WORKLOADS = {"ltsf_step": LtsfStep, "ltsf_fit": LtsfFit}
