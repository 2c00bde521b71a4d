"""learntorch.optim.swa_utils against torch's: averaged weights, SWALR's lrs, update_bn."""
import numpy as np
import pytest
import torch

import learntorch as lt

from helpers import check_raises


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))


def _train_and_average(lib, make_averaged, steps=12):
    model = _model(lib)
    averaged = make_averaged(lib, model)
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    rng = np.random.default_rng(0)
    for _ in range(steps):
        x = lib.tensor(rng.standard_normal((8, 3), dtype=np.float32))
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
        averaged.update_parameters(model)
    state = averaged.state_dict()
    return {k: v.numpy() for k, v in state.items()}


@pytest.mark.parametrize("make", [
    lambda lib, m: lib.optim.swa_utils.AveragedModel(m),
    lambda lib, m: lib.optim.swa_utils.AveragedModel(m, use_buffers=True),
    lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_ema_multi_avg_fn(0.9)),
    lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lib.optim.swa_utils.get_ema_avg_fn(0.8)),
    lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_swa_multi_avg_fn()),
], ids=["swa", "swa-buffers", "ema-multi", "ema", "swa-multi"])
def test_averaged_model_matches_torch(make):
    ours, theirs = _train_and_average(lt, make), _train_and_average(torch, make)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6, err_msg=key)


def test_update_bn_matches_torch():
    stats = []
    for lib in (lt, torch):
        model = _model(lib)
        rng = np.random.default_rng(1)
        loader = [(lib.tensor(rng.standard_normal((8, 3), dtype=np.float32)), 0)
                  for _ in range(4)]
        lib.optim.swa_utils.update_bn(loader, model)
        bn = model[1]
        stats.append((bn.running_mean.numpy(), bn.running_var.numpy(), bn.momentum,
                      int(bn.num_batches_tracked)))
    np.testing.assert_allclose(stats[0][0], stats[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(stats[0][1], stats[1][1], rtol=1e-5, atol=1e-6)
    assert stats[0][2:] == stats[1][2:]


@pytest.mark.parametrize("kwargs", [dict(swa_lr=0.05), dict(swa_lr=[0.05, 0.2], anneal_epochs=7,
                                                               anneal_strategy="linear"),
                                    dict(swa_lr=0.05, anneal_epochs=0)], ids=str)
def test_swalr_lrs_equal_torchs(kwargs):
    runs = []
    for lib in (lt, torch):
        params = [lib.nn.Parameter(lib.ones(2)) for _ in range(2)]
        opt = lib.optim.SGD([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.3}],
                            lr=0.1)
        scheduler = lib.optim.swa_utils.SWALR(opt, **kwargs)
        lrs = [scheduler.get_last_lr()]
        for _ in range(20):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        runs.append(lrs)
    assert runs[0] == runs[1]


@pytest.mark.parametrize("make", [
    lambda lib, opt: lib.optim.swa_utils.SWALR(opt, 0.1, anneal_strategy="step"),
    lambda lib, opt: lib.optim.swa_utils.SWALR(opt, 0.1, anneal_epochs=-1),
    lambda lib, opt: lib.optim.swa_utils.get_ema_avg_fn(1.5),
])
def test_bad_input(make):
    def build(lib):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.1)
        return lambda: make(lib, opt)
    check_raises(build(lt), build(torch))
