"""Chapter 5, data loading: a Dataset, collate, batch sampler, random_split, a balanced sampler,
a transform pipeline, a DataLoader, and a training run fed by it.

References are learntorch's own ``utils.data`` and ``vision.transforms`` (checked against torch
and torchvision by the parity tests), so "the same batches" means PyTorch's batches.  The last
task judges the student's DataLoader by what it feeds a model: every sample once per epoch, in
a new order, in batches of 32, and the accuracy the model reaches on the digits.
"""
import sys
from collections import Counter

import numpy as np

import learntorch
from learntorch import nn
from learntorch.utils import data as lt_data
from learntorch.vision import transforms as T

from ..cases import Case, Mismatch, Task, promise, returns, show
from ..compare import Difference, difference
from .ch03 import digits

F32, I64 = learntorch.float32, learntorch.int64


def _fail(got, text, hint=None):
    raise Mismatch(got, [Difference(text, hint)])


def _same(got, expected, what, atol=1e-6, rtol=1e-6, labels=None):
    found = difference(got, expected, atol=atol, rtol=rtol, labels=labels)
    if found:
        raise Mismatch(show(got), [Difference(f"{what}: {found.text}", found.hint)])


def _images(shape, seed):
    rng = np.random.default_rng(seed)
    return learntorch.from_numpy(rng.integers(0, 256, shape, dtype=np.uint8))


# -- 5.1 ImageDataset -------------------------------------------------------------------------
def _image_dataset_cases():
    images, labels = _images((5, 8, 8), 51), learntorch.tensor([3, 1, 4, 1, 5])
    wide = _images((3, 4, 6), 52)
    hint = ("item i is (images[i].flatten().float() / 255, int(labels[i])): a float32 vector "
            "of pixels in [0, 1] and a Python int")

    def item(i, imgs=images, labs=labels):
        return (imgs[i].reshape(-1).float() / 255, int(labs[i]))

    def case(given, want, hint, check):
        def test(ImageDataset):
            check(ImageDataset(images, labels), ImageDataset)
        return Case(given, want, hint, test)

    def length(ds, cls):
        got = len(ds)
        if got != 5:
            _fail(show(got), f"len(dataset) is {got}, expected 5 (one per image)",
                  "__len__ returns the number of images: len(self.labels)")

    def first(ds, cls):
        x, y = ds[0]
        _same(x, item(0)[0], "dataset[0][0], the pixels")
        if type(y) is not int:
            _fail(show(y), f"the label is {type(y).__name__}, not a Python int",
                  "return int(self.labels[i]): the DataLoader's collate turns ints into an "
                  "int64 tensor")
        _same(y, item(0)[1], "dataset[0][1], the label")

    def every(ds, cls):
        _same([ds[i] for i in range(5)], [item(i) for i in range(5)],
              "[dataset[i] for i in range(5)]")

    def other_shape(cls):
        other = cls(wide, learntorch.tensor([0, 2, 9]))
        _same(other[2], item(2, wide, learntorch.tensor([0, 2, 9])), "dataset[2] of 4×6 images",
              labels=("pixels", "label"))

    def negative(ds, cls):
        _same(ds[-1], item(4), "dataset[-1]", labels=("pixels", "label"))

    def out_of_range(ds, cls):
        try:
            got = ds[5]
        except IndexError:
            return
        except NotImplementedError:
            raise
        except Exception as other:
            _fail(f"{type(other).__name__}", f"dataset[5] raised {type(other).__name__}, expected "
                  "IndexError", "index the tensors: images[5] raises IndexError by itself")
        _fail(show(got), "dataset[5] of 5 images returned instead of raising IndexError",
              "index the tensors: images[5] raises IndexError by itself")

    def loader(ds, cls):
        x, y = next(iter(lt_data.DataLoader(ds, batch_size=4)))
        _same((x, y), (learntorch.stack([item(i)[0] for i in range(4)]), labels[:4]),
              "a batch of torch.utils.data.DataLoader(dataset, batch_size=4)",
              labels=("pixels", "labels"))

    return [
        case("len(ImageDataset(images (5, 8, 8), labels))", "5", hint, length),
        case("dataset[0]", "(pixels float32 of shape (64,) in [0, 1], 3)", hint, first),
        case("dataset[i] for i in range(5)", "each image's pixels and label", hint, every),
        Case("images of 4×6 pixels, dataset[2]", "(pixels of shape (24,), 9)",
             "flatten whatever the image size: images[i].flatten()",
             other_shape),
        case("dataset[-1]", "the last sample, like a list", hint, negative),
        case("dataset[5] of 5 images", "IndexError (so `for x, y in dataset` ends)", hint,
             out_of_range),
        case("next(iter(DataLoader(dataset, batch_size=4)))", "pixels (4, 64) and int64 labels",
             hint, loader),
    ]


