"""Seeded wrong implementations of every task: the grader must reject each of them.

``MUTANTS[task_id]`` maps a description of the mistake to the source a student might write.
Each source runs in a fresh namespace that already has ``np``, ``torch`` (learntorch) and
``math``; it defines the object the task expects.  ``SAYS`` holds, for the mutants whose
mistake is not about values (a container type, a dtype, a changed input, real PyTorch), the
words the grader must use to name it.
"""

MUTANTS = {
    "1.1": {
        "returns a list instead of a tuple": """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise ValueError
        out.append(y if x == 1 else x)
    return out
""",
        "takes the larger size, never raises": """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    return tuple(max(x, y) for x, y in zip(a, b))
""",
        "aligns the shapes at the left": """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a, b = a + (1,) * (n - len(a)), b + (1,) * (n - len(b))
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise ValueError
        out.append(y if x == 1 else x)
    return tuple(out)
""",
        "1 with 0 gives 1 (max instead of 'the other size')": """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise ValueError
        out.append(max(x, y))
    return tuple(out)
""",
        "returns the first shape unchanged": """
def broadcast_shape(a, b):
    return a
""",
        "forgets the leading dims of the longer shape": """
def broadcast_shape(a, b):
    out = []
    for x, y in zip(reversed(a), reversed(b)):
        if x != y and 1 not in (x, y):
            raise ValueError
        out.append(y if x == 1 else x)
    return tuple(reversed(out))
""",
    },
    "1.2": {
        "ignores the offset": """
def element_at(storage, shape, strides, offset, index):
    if len(index) != len(shape) or any(not 0 <= i < s for i, s in zip(index, shape)):
        raise IndexError
    return storage[sum(i * s for i, s in zip(index, strides))]
""",
        "computes contiguous strides from the shape": """
def element_at(storage, shape, strides, offset, index):
    if len(index) != len(shape) or any(not 0 <= i < s for i, s in zip(index, shape)):
        raise IndexError
    position, step = offset, 1
    for i, size in reversed(list(zip(index, shape))):
        position += i * step
        step *= size
    return storage[position]
""",
        "pairs the index with the strides reversed": """
def element_at(storage, shape, strides, offset, index):
    if len(index) != len(shape) or any(not 0 <= i < s for i, s in zip(index, shape)):
        raise IndexError
    return storage[offset + sum(i * s for i, s in zip(index, reversed(strides)))]
""",
        "no bounds check": """
def element_at(storage, shape, strides, offset, index):
    return storage[offset + sum(i * s for i, s in zip(index, strides))]
""",
        "off by one in the bounds check": """
def element_at(storage, shape, strides, offset, index):
    if len(index) != len(shape) or any(not 0 <= i <= s for i, s in zip(index, shape)):
        raise IndexError
    return storage[offset + sum(i * s for i, s in zip(index, strides))]
""",
    },
    "1.3": {
        "returns lists instead of tuples": """
def permute_strides(shape, strides, dims):
    if sorted(dims) != list(range(len(shape))):
        raise ValueError
    return [shape[d] for d in dims], [strides[d] for d in dims]
""",
        "uses the inverse permutation": """
def permute_strides(shape, strides, dims):
    if sorted(dims) != list(range(len(shape))):
        raise ValueError
    inverse = [dims.index(d) for d in range(len(dims))]
    return tuple(shape[d] for d in inverse), tuple(strides[d] for d in inverse)
""",
        "permutes the shape but keeps the strides": """
def permute_strides(shape, strides, dims):
    if sorted(dims) != list(range(len(shape))):
        raise ValueError
    return tuple(shape[d] for d in dims), tuple(strides)
""",
        "no validation of dims": """
def permute_strides(shape, strides, dims):
    return tuple(shape[d] for d in dims), tuple(strides[d] for d in dims)
""",
        "recomputes contiguous strides for the new shape": """
def permute_strides(shape, strides, dims):
    if sorted(dims) != list(range(len(shape))):
        raise ValueError
    new_shape = tuple(shape[d] for d in dims)
    out, step = [], 1
    for size in reversed(new_shape):
        out.append(step)
        step *= size
    return new_shape, tuple(reversed(out))
""",
    },
    "1.4": {
        "zeroes the unmasked elements of x in place": """
def masked_mean(x, mask):
    mask = mask.expand_as(x)
    x.masked_fill_(~mask, 0.0)
    return x.sum(dim=-1) / mask.sum(dim=-1).clamp(min=1)
""",
        "float64 result (the mask as double)": """
def masked_mean(x, mask):
    w = mask.double().expand_as(x)
    return (x * w).sum(dim=-1) / w.sum(dim=-1).clamp(min=1)
""",
        "ignores the mask": """
def masked_mean(x, mask):
    return x.mean(dim=-1)
""",
        "divides by the row length, not the count": """
def masked_mean(x, mask):
    w = mask.to(x.dtype).expand_as(x)
    return (x * w).sum(dim=-1) / x.shape[-1]
""",
        "nan for a row with no True": """
def masked_mean(x, mask):
    w = mask.to(x.dtype).expand_as(x)
    return (x * w).sum(dim=-1) / w.sum(dim=-1)
""",
        "reduces the wrong dim": """
def masked_mean(x, mask):
    w = mask.to(x.dtype).expand_as(x)
    return (x * w).sum(dim=0) / w.sum(dim=0).clamp(min=1)
""",
        "counts the mask before broadcasting it": """
def masked_mean(x, mask):
    w = mask.to(x.dtype)
    return (x * w).sum(dim=-1) / w.sum().clamp(min=1)
""",
    },
    "1.5": {
        "bool result (forgets .long())": """
def one_hot(labels, num_classes):
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError
    return labels.unsqueeze(-1) == torch.arange(num_classes)
""",
        "builds the result with real PyTorch": """
import torch as pytorch

def one_hot(labels, num_classes):
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError
    return pytorch.nn.functional.one_hot(pytorch.from_numpy(labels.numpy()), num_classes)
""",
        "off by one": """
def one_hot(labels, num_classes):
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError
    return (labels.unsqueeze(-1) == torch.arange(num_classes) + 1).long()
""",
        "float result": """
def one_hot(labels, num_classes):
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError
    return (labels.unsqueeze(-1) == torch.arange(num_classes)).float()
""",
        "no range check (eye indexing)": """
def one_hot(labels, num_classes):
    return torch.eye(num_classes, dtype=torch.int64)[labels]
""",
        "classes along the first dim": """
def one_hot(labels, num_classes):
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError
    return (torch.arange(num_classes).unsqueeze(-1) == labels.reshape(1, -1)).long()
""",
        "flattens the labels": """
def one_hot(labels, num_classes):
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError
    return (labels.reshape(-1, 1) == torch.arange(num_classes)).long()
""",
    },
    "1.6": {
        "float64 result": """
def pairwise_sq_dists(a, b):
    diff = a.double().unsqueeze(1) - b.double().unsqueeze(0)
    return (diff ** 2).sum(dim=-1)
""",
        "forgets to square": """
def pairwise_sq_dists(a, b):
    return (a.unsqueeze(1) - b.unsqueeze(0)).abs().sum(dim=-1)
""",
        "rows and columns swapped": """
def pairwise_sq_dists(a, b):
    return ((a.unsqueeze(0) - b.unsqueeze(1)) ** 2).sum(dim=-1)
""",
        "wrong sign in the expanded formula": """
def pairwise_sq_dists(a, b):
    return (a ** 2).sum(-1).unsqueeze(1) + (b ** 2).sum(-1) + 2 * a @ b.T
""",
        "only the dot products": """
def pairwise_sq_dists(a, b):
    return a @ b.T
""",
        "Euclidean distance (square root)": """
def pairwise_sq_dists(a, b):
    return ((a.unsqueeze(1) - b.unsqueeze(0)) ** 2).sum(dim=-1).sqrt()
""",
    },
    "2.1": {
        "forward difference": """
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h
""",
        "divides by h instead of 2h": """
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h
""",
        "wrong sign": """
def numerical_derivative(f, x, h=1e-5):
    return (f(x - h) - f(x + h)) / (2 * h)
""",
        "ignores the h it is given": """
def numerical_derivative(f, x, h=1e-5):
    h = 1e-5
    return (f(x + h) - f(x - h)) / (2 * h)
""",
    },
    "2.2": {
        "returns a list instead of a tuple": """
def mul_backward(grad_out, a, b):
    return [grad_out * b, grad_out * a]
""",
        "gradients swapped": """
def mul_backward(grad_out, a, b):
    return grad_out * a, grad_out * b
""",
        "forgets grad_out": """
def mul_backward(grad_out, a, b):
    return b, a
""",
        "wrong sign": """
def mul_backward(grad_out, a, b):
    return -grad_out * b, -grad_out * a
""",
        "returns the inputs unchanged": """
def mul_backward(grad_out, a, b):
    return a, b
""",
    },
    "2.3": {
        "missing transpose": """
def matmul_backward(grad_out, a, b):
    return grad_out @ b, a @ grad_out
""",
        "wrong order of the factors": """
def matmul_backward(grad_out, a, b):
    return b.T @ grad_out, grad_out @ a.T
""",
        "forgets grad_out": """
def matmul_backward(grad_out, a, b):
    return torch.ones_like(grad_out) @ b.T, a.T @ torch.ones_like(grad_out)
""",
        "transposes b in grad_b too": """
def matmul_backward(grad_out, a, b):
    return grad_out @ b.T, (a.T @ grad_out).T
""",
        "gradients swapped between a and b": """
def matmul_backward(grad_out, a, b):
    return a.T @ grad_out, grad_out @ b.T
""",
    },
    "2.4": {
        "returns a NumPy array": """
def unbroadcast(grad, shape):
    g = grad.numpy()
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    return g.sum(axis=tuple(d for d, n in enumerate(shape) if n == 1), keepdims=True)
""",
        "returns the gradient unchanged": """
def unbroadcast(grad, shape):
    return grad
""",
        "forgets keepdim for size-1 dims": """
def unbroadcast(grad, shape):
    extra = grad.dim() - len(shape)
    if extra > 0:
        grad = grad.sum(dim=tuple(range(extra)))
    for dim in reversed(range(len(shape))):
        if shape[dim] == 1 and grad.shape[dim] != 1:
            grad = grad.sum(dim=dim)
    return grad
""",
        "only sums the leading dims": """
def unbroadcast(grad, shape):
    extra = grad.dim() - len(shape)
    if extra > 0:
        grad = grad.sum(dim=tuple(range(extra)))
    return grad
""",
        "mean instead of sum": """
def unbroadcast(grad, shape):
    extra = grad.dim() - len(shape)
    if extra > 0:
        grad = grad.mean(dim=tuple(range(extra)))
    for dim, size in enumerate(shape):
        if size == 1 and grad.shape[dim] != 1:
            grad = grad.mean(dim=dim, keepdim=True)
    return grad
""",
        "sums trailing dims instead of leading ones": """
def unbroadcast(grad, shape):
    extra = grad.dim() - len(shape)
    if extra > 0:
        grad = grad.sum(dim=tuple(range(grad.dim() - extra, grad.dim())))
    for dim, size in enumerate(shape):
        if size == 1 and grad.shape[dim] != 1:
            grad = grad.sum(dim=dim, keepdim=True)
    return grad
""",
    },
    "2.5": {
        "returns a tuple instead of a list": """
def topo_sort(root):
    order, seen = [], set()
    def visit(node):
        if node not in seen:
            seen.add(node)
            for child in node._children:
                visit(child)
            order.append(node)
    visit(root)
    return tuple(order)
""",
        "root first (the backward order, not the forward one)": """
def topo_sort(root):
    order, seen = [], set()
    def visit(node):
        if node not in seen:
            seen.add(node)
            for child in node._children:
                visit(child)
            order.append(node)
    visit(root)
    return order[::-1]
""",
        "no visited set: shared nodes appear twice": """
def topo_sort(root):
    order = []
    def visit(node):
        for child in node._children:
            visit(child)
        order.append(node)
    visit(root)
    return order
""",
        "reversed breadth-first order": """
def topo_sort(root):
    order, seen, queue = [], {root}, [root]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for child in node._children:
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return order[::-1]
""",
        "only the root and its direct inputs": """
def topo_sort(root):
    return list(dict.fromkeys(root._children)) + [root]
""",
    },
    "2.6": {
        "forward returns float32 (a tensor built from Python floats)": """
class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.tensor(np.logaddexp(0, x.detach().numpy()).tolist())

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * x.sigmoid()
""",
        "forward changes x in place": """
class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x.clone())
        positive = x.clamp(min=0)
        x.abs_().neg_().exp_()
        return positive + (1 + x).log()

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * x.sigmoid()
""",
        "backward changes grad_output in place": """
class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0) + (1 + (-x.abs()).exp()).log()

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output.mul_(x.sigmoid())
""",
        "naive forward overflows": """
class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (1 + x.exp()).log()

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * x.sigmoid()
""",
        "backward forgets grad_output": """
class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0) + (1 + (-x.abs()).exp()).log()

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return x.sigmoid()
""",
        "backward with the wrong sign inside sigmoid": """
class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0) + (1 + (-x.abs()).exp()).log()

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * (-x).sigmoid()
""",
        "unstable sigmoid in backward": """
class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0) + (1 + (-x.abs()).exp()).log()

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * x.exp() / (1 + x.exp())
""",
        "forgets the max(x, 0) term": """
class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (1 + (-x.abs()).exp()).log()

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * x.sigmoid()
""",
    },
    "2.7": {
        "perturbs all of x at once and compares with grad.sum() (errors that cancel pass)": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaf = x.detach().requires_grad_()
    f(leaf).backward()
    numerical = (f(x + eps).item() - f(x - eps).item()) / (2 * eps)
    analytical = leaf.grad.sum().item()
    return abs(analytical - numerical) <= atol + rtol * abs(numerical)
""",
        "returns a tensor instead of a bool": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaf = x.detach().clone().requires_grad_()
    f(leaf).backward()
    flat = x.detach().numpy().reshape(-1)
    numerical = torch.zeros(flat.size, dtype=torch.float64)
    for k in range(flat.size):
        step = np.zeros(flat.size)
        step[k] = eps
        numerical[k] = (f(torch.tensor((flat + step).reshape(x.shape))).item()
                        - f(torch.tensor((flat - step).reshape(x.shape))).item()) / (2 * eps)
    analytical = leaf.grad.reshape(-1)
    return ((analytical - numerical).abs() <= atol + rtol * numerical.abs()).all()
""",
        "perturbs x in place through x.numpy() and never puts it back": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaf = x.detach().clone().requires_grad_()
    f(leaf).backward()
    analytical = leaf.grad.numpy().reshape(-1)
    flat = x.numpy().reshape(-1)
    numerical = np.zeros(flat.size)
    for k in range(flat.size):
        flat[k] += eps
        plus = f(x).item()
        flat[k] -= 2 * eps
        minus = f(x).item()
        numerical[k] = (plus - minus) / (2 * eps)
    return bool(np.all(np.abs(analytical - numerical) <= atol + rtol * np.abs(numerical)))
""",
        "sets requires_grad on x itself": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    x.requires_grad_()
    f(x).backward()
    analytical = x.grad.numpy().reshape(-1)
    flat = x.detach().numpy().reshape(-1)
    numerical = np.zeros(flat.size)
    for k in range(flat.size):
        step = np.zeros(flat.size)
        step[k] = eps
        numerical[k] = (f(torch.tensor((flat + step).reshape(x.shape))).item()
                        - f(torch.tensor((flat - step).reshape(x.shape))).item()) / (2 * eps)
    return bool(np.all(np.abs(analytical - numerical) <= atol + rtol * np.abs(numerical)))
""",
        "always True": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    return True
""",
        "only compares the first element": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaf = x.detach().requires_grad_()
    f(leaf).backward()
    flat = x.detach().numpy().reshape(-1).copy()
    step = np.zeros(flat.size)
    step[0] = eps
    plus = f(torch.tensor((flat + step).reshape(x.shape))).item()
    minus = f(torch.tensor((flat - step).reshape(x.shape))).item()
    numerical = (plus - minus) / (2 * eps)
    return bool(abs(leaf.grad.numpy().reshape(-1)[0] - numerical) <= atol + rtol * abs(numerical))
""",
        "compares absolute values": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaf = x.detach().requires_grad_()
    f(leaf).backward()
    flat = x.detach().numpy().reshape(-1)
    numerical = np.zeros(flat.size)
    for k in range(flat.size):
        step = np.zeros(flat.size)
        step[k] = eps
        numerical[k] = (f(torch.tensor((flat + step).reshape(x.shape))).item()
                        - f(torch.tensor((flat - step).reshape(x.shape))).item()) / (2 * eps)
    return bool(np.allclose(np.abs(leaf.grad.numpy().reshape(-1)), np.abs(numerical), atol=atol, rtol=rtol))
""",
        "exact equality instead of a tolerance": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaf = x.detach().requires_grad_()
    f(leaf).backward()
    flat = x.detach().numpy().reshape(-1)
    numerical = np.zeros(flat.size)
    for k in range(flat.size):
        step = np.zeros(flat.size)
        step[k] = eps
        numerical[k] = (f(torch.tensor((flat + step).reshape(x.shape))).item()
                        - f(torch.tensor((flat - step).reshape(x.shape))).item()) / (2 * eps)
    return bool(np.all(leaf.grad.numpy().reshape(-1) == numerical))
""",
        "absolute tolerance only": """
def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaf = x.detach().requires_grad_()
    f(leaf).backward()
    flat = x.detach().numpy().reshape(-1)
    numerical = np.zeros(flat.size)
    for k in range(flat.size):
        step = np.zeros(flat.size)
        step[k] = eps
        numerical[k] = (f(torch.tensor((flat + step).reshape(x.shape))).item()
                        - f(torch.tensor((flat - step).reshape(x.shape))).item()) / (2 * eps)
    return bool(np.all(np.abs(leaf.grad.numpy().reshape(-1) - numerical) <= atol))
""",
    },
}

