"""Mutants for notebook 05 (SGD) as edits of its solution cells (tests/mutation.py). Wrong answers are rows
(label, mutant, text the message must contain); pre(code) puts a whole other answer at the top of a solution."""
from mutation import edit as e, rewrite as r

def W(*rows): return {label: (mutant, expect) for label, mutant, expect in rows}
def pre(code): return e("### BEGIN SOLUTION\n", "### BEGIN SOLUTION\n    " + code.replace("\n", "\n    ") + "\n")

NOTEBOOK = "05_sgd"
ORD, STOP = 'order = rng.permutation(n)', 'stop = n - n % batch_size if drop_last else n'
LOOP = 'range(0, stop, batch_size)'
YIELD = 'for start in range(0, stop, batch_size):\n        yield order[start:start + batch_size]'
SGD, MOM, NES = 'return phi - alpha * grad', 'return phi - v', 'return phi - (beta * v + alpha * grad)'
V, T = 'v = beta * state.get("v", np.zeros_like(phi)) + alpha * grad', 't = state.get("t", 0) + 1'
RET, MH, VH = 'return phi - alpha * m_hat / (np.sqrt(v_hat) + epsilon)', 'm / (1 - beta ** t)', 'v / (1 - gamma ** t)'
MUTANTS = {}
MUTANTS["minibatches"] = {"wrong": W(
    ('shuffles once and reuses the order (no reshuffle)', e(ORD, 'order = globals().setdefault(n, '
        'rng.permutation(n))'), 'does not reshuffle'),
    ('fixed seed inside (same order every epoch)', e(ORD, 'order = np.random.default_rng(0).permutation(n)'), 'does '
        'not reshuffle'),
    ('ignores the rng (global np.random)', e(ORD, 'order = np.random.permutation(n)'), 'ignores the rng'),
    ('drops the last partial batch silently', e(LOOP, 'range(0, n - batch_size + 1, batch_size)'), 'drops the last '
        'partial batch'),
    ('samples with replacement (rng.integers)', e(ORD, 'order = rng.integers(0, n, size=n)'), 'with replacement'),
    ('samples with replacement (rng.choice default)', e(ORD, 'order = rng.choice(n, size=n)'), 'with replacement'),
    ('no shuffle at all', e(ORD, 'order = np.arange(n)'), 'does not shuffle at all'),
    ('shuffles only the order of the batches', e(YIELD, 'for s in rng.permutation(np.arange(0, stop, batch_size)):\n  '
        '      yield np.arange(s, min(s + batch_size, n))'), 'only the order of the batches'),
    ('ignores drop_last', e(STOP, 'stop = n'), 'ignores drop_last'),
    ('off by one: an empty batch at the end', e(LOOP, 'range(0, (n // batch_size + (not drop_last)) * batch_size, '
        'batch_size)'), 'empty batch'),
    ('np.array_split (unequal batches)', r('def minibatches(n, batch_size, rng, drop_last=False):\n    return '
        'np.array_split(rng.permutation(n), -(-n // batch_size))\n'), 'unequal sizes'),
    ('a random rotation instead of a shuffle', e(ORD, 'order = np.roll(np.arange(n)[::-1] if rng.integers(2) else '
        'np.arange(n), rng.integers(n))'), 'only some orders'),
    ('draws from a copy of rng', e(ORD, "order = __import__('copy').deepcopy(rng).permutation(n)"), 'copy of rng'),
    ('a last batch of one example dropped (loop stops at n - 1)', e(STOP, 'stop = n - n % batch_size if drop_last '
        'else n - 1'), 'stop at n - 1'),
    ('one example kept in its place', e(ORD, 'order = np.r_[rng.permutation(n - 1), n - 1]'), 'only some orders'),
), "right": {'rng.shuffle and a while loop': pre('idx, start = np.arange(n), 0\nrng.shuffle(idx)\nwhile start < n and '
        'not (drop_last and start + batch_size > n):\n    yield idx[start:start + batch_size]\n    start += '
        'batch_size\nreturn'),
    'a list of batches from rng.choice without replacement': e(ORD, 'order = rng.choice(n, size=n, replace=False)') &
        e(YIELD, 'return [order[i:i + batch_size] for i in range(0, stop, batch_size)]'),
    'torch.randperm seeded from rng': e(ORD, 'order = torch.randperm(n, '
        'generator=torch.Generator().manual_seed(int(rng.integers(2 ** 62)))).numpy()')}}
