"""The autograd and torch.func tutorials as programs: per-sample gradients, Jacobians and
Hessians, model ensembling with vmap, torch.autograd.functional, double backward through a
custom Function, forward-mode AD, and the recipes around state_dicts (warm-starting, several
models in one file, zeroing gradients).

Each program runs on ``torch`` (real torch, or learntorch imported as torch); program_harness
runs it both ways from the same seed and compares what the tutorial prints.
"""
import pytest

from program_harness import assert_same_run


def per_sample_gradients(torch):
    """"Per-sample-gradients" (torch.func): a small CNN, the naive loop of per-example
    backward passes, then functional_call + grad + vmap over detached params and buffers;
    both agree."""
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.func import functional_call, vmap, grad

    class SimpleCNN(nn.Module):
        def __init__(self):
            super(SimpleCNN, self).__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, 1)
            self.conv2 = nn.Conv2d(4, 8, 3, 1)
            self.fc1 = nn.Linear(8 * 2 * 2, 16)
            self.fc2 = nn.Linear(16, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = torch.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.fc2(x)
            output = F.log_softmax(x, dim=1)
            return output

    def loss_fn(predictions, targets):
        return F.nll_loss(predictions, targets)

    torch.manual_seed(0)
    batch_size = 6
    data = torch.randn(batch_size, 1, 8, 8)
    targets = torch.randint(10, (batch_size,))
    model = SimpleCNN()

    def compute_grad(sample, target):
        sample = sample.unsqueeze(0)
        target = target.unsqueeze(0)
        prediction = model(sample)
        loss = loss_fn(prediction, target)
        return torch.autograd.grad(loss, list(model.parameters()))

    def compute_sample_grads(data, targets):
        sample_grads = [compute_grad(data[i], targets[i]) for i in range(batch_size)]
        sample_grads = zip(*sample_grads)
        sample_grads = [torch.stack(shards) for shards in sample_grads]
        return sample_grads

    per_sample_grads = compute_sample_grads(data, targets)
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch = sample.unsqueeze(0)
        targets = target.unsqueeze(0)
        predictions = functional_call(model, (params, buffers), (batch,))
        loss = loss_fn(predictions, targets)
        return loss

    ft_compute_grad = grad(compute_loss)
    ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
    ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
    agree = [bool(torch.allclose(per_sample_grad, ft_per_sample_grad, atol=3e-3, rtol=1e-5))
             for per_sample_grad, ft_per_sample_grad in zip(per_sample_grads,
                                                            ft_per_sample_grads.values())]
    return {"per_sample": per_sample_grads, "vmapped": ft_per_sample_grads, "agree": agree}


def jacobians_and_hessians(torch):
    """"Jacobians, Hessians, hvp, vhp, and more" (torch.func): jacrev of a linear-tanh
    predict, vmap over a batch, jacfwd, argnums=(0, 1), hessian, and an hvp from jvp of grad;
    the same through torch.autograd.functional."""
    import torch.nn.functional as F
    from torch.func import jacrev, jacfwd, vmap, hessian, jvp, grad
    torch.manual_seed(0)

    def predict(weight, bias, x):
        return F.linear(x, weight, bias).tanh()

    D = 8
    weight = torch.randn(D, D)
    bias = torch.randn(D)
    x = torch.randn(D)

    def compute_jac(xp):
        jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                         for vec in unit_vectors]
        return torch.stack(jacobian_rows)

    xp = x.clone().requires_grad_()
    unit_vectors = torch.eye(D)
    jacobian = compute_jac(xp)
    ft_jacobian = jacrev(predict, argnums=2)(weight, bias, x)
    ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
    batch_size = 4
    x_batch = torch.randn(batch_size, D)
    compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
    batch_jacobian0 = compute_batch_jacobian(weight, bias, x_batch)
    jacfwd_jacobian = jacfwd(predict, argnums=2)(weight, bias, x)
    hess_api = hessian(predict, argnums=2)(weight, bias, x)
    hess_fwdrev = jacfwd(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)

    def f(x):
        return x.sin().sum()

    def hvp(f, primals, tangents):
        return jvp(grad(f), primals, tangents)[1]

    tangent = torch.randn(D)
    from torch.autograd.functional import jacobian as af_jacobian, hessian as af_hessian
    from torch.autograd.functional import vjp as af_vjp, hvp as af_hvp
    return {"jacobian": jacobian, "ft_jacobian": ft_jacobian, "jac_weight": ft_jac_weight,
            "jac_bias": ft_jac_bias, "batch": batch_jacobian0, "jacfwd": jacfwd_jacobian,
            "hessian": hess_api, "fwdrev": hess_fwdrev, "hvp": hvp(f, (x,), (tangent,)),
            "af_jacobian": af_jacobian(lambda x: predict(weight, bias, x), x),
            "af_hessian": af_hessian(f, x),
            "af_vjp": af_vjp(lambda x: predict(weight, bias, x), x, tangent),
            "af_hvp": af_hvp(f, x, tangent)}