# What the grader must say, in its line naming the difference, for mistakes that are not values.
SAYS = {
    ("1.1", "returns a list instead of a tuple"): "returned a list, expected a tuple",
    ("1.3", "returns lists instead of tuples"): "new_shape: returned a list, expected a tuple",
    ("1.4", "zeroes the unmasked elements of x in place"): "your function changed its argument x",
    ("1.4", "float64 result (the mask as double)"): "dtype float64 ≠ expected float32",
    ("1.5", "bool result (forgets .long())"): "dtype bool ≠ expected int64",
    ("1.5", "builds the result with real PyTorch"):
        "got a torch.Tensor from PyTorch; use learntorch",
    ("1.6", "float64 result"): "dtype float64 ≠ expected float32",
    ("2.2", "returns a list instead of a tuple"): "returned a list, expected a tuple",
    ("2.4", "returns a NumPy array"): "returned a NumPy array, expected a learntorch tensor",
    ("2.5", "returns a tuple instead of a list"): "returned a tuple, expected a list",
    ("2.6", "forward returns float32 (a tensor built from Python floats)"):
        "forward: dtype float32 ≠ expected float64",
    ("2.6", "forward changes x in place"): "your forward changed its argument x",
    ("2.6", "backward changes grad_output in place"):
        "your backward changed its argument grad_output",
    ("2.7", "returns a tensor instead of a bool"): "returned a learntorch tensor, expected a bool",
    ("2.7", "perturbs x in place through x.numpy() and never puts it back"):
        "your function changed its argument x",
    ("2.7", "sets requires_grad on x itself"): "your function set requires_grad on its argument x",
}