MUTANTS["sgd_step"] = {"wrong": W(
    ('gradient ascent', e(SGD, 'return phi + alpha * grad'), 'ascent'),
    ('changes phi in place', e(SGD, 'phi -= alpha * grad\n    return phi'), 'in place'),
    ('ignores alpha', e(SGD, 'return phi - grad'), 'ignores alpha'),
    ('hard-coded default alpha', e(SGD, 'return phi - 0.01 * grad'), 'default alpha=0.01'),
    ('returns only phi', e('return phi - alpha * grad, state', SGD), 'must return a pair'),
    ('changes grad in place', e(SGD, 'grad *= alpha\n    return phi - grad'), 'grad in place'),
    ('float32 result', e(SGD, 'return (phi - alpha * grad).astype(np.float32)'), 'float64'),
), "right": {'copy then subtract in place': e(SGD, 'new = np.array(phi, dtype=float)\n    new -= alpha * grad\n    '
        'return new'),
    'np.subtract, fresh state dict': e('return phi - alpha * grad, state', 'return np.subtract(phi, '
        'np.multiply(alpha, grad)), {}')}}
MUTANTS["momentum_step"] = {"wrong": W(
    ('wrong sign', e(MOM, 'return phi + v'), 'wrong sign'),
    ('velocity not kept (plain SGD)', e('state.get("v", np.zeros_like(phi))', '0') & e('{"v": v}', 'state'), 'plain '
        'SGD'),
    ('dampened average (Prince/PyTorch dampening form)', e('alpha * grad', '(1 - beta) * grad') & e(MOM, 'return phi '
        '- alpha * v'), 'momentum as an average'),
    ('steps with the old velocity', e(MOM, 'return phi - state.get("v", 0.0)'), 'old velocity'),
    ('alpha and gamma swapped', e('beta * state', 'alpha * state') & e('alpha * grad', 'beta * grad'), 'swapped'),
    ('changes phi in place', e(MOM, 'phi -= v\n    return phi'), 'in place'),
    ('velocity kept in a global', e(V, 'global _V\n    v = _V = beta * globals().get("_V", 0.0) + alpha * grad'),
        'kept outside `state`'),
), "right": {'velocity updated in place inside the state': pre('state.setdefault("v", np.zeros_like(phi, '
        'dtype=float))\nstate["v"] *= beta\nstate["v"] += alpha * grad\nreturn phi - state["v"], state'),
    'opposite sign convention (v = gamma v - alpha g; phi + v)': e('+ alpha * grad', '- alpha * grad') & e(MOM,
        'return phi + v'),
    "PyTorch's buffer (b = gamma b + g; phi - alpha b)": e('+ alpha * grad', '+ grad') & e(MOM, 'return phi - alpha * '
        'v')}}
MUTANTS["nesterov_step"] = {"wrong": W(
    ('plain momentum', e(NES, MOM), 'plain momentum'),
    ('look-ahead correction with the old velocity', e(NES, 'return phi - (beta * state.get("v", 0.0) + alpha * '
        'grad)'), 'plain momentum'),
    ('wrong sign', e(NES, 'return phi + (beta * v + alpha * grad)'), 'wrong sign'),
    ('returns the look-ahead of a momentum step ((1 + gamma) v)', e(NES, 'return phi - v - beta * v'), '(1 + beta) '
        'v_new'),
    ('alpha g term missing', e(NES, 'return phi - beta * v'), 'alpha g term is missing'),
    ('changes phi in place', e(NES, 'phi -= beta * v + alpha * grad\n    return phi'), 'in place'),
    ('velocity kept as a function attribute', e(V, "v = nesterov_step.v = beta * getattr(nesterov_step, 'v', 0.0) + "
        'alpha * grad'), 'kept outside `state`'),
), "right": {"PyTorch's form with the buffer b = v / alpha": e('+ alpha * grad\n', '+ grad\n') & e(NES, 'return phi - '
        'alpha * (grad + beta * v)'),
    "the derivation's form psi + gamma v_old - (1 + gamma) v_new": e(NES, 'return phi + beta * state.get("v", 0.0) - '
        '(1 + beta) * v'),
    'opposite sign convention': e('+ alpha * grad\n', '- alpha * grad\n') & e(NES, 'return phi + beta * v - alpha * '
        'grad')}}