# -- 5.2 pad_collate --------------------------------------------------------------------------
def _pad_case(lengths, labels, hint, dtype=I64, seed=0):
    rng = np.random.default_rng(seed)
    seqs = [rng.integers(1, 10, n) for n in lengths]
    samples = [(learntorch.tensor(s, dtype=dtype), y) for s, y in zip(seqs, labels)]
    width = max(lengths)
    padded = np.zeros((len(seqs), width))
    for row, s in zip(padded, seqs):
        row[:len(s)] = s
    expected = (learntorch.tensor(padded, dtype=dtype), learntorch.tensor(lengths, dtype=I64),
                learntorch.tensor(labels, dtype=I64))
    given = "samples of lengths " + ", ".join(map(str, lengths)) + (
        f" ({str(dtype).split('.')[-1]})" if dtype != I64 else "")
    return returns((samples,), expected, hint, given=given, labels=("padded", "lengths", "labels"))


def _pad_cases():
    hint = ("pad each sequence with zeros at its end to the longest length of the batch; return "
            "(padded (B, longest), lengths int64 (B,), labels int64 (B,))")
    return [
        _pad_case([3, 1, 4], [0, 1, 1], hint, seed=521),
        _pad_case([2, 2], [5, 6], "sequences of one length need no padding", seed=522),
        _pad_case([5], [2], "a batch of one sample is (1, length)", seed=523),
        _pad_case([1, 6, 2, 3], [1, 0, 0, 1], "pad to this batch's longest sequence, not a fixed "
                  "length", seed=524),
        _pad_case([0, 2], [3, 4], "an empty sequence is a row of zeros, length 0", seed=525),
        _pad_case([2, 3], [1, 2], "keep the sequences' dtype: start from torch.zeros(..., "
                  "dtype=seq.dtype)", dtype=F32, seed=526),
    ]