# Chapter 3's tasks build on each other: a mutant of one task uses correct earlier pieces.
_CH03_BASE = """
nn = torch.nn

def linear_forward(x, weight, bias=None):
    out = x @ weight.T
    return out if bias is None else out + bias

class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})

    def __setattr__(self, name, value):
        if isinstance(value, nn.Parameter):
            self._parameters[name] = value
        elif isinstance(value, (Module, nn.Module)):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def named_parameters(self):
        yield from self._parameters.items()
        for prefix, module in self._modules.items():
            for name, parameter in module.named_parameters():
                yield prefix + "." + name, parameter

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def __call__(self, *args):
        return self.forward(*args)

class Linear(Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        k = 1 / in_features ** 0.5
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-k, k))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-k, k)) if bias else None

    def forward(self, x):
        return linear_forward(x, self.weight, self.bias)

class Sequential(Module):
    def __init__(self, *layers):
        super().__init__()
        for i, layer in enumerate(layers):
            setattr(self, str(i), layer)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x

def cross_entropy(logits, target):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_probs[torch.arange(len(target)), target].mean()

class ReLU(Module):
    def forward(self, x):
        return x.relu()
"""

_CH03_MODULE_TAIL = """
    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def __call__(self, *args):
        return self.forward(*args)
"""


def _ch03_module(setattr_body, named_body):
    """A Module with the given __setattr__ and named_parameters bodies (8-space indented)."""
    return ("\nclass Module:\n    def __init__(self):\n"
            "        object.__setattr__(self, '_parameters', {})\n"
            "        object.__setattr__(self, '_modules', {})\n\n"
            f"    def __setattr__(self, name, value):\n{setattr_body}\n"
            f"    def named_parameters(self):\n{named_body}\n" + _CH03_MODULE_TAIL)


