"""Write docs/api_coverage.md: every row of the course's API manual, checked against the code.

    .venv/bin/python tools/api_coverage.py           # rewrite the table
    .venv/bin/python tools/api_coverage.py --check   # exit 1 if the table is stale

For each row the script finds out (it never trusts a hand-written answer):
- implemented: learntorch has the name (as ``learntorch.f``, ``learntorch.linalg.f`` or a
  Tensor method);
- differentiable: a small probe call on tensors that require grad records a graph in
  learntorch — and whether torch's does too, when torch is installed;
- parity-tested: the name appears in a test that checks learntorch against torch (the files
  under tests/parity/, and unit tests that import torch as their oracle).
The probes below are the only hand-written part: one call per row.
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs" / "api_coverage.md"


def _x(m):
    return m.tensor([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], dtype=m.float64, requires_grad=True)


def _sq(m):
    return m.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=m.float64, requires_grad=True)


def _v(m):
    return m.tensor([0.5, -1.5, 2.0], dtype=m.float64, requires_grad=True)


def _idx(m):
    return m.tensor([[0, 2], [1, 0]])


# (section, names, probe) — probe(m) runs the op with module m (learntorch or torch);
# None marks rows that have no gradient to probe (creation, predicates, integer results).
ROWS = [
    ("Creation & predicates", "tensor", None), ("Creation & predicates", "as_tensor", None),
    ("Creation & predicates", "from_numpy", None), ("Creation & predicates", "zeros", None),
    ("Creation & predicates", "zeros_like", None), ("Creation & predicates", "ones", None),
    ("Creation & predicates", "ones_like", None), ("Creation & predicates", "full", None),
    ("Creation & predicates", "full_like", None), ("Creation & predicates", "empty", None),
    ("Creation & predicates", "empty_like", None), ("Creation & predicates", "eye", None),
    ("Creation & predicates", "arange", None), ("Creation & predicates", "range", None),
    ("Creation & predicates", "linspace", None), ("Creation & predicates", "logspace", None),
    ("Creation & predicates", "rand", None), ("Creation & predicates", "randn", None),
    ("Creation & predicates", "randint", None), ("Creation & predicates", "randperm", None),
    ("Creation & predicates", "normal", None), ("Creation & predicates", "bernoulli", None),
    ("Creation & predicates", "multinomial", None), ("Creation & predicates", "is_tensor", None),
    ("Creation & predicates", "is_floating_point", None), ("Creation & predicates", "numel", None),
    ("Creation & predicates", "set_default_dtype", None),
    ("Creation & predicates", "get_default_dtype", None),
    # indexing, slicing, joining, mutating
    ("Indexing & joining", "cat", lambda m: m.cat([_x(m), _x(m)])),
    ("Indexing & joining", "concat", lambda m: m.concat([_x(m), _x(m)])),
    ("Indexing & joining", "stack", lambda m: m.stack([_x(m), _x(m)])),
    ("Indexing & joining", "hstack", lambda m: m.hstack([_x(m), _x(m)])),
    ("Indexing & joining", "vstack", lambda m: m.vstack([_x(m), _x(m)])),
    ("Indexing & joining", "chunk", lambda m: m.chunk(_x(m), 2, 1)[0]),
    ("Indexing & joining", "split", lambda m: m.split(_x(m), [1, 2], 1)[1]),
    ("Indexing & joining", "unbind", lambda m: m.unbind(_x(m))[0]),
    ("Indexing & joining", "gather", lambda m: m.gather(_x(m), 1, _idx(m))),
    ("Indexing & joining", "scatter", lambda m: m.scatter(_x(m), 1, _idx(m), _x(m))),
    ("Indexing & joining", "scatter_add", lambda m: m.scatter_add(_x(m), 1, _idx(m), _x(m))),
    ("Indexing & joining", "index_select", lambda m: m.index_select(_x(m), 1, m.tensor([2, 0]))),
    ("Indexing & joining", "index_add", lambda m: m.index_add(_x(m), 1, m.tensor([2, 0]), _x(m)[:, :2])),
    ("Indexing & joining", "masked_select", lambda m: m.masked_select(_x(m), _x(m) > 0)),
    ("Indexing & joining", "masked_fill", lambda m: m.masked_fill(_x(m), _x(m) > 0, 0.0)),
    ("Indexing & joining", "nonzero", None),
    ("Indexing & joining", "take", lambda m: m.take(_x(m), m.tensor([0, 4]))),
    ("Indexing & joining", "narrow", lambda m: m.narrow(_x(m), 1, 0, 2)),
    ("Indexing & joining", "flip", lambda m: m.flip(_x(m), [0])),
    ("Indexing & joining", "roll", lambda m: m.roll(_x(m), 1, 1)),
    ("Indexing & joining", "repeat", lambda m: _x(m).repeat(2, 1)),
    ("Indexing & joining", "tile", lambda m: m.tile(_x(m), (2,))),
    ("Indexing & joining", "expand", lambda m: _v(m).expand(2, 3)),
    ("Indexing & joining", "expand_as", lambda m: _v(m).expand_as(_x(m))),
    ("Indexing & joining", "repeat_interleave", lambda m: m.repeat_interleave(_v(m), 2)),
    ("Indexing & joining", "where", lambda m: m.where(_x(m) > 0, _x(m), 0.0)),
    ("Indexing & joining", "tril", lambda m: m.tril(_x(m))),
    ("Indexing & joining", "triu", lambda m: m.triu(_x(m))),
    ("Indexing & joining", "diag", lambda m: m.diag(_v(m))),
    ("Indexing & joining", "diagonal", lambda m: m.diagonal(_x(m))),
    ("Indexing & joining", "movedim", lambda m: m.movedim(_x(m), 0, 1)),
    ("Indexing & joining", "swapaxes", lambda m: m.swapaxes(_x(m), 0, 1)),
    # pointwise math
    *[("Pointwise math", name, (lambda n: lambda m: getattr(m, n)(_x(m) * 0.3 + 0.1))(name))
      for name in ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "exp", "exp2", "expm1",
                   "floor", "frac", "log", "log1p", "log2", "log10", "neg", "reciprocal", "round",
                   "rsqrt", "sigmoid", "sign", "sin", "sinh", "sqrt", "square", "tan", "tanh",
                   "trunc", "erf", "erfinv", "nan_to_num")],
    *[("Pointwise math", name, (lambda n: lambda m: getattr(m, n)(_x(m), _x(m) * 0.5 + 2))(name))
      for name in ("atan2", "add", "div", "fmod", "mul", "pow", "remainder", "maximum", "minimum",
                   "logaddexp", "hypot")],
    ("Pointwise math", "addcdiv", lambda m: m.addcdiv(_x(m), _x(m), _x(m) + 3, value=0.5)),
    ("Pointwise math", "addcmul", lambda m: m.addcmul(_x(m), _x(m), _x(m), value=0.5)),
    ("Pointwise math", "clamp", lambda m: m.clamp(_x(m), -1, 1)),
    ("Pointwise math", "clip", lambda m: m.clip(_x(m), -1, 1)),
    ("Pointwise math", "lerp", lambda m: m.lerp(_x(m), _x(m) * 2, 0.3)),
    # reductions
    *[("Reductions", name, (lambda n: lambda m: getattr(m, n)(_x(m)))(name))
      for name in ("sum", "mean", "prod", "std", "var", "norm", "median", "max", "min", "amax",
                   "amin")],
    ("Reductions", "logsumexp", lambda m: m.logsumexp(_x(m), 1)),
    ("Reductions", "dist", lambda m: m.dist(_x(m), _x(m) * 2)),
    ("Reductions", "mode", lambda m: m.mode(_x(m), 1).values),
    ("Reductions", "cumsum", lambda m: m.cumsum(_x(m), 1)),
    ("Reductions", "cumprod", lambda m: m.cumprod(_x(m), 1)),
    ("Reductions", "argmax", None), ("Reductions", "argmin", None), ("Reductions", "all", None),
    ("Reductions", "any", None), ("Reductions", "count_nonzero", None),
    ("Reductions", "unique", None),
    # comparison
    *[("Comparison", name, None) for name in ("eq", "ne", "ge", "gt", "le", "lt", "equal",
                                               "isclose", "allclose", "isnan", "isinf",
                                               "isfinite", "argsort")],
    ("Comparison", "sort", lambda m: m.sort(_x(m), 1).values),
    ("Comparison", "topk", lambda m: m.topk(_x(m), 2).values),
    ("Comparison", "kthvalue", lambda m: m.kthvalue(_x(m), 2).values),
    # linear algebra
    ("Linear algebra", "matmul", lambda m: m.matmul(_x(m), _x(m).t())),
    ("Linear algebra", "mm", lambda m: m.mm(_x(m), _x(m).t())),
    ("Linear algebra", "bmm", lambda m: m.bmm(_x(m)[None], _x(m).t()[None])),
    ("Linear algebra", "mv", lambda m: m.mv(_x(m), _v(m))),
    ("Linear algebra", "dot", lambda m: m.dot(_v(m), _v(m))),
    ("Linear algebra", "vdot", lambda m: m.vdot(_v(m), _v(m))),
    ("Linear algebra", "outer", lambda m: m.outer(_v(m), _v(m))),
    ("Linear algebra", "ger", lambda m: m.ger(_v(m), _v(m))),
    ("Linear algebra", "addmm", lambda m: m.addmm(_sq(m), _x(m), _x(m).t()[:, :2].t().t())),
    ("Linear algebra", "addbmm", lambda m: m.addbmm(_sq(m), _x(m)[None], _x(m).t()[None])),
    ("Linear algebra", "baddbmm", lambda m: m.baddbmm(_sq(m)[None], _x(m)[None], _x(m).t()[None])),
    ("Linear algebra", "addmv", lambda m: m.addmv(_v(m)[:2], _x(m), _v(m))),
    ("Linear algebra", "addr", lambda m: m.addr(_x(m), _v(m)[:2], _v(m))),
    ("Linear algebra", "cross", lambda m: m.cross(_x(m), _x(m) * 2, dim=1)),
    ("Linear algebra", "trace", lambda m: m.trace(_sq(m))),
    ("Linear algebra", "det", lambda m: m.det(_sq(m))),
    ("Linear algebra", "inverse", lambda m: m.inverse(_sq(m))),
    ("Linear algebra", "einsum", lambda m: m.einsum("ij,kj->ik", _x(m), _x(m))),
    ("Linear algebra", "tensordot", lambda m: m.tensordot(_x(m), _x(m), dims=([1], [1]))),
    ("Linear algebra", "kron", lambda m: m.kron(_sq(m), _sq(m))),
    *[("torch.linalg", f"linalg.{name}", probe) for name, probe in (
        ("norm", lambda m: m.linalg.norm(_x(m))),
        ("vector_norm", lambda m: m.linalg.vector_norm(_x(m))),
        ("matrix_norm", lambda m: m.linalg.matrix_norm(_x(m))),
        ("inv", lambda m: m.linalg.inv(_sq(m))),
        ("det", lambda m: m.linalg.det(_sq(m))),
        ("solve", lambda m: m.linalg.solve(_sq(m), _v(m)[:2])),
        ("eig", None), ("eigh", lambda m: m.linalg.eigh(_sq(m))[0]),
        ("svd", lambda m: m.linalg.svd(_x(m), full_matrices=False)[1]),
        ("qr", lambda m: m.linalg.qr(_sq(m))[1]),
        ("cholesky", lambda m: m.linalg.cholesky(_sq(m))),
        ("matrix_rank", None))],
    # other
    ("Other", "save", None), ("Other", "load", None), ("Other", "get_num_threads", None),
    ("Other", "set_num_threads", None), ("Other", "set_printoptions", None),
    # torch.nn: Parameter, Module and its methods, containers, Linear, init, utils
    ("torch.nn", "nn.Parameter", None),
    *[("torch.nn", f"nn.Module.{name}", None)
      for name in ("add_module", "cuda", "cpu", "double", "float", "half", "eval", "train",
                   "forward", "modules", "named_modules", "children", "named_children",
                   "load_state_dict", "parameters", "register_backward_hook",
                   "register_forward_hook", "register_buffer", "register_parameter", "state_dict",
                   "zero_grad")],
    *[("torch.nn", f"nn.{name}", None) for name in ("Sequential", "ModuleList", "ParameterList")],
    ("torch.nn", "nn.ModuleList.append", None), ("torch.nn", "nn.ModuleList.extend", None),
    ("torch.nn", "nn.Linear", lambda m: m.nn.Linear(3, 2).double()(_x(m))),
    ("torch.nn", "nn.utils.clip_grad_norm", None),
    *[("torch.nn", f"nn.{name}", lambda m, name=name: getattr(m.nn, name)(3, 2).double()(_x(m))[0])
      for name in ("RNN", "LSTM", "GRU")],
    ("torch.nn", "nn.RNNCell", lambda m: m.nn.RNNCell(3, 2).double()(_x(m))),
    ("torch.nn", "nn.LSTMCell", lambda m: m.nn.LSTMCell(3, 2).double()(_x(m))[0]),
    ("torch.nn", "nn.GRUCell", lambda m: m.nn.GRUCell(3, 2).double()(_x(m))),
    ("torch.nn", "nn.utils.rnn.PackedSequence", None),
    ("torch.nn", "nn.utils.rnn.pack_padded_sequence",
     lambda m: m.nn.utils.rnn.pack_padded_sequence(_x(m), [2, 2, 1]).data),
    ("torch.nn", "nn.utils.rnn.pad_packed_sequence", lambda m: m.nn.utils.rnn.pad_packed_sequence(
        m.nn.utils.rnn.pack_padded_sequence(_x(m), [2, 2, 1]))[0]),
    *[("torch.nn.init", f"nn.init.{name}", None)
      for name in ("calculate_gain", "uniform", "normal", "constant", "eye", "dirac",
                   "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
                   "orthogonal")],
    # torch.nn: the manual's activation and loss layers
    *[("torch.nn activations", f"nn.{name}",
       lambda m, name=name, args=args: getattr(m.nn, name)(*args).double()(_x(m)))
      for name, args in (("ReLU", ()), ("ELU", ()), ("PReLU", ()), ("LeakyReLU", ()),
                         ("Threshold", (0.1, 0.0)), ("Hardtanh", ()), ("Sigmoid", ()),
                         ("Tanh", ()), ("LogSigmoid", ()), ("Softplus", ()), ("Softshrink", ()),
                         ("Softsign", ()), ("Softmin", (1,)), ("Softmax", (1,)),
                         ("LogSoftmax", (1,)))],
    *[("torch.nn losses", f"nn.{name}", lambda m, name=name, target=target: getattr(m.nn, name)()(
        *((_x(m).sigmoid(),) if name == "BCELoss" else (_x(m),)), target(m)))
      for name, target in (
          ("L1Loss", _x), ("MSELoss", _x), ("SmoothL1Loss", _x), ("KLDivLoss", _x),
          ("BCELoss", lambda m: m.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], dtype=m.float64)),
          ("SoftMarginLoss", lambda m: m.tensor([[1, -1, 1], [-1, 1, 1]])),
          ("HingeEmbeddingLoss", lambda m: m.tensor([[1, -1, 1], [-1, 1, 1]])),
          ("MultiLabelSoftMarginLoss", lambda m: m.tensor([[1, 0, 1], [0, 1, 1]])),
          ("CrossEntropyLoss", lambda m: m.tensor([2, 0])), ("NLLLoss", lambda m: m.tensor([2, 0])),
          ("MultiMarginLoss", lambda m: m.tensor([2, 0])),
          ("MultiLabelMarginLoss", lambda m: m.tensor([[2, -1, 0], [0, 1, -1]])))],
    ("torch.nn losses", "nn.NLLLoss2d", lambda m: m.nn.NLLLoss2d()(
        _x(m).reshape(1, 2, 3, 1), m.tensor([[[0], [1], [1]]]))),
    ("torch.nn losses", "nn.MarginRankingLoss", lambda m: m.nn.MarginRankingLoss()(
        _v(m), _v(m).flip([0]), m.tensor([1.0, -1.0, 1.0], dtype=m.float64))),
    ("torch.nn losses", "nn.CosineEmbeddingLoss", lambda m: m.nn.CosineEmbeddingLoss()(
        _x(m), _x(m).flip([1]), m.tensor([1.0, -1.0], dtype=m.float64))),
    # torch.optim: the Optimizer base and the algorithms the manual lists
    ("torch.optim", "optim.Optimizer", None),
    *[("torch.optim", f"optim.Optimizer.{name}", None)
      for name in ("load_state_dict", "state_dict", "step", "zero_grad")],
    *[("torch.optim", f"optim.{name}", None)
      for name in ("Adadelta", "Adagrad", "Adam", "Adamax", "ASGD", "LBFGS", "RMSprop", "Rprop",
                   "SGD")],
    # torch.utils.data and torchvision (learntorch.vision)
    *[("torch.utils.data", f"utils.data.{name}", None)
      for name in ("Dataset", "TensorDataset", "DataLoader", "Sampler", "SequentialSampler",
                   "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler")],
    ("torch.utils", "utils.model_zoo.load_url", None),
    *[("torchvision", f"vision.datasets.{name}", None)
      for name in ("MNIST", "CocoCaptions", "CocoDetection", "LSUN", "ImageFolder", "CIFAR10",
                   "CIFAR100", "STL10")],
    *[("torchvision", f"vision.models.{name}", None)
      for name in ("alexnet", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
                   "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
                   "vgg19_bn")],
    *[("torchvision", f"vision.transforms.{name}", None)
      for name in ("Compose", "CenterCrop", "RandomCrop", "RandomHorizontalFlip",
                   "RandomSizedCrop", "Pad", "Normalize", "ToTensor", "ToPILImage", "Lambda")],
    ("torchvision", "vision.utils.make_grid", None), ("torchvision", "vision.utils.save_image", None),
]


def _find(module, name):
    """learntorch.f, learntorch.linalg.f, or a Tensor method named f (or None)."""
    target = module
    for part in name.split("."):
        target = getattr(target, part, None)
        if target is None:
            break
    if target is None and "." not in name:
        target = getattr(module.Tensor, name, None)
    return target


def _records_graph(module, probe):
    try:
        out = probe(module)
    except Exception as err:  # the table reports it; the script keeps going
        return f"error: {type(err).__name__}"
    return "yes" if getattr(out, "requires_grad", False) else "no"


def _parity_tested(name, test_text):
    short = name.split(".")[-1]
    return bool(re.search(rf"(?<![\w]){re.escape(short)}(?![\w])", test_text))


def _oracle_tests():
    """The text of every test file that compares against torch."""
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        text = path.read_text()
        if path.parent.name == "parity" or re.search(r"importorskip\(\"torch\"\)|^import torch",
                                                      text, re.M):
            yield text


def build_table():
    import learntorch
    import learntorch.vision  # noqa: F401  (torchvision's counterpart is not imported by learntorch)
    try:
        import torch
    except ImportError:
        torch = None
    test_text = "\n".join(_oracle_tests())
    lines = ["# API coverage", "",
             "Generated by `tools/api_coverage.py` from the package and the tests; do not edit.",
             "A test fails when this file is stale (`python tools/api_coverage.py` rewrites it).", "",
             "| section | name | implemented | differentiable (learntorch / torch) | parity-tested |",
             "|---|---|---|---|---|"]
    totals = {"rows": 0, "implemented": 0, "tested": 0, "grad_mismatch": 0}
    for section, name, probe in ROWS:
        implemented = _find(learntorch, name) is not None
        if probe is None:
            grad = "—"
        else:
            ours = _records_graph(learntorch, probe) if implemented else "—"
            theirs = _records_graph(torch, probe) if torch is not None else "?"
            grad = f"{ours} / {theirs}"
            totals["grad_mismatch"] += implemented and ours != theirs
        tested = _parity_tested(name, test_text)
        totals["rows"] += 1
        totals["implemented"] += implemented
        totals["tested"] += tested
        lines.append(f"| {section} | `{name}` | {'yes' if implemented else '**no**'} | {grad} | "
                     f"{'yes' if tested else '**no**'} |")
    lines += ["", f"{totals['implemented']} of {totals['rows']} rows implemented, "
                  f"{totals['tested']} parity-tested, {totals['grad_mismatch']} whose "
                  "differentiability differs from torch.", ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args(argv)
    table = build_table()
    if args.check:
        if not TABLE.exists() or TABLE.read_text() != table:
            print(f"{TABLE.relative_to(ROOT)} is stale: run `python tools/api_coverage.py`",
                  file=sys.stderr)
            return 1
        return 0
    TABLE.parent.mkdir(exist_ok=True)
    TABLE.write_text(table)
    print(table.splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