# -- 5.3 BatchSampler -------------------------------------------------------------------------
class _NoLength:
    """A sampler without ``__len__``: a batch sampler must only iterate it."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


def _batch_lists(batches, what):
    got = list(batches)
    if not all(isinstance(b, list) for b in got):
        bad = next(b for b in got if not isinstance(b, list))
        _fail(show(got), f"{what}: a batch is {type(bad).__name__}, not a list",
              "yield each batch as a list of indices, as torch's BatchSampler does")
    return got


def _batch_sampler_case(given, n, size, drop_last, hint):
    def test(BatchSampler):
        got = _batch_lists(BatchSampler(range(n), size, drop_last), "list(sampler)")
        _same(got, list(lt_data.BatchSampler(range(n), size, drop_last)), given)
    want = show(list(lt_data.BatchSampler(range(n), size, drop_last)))
    return Case(given, want, hint, test)


def _batch_sampler_cases():
    hint = "consecutive chunks of batch_size indices; the last shorter one unless drop_last"

    def lengths(BatchSampler):
        for n, size, drop in ((10, 3, False), (10, 3, True), (9, 3, False), (9, 3, True),
                              (2, 5, False), (2, 5, True)):
            got = len(BatchSampler(range(n), size, drop))
            want = len(lt_data.BatchSampler(range(n), size, drop))
            if got != want:
                _fail(str(got), f"len(BatchSampler(range({n}), {size}, drop_last={drop})) is "
                      f"{got}, expected {want}",
                      "n // batch_size with drop_last, else (n + batch_size - 1) // batch_size")

    def epochs(BatchSampler):
        def shuffled():
            return lt_data.RandomSampler(range(10), generator=learntorch.Generator().manual_seed(5))
        mine, real = BatchSampler(shuffled(), 4, False), lt_data.BatchSampler(shuffled(), 4, False)
        for epoch in range(3):
            _same(_batch_lists(mine, f"epoch {epoch}"), list(real), f"epoch {epoch}")

    def lazy(BatchSampler):
        got = _batch_lists(BatchSampler(_NoLength(7), 3, False), "list(sampler)")
        _same(got, [[0, 1, 2], [3, 4, 5], [6]], "batches of a sampler without len()")

    return [
        _batch_sampler_case("BatchSampler(range(10), 3, drop_last=False)", 10, 3, False, hint),
        _batch_sampler_case("BatchSampler(range(10), 3, drop_last=True)", 10, 3, True,
                            "drop_last=True leaves out the short last batch"),
        _batch_sampler_case("BatchSampler(range(9), 3, drop_last=True)", 9, 3, True,
                            "with drop_last, a last batch that is full stays"),
        _batch_sampler_case("BatchSampler(range(2), 5, drop_last=False)", 2, 5, False,
                            "fewer indices than batch_size: one short batch"),
        Case("len() for 6 combinations of n, batch_size and drop_last", "torch's numbers",
             "the number of batches one epoch yields", lengths),
        Case("3 epochs over a seeded RandomSampler, batches of 4", "a new shuffle each epoch, "
             "as torch's", "iterate the sampler anew in every __iter__ (each epoch shuffles "
             "again); do not keep a list made in __init__", epochs),
        Case("a sampler with __iter__ but no __len__, batches of 3", "[[0, 1, 2], [3, 4, 5], [6]]",
             "only iterate the sampler in __iter__; use len(self.sampler) only in __len__", lazy),
    ]


# -- 5.4 random_split -------------------------------------------------------------------------
def _parts(parts):
    """Each part's items as a list (works for any object with len and indexing)."""
    if not isinstance(parts, list):
        _fail(show(parts), f"returned {type(parts).__name__}, expected a list of Subsets",
              "return a list: [Subset(dataset, indices[...]), ...]")
    return [[part[i] for i in range(len(part))] for part in parts]


def _split_case(n, lengths, seed, hint):
    dataset = [100 + i for i in range(n)]   # item i is 100 + i: an item is not its index

    def split(fn):
        return fn(dataset, lengths, generator=learntorch.Generator().manual_seed(seed))

    def test(random_split):
        _same(_parts(split(random_split)), _parts(split(lt_data.random_split)), "the parts' items")
    want = split(lt_data.random_split)
    return Case(f"random_split(a dataset of {n}, {lengths}, generator seeded {seed})",
                " / ".join(f"{len(p)} items" for p in want) + " (torch's)", hint, test)


