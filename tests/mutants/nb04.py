NOTEBOOK = "04_sgd"

MUTANTS = {
    "minibatches": {
        "wrong": {
            "shuffles once and reuses the order (no reshuffle)": ("""
_ORDER_CACHE = {}
def minibatches(n, batch_size, rng, drop_last=False):
    if n not in _ORDER_CACHE:
        _ORDER_CACHE[n] = rng.permutation(n)
    order = _ORDER_CACHE[n]
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]
""", "does not reshuffle"),
            "fixed seed inside (same order every epoch)": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = np.random.default_rng(0).permutation(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]
""", "does not reshuffle"),
            "ignores the rng (global np.random)": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = np.random.permutation(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]
""", "ignores the rng"),
            "drops the last partial batch silently": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = rng.permutation(n)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start:start + batch_size]
""", "drops the last partial batch"),
            "samples with replacement (rng.integers)": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = rng.integers(0, n, size=n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]
""", "with replacement"),
            "samples with replacement (rng.choice default)": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = rng.choice(n, size=n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]
""", "with replacement"),
            "no shuffle at all": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]
""", "does not shuffle at all"),
            "shuffles only the order of the batches": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    stop = n - n % batch_size if drop_last else n
    for start in rng.permutation(np.arange(0, stop, batch_size)):
        yield np.arange(start, min(start + batch_size, n))
""", "only the order of the batches"),
            "ignores drop_last": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
""", "ignores drop_last"),
            "off by one: an empty batch at the end": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = rng.permutation(n)
    n_batches = n // batch_size if drop_last else n // batch_size + 1
    for b in range(n_batches):
        yield order[b * batch_size:(b + 1) * batch_size]
