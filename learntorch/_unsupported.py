"""What learntorch leaves out on purpose, and the error that says so.

Some of torch's families need what learntorch's NumPy kernels do not have (complex autograd,
sparse layouts, quantized integer kernels, bfloat16/float8 dtypes) or belong to torch's compiler
and C++ runtime (TorchScript, FX, dispatch keys, symbolic shapes). Reaching for one of them —
``torch.sparse_coo_tensor``, ``x.to_sparse()``, ``torch.complex64`` — raises an AttributeError
that names the family, instead of the bare "has no attribute" a typo gets. README's "What
learntorch leaves out" lists the same families; tests/unit/test_torch_surface.py keeps the two
in step and derives the rest of the surface from the installed torch.
"""
import re

# family: (why it is left out, the torch names it covers — one regular expression)
FAMILIES = {
    "complex dtypes": (
        "learntorch's kernels and autograd are real-valued; complex64/complex128 tensors exist "
        "only as torch.fft results (and view_as_complex, complex, polar) with a few operations",
        r"complex32|chalf|Complex\w*Storage|view_as_(complex|real)_copy|stft|istft"),
    "sparse layouts": (
        "every learntorch tensor is a dense strided NumPy array",
        r"sparse\w*|\w*_sparse\w*|to_dense|spmm|saddmm|hspmm|sspaddmm|smm|dsmm|hsmm"
        r"|(c?col|crow|row)_indices(_copy)?|(indices|values)(_copy)?|coalesce|is_coalesced"
        r"|dense_dim|sparse_dim"),
    "quantization": (
        "quantized tensors need integer kernels with scales and zero points",
        r"q_\w+|qscheme|q?u?int\d+x?\d*Storage|Q(U)?Int\w*Storage|quint\w*|qint\w*|quantiz\w*"
        r"|dequantize|int_repr|fake_quantize\w*|fused_moving_avg_obs_fake_quant"
        r"|choose_qparams_optimized|per_(channel|tensor)_\w+|empty_quantized|fbgemm_\w+|ao"),
    "named tensors": ("dimensions are positions, as in most PyTorch code", r"name|names"),
    "nested tensors": ("a tensor has one rectangular shape", r"nested|jagged|to_padded_tensor"),
    "accelerator backends other than CPU and CUDA": (
        "learntorch runs on NumPy (CPU) and CuPy (CUDA) only",
        r"(mkldnn|miopen|cudnn)_\w+|to_mkldnn|xpu|mps|mtia|ipu|is_vulkan_available"),
    "low-precision dtypes NumPy lacks": (
        "NumPy has no bfloat16, float8, float4 or sub-byte integers (nor the float8 scaled matmuls)",
        r"bfloat16|BFloat16\w*|float8_\w+|float4_\w+|bit|bits\d\w*|u?int[1-7]"
        r"|scaled_mm|scaled_grouped_mm|grouped_mm|ScalingType|SwizzleType"),
    "mixed precision (autocast, amp)": (
        "autocast on CPU computes in bfloat16, which NumPy lacks",
        r"\w*autocast\w*|amp|GradScaler"),
    "TorchScript, FX, export and compiler internals": (
        "learntorch is eager only (torch.compile returns its argument unchanged)",
        r"jit|fx|export|onnx|compiler|package|library|classes|cpp|parse_ir|parse_schema"
        r"|import_ir_module\w*"
        r"|fork|wait|futures|Future|FutureType|merge_type_from_type_comment|parse_type_comment"
        r"|unify_type_list|FileCheck|FunctionSchema|Argument|ArgumentSpec|CompleteArgumentSpec"
        r"|AliasDb|Script\w*|LiteScriptModule|CompilationUnit|ConcreteModuleType\w*|Code|Graph"
        r"|GraphExecutorState|ExecutionPlan|Gradient|Node|Value|Block|Use|IODescriptor"
        r"|\w+Type|Type|InferredType|CallStack|ErrorReport|JITException|DeepCopyMemoTable"
        r"|\w*SerializationStorageContext|DeserializationStorageContext|ScriptModuleSerializer"
        r"|PyTorchFile(Reader|Writer)|StaticModule|TracingState|Capsule|BufferDict|ModuleDict"
        r"|ParameterDict|FatalError"),
    "dispatcher and symbolic-shape internals": (
        "they are hooks into torch's C++ dispatcher and its tracing compiler",
        r"DispatchKey\w*|ExcludeDispatchKeyGuard|DisableTorchFunction\w*|Tag|OperatorInfo"
        r"|PRIVATE_OPS|Sym(Int|Float|Bool)|sym_fresh_size|sym_constrain_range\w*|overrides"
        r"|BenchmarkConfig|BenchmarkExecutionStats|ThroughputBenchmark|\w*Logger\w*|AggregationType"
        r"|AVG|SUM|monitor|profiler\w*|hash_tensor|slice_inverse|thread_safe_generator"
        r"|classproperty|Stream|Event|StreamObjType|DeviceObjType"),
    "prototype tensor subclasses": (
        "masked tensors and first-class dimensions are prototypes in torch itself",
        r"masked|index"),
    "torch's own build and module layout": (
        "flags of how torch was built and loaded, and modules whose functions learntorch keeps "
        "at the top level",
        r"TYPE_CHECKING|USE_GLOBAL_DEPS|USE_RTLD_GLOBAL_WITH_LIBTORCH|get_file_path"
        r"|prepare_multiprocessing_environment|torch|types|functional"),
    "legacy classes that no longer run in torch": (
        "torch keeps them for old imports, but calling them fails in torch 2.13 too",
        r"NestedIOFunction"),
    "distributed training": (
        "one process, one device; torch.distributed.is_available() is False",
        r"is_distributed|distributed_\w+"),
}

_PATTERNS = {family: re.compile(f"(?:{pattern})") for family, (_, pattern) in FAMILIES.items()}


def family_of(name):
    """The family a torch name belongs to if learntorch leaves it out, else None."""
    for family, pattern in _PATTERNS.items():
        if pattern.fullmatch(name):
            return family
    return None


def missing(owner, name):
    """The AttributeError for ``owner.name`` that learntorch does not have: it names the family
    when the name is one learntorch leaves out on purpose."""
    family = family_of(name)
    if family is None:
        return AttributeError(f"{owner} has no attribute '{name}'")
    return AttributeError(f"{owner} has no attribute '{name}': learntorch does not support "
                          f"{family} ({FAMILIES[family][0]}; see README, 'What learntorch leaves "
                          f"out')")
