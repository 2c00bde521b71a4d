"""``backends.cpu``: the widest SIMD instruction set NumPy's kernels use on this CPU."""


def get_cpu_capability():
    """``"AVX512"``, ``"AVX2"``, ``"DEFAULT"`` … in torch's words (NumPy's dispatch decides)."""
    from .. import cpu
    features = cpu.get_capabilities()
    for name, word in (("avx512_skx", "AVX512"), ("avx512f", "AVX512"), ("avx2", "AVX2"),
                       ("asimd", "NEON"), ("neon", "NEON")):
        if features.get(name):
            return word
    return "DEFAULT"