def _split_cases():
    hint = ("one randperm(len(dataset), generator=generator); part k takes the next lengths[k] "
            "indices of it")
    hint_frac = ("fractions: floor(n * f) each, then the remainder one by one to parts 0, 1, … "
                 "(round robin)")

    def global_generator(random_split):
        dataset = [100 + i for i in range(12)]
        learntorch.manual_seed(54)
        got = _parts(random_split(dataset, [6, 6]))
        learntorch.manual_seed(54)
        want = _parts(lt_data.random_split(dataset, [6, 6]))
        _same(got, want, "random_split(dataset, [6, 6]) after torch.manual_seed(54)")

    def bad_lengths(random_split):
        try:
            got = random_split(list(range(10)), [4, 4], generator=learntorch.Generator())
        except ValueError:
            return
        except NotImplementedError:
            raise
        except Exception as other:
            _fail(type(other).__name__, f"raised {type(other).__name__}, expected ValueError",
                  "raise ValueError when sum(lengths) != len(dataset)")
        _fail(f"{len(got)} parts", "lengths [4, 4] for 10 items: returned instead of raising "
              "ValueError",
              "raise ValueError when sum(lengths) != len(dataset)")

    return [
        _split_case(10, [7, 3], 1, hint),
        _split_case(9, [3, 3, 3], 2, hint),
        _split_case(10, [0.8, 0.2], 3, hint_frac),
        _split_case(11, [0.5, 0.5], 4, hint_frac),
        _split_case(10, [0.34, 0.33, 0.33], 5, hint_frac),
        Case("random_split(12 items, [6, 6]) with no generator, after manual_seed(54)",
             "torch's parts", "generator=None means torch's default generator: "
             "randperm(n, generator=None) uses it", global_generator),
        Case("random_split(10 items, [4, 4])", "ValueError", "the lengths must add up",
             bad_lengths),
    ]


# -- 5.5 balanced_sampler ---------------------------------------------------------------------
def _skewed_labels():
    return learntorch.tensor([0] * 90 + [1] * 9 + [2] * 1)[learntorch.randperm(
        100, generator=learntorch.Generator().manual_seed(55))]


def _balanced_cases():
    hint = ("weights = 1 / counts[labels] (counts = torch.bincount(labels)): one weight per "
            "sample; WeightedRandomSampler(weights, num_samples=len(labels), replacement=True)")

    def made(balanced_sampler, generator=None):
        labels = _skewed_labels()
        sampler = balanced_sampler(labels, generator=generator)
        if not isinstance(sampler, lt_data.WeightedRandomSampler):
            _fail(show(sampler), f"returned {type(sampler).__name__}, expected a "
                  "WeightedRandomSampler", "return torch.utils.data.WeightedRandomSampler(...)")
        return labels, sampler

    def weights(balanced_sampler):
        labels, sampler = made(balanced_sampler)
        got = sampler.weights.double()
        want = 1.0 / learntorch.bincount(labels)[labels].double()
        if tuple(got.shape) != (100,):
            _fail(f"weights of shape {tuple(got.shape)}", "one weight per sample: 100 weights",
                  "index the class weights with the labels: class_weight[labels]")
        _same(got / got.sum(), want / want.sum(), "the weights (scaled to sum 1)", atol=1e-9)

    def size(balanced_sampler):
        labels, sampler = made(balanced_sampler)
        if len(sampler) != 100 or not sampler.replacement:
            _fail(f"num_samples={len(sampler)}, replacement={sampler.replacement}",
                  "expected num_samples=100 (one epoch of len(labels)) and replacement=True",
                  "without replacement the rare class could come at most once an epoch")

    def balanced(balanced_sampler):
        labels, sampler = made(balanced_sampler, learntorch.Generator().manual_seed(56))
        drawn = [int(labels[i]) for _ in range(20) for i in sampler]
        shares = [drawn.count(c) / len(drawn) for c in range(3)]
        if any(abs(s - 1 / 3) > 0.05 for s in shares):
            _fail("class shares " + ", ".join(f"{s:.2f}" for s in shares),
                  "over 20 epochs each class should come a third of the time")

    def generator(balanced_sampler):
        labels, first = made(balanced_sampler, learntorch.Generator().manual_seed(57))
        _, second = made(balanced_sampler, learntorch.Generator().manual_seed(57))
        if list(first) != list(second):
            _fail("different indices", "two samplers with generators seeded alike drew "
                  "different indices", "pass generator=generator on to WeightedRandomSampler")

    def absent(balanced_sampler):
        labels = learntorch.tensor([0, 2, 0, 0])
        sampler = balanced_sampler(labels, generator=learntorch.Generator().manual_seed(58))
        drawn = [int(i) for _ in range(50) for i in sampler]
        if not all(0 <= i < 4 for i in drawn):
            _fail(show(sorted(set(drawn))), "drew indices outside 0..3 for 4 labels",
                  "the weights belong to the samples: one weight per label")
        share = sum(int(labels[i]) == 2 for i in drawn) / len(drawn)
        if abs(share - 0.5) > 0.1:
            _fail(f"class 2 share {share:.2f}",
                  "class 2 (1 of 4 samples) should come half the time")

    return [
        Case("balanced_sampler(labels) for classes of 90, 9 and 1 samples",
             "weights ∝ 1/90, 1/9, 1/1, one per sample", hint, weights),
        Case("len(sampler), sampler.replacement", "100, True", hint, size),
        Case("the labels of the indices drawn in 20 epochs", "each class about a third", hint,
             balanced),
        Case("two samplers with generators seeded alike", "the same indices", hint, generator),
        Case("labels [0, 2, 0, 0] (no class 1), 50 epochs", "indices 0..3, class 2 half the time",
             hint, absent),
    ]