""", "empty batch"),
            "np.array_split (unequal batches)": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = rng.permutation(n)
    return np.array_split(order, int(np.ceil(n / batch_size)))
""", "unequal sizes"),
            "a random rotation instead of a shuffle": ("""
def minibatches(n, batch_size, rng, drop_last=False):
    order = np.roll(np.arange(n)[::-1] if rng.integers(2) else np.arange(n), rng.integers(n))
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]
""", "only some orders"),
        },
        "right": {
            "rng.shuffle and a while loop": """
def minibatches(n, batch_size, rng, drop_last=False):
    idx = np.arange(n)
    rng.shuffle(idx)
    start = 0
    while start < n:
        batch = idx[start:start + batch_size]
        if drop_last and len(batch) < batch_size:
            return
        yield batch
        start += batch_size
""",
            "a list of batches from rng.choice without replacement": """
def minibatches(n, batch_size, rng, drop_last=False):
    order = rng.choice(n, size=n, replace=False)
    batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
    if drop_last and len(batches[-1]) < batch_size:
        batches = batches[:-1]
    return batches
""",
            "torch.randperm seeded from rng": """
def minibatches(n, batch_size, rng, drop_last=False):
    g = torch.Generator().manual_seed(int(rng.integers(2 ** 62)))
    order = torch.randperm(n, generator=g).numpy()
    n_batches = n // batch_size if drop_last else -(-n // batch_size)
    for b in range(n_batches):
        yield order[b * batch_size:(b + 1) * batch_size]
""",
        },
    },
    "sgd_step": {
        "wrong": {
            "gradient ascent": ("""
def sgd_step(phi, grad, state, alpha=0.01):
    return phi + alpha * grad, state
""", "ascent"),
            "changes phi in place": ("""
def sgd_step(phi, grad, state, alpha=0.01):
    phi -= alpha * grad
    return phi, state
""", "in place"),
            "ignores alpha": ("""
def sgd_step(phi, grad, state, alpha=0.01):
    return phi - grad, state
""", "ignores alpha"),
            "hard-coded default alpha": ("""
def sgd_step(phi, grad, state, alpha=0.01):
    return phi - 0.01 * grad, state
""", "default alpha=0.01"),
            "returns only phi": ("""
def sgd_step(phi, grad, state, alpha=0.01):
    return phi - alpha * grad
""", "must return a pair"),
        },
        "right": {
            "copy then subtract in place": """
def sgd_step(phi, grad, state, alpha=0.01):
    new = np.array(phi, dtype=float)
    new -= alpha * grad
    return new, state
""",
            "np.subtract, fresh state dict": """
def sgd_step(phi, grad, state, alpha=0.01):
    return np.subtract(phi, np.multiply(alpha, grad)), {}
""",
        },
    },
    "momentum_step": {
        "wrong": {
            "wrong sign": ("""
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", np.zeros_like(phi)) + alpha * grad
    return phi + v, {"v": v}
""", "wrong sign"),
            "velocity not kept (plain SGD)": ("""
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * np.zeros_like(phi) + alpha * grad
    return phi - v, state
""", "plain SGD"),
            "dampened average (Prince/PyTorch dampening form)": ("""
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    m = gamma * state.get("m", np.zeros_like(phi)) + (1 - gamma) * grad
    return phi - alpha * m, {"m": m}
""", "momentum as an average"),
            "steps with the old velocity": ("""
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = state.get("v", np.zeros_like(phi))
    new = phi - v
    return new, {"v": gamma * v + alpha * grad}
""", "old velocity"),
            "alpha and gamma swapped": ("""
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = alpha * state.get("v", np.zeros_like(phi)) + gamma * grad
    return phi - v, {"v": v}
""", "swapped"),
            "changes phi in place": ("""
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", np.zeros_like(phi)) + alpha * grad
    phi -= v
    return phi, {"v": v}
""", "in place"),
        },
        "right": {
            "velocity updated in place inside the state": """
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    if "v" not in state:
        state["v"] = np.zeros_like(phi, dtype=float)
    state["v"] *= gamma
    state["v"] += alpha * grad
    return phi - state["v"], state
""",
            "opposite sign convention (v = gamma v - alpha g; phi + v)": """
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", 0.0) - alpha * grad
    return phi + v, {"v": v}
""",
            "PyTorch's buffer (b = gamma b + g; phi - alpha b)": """
def momentum_step(phi, grad, state, alpha=0.01, gamma=0.9):
    b = gamma * state.get("buf", np.zeros_like(phi)) + grad
    return phi - alpha * b, {"buf": b}
""",
        },
    },
    "nesterov_step": {
        "wrong": {
            "plain momentum": ("""
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", np.zeros_like(phi)) + alpha * grad
    return phi - v, {"v": v}
""", "plain momentum"),
            "look-ahead correction with the old velocity": ("""
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v_old = state.get("v", np.zeros_like(phi))
    v = gamma * v_old + alpha * grad
    return phi - (gamma * v_old + alpha * grad), {"v": v}
""", "plain momentum"),
            "wrong sign": ("""
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", np.zeros_like(phi)) + alpha * grad
    return phi + (gamma * v + alpha * grad), {"v": v}
""", "wrong sign"),
            "returns the look-ahead of a momentum step ((1 + gamma) v)": ("""
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", np.zeros_like(phi)) + alpha * grad
    return (phi - v) - gamma * v, {"v": v}
""", "(1 + gamma) v_new"),
            "alpha g term missing": ("""
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", np.zeros_like(phi)) + alpha * grad
    return phi - gamma * v, {"v": v}
""", "alpha g term is missing"),
            "changes phi in place": ("""
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", np.zeros_like(phi)) + alpha * grad
    phi -= gamma * v + alpha * grad
    return phi, {"v": v}
""", "in place"),
        },
        "right": {
            "PyTorch's form with the buffer b = v / alpha": """
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    b = gamma * state.get("b", np.zeros_like(phi)) + grad
    return phi - alpha * (grad + gamma * b), {"b": b}
""",
            "the derivation's form psi + gamma v_old - (1 + gamma) v_new": """
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v_old = state.get("v", np.zeros_like(phi))
    v_new = gamma * v_old + alpha * grad
    return phi + gamma * v_old - (1 + gamma) * v_new, {"v": v_new}
""",
            "opposite sign convention": """
def nesterov_step(phi, grad, state, alpha=0.01, gamma=0.9):
    v = gamma * state.get("v", 0.0) - alpha * grad
    return phi + gamma * v - alpha * grad, {"v": v}
""",
        },
    },
    "adam_step": {
        "wrong": {
            "no bias correction": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    return phi - alpha * m / (np.sqrt(v) + epsilon), {"m": m, "v": v}
""", "Adam without bias correction"),
            "epsilon inside the square root": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0) + 1
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    m_hat, v_hat = m / (1 - beta ** t), v / (1 - gamma ** t)
    return phi - alpha * m_hat / np.sqrt(v_hat + epsilon), {"m": m, "v": v, "t": t}
""", "epsilon inside the square root"),
            "beta and gamma swapped": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0) + 1
    m = gamma * state.get("m", 0.0) + (1 - gamma) * grad
    v = beta * state.get("v", 0.0) + (1 - beta) * grad ** 2
    m_hat, v_hat = m / (1 - gamma ** t), v / (1 - beta ** t)
    return phi - alpha * m_hat / (np.sqrt(v_hat) + epsilon), {"m": m, "v": v, "t": t}
""", "beta and gamma swapped"),
            "step count never stored (t = 1 always)": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = 1
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    m_hat, v_hat = m / (1 - beta ** t), v / (1 - gamma ** t)
    return phi - alpha * m_hat / (np.sqrt(v_hat) + epsilon), {"m": m, "v": v}
""", "t fixed at 1"),
            "stores the corrected moments": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0) + 1
    m = (beta * state.get("m", 0.0) + (1 - beta) * grad) / (1 - beta ** t)
    v = (gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2) / (1 - gamma ** t)
    return phi - alpha * m / (np.sqrt(v) + epsilon), {"m": m, "v": v, "t": t}
