"""learntorch.quasirandom.SobolEngine is torch.quasirandom.SobolEngine: the same points bit for
bit (plain and scrambled, seeded or through the global generator), the same engine state after
every call (draw, draw_base2, fast_forward, reset), dtypes, out=, reprs and errors.

Each case is a program of the module (``learntorch`` or ``torch``) returning what it saw, so one
function runs the same code in both libraries.
"""
import numpy as np
import pytest
import torch

import learntorch as lt
from helpers import assert_same, check_raises

DIMS = (1, 2, 10, 1000, 21201)


def run_both(program, *args):
    """Run ``program(lib, *args)`` in learntorch and torch; every value must be identical."""
    ours, theirs = program(lt, *args), program(torch, *args)
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if isinstance(b, torch.Tensor):
            assert_same(a, b, rtol=0, atol=0)
        else:
            assert a == b, f"item {i}: learntorch {a!r} != torch {b!r}"


def state(engine):
    """Everything an engine carries between calls."""
    return [engine.sobolstate, engine.shift, engine.quasi, engine.num_generated]


def points_and_state(lib, dimension, scramble, seed):
    engine = lib.quasirandom.SobolEngine(dimension, scramble=scramble, seed=seed)
    n = 300 if dimension <= 10 else 9
    return [engine.draw(), *state(engine), engine.draw(n), engine.draw(n, dtype=lib.float64),
            *state(engine)]


@pytest.mark.parametrize("dimension", DIMS)
def test_unscrambled_points_and_the_direction_numbers(dimension):
    run_both(points_and_state, dimension, False, None)


@pytest.mark.parametrize("dimension, seed", [(d, s) for d in DIMS for s in (0, 2 ** 40 + 3)
                                             if d < 21201 or s == 0])  # (21201: a second each)
def test_scrambled_points_with_a_seed(dimension, seed):
    run_both(points_and_state, dimension, True, seed)


def test_scrambling_without_a_seed_draws_from_the_global_generator():
    def program(lib):
        lib.manual_seed(31)
        engine = lib.quasirandom.SobolEngine(5, scramble=True)
        return [engine.draw(40), engine.shift, lib.rand(3)]  # rand: the generator moved alike
    run_both(program)


def test_a_seed_leaves_the_global_generator_alone():
    def program(lib):
        lib.manual_seed(5)
        lib.quasirandom.SobolEngine(4, scramble=True, seed=9)
        return [lib.rand(3)]
    run_both(program)


def test_a_long_run_uses_every_direction_number_up_to_2_to_the_16():
    def program(lib):
        engine = lib.quasirandom.SobolEngine(3, scramble=True, seed=2)
        return [engine.draw(2 ** 16 + 3, dtype=lib.float64), engine.quasi]
    run_both(program)


@pytest.mark.parametrize("scramble", [False, True])
@pytest.mark.parametrize("steps", [0, 1, 2, 37, 2 ** 20 + 5])
def test_fast_forward_from_the_start_and_from_the_middle(scramble, steps):
    def program(lib):
        engine = lib.quasirandom.SobolEngine(6, scramble=scramble, seed=1)
        seen = [engine.fast_forward(steps) is engine, *state(engine), engine.draw(4)]
        engine.fast_forward(steps)
        return seen + [*state(engine), engine.draw(3)]
    run_both(program)


def test_a_negative_fast_forward_moves_only_the_counter():
    """torch's loop runs zero times, yet ``num_generated`` goes down: the next draw shows it."""
    def program(lib):
        engine = lib.quasirandom.SobolEngine(5, scramble=True, seed=2).fast_forward(6)
        return [*state(engine.fast_forward(-3)), engine.draw(4), *state(engine)]
    run_both(program)


def test_draws_of_any_size_in_a_row_and_reset():
    def program(lib):
        engine = lib.quasirandom.SobolEngine(7, scramble=True, seed=4)
        seen = [engine.draw(1), engine.draw(0), engine.draw(5), engine.draw(1), engine.draw(10)]
        assert engine.reset() is engine
        seen += [*state(engine), engine.draw(3), engine.draw(2, dtype=lib.float64)]
        return seen + state(engine)
    run_both(program)


def test_draw_base2_keeps_the_total_a_power_of_two():
    def program(lib):
        engine = lib.quasirandom.SobolEngine(3, scramble=True, seed=8)
        return [engine.draw_base2(0), engine.draw_base2(0), engine.draw_base2(1),
                engine.draw_base2(2, dtype=lib.float64), engine.num_generated]
    run_both(program)


