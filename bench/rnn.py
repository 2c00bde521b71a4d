"""A 2-layer LSTM forward and backward (the RNN time loop), against hand-written NumPy and torch."""
from functools import partial

import numpy as np
import torch

import learntorch

from .core import Workload

STEPS, BATCH, IN, HIDDEN, LAYERS = 50, 16, 32, 64, 2


def _setup(rng):
    bound = HIDDEN ** -0.5
    inputs = {"x": rng.standard_normal((STEPS, BATCH, IN), dtype=np.float32)}
    for layer in range(LAYERS):
        for name, shape in [("weight_ih", (4 * HIDDEN, IN if layer == 0 else HIDDEN)),
                            ("weight_hh", (4 * HIDDEN, HIDDEN)), ("bias_ih", (4 * HIDDEN,)),
                            ("bias_hh", (4 * HIDDEN,))]:
            inputs[f"{name}_l{layer}"] = rng.uniform(-bound, bound, shape).astype(np.float32)
    return inputs


def _tensor_step(lib, x, **weights):
    """``lib`` is learntorch or torch: nn.LSTM, then backward of the outputs' sum."""
    model = lib.nn.LSTM(IN, HIDDEN, num_layers=LAYERS)
    model.load_state_dict({name: lib.tensor(w) for name, w in weights.items()})
    x = lib.tensor(x, requires_grad=True)

    def step():
        out, _ = model(x)
        out.sum().backward()
        return out
    return step


def _sigmoid(a):
    return 0.5 * (1 + np.tanh(0.5 * a))


def _numpy_step(x, **weights):
    """The same LSTM with backpropagation through time written out by hand."""
    layers = [(weights[f"weight_ih_l{k}"].T, weights[f"weight_hh_l{k}"].T,
               weights[f"bias_ih_l{k}"] + weights[f"bias_hh_l{k}"]) for k in range(LAYERS)]
    H = HIDDEN

    def step():
        inp, tapes = x.reshape(STEPS * BATCH, -1), []
        for w_ih, w_hh, b in layers:
            gi = inp @ w_ih + b
            h = c = np.zeros((BATCH, H), np.float32)
            tape, outs = [], []
            for t in range(STEPS):
                gates = gi[t * BATCH:(t + 1) * BATCH] + h @ w_hh
                s = _sigmoid(gates)
                i, f, g, o = s[:, :H], s[:, H:2 * H], np.tanh(gates[:, 2 * H:3 * H]), s[:, 3 * H:]
                c_prev, c = c, f * c + i * g
                tc = np.tanh(c)
                tape.append((h, c_prev, i, f, g, o, tc))
                h = o * tc
                outs.append(h)
            tapes.append((inp, tape))
            inp = np.concatenate(outs)
        out = inp
        grad = np.ones_like(out)
        for (inp, tape), (w_ih, w_hh, _) in zip(tapes[::-1], layers[::-1]):
            dh = dc = np.zeros((BATCH, H), np.float32)
            d_gates = [None] * STEPS
            for t in range(STEPS - 1, -1, -1):
                h, c_prev, i, f, g, o, tc = tape[t]
                dh = dh + grad[t * BATCH:(t + 1) * BATCH]
                dc = dc + dh * o * (1 - tc * tc)
                d = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                                    dc * i * (1 - g * g), dh * tc * o * (1 - o)], 1)
                d_gates[t] = d
                dh, dc = d @ w_hh.T, dc * f
            d_all = np.concatenate(d_gates)
            hs = np.concatenate([step_tape[0] for step_tape in tape])
            _ = (inp.T @ d_all, hs.T @ d_all, d_all.sum(0))  # weight and bias gradients
            grad = d_all @ w_ih.T
        return out.reshape(STEPS, BATCH, H)
    return step


WORKLOADS = [
    Workload(
        name="lstm fwd+bwd",
        setup=_setup,
        learntorch=partial(_tensor_step, learntorch),
        numpy=_numpy_step,
        torch=partial(_tensor_step, torch),
        note=f"nn.LSTM({IN}->{HIDDEN}, {LAYERS} layers), seq {STEPS}, batch {BATCH}; "
             "output, then backward of its sum to the input and every weight; no target yet",
    ),
]
