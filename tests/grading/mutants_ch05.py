"""Seeded wrong implementations of chapter 5's tasks (see mutants.py for the format)."""

_DATASET = """
from learntorch.utils.data import Dataset

class ImageDataset(Dataset):
    def __init__(self, images, labels):
        self.images, self.labels = images, labels

    def __len__(self):
        return {length}

    def __getitem__(self, i):
        return {item}
"""


def _dataset(length="len(self.labels)",
             item="self.images[i].flatten().float() / 255, int(self.labels[i])"):
    return _DATASET.format(length=length, item=item)


_PAD = """
def pad_collate(samples):
    sequences, labels = zip(*samples)
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    padded = torch.zeros(len(sequences), {width}, dtype={dtype})
    for row, sequence in zip(padded, sequences):
        {fill}
    return {result}
"""


def _pad(width="int(lengths.max())", dtype="sequences[0].dtype",
         fill="row[:len(sequence)] = sequence",
         result="padded, lengths, torch.tensor(labels, dtype=torch.int64)"):
    return _PAD.format(width=width, dtype=dtype, fill=fill, result=result)


_BATCH_SAMPLER = """
class BatchSampler:
    def __init__(self, sampler, batch_size, drop_last):
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last
{init_extra}
    def __iter__(self):
        batch = []
        for index in {source}:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield {batch}
                batch = []
        if batch and {last}:
            yield {batch}

    def __len__(self):
        full, rest = divmod(len(self.sampler), self.batch_size)
        return {length}
"""


def _batch_sampler(source="self.sampler", batch="batch", last="not self.drop_last",
                   length="full + (rest > 0 and not self.drop_last)", init_extra=""):
    return _BATCH_SAMPLER.format(source=source, batch=batch, last=last, length=length,
                                 init_extra=init_extra)


_SPLIT = """
from learntorch.utils.data import Subset

def random_split(dataset, lengths, generator=None):
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = [{size} for fraction in lengths]
        for k in range(n - sum(sizes)):
            sizes[{where}] += 1
        lengths = sizes
    if {check}:
        raise ValueError("the lengths do not add up")
    order = {order}
    parts, start = [], 0
    for length in lengths:
        parts.append(Subset(dataset, order[start:start + length]))
        start += length
    return parts
"""


def _split(size="math.floor(n * fraction)", where="k % len(sizes)", check="sum(lengths) != n",
           order="torch.randperm(n, generator=generator).tolist()"):
    return _SPLIT.format(size=size, where=where, check=check, order=order)


_BALANCED = """
from learntorch.utils.data import WeightedRandomSampler

def balanced_sampler(labels, generator=None):
    counts = torch.bincount(labels)
    weights = {weights}
    return WeightedRandomSampler(weights, num_samples={num_samples}, replacement={replacement},
                                 generator={generator})
"""


def _balanced(weights="1.0 / counts[labels].double()", num_samples="len(labels)",
              replacement="True", generator="generator"):
    return _BALANCED.format(weights=weights, num_samples=num_samples, replacement=replacement,
                            generator=generator)


_TRANSFORM = """
from learntorch.vision import transforms as T
from learntorch.vision.datasets import Digits

_pixels = Digits(train=True).data.float() / 255
MEAN, STD = _pixels.mean().item(), _pixels.std().item()

def digit_transform(train):
    augment = {augment} if train else {test_extra}
    return T.Compose(augment + {tail})
"""


def _transform(augment="[T.RandomRotation(10), T.RandomCrop(8, padding=1)]", test_extra="[]",
               tail="[T.ToTensor(), T.Normalize((MEAN,), (STD,))]"):
    return _TRANSFORM.format(augment=augment, test_extra=test_extra, tail=tail)


_LOADER = """
class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, collate_fn=None,
                 generator=None):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle
        self.drop_last, self.collate_fn, self.generator = drop_last, collate_fn, generator
{init_extra}
    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            {order}
        else:
            order = list(range(n))
        for start in range(0, n, self.batch_size):
            chunk = order[start:start + self.batch_size]
            if len(chunk) < self.batch_size and {drop}:
                return
            samples = [self.dataset[i] for i in chunk]
            if {use_collate}:
                yield self.collate_fn(samples)
            else:
                xs, ys = zip(*samples)
                yield torch.stack(xs), torch.tensor(ys)

    def __len__(self):
        full, rest = divmod(len(self.dataset), self.batch_size)
        return {length}
"""

_SEED_AND_PERM = ("torch.empty((), dtype=torch.int64).random_(generator=self.generator)\n"
                  "            order = torch.randperm(n, generator=self.generator).tolist()")


def _loader(order=_SEED_AND_PERM, drop="self.drop_last", use_collate="self.collate_fn is not None",
            length="full + (rest > 0 and not self.drop_last)", init_extra=""):
    return _LOADER.format(order=order, drop=drop, use_collate=use_collate, length=length,
                          init_extra=init_extra)


_TRAIN = _loader() + """
def train_with_loader(model, dataset):
    loader = {loader}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for epoch in range({epochs}):
        for x, y in loader:
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            {step}
    return {result}
"""


def _train(loader="DataLoader(dataset, batch_size=32, shuffle=True)", epochs=8,
           step="optimizer.step()", result="model"):
    return _TRAIN.format(loader=loader, epochs=epochs, step=step, result=result)