def model_ensembling(torch):
    """"Model ensembling" (torch.func): stack_module_state of several MLPs, a 'meta' base model,
    functional_call under vmap with the same or different minibatches per model."""
    import copy
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.func import stack_module_state, functional_call, vmap

    class SimpleMLP(nn.Module):
        def __init__(self):
            super(SimpleMLP, self).__init__()
            self.fc1 = nn.Linear(784, 32)
            self.fc2 = nn.Linear(32, 16)
            self.fc3 = nn.Linear(16, 10)

        def forward(self, x):
            x = x.flatten(1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.fc2(x)
            x = F.relu(x)
            x = self.fc3(x)
            return x

    torch.manual_seed(0)
    num_models = 4
    data = torch.randn(8, 1, 28, 28)
    minibatches = data[:4].unsqueeze(0).expand(num_models, -1, -1, -1, -1)
    models = [SimpleMLP() for _ in range(num_models)]
    predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch
                                       in zip(models, data.view(num_models, 2, 1, 28, 28))]
    params, buffers = stack_module_state(models)
    base_model = copy.deepcopy(models[0])
    base_model = base_model.to('meta')

    def fmodel(params, buffers, x):
        return functional_call(base_model, (params, buffers), (x,))

    minibatch = data[:4]
    predictions1_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
    predictions2_vmap = vmap(fmodel)(params, buffers, data.view(num_models, 2, 1, 28, 28))
    loop = torch.stack([model(minibatch) for model in models])
    return {"stacked": [tuple(v.shape) for v in params.values()], "same": predictions1_vmap,
            "loop": loop, "different": predictions2_vmap,
            "different_loop": torch.stack(predictions_diff_minibatch_loop),
            "minibatches": tuple(minibatches.shape)}


def double_backward_custom_function(torch):
    """"Double Backward with Custom Functions": a Function whose backward is written in
    differentiable ops (so create_graph works), saving the output; checked with gradcheck and
    gradgradcheck in double precision."""

    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = torch.exp(x)
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_out):
            result, = ctx.saved_tensors
            return result * grad_out

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, grad_out):
            x, = ctx.saved_tensors
            return grad_out * 2 * x

    torch.manual_seed(0)
    x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
    checks = [torch.autograd.gradcheck(Exp.apply, x), torch.autograd.gradgradcheck(Exp.apply, x),
              torch.autograd.gradcheck(Square.apply, x),
              torch.autograd.gradgradcheck(Square.apply, x)]
    y = Square.apply(x)
    g, = torch.autograd.grad(y.sum(), x, create_graph=True)
    gg, = torch.autograd.grad(g.sum(), x)
    e = Exp.apply(x)
    ge, = torch.autograd.grad(e.sum(), x, create_graph=True)
    gge, = torch.autograd.grad(ge.sum(), x)
    return {"checks": checks, "g": g, "gg": gg, "ge": ge, "gge": gge}


def forward_mode_ad(torch):
    """"Forward-mode Automatic Differentiation": dual_level, make_dual, unpack_dual, a
    jvp through an nn.Module's functional call."""
    import torch.autograd.forward_ad as fwAD
    torch.manual_seed(0)
    primal = torch.randn(10, 10)
    tangent = torch.randn(10, 10)

    def fn(x, y):
        return x ** 2 + y ** 2

    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        plain_tensor = torch.randn(10, 10)
        dual_output = fn(dual_input, plain_tensor)
        jvp = fwAD.unpack_dual(dual_output).tangent
    return {"init_plain": plain_tensor, "jvp": jvp,
            "expected": bool(torch.allclose(jvp, 2 * primal * tangent))}