def test_draw_base2_refuses_an_unbalanced_total():
    def program(lib):
        engine = lib.quasirandom.SobolEngine(3)
        engine.draw(3)
        return lambda: engine.draw_base2(2)
    check_raises(program(lt), program(torch))
    check_raises(lambda: lt.quasirandom.SobolEngine(2).draw_base2(-1),
                 lambda: torch.quasirandom.SobolEngine(2).draw_base2(-1))


@pytest.mark.parametrize("seed", [None, 3])
def test_the_first_point_is_made_in_the_default_dtype_of_construction(seed):
    """A scrambled first point is rounded to float32 at construction, even when drawn as float64."""
    def program(lib, default):
        previous = lib.get_default_dtype()
        lib.set_default_dtype(default)
        try:
            engine = lib.quasirandom.SobolEngine(4, scramble=seed is not None, seed=seed)
            first = engine.draw(2, dtype=lib.float64)
        finally:
            lib.set_default_dtype(previous)
        return [first, engine.draw(2), engine.reset().draw(1, dtype=lib.float64)]
    for default in ("float32", "float64"):
        run_both(lambda lib: program(lib, getattr(lib, default)))


def test_the_default_dtype_follows_set_default_dtype():
    def program(lib):
        engine = lib.quasirandom.SobolEngine(3, scramble=True, seed=1)
        engine.draw(1)
        lib.set_default_dtype(lib.float64)
        try:
            return [engine.draw(3)]
        finally:
            lib.set_default_dtype(lib.float32)
    run_both(program)


def test_only_float32_and_float64_points_except_the_first():
    """torch casts the stored first point to any dtype, but draws others only as floats."""
    run_both(lambda lib: [lib.quasirandom.SobolEngine(3, scramble=True, seed=0).draw(1, dtype=d)
                          for d in (lib.int64, lib.float16, lib.bool)])
    for name in ("int64", "float16", "int32", "bool"):  # (learntorch has no bfloat16)
        check_raises(lambda: lt.quasirandom.SobolEngine(3).draw(2, dtype=getattr(lt, name)),
                     lambda: torch.quasirandom.SobolEngine(3).draw(2, dtype=getattr(torch, name)))


@pytest.mark.parametrize("out_dtype", ["float64", "float32", "int64"])
def test_out_is_resized_and_filled(out_dtype):
    def program(lib):
        engine = lib.quasirandom.SobolEngine(3, scramble=True, seed=6)
        out = lib.zeros(2, 7, dtype=getattr(lib, out_dtype))
        returned = engine.draw(4, out=out)
        again = engine.draw_base2(2, out=out)
        return [returned is out, again is out, out]
    run_both(program)


@pytest.mark.parametrize("dimension", [0, -1, 21202, 10 ** 6])
def test_dimension_out_of_range(dimension):
    check_raises(lambda: lt.quasirandom.SobolEngine(dimension),
                 lambda: torch.quasirandom.SobolEngine(dimension))


def test_bad_counts_raise_torchs_errors():
    def engine(lib, drawn):
        e = lib.quasirandom.SobolEngine(3)
        e.fast_forward(drawn)
        return e
    for drawn, n in [(0, 0), (0, -1), (2, -1), (2, 2.0), (0, 2.0)]:
        check_raises(lambda: engine(lt, drawn).draw(n), lambda: engine(torch, drawn).draw(n))
    check_raises(lambda: engine(lt, 0).fast_forward(2.5),
                 lambda: engine(torch, 0).fast_forward(2.5))
    Ours, Theirs = lt.quasirandom.SobolEngine, torch.quasirandom.SobolEngine
    check_raises(lambda: Ours("3"), lambda: Theirs("3"))
    # A non-integer dimension: torch's argument parser words it its own way; the type agrees.
    check_raises(lambda: Ours(2.5), lambda: Theirs(2.5), exact_message=False)


def test_draw_of_zero_points_after_the_first():
    run_both(lambda lib: [lib.quasirandom.SobolEngine(4).fast_forward(3).draw(0)])


@pytest.mark.parametrize("args", [(5,), (5, True), (5, True, 7), (5, False, 7), (1, 1, 0)])
def test_repr_and_constants(args):
    def program(lib):
        engine = lib.quasirandom.SobolEngine(*args)
        cls = lib.quasirandom.SobolEngine
        return [repr(engine), cls.MAXDIM, cls.MAXBIT, engine.dimension, engine.scramble,
                engine.seed]
    run_both(program)


def test_the_table_ships_as_a_small_data_file():
    from learntorch import quasirandom
    assert quasirandom._TABLE.is_file() and quasirandom._TABLE.stat().st_size < 600_000
    with np.load(quasirandom._TABLE) as table:
        assert {k: table[k].dtype.itemsize for k in table.files} == \
            {"poly": 4, "m8": 1, "m16": 2, "m32": 4}