# -- 5.6 digit_transform ----------------------------------------------------------------------
def digit_stats():
    """Mean and std of the 8×8 training digits' pixels in [0, 1], as Python floats."""
    from learntorch.vision.datasets import Digits
    pixels = Digits(train=True).data.float() / 255
    return pixels.mean().item(), pixels.std().item()


def _reference_transform(train):
    mean, std = digit_stats()
    steps = [T.RandomRotation(10), T.RandomCrop(8, padding=1)] if train else []
    return T.Compose(steps + [T.ToTensor(), T.Normalize((mean,), (std,))])


def _transform_cases():
    from learntorch.vision.datasets import Digits
    images = [Digits(train=False)[i][0] for i in range(6)]
    hint_test = "train=False: Compose([ToTensor(), Normalize((MEAN,), (STD,))])"
    hint_train = ("train=True: Compose([RandomRotation(10), RandomCrop(8, padding=1), ToTensor(), "
                  "Normalize((MEAN,), (STD,))]), in that order")

    def apply(transform, what):
        out = [transform(img) for img in images]
        if not all(isinstance(x, learntorch.Tensor) for x in out):
            bad = next(x for x in out if not isinstance(x, learntorch.Tensor))
            _fail(show(bad), f"{what} returned {type(bad).__name__}, not a tensor",
                  "end with ToTensor() and Normalize(...): they turn the image into a tensor")
        return out

    def test_values(digit_transform):
        _same(apply(digit_transform(False), "the test transform"),
              [_reference_transform(False)(img) for img in images], "6 test digits, transformed",
              atol=1e-5, rtol=1e-5)

    def test_mean(digit_transform):
        out = learntorch.stack(apply(digit_transform(False), "the test transform"))
        if tuple(out.shape) != (6, 1, 8, 8) or out.dtype != F32:
            _fail(f"{tuple(out.shape)} {out.dtype}", "6 transformed digits must stack to "
                  "(6, 1, 8, 8) float32")

    def train_values(digit_transform):
        transform = digit_transform(True)
        learntorch.manual_seed(561)
        got = apply(transform, "the training transform")
        learntorch.manual_seed(561)
        reference = _reference_transform(True)
        _same(got, [reference(img) for img in images], "6 training digits after manual_seed(561)",
              atol=1e-5, rtol=1e-5)

    def varies(digit_transform):
        transform = digit_transform(True)
        learntorch.manual_seed(562)
        first = learntorch.stack(apply(transform, "the training transform"))
        second = learntorch.stack(apply(transform, "the training transform"))
        if learntorch.equal(first, second):
            _fail("the same tensors twice", "the training transform gave the same result twice: "
                  "no random augmentation", hint_train)

    def test_fixed(digit_transform):
        transform = digit_transform(False)
        first = learntorch.stack(apply(transform, "the test transform"))
        second = learntorch.stack(apply(transform, "the test transform"))
        if not learntorch.equal(first, second):
            _fail("different tensors", "the test transform must be deterministic: no random steps",
                  hint_test)

    return [
        Case("digit_transform(False) on 6 test digits", "ToTensor, then Normalize(MEAN, STD)",
             hint_test, test_values),
        Case("the 6 transformed test digits, stacked", "(6, 1, 8, 8) float32", hint_test,
             test_mean),
        Case("digit_transform(False) twice", "the same tensors", hint_test, test_fixed),
        Case("digit_transform(True) after manual_seed(561)", "torchvision's augmented digits",
             hint_train, train_values),
        Case("digit_transform(True) twice", "different tensors (random augmentation)",
             hint_train, varies),
    ]