MUTANTS["adam_step"] = {"wrong": W(
    ('no bias correction', e(MH, 'm') & e(VH, 'v'), 'Adam without bias correction'),
    ('epsilon inside the square root', e('(np.sqrt(v_hat) + epsilon)', 'np.sqrt(v_hat + epsilon)'), 'epsilon inside '
        'the square root'),
    ('beta and gamma swapped', pre('beta, gamma = gamma, beta'), 'beta and gamma swapped'),
    ('step count never stored (t = 1 always)', e(T, 't = 1'), 't fixed at 1'),
    ('stores the corrected moments', e('m_hat = ', 'm = m_hat = ') & e('v_hat = ', 'v = v_hat = '), 'stores the '
        'corrected'),
    ('no square root', e('np.sqrt(v_hat)', 'v_hat'), 'without the square root'),
    ('bias correction of m only', e(VH, 'v'), 'correction of m only'),
    ('step count starts at 0 (division by zero)', e(T, 't = state.get("t", 0)') & e('"t": t}', '"t": t + 1}'), 't = 0 '
        'at the first step'),
    ('bias correction one step ahead (t + 1)', e(T, 't = state.get("t", 0) + 1; s = t + 1') & e('beta ** t', 'beta ** '
        's') & e('gamma ** t', 'gamma ** s'), 'one step ahead'),
    ('wrong sign', e(RET, 'return phi + alpha * m_hat / (np.sqrt(v_hat) + epsilon)'), 'wrong sign'),
    ('changes phi in place', e(RET, 'phi -= alpha * m_hat / (np.sqrt(v_hat) + epsilon)\n    return phi'), 'in place'),
    ('step count kept in a global', e(T, "global _T\n    t = _T = globals().get('_T', 0) + 1"), 'kept outside '
        '`state`'),
    ('step count capped (the bias correction stops at step 10)', e(T, 't = min(state.get("t", 0) + 1, 10)'),
        '60 steps'),
), "right": {"the paper's efficient form (corrected step size and epsilon)": e(RET, 'c = np.sqrt(1 - gamma ** t)\n    '
        'return phi - alpha * c / (1 - beta ** t) * m / (np.sqrt(v) + epsilon * c)'),
    "PyTorch's arrangement, state updated in place": pre('if not state:\n    state.update(m=np.zeros_like(phi, '
        'dtype=float), v=np.zeros_like(phi, dtype=float), t=0)\nstate["t"] += 1; t = state["t"]\nstate["m"] = '
        'state["m"] * beta + (1 - beta) * grad\nstate["v"] = state["v"] * gamma + (1 - gamma) * grad * grad\nreturn '
        'phi - alpha / (1 - beta ** t) * state["m"] / (np.sqrt(state["v"]) / np.sqrt(1 - gamma ** t) + epsilon), '
        'state'),
    'a torch.optim.Adam kept in the state': pre('if "opt" not in state:\n    state["p"] = torch.zeros(np.shape(phi), '
        'dtype=torch.float64, requires_grad=True)\n    state["opt"] = torch.optim.Adam([state["p"]], lr=alpha, '
        'betas=(beta, gamma), eps=epsilon)\nwith torch.no_grad():\n    '
        'state["p"].copy_(torch.as_tensor(np.asarray(phi, dtype=float)))\nstate["p"].grad = '
        'torch.as_tensor(np.asarray(grad, dtype=float)).clone()\nstate["opt"].step()\nreturn '
        'state["p"].detach().numpy().copy(), state')}}
MUTANTS["robbins_monro_rate"] = {"wrong": W(
    ('exponential decay', e('return alpha0 / (1 + k / tau)', 'return alpha0 * np.exp(-np.asarray(k) / tau)'),
        'exponential decay'),
    ('1 / sqrt(k) decay', e('return alpha0 / (1 + k / tau)', 'return alpha0 / np.sqrt(1 + np.asarray(k) / tau)'), '1 '
        '/ sqrt(k)'),
    ('1 / k^2 decay', e('return alpha0 / (1 + k / tau)', 'return alpha0 / (1 + np.asarray(k) / tau) ** 2'), '1 / k^2'),
    ('k * tau', e('return alpha0 / (1 + k / tau)', 'return alpha0 / (1 + k * tau)'), '1 + k * tau'),
    ('off by one (starts at k = 1)', e('return alpha0 / (1 + k / tau)', 'return alpha0 / (1 + (k + 1) / tau)'),
        'starts at k = 1'),
    ('integer division', e('return alpha0 / (1 + k / tau)', 'return alpha0 / (1 + k // tau)'), 'integer division'),
    ('alpha0 tau / k', e('return alpha0 / (1 + k / tau)', 'return alpha0 * tau / np.asarray(k, dtype=float)'),
        'infinite at k = 0'),
    ('float32 rates', e('return alpha0 / (1 + k / tau)', 'return np.asarray(alpha0 / (1 + k / tau), '
        'dtype=np.float32)'), 'float64'),
), "right": {'alpha0 tau / (tau + k)': e('return alpha0 / (1 + k / tau)', 'return alpha0 * tau / (tau + np.asarray(k, '
        'dtype=float))'),
    'torch, float64': e('return alpha0 / (1 + k / tau)', 'return alpha0 / (1 + torch.as_tensor(k, '
        'dtype=torch.float64) / tau)'),
    'np.divide with a python float for an int': e('return alpha0 / (1 + k / tau)', 'return float(alpha0) / (1.0 + k / '
        'float(tau)) if isinstance(k, (int, np.integer)) else np.divide(alpha0, np.add(1.0, np.divide(k, tau)))')}}
