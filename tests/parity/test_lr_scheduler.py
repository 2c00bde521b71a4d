"""learntorch.optim.lr_scheduler against torch's: the lr (and cycled momentum) at every step.

Each schedule is run for 120 steps on both libraries, in the documented order
(``optimizer.step()`` then ``scheduler.step()``); every value must be *equal* (same float
operations in the same order), not merely close.
"""
import math
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt

from helpers import check_raises

STEPS = 120


def _optimizer(lib, name="SGD", groups=2):
    params = [lib.nn.Parameter(lib.ones(2)) for _ in range(groups)]
    spec = [{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(params)]
    if name == "SGD":
        return lib.optim.SGD(spec, lr=0.1, momentum=0.9), params
    return lib.optim.Adam(spec, lr=0.1), params


SCHEDULES = {
    "LambdaLR": lambda s, o: s.LambdaLR(o, lambda e: 1 / (1 + e) ** 0.5),
    "LambdaLR per group": lambda s, o: s.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1 + e % 3]),
    "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lambda e: 0.97),
    "StepLR": lambda s, o: s.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[10, 30, 30, 75], gamma=0.3),
    "ConstantLR": lambda s, o: s.ConstantLR(o, factor=0.25, total_iters=17),
    "LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=40),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.96),
    "PolynomialLR": lambda s, o: s.PolynomialLR(o, total_iters=90, power=2.0),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=25, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2,
                                                                              eta_min=1e-4),
    "CyclicLR triangular": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=9, step_size_down=4),
    "CyclicLR triangular2": lambda s, o: s.CyclicLR(o, [0.01, 0.02], 0.1, step_size_up=10,
                                                    mode="triangular2"),
    "CyclicLR exp_range": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=6, mode="exp_range",
                                                  gamma=0.98),
    "CyclicLR scale_fn": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=5,
                                                 scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations",
                                                 cycle_momentum=False),
    "OneCycleLR cos": lambda s, o: s.OneCycleLR(o, max_lr=[0.5, 1.0], total_steps=STEPS + 1),
    "OneCycleLR linear three_phase": lambda s, o: s.OneCycleLR(
        o, max_lr=0.5, epochs=11, steps_per_epoch=11, anneal_strategy="linear", three_phase=True,
        pct_start=0.25),
    "SequentialLR": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.1, total_iters=10), s.CosineAnnealingLR(o, T_max=40),
            s.ExponentialLR(o, gamma=0.9)], milestones=[10, 60]),
    "ChainedScheduler": lambda s, o: s.ChainedScheduler(
        [s.ConstantLR(o, factor=0.5, total_iters=20), s.ExponentialLR(o, gamma=0.98),
         s.StepLR(o, step_size=15, gamma=0.7)]),
}


def _record(opt, scheduler):
    groups = opt.param_groups
    return (list(map(float, scheduler.get_last_lr())), [g["lr"] for g in groups],
            [g.get("momentum") for g in groups], [g["betas"] if "betas" in g else None
                                                  for g in groups])


def _run(lib, make, optimizer="SGD", steps=STEPS):
    opt, _ = _optimizer(lib, optimizer)
    scheduler = make(lib.optim.lr_scheduler, opt)
    out = [_record(opt, scheduler)]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        out.append(_record(opt, scheduler))
    return out


# Adam as well where the schedule cycles the momentum (Adam's beta1)
@pytest.mark.parametrize("name,optimizer", [(n, "SGD") for n in sorted(SCHEDULES)] + [
    (n, "Adam") for n in sorted(SCHEDULES) if n.startswith(("CyclicLR", "OneCycleLR"))])
def test_lr_sequence_equals_torchs(name, optimizer):
    ours, theirs = _run(lt, SCHEDULES[name], optimizer), _run(torch, SCHEDULES[name], optimizer)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"step {step}: {a} != {b}"


@pytest.mark.parametrize("mode,threshold_mode", [("min", "rel"), ("max", "abs")])
def test_reduce_lr_on_plateau(mode, threshold_mode):
    rng = np.random.default_rng(0)
    metrics = np.cumsum(rng.standard_normal(150)) * 0.1
    histories = []
    for lib in (lt, torch):
        opt, _ = _optimizer(lib)
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(
            opt, mode=mode, factor=0.5, patience=3, threshold=0.01, threshold_mode=threshold_mode,
            cooldown=2, min_lr=[0.001, 0.0])
        history = []
        for m in metrics:
            opt.step()
            scheduler.step(m)
            history.append((scheduler.get_last_lr(), scheduler.num_bad_epochs,
                            scheduler.cooldown_counter, scheduler.best))
        histories.append(history)
    assert histories[0] == histories[1]
    assert histories[0][-1][0] != histories[0][0][0]  # it did reduce


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "LinearLR", "CosineAnnealingLR",
                                  "ExponentialLR", "PolynomialLR", "ConstantLR",
                                  "CosineAnnealingWarmRestarts"])