def state_dict_recipes(torch, tmp_path):
    """Recipes "What is a state_dict", "Saving and loading multiple models in one file",
    "Warmstarting a model using parameters from a different model" (strict=False, missing and
    unexpected keys) and "Zeroing out gradients"."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim

    class NetA(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, 3)
            self.bn = nn.BatchNorm2d(4)
            self.fc1 = nn.Linear(4 * 3 * 3, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.bn(self.conv1(x))), 2)
            return self.fc1(torch.flatten(x, 1))

    class NetB(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, 3)
            self.fc2 = nn.Linear(10, 2)

    torch.manual_seed(0)
    netA, netB = NetA(), NetB()
    optimizerA = optim.SGD(netA.parameters(), lr=0.001, momentum=0.9)
    optimizerB = optim.Adam(netB.parameters(), lr=0.01)
    listing = [(k, tuple(v.size())) for k, v in netA.state_dict().items()]
    x, y = torch.randn(4, 3, 8, 8), torch.randint(0, 10, (4,))
    grads_seen = []
    for i in range(3):
        optimizerA.zero_grad()
        loss = F.cross_entropy(netA(x), y)
        loss.backward()
        grads_seen.append(netA.fc1.bias.grad.clone())
        optimizerA.step()
    optimizerA.zero_grad(set_to_none=False)
    zeroed = netA.fc1.bias.grad.clone()
    optimizerA.zero_grad()
    PATH = str(tmp_path / "model.pt")
    torch.save({'modelA_state_dict': netA.state_dict(),
                'modelB_state_dict': netB.state_dict(),
                'optimizerA_state_dict': optimizerA.state_dict(),
                'optimizerB_state_dict': optimizerB.state_dict()}, PATH)
    modelA, modelB = NetA(), NetB()
    checkpoint = torch.load(PATH, weights_only=True)
    modelA.load_state_dict(checkpoint['modelA_state_dict'])
    modelB.load_state_dict(checkpoint['modelB_state_dict'])
    optA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
    optA.load_state_dict(checkpoint['optimizerA_state_dict'])
    modelA.eval()
    torch.save(netA.state_dict(), str(tmp_path / "netA.pt"))
    warm = NetB()
    result = warm.load_state_dict(torch.load(str(tmp_path / "netA.pt"), weights_only=True),
                                  strict=False)
    return {"listing": listing, "grads_seen": grads_seen, "zeroed": zeroed,
            "none_after": netA.fc1.bias.grad is None, "eval_out": modelA(x),
            "opt_state": optA.state_dict()["param_groups"],
            "missing": sorted(result.missing_keys), "unexpected": sorted(result.unexpected_keys),
            "warm_conv": bool(torch.equal(warm.conv1.weight, netA.conv1.weight)),
            "num_batches": checkpoint['modelA_state_dict']['bn.num_batches_tracked']}


def neural_tangent_kernels(torch):
    """"Neural Tangent Kernels" (torch.func): a small CNN made functional with
    functional_call, per-example Jacobians with vmap(jacrev), the empirical NTK by contracting
    them with einsum (full and trace), and the same NTK from vmap'd vjp/jvp products."""
    import torch.nn as nn
    from torch.func import functional_call, vmap, vjp, jvp, jacrev

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, (3, 3))
            self.conv2 = nn.Conv2d(4, 4, (3, 3))
            self.conv3 = nn.Conv2d(4, 4, (3, 3))
            self.fc = nn.Linear(4, 5)

        def forward(self, x):
            x = self.conv1(x)
            x = x.relu()
            x = self.conv2(x)
            x = x.relu()
            x = self.conv3(x)
            x = x.mean((2, 3))
            x = self.fc(x)
            return x

    torch.manual_seed(0)
    x_train = torch.randn(4, 3, 8, 8)
    x_test = torch.randn(3, 3, 8, 8)
    net = CNN()
    params = {k: v.detach() for k, v in net.named_parameters()}

    def fnet_single(params, x):
        return functional_call(net, params, (x.unsqueeze(0),)).squeeze(0)

    def empirical_ntk_jacobian_contraction(fnet_single, params, x1, x2, compute='full'):
        jac1 = vmap(jacrev(fnet_single), (None, 0))(params, x1)
        jac1 = jac1.values()
        jac1 = [j.flatten(2) for j in jac1]
        jac2 = vmap(jacrev(fnet_single), (None, 0))(params, x2)
        jac2 = jac2.values()
        jac2 = [j.flatten(2) for j in jac2]
        einsum_expr = None
        if compute == 'full':
            einsum_expr = 'Naf,Mbf->NMab'
        elif compute == 'trace':
            einsum_expr = 'Naf,Maf->NM'
        result = torch.stack([torch.einsum(einsum_expr, j1, j2) for j1, j2 in zip(jac1, jac2)])
        result = result.sum(0)
        return result

    def empirical_ntk_ntk_vps(func, params, x1, x2, compute='full'):
        def get_ntk(x1, x2):
            def func_x1(params):
                return func(params, x1)

            def func_x2(params):
                return func(params, x2)

            output, vjp_fn = vjp(func_x1, params)

            def get_ntk_slice(vec):
                vjps = vjp_fn(vec)
                _, jvps = jvp(func_x2, (params,), vjps)
                return jvps

            basis = torch.eye(output.numel(), dtype=output.dtype,
                              device=output.device).view(output.numel(), -1)
            return vmap(get_ntk_slice)(basis)

        result = vmap(vmap(get_ntk, (None, 0)), (0, None))(x1, x2)
        if compute == 'full':
            return result
        if compute == 'trace':
            return torch.einsum('NMKK->NM', result)

    full = empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test)
    trace = empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test, 'trace')
    vps = empirical_ntk_ntk_vps(fnet_single, params, x_train, x_test)
    return {"full": full, "trace": trace, "vps": vps,
            "agree": bool(torch.allclose(full, vps, atol=1e-5))}


PROGRAMS = [neural_tangent_kernels, per_sample_gradients, jacobians_and_hessians,
            model_ensembling, double_backward_custom_function, state_dict_recipes,
            forward_mode_ad]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_runs_unchanged_and_matches_torch(program, tmp_path):
    assert_same_run(program, tmp_path=tmp_path)
