# The rates of torch.optim.lr_scheduler (PyTorch 1.13) at epochs 0..N-1, one scheduler.step() per epoch, that
# TorchSchedulerTest types in as its expected values. Run: /usr/bin/python3 lr_schedulers.py
import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

def rates(make, n, lr=1.0, metrics=None):
    opt = SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    s = make(opt)
    out = []
    for e in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        s.step(metrics[e]) if metrics else s.step()
    return out

cases = {
    "StepLR(step_size=3, gamma=0.5)": rates(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 8),
    "MultiStepLR(milestones=[2, 5], gamma=0.1)": rates(lambda o: S.MultiStepLR(o, milestones=[2, 5], gamma=0.1), 7),
    "ExponentialLR(gamma=0.8)": rates(lambda o: S.ExponentialLR(o, gamma=0.8), 5),
    "PolynomialLR(total_iters=4, power=2)": rates(lambda o: S.PolynomialLR(o, total_iters=4, power=2.0), 6),
    "CosineAnnealingLR(T_max=10, eta_min=0.1)": rates(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.1), 11),
    "CosineAnnealingWarmRestarts(T_0=2, T_mult=2, eta_min=0.01)": rates(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.01), 9),
    "CyclicLR(0.1, 1, step_size_up=2, triangular)": rates(lambda o: S.CyclicLR(o, 0.1, 1.0, step_size_up=2, mode="triangular", cycle_momentum=False), 10),
    "CyclicLR(0.1, 1, step_size_up=2, triangular2)": rates(lambda o: S.CyclicLR(o, 0.1, 1.0, step_size_up=2, mode="triangular2", cycle_momentum=False), 10),
    "CyclicLR(0.1, 1, step_size_up=2, exp_range, gamma=0.9)": rates(lambda o: S.CyclicLR(o, 0.1, 1.0, step_size_up=2, mode="exp_range", gamma=0.9, cycle_momentum=False), 10),
    "OneCycleLR(max_lr=1, total_steps=11, pct_start=0.3)": rates(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=11, pct_start=0.3, cycle_momentum=False), 11),
    "ReduceLROnPlateau(factor=0.5, patience=1, threshold=0.1, cooldown=1, min_lr=0.2)": rates(lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=1, threshold=0.1, cooldown=1, min_lr=0.2), 12,
        metrics=[1.0, 0.8, 0.79, 0.78, 0.77, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]),
}
for k, v in cases.items():
    print(k)
    print("    " + ", ".join(repr(x) for x in v))