""", "stores the corrected"),
            "no square root": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0) + 1
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    m_hat, v_hat = m / (1 - beta ** t), v / (1 - gamma ** t)
    return phi - alpha * m_hat / (v_hat + epsilon), {"m": m, "v": v, "t": t}
""", "without the square root"),
            "bias correction of m only": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0) + 1
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    return phi - alpha * (m / (1 - beta ** t)) / (np.sqrt(v) + epsilon), {"m": m, "v": v, "t": t}
""", "correction of m only"),
            "step count starts at 0 (division by zero)": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0)
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    m_hat, v_hat = m / (1 - beta ** t), v / (1 - gamma ** t)
    return phi - alpha * m_hat / (np.sqrt(v_hat) + epsilon), {"m": m, "v": v, "t": t + 1}
""", "not finite"),
            "wrong sign": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0) + 1
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    m_hat, v_hat = m / (1 - beta ** t), v / (1 - gamma ** t)
    return phi + alpha * m_hat / (np.sqrt(v_hat) + epsilon), {"m": m, "v": v, "t": t}
""", "wrong sign"),
            "changes phi in place": ("""
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0) + 1
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    m_hat, v_hat = m / (1 - beta ** t), v / (1 - gamma ** t)
    phi -= alpha * m_hat / (np.sqrt(v_hat) + epsilon)
    return phi, {"m": m, "v": v, "t": t}
""", "in place"),
        },
        "right": {
            "the paper's efficient form (corrected step size and epsilon)": """
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    t = state.get("t", 0) + 1
    m = beta * state.get("m", 0.0) + (1 - beta) * grad
    v = gamma * state.get("v", 0.0) + (1 - gamma) * grad ** 2
    alpha_t = alpha * np.sqrt(1 - gamma ** t) / (1 - beta ** t)
    return phi - alpha_t * m / (np.sqrt(v) + epsilon * np.sqrt(1 - gamma ** t)), {"m": m, "v": v, "t": t}
""",
            "PyTorch's arrangement, state updated in place": """
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    if not state:
        state.update(m=np.zeros_like(phi, dtype=float), v=np.zeros_like(phi, dtype=float), t=0)
    state["t"] += 1
    state["m"] = state["m"] * beta + (1 - beta) * grad
    state["v"] = state["v"] * gamma + (1 - gamma) * grad * grad
    denom = np.sqrt(state["v"]) / np.sqrt(1 - gamma ** state["t"]) + epsilon
    return phi - (alpha / (1 - beta ** state["t"])) * state["m"] / denom, state
""",
            "a torch.optim.Adam kept in the state": """
def adam_step(phi, grad, state, alpha=0.001, beta=0.9, gamma=0.999, epsilon=1e-8):
    if "opt" not in state:
        state["p"] = torch.zeros(np.shape(phi), dtype=torch.float64, requires_grad=True)
        state["opt"] = torch.optim.Adam([state["p"]], lr=alpha, betas=(beta, gamma), eps=epsilon)
    p = state["p"]
    with torch.no_grad():
        p.copy_(torch.as_tensor(np.asarray(phi, dtype=float)))
    p.grad = torch.as_tensor(np.asarray(grad, dtype=float)).clone()
    state["opt"].step()
    return p.detach().numpy().copy(), state
""",
        },
    },
    "robbins_monro_rate": {
        "wrong": {
            "exponential decay": ("""
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 * np.exp(-np.asarray(k) / tau)
""", "exponential decay"),
            "1 / sqrt(k) decay": ("""
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 / np.sqrt(1 + np.asarray(k) / tau)
""", "1 / sqrt(k)"),
            "1 / k^2 decay": ("""
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 / (1 + np.asarray(k) / tau) ** 2
""", "1 / k^2"),
            "k * tau": ("""
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 / (1 + k * tau)
""", "1 + k * tau"),
            "off by one (starts at k = 1)": ("""
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 / (1 + (k + 1) / tau)
""", "starts at k = 1"),
            "integer division": ("""
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 / (1 + k // tau)
""", "integer division"),
            "alpha0 tau / k": ("""
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 * tau / np.asarray(k, dtype=float)
""", "infinite at k = 0"),
        },
        "right": {
            "alpha0 tau / (tau + k)": """
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 * tau / (tau + np.asarray(k, dtype=float))
""",
            "torch, float64": """
def robbins_monro_rate(k, alpha0, tau):
    return alpha0 / (1 + torch.as_tensor(k, dtype=torch.float64) / tau)
""",
            "np.divide with a python float for an int": """
def robbins_monro_rate(k, alpha0, tau):
    if isinstance(k, (int, np.integer)):
        return float(alpha0) / (1.0 + k / float(tau))
    return np.divide(alpha0, np.add(1.0, np.divide(k, tau)))
""",
        },
    },
}
