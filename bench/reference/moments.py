"""PyTorch reference for bench/moment-probing.ts: MHC³ (lib/topics/moments/mhc3.ts, the released
Moment_Probing_ViT code's defaults: contiguous heads, shared LayerNorm, scalar centring, `near`
pairs, column L2 normalisation, conv 3×3 s2 → GELU → conv 3×3 s2, no bias), forward and
forward + backward of Σ out ⊙ r, on the project's tokens, r and parameters (.npy).
"""
import numpy as np
import torch
import torch.nn.functional as F

REQUIRES = ("torch",)
NAMES = ("proj_kernel", "proj_bias", "ln_gamma", "ln_beta", "conv1_kernel", "conv2_kernel")


class MHC3:
    def __init__(self, args):
        self.x = torch.from_numpy(np.load(args["x"]))
        self.r = torch.from_numpy(np.load(args["r"]))
        self.params = [torch.nn.Parameter(torch.from_numpy(np.load(args[k]))) for k in NAMES]
        self.heads = args["heads"]
        self.backward = args["backward"]

    def forward(self):
        Wp, bp, g, b, c1, c2 = self.params
        B, N, _ = self.x.shape
        H = self.heads
        z = self.x @ Wp + bp
        h = z.shape[-1] // H
        hd = F.layer_norm(z.view(B, N, H, h), (h,), g, b, 1e-5)
        hd = hd - hd.mean(dim=(1, 3), keepdim=True)
        hs = hd.permute(0, 2, 1, 3)  # [B, H, N, h]
        M = torch.matmul(hs[:, :-1].transpose(-1, -2), hs[:, 1:]) / N  # [B, H-1, h(i), h(j)]
        M = F.normalize(M, dim=2)  # each column j over rows i
        y = F.conv2d(F.gelu(F.conv2d(M, c1, stride=2)), c2, stride=2)
        return y.reshape(B, -1)

    def outputs(self):
        out = self.forward()
        (out * self.r).sum().backward()
        return {"out": out, **{k: p.grad for k, p in zip(NAMES, self.params)}}

    def run(self):
        if self.backward:
            for p in self.params:
                p.grad = None
            (self.forward() * self.r).sum().backward()
            self.params[0].grad.numpy()
        else:
            with torch.no_grad():
                self.forward().numpy()


WORKLOADS = {"mhc3": MHC3}
