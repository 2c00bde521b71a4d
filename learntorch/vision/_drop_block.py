"""DropBlock (Ghiasi et al. 2018): dropout that zeroes whole ``block_size`` squares (cubes) of
a feature map, so that neighbouring, correlated activations cannot stand in for a dropped one.

The random draws are torchvision's (one ``bernoulli_`` on the block centres), so after the same
seed the same blocks are dropped."""
from .. import empty, nn
from ..nn import functional as F

__all__ = ["DropBlock2d", "DropBlock3d", "drop_block2d", "drop_block3d"]


def _drop_block(input, p, block_size, inplace, eps, training, ndim):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}.")
    if input.ndim != ndim + 2:
        raise ValueError(f"input should be {ndim + 2} dimensional. Got {input.ndim} dimensions.")
    if not training or p == 0.0:
        return input
    sizes = input.shape[2:]
    block_size = min(block_size, *sizes)
    if block_size % 2 == 0:
        raise ValueError(f"block size should be odd. Got {block_size} which is even.")
    valid, total = 1, 1
    for s in sizes:
        valid, total = valid * (s - block_size + 1), total * s
    # the centre rate that makes the expected dropped fraction p
    gamma = p * total / (block_size ** ndim * valid)
    noise = empty((*input.shape[:2], *(s - block_size + 1 for s in sizes)), dtype=input.dtype,
                  device=input.device)
    noise.bernoulli_(gamma)
    noise = F.pad(noise, [block_size // 2] * (2 * ndim), value=0)
    pool = F.max_pool2d if ndim == 2 else F.max_pool3d
    noise = pool(noise, stride=(1,) * ndim, kernel_size=(block_size,) * ndim,
                 padding=block_size // 2)
    noise = 1 - noise
    normalize_scale = noise.numel() / (eps + noise.sum())
    if inplace:
        return input.mul_(noise).mul_(normalize_scale)
    return input * noise * normalize_scale


def drop_block2d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on ``[N, C, H, W]``; survivors are rescaled so the mean is kept."""
    return _drop_block(input, p, block_size, inplace, eps, training, 2)


def drop_block3d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on ``[N, C, D, H, W]``."""
    return _drop_block(input, p, block_size, inplace, eps, training, 3)


class DropBlock2d(nn.Module):
    """See :func:`drop_block2d`."""

    def __init__(self, p, block_size, inplace=False, eps=1e-06):
        super().__init__()
        self.p = p
        self.block_size = block_size
        self.inplace = inplace
        self.eps = eps

    def forward(self, input):
        return drop_block2d(input, self.p, self.block_size, self.inplace, self.eps, self.training)

    def __repr__(self):
        return (f"{self.__class__.__name__}(p={self.p}, block_size={self.block_size}, "
                f"inplace={self.inplace})")


class DropBlock3d(DropBlock2d):
    """See :func:`drop_block3d`."""

    def forward(self, input):
        return drop_block3d(input, self.p, self.block_size, self.inplace, self.eps, self.training)
