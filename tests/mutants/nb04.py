"""Mutants for notebook 04 (SGD and its variants): edits of the solution cells (tests/mutation.py)."""
from mutation import edit as e, rewrite as r

NOTEBOOK = "04_sgd"
ORDER, STOP, LOOP = "order = rng.permutation(n)", "stop = n - n % batch_size if drop_last else n", \
    "range(0, stop, batch_size)"
V_MOM, V_ADAM = 'v = beta * state.get("v", np.zeros_like(phi)) + alpha * grad', 'gamma * state.get("v", np.zeros_like(phi))'
T, RET = 't = state.get("t", 0) + 1', "return phi - alpha * m_hat / (np.sqrt(v_hat) + epsilon)"
GLOBAL_V = e(V_MOM, 'global _V\n    _V = beta * globals().get("_V", np.zeros_like(phi)) + alpha * grad; v = _V')


def rm(body):
    """A robbins_monro_rate that returns `body`."""
    return e("return alpha0 / (1 + k / tau)", "return " + body)


MUTANTS = {
    "minibatches": {"wrong": {
        "shuffles once and reuses the order (no reshuffle)": (e(ORDER, "order = globals().setdefault(('o', n), "
                                                               "rng.permutation(n))"), "does not reshuffle"),
        "fixed seed inside (same order every epoch)": (e(ORDER, "order = np.random.default_rng(0).permutation(n)"),
                                                       "does not reshuffle"),
        "ignores the rng (global np.random)": (e(ORDER, "order = np.random.permutation(n)"), "ignores the rng"),
        "drops the last partial batch silently": (e(LOOP, "range(0, n - batch_size + 1, batch_size)"),
                                                  "drops the last partial batch"),
        "samples with replacement (rng.integers)": (e(ORDER, "order = rng.integers(0, n, size=n)"), "with replacement"),
        "samples with replacement (rng.choice default)": (e(ORDER, "order = rng.choice(n, size=n)"), "with replacement"),
        "no shuffle at all": (e(ORDER, "order = np.arange(n)"), "does not shuffle at all"),
        "shuffles only the order of the batches": (e("for start in range(0, stop, batch_size):\n        yield "
                                                     "order[start:start + batch_size]", "for start in rng.permutation("
                                                     "np.arange(0, stop, batch_size)):\n        yield np.arange(start, "
                                                     "min(start + batch_size, n))"), "only the order of the batches"),
        "ignores drop_last": (e(STOP, "stop = n"), "ignores drop_last"),
        "off by one: an empty batch at the end": (e(LOOP, "range(0, (n // batch_size + (not drop_last)) * batch_size, "
                                                    "batch_size)"), "empty batch"),
        "np.array_split (unequal batches)": (r("def minibatches(n, batch_size, rng, drop_last=False):\n    return "
                                               "np.array_split(rng.permutation(n), int(np.ceil(n / batch_size)))\n"),
                                             "unequal sizes"),
        "a random rotation instead of a shuffle": (e(ORDER, "order = np.roll(np.arange(n)[::-1] if rng.integers(2) "
                                                     "else np.arange(n), rng.integers(n))"), "only some orders"),
        "draws from a copy of rng": (e(ORDER, "order = copy.deepcopy(rng).permutation(n)")
                                     & e("    ### BEGIN SOLUTION\n", "    import copy\n"), "copy of rng"),
        "a last batch of one example dropped (loop stops at n - 1)": (e(STOP, "stop = n - n % batch_size if drop_last "
                                                                      "else n - 1"), "stop at n - 1"),
        "one example kept in its place": (e(ORDER, "order = np.r_[rng.permutation(n - 1), n - 1]"), "only some orders"),
    }, "right": {
        "rng.shuffle and a while loop": r('def minibatches(n, batch_size, rng, drop_last=False):\n'
                                          '    idx, start = np.arange(n), 0\n    rng.shuffle(idx)\n'
                                          '    while start < n and not (drop_last and start + batch_size > n):\n'
                                          '        yield idx[start:start + batch_size]\n        start += batch_size\n'),
        "a list of batches from rng.choice without replacement":
            e(ORDER, "order = rng.choice(n, size=n, replace=False)")
            & e("    for start in range(0, stop, batch_size):\n        yield order[start:start + batch_size]",
                "    return [order[i:i + batch_size] for i in range(0, stop, batch_size)]"),
        "torch.randperm seeded from rng": e(ORDER, "order = torch.randperm(n, generator=torch.Generator()"
                                            ".manual_seed(int(rng.integers(2 ** 62)))).numpy()"),
    }},
    "sgd_step": {"wrong": {
        "gradient ascent": (e("return phi - alpha * grad", "return phi + alpha * grad"), "ascent"),
        "changes phi in place": (e("return phi - alpha * grad", "phi -= alpha * grad\n    return phi"), "in place"),
        "ignores alpha": (e("return phi - alpha * grad", "return phi - grad"), "ignores alpha"),
        "hard-coded default alpha": (e("return phi - alpha * grad", "return phi - 0.01 * grad"), "default alpha=0.01"),
        "returns only phi": (e("return phi - alpha * grad, state", "return phi - alpha * grad"), "must return a pair"),
        "changes grad in place": (e("return phi - alpha * grad", "grad *= alpha\n    return phi - grad"), "grad in place"),
        "float32 result": (e("return phi - alpha * grad", "return (phi - alpha * grad).astype(np.float32)"), "float64"),
    }, "right": {
        "copy then subtract in place": e("return phi - alpha * grad", "new = np.array(phi, dtype=float)\n"
                                         "    new -= alpha * grad\n    return new"),
        "np.subtract, fresh state dict": e("return phi - alpha * grad, state",
                                           "return np.subtract(phi, np.multiply(alpha, grad)), {}"),
    }},
    "momentum_step": {"wrong": {
        "wrong sign": (e("return phi - v", "return phi + v"), "wrong sign"),
        "velocity not kept (plain SGD)": (e('state.get("v", np.zeros_like(phi))', "np.zeros_like(phi)")
                                          & e('{"v": v}', "state"), "plain SGD"),
        "dampened average (Prince/PyTorch dampening form)": (e(V_MOM, 'v = beta * state.get("v", np.zeros_like(phi)) '
                                                               '+ (1 - beta) * grad') & e("return phi - v", "return phi - alpha * v"),
                                                             "momentum as an average"),
        "steps with the old velocity": (e(V_MOM, 'v0 = state.get("v", np.zeros_like(phi)); v = beta * v0 + alpha * grad')
                                        & e("return phi - v", "return phi - v0"), "old velocity"),
        "alpha and gamma swapped": (e("beta * state", "alpha * state") & e("+ alpha * grad", "+ beta * grad"), "swapped"),
        "changes phi in place": (e("return phi - v", "phi -= v\n    return phi"), "in place"),
        "velocity kept in a global": (GLOBAL_V, "kept outside `state`"),
    }, "right": {
        "velocity updated in place inside the state": e(V_MOM + '\n    return phi - v, {"v": v}', '''\
if "v" not in state:
        state["v"] = np.zeros_like(phi, dtype=float)
    state["v"] *= beta
    state["v"] += alpha * grad
    return phi - state["v"], state'''),
        "opposite sign convention (v = gamma v - alpha g; phi + v)": e("+ alpha * grad", "- alpha * grad")
                                                                     & e("return phi - v", "return phi + v"),
        "PyTorch's buffer (b = gamma b + g; phi - alpha b)": e("+ alpha * grad", "+ grad") & e("return phi - v", "return phi - alpha * v"),
    }},
    "nesterov_step": {"wrong": {
        "plain momentum": (e("phi - (beta * v + alpha * grad)", "phi - v"), "plain momentum"),
        "look-ahead correction with the old velocity": (e("(beta * v + alpha * grad)", "(beta * v0 + alpha * grad)")
                                                        & e("v = beta * state", "v0 = state.get('v', 0.0); v = beta * state"),
                                                        "plain momentum"),
        "wrong sign": (e("return phi - (beta", "return phi + (beta"), "wrong sign"),
        "returns the look-ahead of a momentum step ((1 + gamma) v)": (e("phi - (beta * v + alpha * grad)",
                                                                        "(phi - v) - beta * v"), "(1 + beta) v_new"),
        "alpha g term missing": (e("phi - (beta * v + alpha * grad)", "phi - beta * v"), "alpha g term is missing"),
        "changes phi in place": (e("return phi - (beta * v + alpha * grad)", "phi -= beta * v + alpha * grad\n"
                                   "    return phi"), "in place"),
        "velocity kept as a function attribute": (e(V_MOM, "v = nesterov_step.v = beta * getattr(nesterov_step, 'v', "
                                                    "0.0) + alpha * grad"), "kept outside `state`"),
    }, "right": {
        "PyTorch's form with the buffer b = v / alpha": e("+ alpha * grad\n", "+ grad\n")
                                                        & e("(beta * v + alpha * grad)", "alpha * (grad + beta * v)"),
        "the derivation's form psi + gamma v_old - (1 + gamma) v_new": e("phi - (beta * v + alpha * grad)",
                                                                         "phi + beta * v0 - (1 + beta) * v")
                                                                       & e("v = beta * state.get(\"v\", np.zeros_like(phi))",
                                                                           "v0 = state.get('v', 0.0); v = beta * v0"),
        "opposite sign convention": e("+ alpha * grad\n", "- alpha * grad\n") & e("phi - (beta * v + alpha * grad)",
                                                                                   "phi + beta * v - alpha * grad"),
    }},
    "adam_step": {"wrong": {
        "no bias correction": (e("m / (1 - beta ** t)", "m") & e("v / (1 - gamma ** t)", "v"), "Adam without bias correction"),
        "epsilon inside the square root": (e("(np.sqrt(v_hat) + epsilon)", "np.sqrt(v_hat + epsilon)"),
                                           "epsilon inside the square root"),
        "beta and gamma swapped": (e("beta * state", "gamma * state") & e("(1 - beta) * grad", "(1 - gamma) * grad")
                                   & e(V_ADAM, "beta * state.get(\"v\", 0.0)") & e("(1 - gamma) * grad **", "(1 - beta) * grad **")
                                   & e("(1 - beta ** t)", "(1 - G ** t)") & e("(1 - gamma ** t)", "(1 - beta ** t)")
                                   & e("(1 - G ** t)", "(1 - gamma ** t)"), "beta and gamma swapped"),
        "step count never stored (t = 1 always)": (e(T, "t = 1"), "t fixed at 1"),
        "stores the corrected moments": (e("m_hat = m / (1 - beta ** t)", "m = m_hat = m / (1 - beta ** t)")
                                         & e("v_hat = v / (1 - gamma ** t)", "v = v_hat = v / (1 - gamma ** t)"),
                                         "stores the corrected"),
        "no square root": (e("np.sqrt(v_hat)", "v_hat"), "without the square root"),
        "bias correction of m only": (e("v / (1 - gamma ** t)", "v"), "correction of m only"),
        "step count starts at 0 (division by zero)": (e(T, "t = state.get(\"t\", 0)") & e('"t": t}', '"t": t + 1}'),
                                                      "t = 0 at the first step"),
        "bias correction one step ahead (t + 1)": (e("beta ** t)", "beta ** (t + 1))") & e("gamma ** t)", "gamma ** (t + 1))"),
                                                   "one step ahead"),
        "wrong sign": (e(RET, RET.replace("phi -", "phi +")), "wrong sign"),
        "changes phi in place": (e(RET, "phi -= alpha * m_hat / (np.sqrt(v_hat) + epsilon)\n    return phi"), "in place"),
        "step count kept in a global": (e(T, "global _T\n    t = _T = globals().get('_T', 0) + 1"), "kept outside `state`"),
    }, "right": {
        "the paper's efficient form (corrected step size and epsilon)": e(RET, "return phi - alpha * np.sqrt(1 - gamma ** t) "
                                                                          "/ (1 - beta ** t) * m / (np.sqrt(v) + epsilon "
                                                                          "* np.sqrt(1 - gamma ** t))"),
        "PyTorch's arrangement, state updated in place": r('def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):\n'
                                                           '    if not state:\n'
                                                           '        state.update(m=np.zeros_like(phi, dtype=float), v=np.zeros_like(phi, dtype=float), t=0)\n'
                                                           '    state["t"] += 1\n'
                                                           '    state["m"] = state["m"] * beta + (1 - beta) * grad\n'
                                                           '    state["v"] = state["v"] * gamma + (1 - gamma) * grad * grad\n'
                                                           '    denom = np.sqrt(state["v"]) / np.sqrt(1 - gamma ** state["t"]) + epsilon\n'
                                                           '    return phi - (alpha / (1 - beta ** state["t"])) * state["m"] / denom, state\n'),
        "a torch.optim.Adam kept in the state": r('def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):\n'
                                                  '    if "opt" not in state:\n'
                                                  '        state["p"] = torch.zeros(np.shape(phi), dtype=torch.float64, requires_grad=True)\n'
                                                  '        state["opt"] = torch.optim.Adam([state["p"]], lr=alpha, betas=(beta, gamma), eps=epsilon)\n'
                                                  '    with torch.no_grad():\n'
                                                  '        state["p"].copy_(torch.as_tensor(np.asarray(phi, dtype=float)))\n'
                                                  '    state["p"].grad = torch.as_tensor(np.asarray(grad, dtype=float)).clone()\n'
                                                  '    state["opt"].step()\n'
                                                  '    return state["p"].detach().numpy().copy(), state\n'),
    }},
    "robbins_monro_rate": {"wrong": {
        "exponential decay": (rm("alpha0 * np.exp(-np.asarray(k) / tau)"), "exponential decay"),
        "1 / sqrt(k) decay": (rm("alpha0 / np.sqrt(1 + np.asarray(k) / tau)"), "1 / sqrt(k)"),
        "1 / k^2 decay": (rm("alpha0 / (1 + np.asarray(k) / tau) ** 2"), "1 / k^2"),
        "k * tau": (rm("alpha0 / (1 + k * tau)"), "1 + k * tau"),
        "off by one (starts at k = 1)": (rm("alpha0 / (1 + (k + 1) / tau)"), "starts at k = 1"),
        "integer division": (rm("alpha0 / (1 + k // tau)"), "integer division"),
        "alpha0 tau / k": (rm("alpha0 * tau / np.asarray(k, dtype=float)"), "infinite at k = 0"),
        "float32 rates": (rm("np.asarray(alpha0 / (1 + k / tau), dtype=np.float32)"), "float64"),
    }, "right": {
        "alpha0 tau / (tau + k)": rm("alpha0 * tau / (tau + np.asarray(k, dtype=float))"),
        "torch, float64": rm("alpha0 / (1 + torch.as_tensor(k, dtype=torch.float64) / tau)"),
        "np.divide with a python float for an int": rm("float(alpha0) / (1.0 + k / float(tau)) if isinstance(k, (int, "
                                                       "np.integer)) else np.divide(alpha0, np.add(1.0, np.divide(k, tau)))"),
    }},
}