_CH03_REGISTER = """        if isinstance(value, torch.nn.Parameter):
            self._parameters[name] = value
        elif isinstance(value, (Module, torch.nn.Module)):
            self._modules[name] = value
        object.__setattr__(self, name, value)
"""
_CH03_RECURSE = """        yield from self._parameters.items()
        for prefix, module in self._modules.items():
            for name, parameter in module.named_parameters():
                yield prefix + "." + name, parameter
"""


def _ch03_linear(init, forward="linear_forward(x, self.weight, self.bias)"):
    """_CH03_BASE with Linear's __init__ body replaced by ``init`` (8-space indented)."""
    start = _CH03_BASE.index("class Linear(Module):")
    end = _CH03_BASE.index("class Sequential(Module):")
    return (_CH03_BASE[:start] + "class Linear(Module):\n"
            "    def __init__(self, in_features, out_features, bias=True):\n"
            f"        super().__init__()\n{init}\n"
            f"    def forward(self, x):\n        return {forward}\n\n" + _CH03_BASE[end:])


def _ch03_sequential(body):
    """_CH03_BASE with Sequential replaced by ``body``."""
    start = _CH03_BASE.index("class Sequential(Module):")
    end = _CH03_BASE.index("def cross_entropy")
    return _CH03_BASE[:start] + body + "\n" + _CH03_BASE[end:]


