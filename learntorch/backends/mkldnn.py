"""``backends.mkldnn``: oneDNN kernels are torch's; learntorch's convolutions are NumPy matmuls."""
enabled = True


def is_available():
    return False