# -- 5.7 DataLoader ---------------------------------------------------------------------------
class _Points:
    """Sample i is (tensor([i, -i]) float32, i % 3): each batch shows which samples it holds."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return learntorch.tensor([float(i), -float(i)]), i % 3


def _epoch(loader, what):
    """One epoch of ``loader`` as a list of (x, y) tuples."""
    batches = []
    for batch in loader:
        if not isinstance(batch, (list, tuple)) or len(batch) != 2:
            _fail(show(batch), f"{what}: a batch is {show(batch)[:60]}, not a pair (x, y)",
                  "collate each batch into (torch.stack(xs), torch.tensor(ys))")
        batches.append(tuple(batch))
    return batches


def _compare_epochs(got, want, what):
    if len(got) != len(want):
        _fail(f"{len(got)} batches", f"{what}: {len(got)} batches ≠ expected {len(want)}")
    for k, (g, w) in enumerate(zip(got, want)):
        _same(g, w, f"{what}, batch {k}", labels=("x", "y"))


def _own(DataLoader):
    if isinstance(DataLoader, type) and issubclass(DataLoader, lt_data.DataLoader):
        _fail("torch.utils.data.DataLoader", "this is learntorch's DataLoader, not your own",
              "write the class yourself, as chapter 5's MyDataLoader")


def _loader_case(given, want, hint, n, size, shuffle=False, drop_last=False, seed=None,
                 epochs=1):
    def test(DataLoader):
        def make(cls):
            kwargs = {"batch_size": size, "shuffle": shuffle, "drop_last": drop_last}
            if seed is not None:
                kwargs["generator"] = learntorch.Generator().manual_seed(seed)
            return cls(_Points(n), **kwargs)
        mine = make(DataLoader)
        _own(DataLoader)
        real = make(lt_data.DataLoader)
        for epoch in range(epochs):
            _compare_epochs(_epoch(mine, "your loader"), _epoch(real, "torch"),
                            f"epoch {epoch}" if epochs > 1 else "the batches")
    return Case(given, want, hint, test)


def _loader_cases():
    hint = ("each epoch: indices 0..n-1 (or a permutation), chunks of batch_size, each chunk "
            "collated into (torch.stack(xs), torch.tensor(ys))")
    hint_seed = ("each __iter__ first draws torch's worker seed (shuffled or not), "
                 "torch.empty((), dtype=torch.int64).random_(generator=self.generator), then "
                 "torch.randperm(n, generator=self.generator)")

    def length(DataLoader):
        _own(DataLoader)
        for n, size, drop in ((10, 4, False), (10, 4, True), (8, 4, False), (8, 4, True),
                              (3, 5, False)):
            got = len(DataLoader(_Points(n), batch_size=size, drop_last=drop))
            want = len(lt_data.DataLoader(_Points(n), batch_size=size, drop_last=drop))
            if got != want:
                _fail(str(got), f"len(DataLoader({n} samples, batch_size={size}, drop_last={drop}))"
                      f" is {got}, expected {want}", "the number of batches one epoch yields")

    def new_order(DataLoader):
        loader = DataLoader(_Points(10), batch_size=4, shuffle=True,
                            generator=learntorch.Generator().manual_seed(573))
        _own(DataLoader)
        orders = []
        for epoch in range(2):
            order = [int(v) for x, _ in _epoch(loader, f"epoch {epoch}") for v in x[:, 0]]
            if sorted(order) != list(range(10)):
                _fail(show(order), f"epoch {epoch} did not give each of the 10 samples once")
            orders.append(order)
        if orders[0] == orders[1]:
            _fail(show(orders[0]), "two epochs came in the same order",
                  "shuffle in __iter__, so every epoch draws a new permutation")

    def collate_fn(DataLoader):
        seen = []

        def count(samples):
            seen.append(len(samples))
            return len(samples)
        got = list(DataLoader(_Points(7), batch_size=3, collate_fn=count))
        _own(DataLoader)
        if got != [3, 3, 1] or seen != [3, 3, 1]:
            _fail(show(got), "with collate_fn=f, each batch must be f(list of samples)",
                  "call self.collate_fn on the list of samples when one is given")

    return [
        _loader_case("DataLoader(10 samples, batch_size=4)", "3 batches, as torch's", hint, 10, 4),
        _loader_case("DataLoader(10 samples, batch_size=4, drop_last=True)", "2 full batches",
                     "drop_last=True leaves out the short last batch", 10, 4, drop_last=True),
        _loader_case("DataLoader(3 samples, batch_size=5)", "one batch of 3",
                     "fewer samples than batch_size: one short batch", 3, 5),
        Case("len(loader) for 5 combinations", "torch's numbers of batches",
             "len(loader) is the number of batches per epoch", length),
        _loader_case("DataLoader(10 samples, batch_size=4, shuffle=True, generator seeded 571)",
                     "torch's batches", hint_seed, 10, 4, shuffle=True, seed=571),
        _loader_case("DataLoader(25 samples, batch_size=8, shuffle=True, drop_last=True, "
                     "generator seeded 572)", "torch's 3 batches", hint_seed, 25, 8, shuffle=True,
                     drop_last=True, seed=572),
        Case("two epochs of one shuffled loader", "every sample once, a new order each epoch",
             "shuffle in __iter__, not in __init__", new_order),
        Case("DataLoader(7 samples, batch_size=3, collate_fn=f)", "f(samples) for each batch",
             "use the collate_fn you are given", collate_fn),
    ]


# -- 5.8 train_with_loader --------------------------------------------------------------------
EPOCHS, BATCH = 8, 32
TRAIN_ACCURACY, TEST_ACCURACY = 0.94, 0.9
_FETCH = lt_data.fetch.__file__


class _Recorded:
    """The training digits, noting each index asked for and whether torch's DataLoader asked."""

    def __init__(self, x, y):
        self.samples = list(zip(x.unbind(0), y.tolist()))   # cheap to hand out, 11,504 times
        self.asked, self.by_torch = [], False

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        if sys._getframe(1).f_code.co_filename == _FETCH:
            self.by_torch = True
        self.asked.append(int(i))
        return self.samples[i]