MUTANTS = {
    "5.1": {
        "forgets to divide by 255": _dataset(
            item="self.images[i].flatten().float(), int(self.labels[i])"),
        "label as a tensor, not an int": _dataset(
            item="self.images[i].flatten().float() / 255, self.labels[i]"),
        "len is the number of pixels": _dataset(length="self.images.numel()"),
        "does not flatten the image": _dataset(
            item="self.images[i].float() / 255, int(self.labels[i])"),
        "pixels in float64": _dataset(
            item="self.images[i].flatten().double() / 255, int(self.labels[i])"),
        "assumes 8×8 images": _dataset(
            item="self.images[i].reshape(64).float() / 255, int(self.labels[i])"),
        "wraps indices around (never IndexError)": _dataset(
            item="self.images[i % len(self.labels)].flatten().float() / 255, "
                 "int(self.labels[i % len(self.labels)])"),
    },
    "5.2": {
        "pads to a fixed length of 8": _pad(width="8"),
        "pads at the front": _pad(fill="row[row.shape[0] - len(sequence):] = sequence"),
        "lengths as a list": _pad(result="padded, [len(s) for s in sequences], "
                                         "torch.tensor(labels, dtype=torch.int64)"),
        "always float32": _pad(dtype="torch.float32"),
        "returns a list": _pad(result="[padded, lengths, torch.tensor(labels, dtype=torch.int64)]"),
        "labels as float": _pad(
            result="padded, lengths, torch.tensor(labels, dtype=torch.float32)"),
    },
    "5.3": {
        "ignores drop_last": _batch_sampler(last="True"),
        "always drops the short batch": _batch_sampler(last="False"),
        "yields tuples": _batch_sampler(batch="tuple(batch)"),
        "len always rounds down": _batch_sampler(length="full"),
        "keeps one epoch's indices from __init__": _batch_sampler(
            source="self.indices", init_extra="        self.indices = list(sampler)\n"),
        "uses len(sampler) in __iter__": _batch_sampler(
            source="[j for j in range(len(self.sampler))]"),
    },
    "5.4": {
        "no permutation (splits in order)": _split(order="list(range(n))"),
        "sorts each part's indices": _split().replace(
            "order[start:start + length]", "sorted(order[start:start + length])"),
        "rounds the fractions": _split(size="round(n * fraction)"),
        "gives the remainder to the last part": _split(where="-1"),
        "never raises ValueError": _split(check="False"),
        "ignores the generator": _split(order="torch.randperm(n).tolist()"),
    },
    "5.5": {
        "weights are the counts (favours common classes)": _balanced(
            weights="counts[labels].double()"),
        "one weight per class, not per sample": _balanced(weights="1.0 / counts.double()"),
        "without replacement": _balanced(replacement="False"),
        "one draw per class": _balanced(num_samples="len(counts)"),
        "uniform weights": _balanced(weights="torch.ones(len(labels), dtype=torch.float64)"),
        "ignores the generator": _balanced(generator="None"),
    },
    "5.6": {
        "no Normalize": _transform(tail="[T.ToTensor()]"),
        "crops before rotating": _transform(
            augment="[T.RandomCrop(8, padding=1), T.RandomRotation(10)]"),
        "augments the test digits too": _transform(
            test_extra="[T.RandomRotation(10), T.RandomCrop(8, padding=1)]"),
        "no augmentation": _transform(augment="[]"),
        "mean and std swapped": _transform(tail="[T.ToTensor(), T.Normalize((STD,), (MEAN,))]"),
        "Normalize with 0.5, 0.5": _transform(tail="[T.ToTensor(), T.Normalize((0.5,), (0.5,))]"),
    },
    "5.7": {
        "no worker-seed draw before randperm": _loader(
            order="order = torch.randperm(n, generator=self.generator).tolist()"),
        "shuffles once, in __init__": _loader(
            order="order = self.order",
            init_extra="        torch.empty((), dtype=torch.int64).random_(generator=generator)\n"
                       "        self.order = torch.randperm(len(dataset), generator=generator)"
                       ".tolist()\n"),
        "ignores drop_last": _loader(drop="False"),
        "len always rounds down": _loader(length="full"),
        "ignores collate_fn": _loader(use_collate="False"),
        "ignores the generator": _loader(
            order="torch.empty((), dtype=torch.int64).random_()\n"
                  "            order = torch.randperm(n).tolist()"),
        "is learntorch's DataLoader": "from learntorch.utils.data import DataLoader\n",
    },
    "5.8": {
        "uses learntorch's DataLoader": _train(
            loader="torch.utils.data.DataLoader(dataset, batch_size=32, shuffle=True)"),
        "does not shuffle": _train(loader="DataLoader(dataset, batch_size=32)"),
        "one epoch only": _train(epochs=1),
        "never calls optimizer.step()": _train(step="pass"),
        "batches of 64": _train(loader="DataLoader(dataset, batch_size=64, shuffle=True)"),
        "returns the loss": _train(result="loss"),
    },
}

SAYS = {
    ("5.1", "label as a tensor, not an int"): "the label is Tensor, not a Python int",
    ("5.1", "pixels in float64"): "dtype float64 ≠ expected float32",
    ("5.2", "returns a list"): "returned a list, expected a tuple",
    ("5.3", "yields tuples"): "a batch is tuple, not a list",
    ("5.7", "is learntorch's DataLoader"): "this is learntorch's DataLoader, not your own",
    ("5.8", "uses learntorch's DataLoader"): "fetched by learntorch's DataLoader",
}