_CH03_K = "        k = 1 / in_features ** 0.5\n"
_CH03_SEQUENTIAL_EXTRA = """
    def __len__(self):
        return len(self._modules)

    def __getitem__(self, i):
        return list(self._modules.values())[i]
"""
_CH03_TRAIN = """
def train_classifier(x, y):
    model = Sequential(Linear(64, 32), ReLU(), Linear(32, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for step in range({steps}):
        optimizer.zero_grad()
        loss = cross_entropy(model(x), y)
        loss.backward()
        {step}
    return {result}
"""


def _ch03_silu(forward, backward):
    return ("\nclass SiLU(torch.autograd.Function):\n    @staticmethod\n"
            "    def forward(ctx, x):\n        ctx.save_for_backward(x)\n"
            f"        return {forward}\n\n    @staticmethod\n"
            "    def backward(ctx, grad_output):\n        x, = ctx.saved_tensors\n"
            "        s = torch.sigmoid(x)\n"
            f"        return {backward}\n")


_CH03_LOAD = """
def load_state_dict(module, state):
    own = {own}
    missing = [name for name in own if name not in state]
    unexpected = [name for name in state if name not in own]
    wrong = [name for name in own if name in state and own[name].shape != state[name].shape]
    if {condition}:
        raise RuntimeError("missing " + str(missing) + " unexpected " + str(unexpected))
    with torch.no_grad():
        for name, tensor in own.items():
            {copy}
"""