def _train_cases():
    runs = {}
    train_x, train_y = digits(train=True)
    test_x, test_y = digits(train=False)
    n = len(train_y)
    promise(n == 1438, "the training data are 1,438 digits")

    def run(train_with_loader):
        key = id(train_with_loader)
        if key not in runs:
            learntorch.manual_seed(58)
            model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
            dataset = _Recorded(train_x, train_y)
            sizes = []
            handle = model.register_forward_pre_hook(lambda m, args: sizes.append(len(args[0])))
            try:
                returned = train_with_loader(model, dataset)
            finally:
                handle.remove()
            runs[key] = (model, dataset, sizes, returned)
        return runs[key]

    def case(given, want, hint, check):
        return Case(given, want, hint, lambda fn: check(*run(fn)))

    def own(model, dataset, sizes, returned):
        if dataset.by_torch:
            _fail("torch.utils.data.DataLoader", "the samples were fetched by learntorch's "
                  "DataLoader", "load them with your own DataLoader from 5.7")
        if returned is not model:
            _fail(show(returned), "return the model you were given, trained")

    def epochs(model, dataset, sizes, returned):
        asked = dataset.asked
        if len(asked) != EPOCHS * n:
            _fail(f"{len(asked)} samples fetched", f"{EPOCHS} epochs of {n} samples fetch "
                  f"{EPOCHS * n}", f"loop over your loader {EPOCHS} times; fetch through it only")
        for k in range(EPOCHS):
            if sorted(asked[k * n:(k + 1) * n]) != list(range(n)):
                _fail(f"epoch {k}", f"epoch {k} did not fetch every sample exactly once")

    def shuffled(model, dataset, sizes, returned):
        orders = [dataset.asked[k * n:(k + 1) * n] for k in range(2)]
        if orders[0] == list(range(n)):
            _fail("0, 1, 2, …", "the first epoch came in order 0, 1, 2, …: not shuffled",
                  "DataLoader(dataset, batch_size=32, shuffle=True)")
        if orders[0] == orders[1]:
            _fail("the same order twice", "epochs 1 and 2 came in the same order",
                  "your loader must shuffle anew each epoch")

    def batches(model, dataset, sizes, returned):
        full, rest = divmod(n, BATCH)
        want = ([BATCH] * full + [rest]) * EPOCHS
        if sizes != want:
            shown = dict(sorted(Counter(sizes).items()))
            _fail(f"batch sizes {shown}", f"the model must see {EPOCHS} epochs of {full} batches "
                  f"of {BATCH} and one of {rest}", f"batch_size={BATCH}; one model(x) per step")

    def accuracy(x, y, floor, what):
        def check(model, dataset, sizes, returned):
            with learntorch.no_grad():
                got = (model(x).argmax(dim=1) == y).float().mean().item()
            if got < floor:
                _fail(f"accuracy {got:.3f}", f"accuracy on {what} below {floor}",
                      "each step: optimizer.zero_grad(), loss = F.cross_entropy(model(x), y), "
                      "loss.backward(), optimizer.step(), with SGD(model.parameters(), lr=0.5)")
        return check

    hint = (f"loader = DataLoader(dataset, batch_size={BATCH}, shuffle=True) (yours), then "
            f"{EPOCHS} epochs of: for x, y in loader: a training step")
    return [
        case("train_with_loader(model, the 1,438 training digits)",
             "the model, trained from your own DataLoader", hint, own),
        case("the samples fetched", f"{EPOCHS} epochs, each sample once per epoch", hint, epochs),
        case("the order of the first two epochs", "shuffled, a new order each epoch", hint,
             shuffled),
        case("the batches the model saw", f"{n // BATCH} of {BATCH} and one of {n % BATCH}, "
             f"{EPOCHS} times", hint, batches),
        case("accuracy on the training digits", f"≥ {TRAIN_ACCURACY}", hint,
             accuracy(train_x, train_y, TRAIN_ACCURACY, "the training digits")),
        case("accuracy on the 359 test digits", f"≥ {TEST_ACCURACY}", hint,
             accuracy(test_x, test_y, TEST_ACCURACY, "the 359 test digits")),
    ]


TASKS = [
    Task("5.1", "A Dataset of images", "ImageDataset", _image_dataset_cases),
    Task("5.2", "A collate function that pads", "pad_collate", _pad_cases),
    Task("5.3", "A batch sampler", "BatchSampler", _batch_sampler_cases),
    Task("5.4", "random_split from scratch", "random_split", _split_cases),
    Task("5.5", "A sampler for imbalanced classes", "balanced_sampler", _balanced_cases),
    Task("5.6", "The digits' transform pipeline", "digit_transform", _transform_cases),
    Task("5.7", "Your own DataLoader", "DataLoader", _loader_cases),
    Task("5.8", "Train from your own DataLoader", "train_with_loader", _train_cases),
]