def test_step_with_epoch_uses_the_closed_form_and_warns(name):
    results = []
    for lib in (lt, torch):
        opt, _ = _optimizer(lib)
        scheduler = SCHEDULES[name](lib.optim.lr_scheduler, opt)
        values = []
        for epoch in [3, 8, 2, 40, 41, 77]:
            opt.step()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                scheduler.step(epoch)
            values.append((scheduler.get_last_lr(), [str(w.message) for w in caught]))
        results.append(values)
    assert results[0] == results[1]


def _caught(lib, action):
    opt, _ = _optimizer(lib)
    scheduler = lib.optim.lr_scheduler.StepLR(opt, step_size=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action(opt, scheduler)
    return [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("action", [
    lambda opt, s: s.step(),                         # scheduler before optimizer
    lambda opt, s: (opt.step(), s.step()),           # the right order: no warning
    lambda opt, s: s.get_lr(),                       # get_lr outside step
], ids=["scheduler-first", "right-order", "get_lr"])
def test_warnings_are_torchs(action):
    ours, theirs = _caught(lt, action), _caught(torch, action)
    assert ours == theirs


def test_state_dict_round_trip_resumes_the_schedule():
    for name in ["CosineAnnealingWarmRestarts", "OneCycleLR cos", "SequentialLR",
                 "CyclicLR exp_range", "ChainedScheduler"]:
        opt, _ = _optimizer(lt)
        scheduler = SCHEDULES[name](lt.optim.lr_scheduler, opt)
        for _ in range(37):
            opt.step()
            scheduler.step()
        saved_sched, saved_opt = scheduler.state_dict(), opt.state_dict()
        expected = []
        for _ in range(30):
            opt.step()
            scheduler.step()
            expected.append(scheduler.get_last_lr())
        opt2, _ = _optimizer(lt)
        scheduler2 = SCHEDULES[name](lt.optim.lr_scheduler, opt2)
        opt2.load_state_dict(saved_opt)
        scheduler2.load_state_dict(saved_sched)
        resumed = []
        for _ in range(30):
            opt2.step()
            scheduler2.step()
            resumed.append(scheduler2.get_last_lr())
        assert resumed == expected, name


def test_state_dict_keys_are_torchs():
    for name in ["StepLR", "LambdaLR", "CyclicLR triangular", "SequentialLR"]:
        dicts = []
        for lib in (lt, torch):
            opt, _ = _optimizer(lib)
            dicts.append(SCHEDULES[name](lib.optim.lr_scheduler, opt).state_dict())
        assert set(dicts[0]) == set(dicts[1]), name


def test_tensor_lr_is_updated_in_place():
    p = lt.nn.Parameter(lt.ones(2))
    lr = lt.tensor(0.1)
    opt = lt.optim.SGD([p], lr=lr)
    scheduler = lt.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.step()
    scheduler.step()
    assert opt.param_groups[0]["lr"] is lr and math.isclose(lr.item(), 0.05, rel_tol=1e-6)


ERRORS = [
    lambda s, o: s.StepLR(object(), step_size=2),
    lambda s, o: s.ConstantLR(o, factor=1.5),
    lambda s, o: s.LinearLR(o, start_factor=0),
    lambda s, o: s.LinearLR(o, end_factor=2),
    lambda s, o: s.LambdaLR(o, [lambda e: 1.0]),
    lambda s, o: s.MultiplicativeLR(o, 0.5),
    lambda s, o: s.StepLR(o, step_size=2, last_epoch=3),
    lambda s, o: s.ReduceLROnPlateau(o, factor=1.0),
    lambda s, o: s.ReduceLROnPlateau(o, mode="up"),
    lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0.1]),
    lambda s, o: s.CyclicLR(o, 0.01, 0.1, mode="sawtooth"),
    lambda s, o: s.CyclicLR(o, [0.01], 0.1),
    lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    lambda s, o: s.OneCycleLR(o, max_lr=0.1),
    lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=2.0),
    lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp"),
    lambda s, o: s.SequentialLR(o, [s.StepLR(o, 2), s.StepLR(o, 3)], milestones=[]),
    lambda s, o: s.SequentialLR(o, [], milestones=[]),
    lambda s, o: s.ChainedScheduler([]),
    lambda s, o: s.ChainedScheduler([s.ReduceLROnPlateau(o)]),
]


@pytest.mark.parametrize("make", ERRORS)
def test_bad_input_raises_torchs_error(make):
    def build(lib):
        opt, _ = _optimizer(lib)
        return lambda: make(lib.optim.lr_scheduler, opt)
    check_raises(build(lt), build(torch))


def test_one_cycle_past_its_end_raises():
    def build(lib):
        opt, _ = _optimizer(lib)
        scheduler = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)

        def run():
            for _ in range(5):
                opt.step()
                scheduler.step()
        return run
    check_raises(build(lt), build(torch))