def _ch03_load(own="module.state_dict()", condition="missing or unexpected or wrong",
               copy="tensor.copy_(state[name])"):
    return _CH03_LOAD.format(own=own, condition=condition, copy=copy)


MUTANTS.update({
    "3.1": {
        "forgets the transpose": """
def linear_forward(x, weight, bias=None):
    out = x @ weight
    return out if bias is None else out + bias
""",
        "ignores the bias": """
def linear_forward(x, weight, bias=None):
    return x @ weight.T
""",
        "always adds the bias (crashes on None)": """
def linear_forward(x, weight, bias=None):
    return x @ weight.T + bias
""",
        "transposes the product instead of the weight": """
def linear_forward(x, weight, bias=None):
    out = (weight @ x.T).T if x.dim() == 2 else x @ weight.T
    out = out.T if out.shape[0] != x.shape[0] else out
    return out if bias is None else out + bias.sum()
""",
    },
    "3.2": {
        "does not recurse into sub-modules": _ch03_module(
            _CH03_REGISTER, "        yield from self._parameters.items()\n"),
        "names sub-module parameters without the prefix": _ch03_module(
            _CH03_REGISTER, """        yield from self._parameters.items()
        for module in self._modules.values():
            yield from module.named_parameters()
"""),
        "registers every tensor as a parameter": _ch03_module(
            """        if isinstance(value, torch.Tensor):
            self._parameters[name] = value
        elif isinstance(value, (Module, torch.nn.Module)):
            self._modules[name] = value
        object.__setattr__(self, name, value)
""", _CH03_RECURSE),
        "sub-modules' parameters before its own": _ch03_module(
            _CH03_REGISTER, """        for prefix, module in self._modules.items():
            for name, parameter in module.named_parameters():
                yield prefix + "." + name, parameter
        yield from self._parameters.items()
"""),
        "registers but never sets the attribute": _ch03_module(
            """        if isinstance(value, torch.nn.Parameter):
            self._parameters[name] = value
        elif isinstance(value, (Module, torch.nn.Module)):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)
""", _CH03_RECURSE),
        "__call__ forgets to return": _ch03_module(_CH03_REGISTER, _CH03_RECURSE).replace(
            "return self.forward(*args)", "self.forward(*args)"),
    },
    "3.3": {
        "weight stored (in_features, out_features)": _ch03_linear(
            _CH03_K + """        self.weight = nn.Parameter(torch.empty(in_features, out_features).uniform_(-k, k))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-k, k)) if bias else None
""", forward="x @ self.weight + (0 if self.bias is None else self.bias)"),
        "standard normal initialisation": _ch03_linear("""        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.randn(out_features)) if bias else None
"""),
        "creates a bias even with bias=False": _ch03_linear(
            _CH03_K + """        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-k, k))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-k, k))
"""),
        "bias before weight": _ch03_linear(
            _CH03_K + """        b = torch.empty(out_features).uniform_(-k, k)
        self.bias = nn.Parameter(b) if bias else None
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-k, k))
"""),
        "plain tensors, not Parameters": _ch03_linear(
            _CH03_K + """        self.weight = torch.empty(out_features, in_features).uniform_(-k, k).requires_grad_()
        self.bias = torch.empty(out_features).uniform_(-k, k).requires_grad_() if bias else None
"""),
    },
    "3.4": {
        "sum instead of mean": """
def mse_loss(pred, target):
    return ((pred - target) ** 2).sum()
""",
        "mean absolute error": """
def mse_loss(pred, target):
    return (pred - target).abs().mean()
""",
        "squares the mean difference": """
def mse_loss(pred, target):
    return (pred - target).mean() ** 2
""",
        "computes in float64": """
def mse_loss(pred, target):
    return ((pred.double() - target.double()) ** 2).mean()
""",
    },
    "3.5": {
        "log-sum-exp without subtracting the max": """
def cross_entropy(logits, target):
    log_probs = logits - logits.exp().sum(dim=1, keepdim=True).log()
    return -log_probs[torch.arange(len(target)), target].mean()
""",
        "sum over the batch instead of the mean": """
def cross_entropy(logits, target):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_probs[torch.arange(len(target)), target].sum()
""",
        "forgets the minus sign": """
def cross_entropy(logits, target):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return log_probs[torch.arange(len(target)), target].mean()
""",
        "picks the largest logit, not the target's": """
def cross_entropy(logits, target):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_probs.max(dim=1).values.mean()
""",
        "detaches the max through NumPy (no gradient)": """
def cross_entropy(logits, target):
    z = logits.detach().numpy()
    m = z.max(axis=1, keepdims=True)
    log_probs = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return torch.tensor(-log_probs[np.arange(len(z)), target.numpy()].mean(), dtype=logits.dtype)
""",
    },
    "3.6": {
        "keeps the layers in a list, unregistered": _ch03_sequential("""
class Sequential(Module):
    def __init__(self, *layers):
        super().__init__()
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]
"""),
        "numbers the layers from 1": _ch03_sequential("""
class Sequential(Module):
    def __init__(self, *layers):
        super().__init__()
        for i, layer in enumerate(layers):
            setattr(self, str(i + 1), layer)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x
""" + _CH03_SEQUENTIAL_EXTRA),
        "runs the layers in reverse order": _ch03_sequential("""
class Sequential(Module):
    def __init__(self, *layers):
        super().__init__()
        for i, layer in enumerate(layers):
            setattr(self, str(i), layer)

    def forward(self, x):
        for layer in reversed(list(self._modules.values())):
            x = layer(x)
        return x
""" + _CH03_SEQUENTIAL_EXTRA),
        "returns None with no layers": _ch03_sequential("""
class Sequential(Module):
    def __init__(self, *layers):
        super().__init__()
        for i, layer in enumerate(layers):
            setattr(self, str(i), layer)

    def forward(self, x):
        out = None
        for layer in self._modules.values():
            x = out = layer(x)
        return out
""" + _CH03_SEQUENTIAL_EXTRA),
    },
    "3.7": {
        "replaces the parameters with new ones": """
def load_state_dict(module, state):
    own = module.state_dict()
    if set(own) != set(state) or any(own[k].shape != state[k].shape for k in own):
        raise RuntimeError("keys or shapes differ")
    for name, value in state.items():
        *path, leaf = name.split(".")
        owner = module
        for part in path:
            owner = getattr(owner, part)
        old = getattr(owner, leaf)
        setattr(owner, leaf, torch.nn.Parameter(value.clone()) if isinstance(old, torch.nn.Parameter)
                else value.clone())
""",
        "ignores unexpected keys": _ch03_load(condition="missing or wrong"),
        "skips the buffers (named_parameters only)": _ch03_load(own="dict(module.named_parameters())"),
        "no check at all": _ch03_load(condition="False"),
    },
    "3.8": {
        "backward uses sigmoid's derivative only": _ch03_silu(
            "x * torch.sigmoid(x)", "grad_output * s * (1 - s)"),
        "backward ignores grad_output": _ch03_silu(
            "x * torch.sigmoid(x)", "s * (1 + x * (1 - s))"),
        "backward forgets the product rule's first term": _ch03_silu(
            "x * torch.sigmoid(x)", "grad_output * x * s * (1 - s)"),
        "forward is sigmoid alone": _ch03_silu("torch.sigmoid(x)", "grad_output * s * (1 - s)"),
    },
    "3.9": {
        "uses learntorch's nn.Linear": _CH03_BASE + _CH03_TRAIN.format(
            steps=300, step="optimizer.step()", result="model").replace(
            "Linear(64, 32)", "torch.nn.Linear(64, 32)"),
        "never calls optimizer.step()": _CH03_BASE + _CH03_TRAIN.format(
            steps=300, step="pass", result="model"),
        "trains for 2 steps only": _CH03_BASE + _CH03_TRAIN.format(
            steps=2, step="optimizer.step()", result="model"),
        "returns the loss instead of the model": _CH03_BASE + _CH03_TRAIN.format(
            steps=300, step="optimizer.step()", result="loss"),
    },
})

SAYS.update({
    ("3.4", "computes in float64"): "dtype float64 ≠ expected float32",
})

# Chapters 4-6 keep their mutants in their own files (one author per chapter).
import mutants_ch04, mutants_ch05, mutants_ch06  # noqa: E402

for _chapter in (mutants_ch04, mutants_ch05, mutants_ch06):
    MUTANTS.update(_chapter.MUTANTS)
    SAYS.update(_chapter.SAYS)
