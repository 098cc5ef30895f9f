NOTEBOOK = "06_regularisation"

MUTANTS = {
    "bias_variance": {
        "wrong": {
            "variance with ddof=1": ("""
def bias_variance(predictions, truth):
    m = predictions.mean(axis=0)
    return float(np.mean((m - truth) ** 2)), float(np.mean(np.var(predictions, axis=0, ddof=1)))
""", "ddof=1"),
            "bias2 and variance swapped": ("""
def bias_variance(predictions, truth):
    m = predictions.mean(axis=0)
    return float(np.mean(predictions.var(axis=0))), float(np.mean((m - truth) ** 2))
""", "wrong order"),
            "square of the averaged bias": ("""
def bias_variance(predictions, truth):
    m = predictions.mean(axis=0)
    return float(np.mean(m - truth) ** 2), float(np.mean(predictions.var(axis=0)))
""", "square of the averaged bias"),
            "standard deviation instead of variance": ("""
def bias_variance(predictions, truth):
    m = predictions.mean(axis=0)
    return float(np.mean((m - truth) ** 2)), float(np.mean(predictions.std(axis=0)))
""", "standard deviation"),
            "variance over the wrong axis": ("""
def bias_variance(predictions, truth):
    m = predictions.mean(axis=0)
    return float(np.mean((m - truth) ** 2)), float(np.mean(predictions.var(axis=1)))
""", "over the points (axis=1)"),
            "mean squared error as bias2": ("""
def bias_variance(predictions, truth):
    return float(np.mean((predictions - truth) ** 2)), float(np.mean(predictions.var(axis=0)))
""", "mean squared error (bias^2 + variance) returned as bias^2"),
            "per-point arrays instead of averages": ("""
def bias_variance(predictions, truth):
    m = predictions.mean(axis=0)
    return (m - truth) ** 2, predictions.var(axis=0)
""", "wrong shape"),
        },
        "right": {
            "python loops": """
def bias_variance(predictions, truth):
    S, P = len(predictions), len(truth)
    b = v = 0.0
    for j in range(P):
        col = [predictions[s][j] for s in range(S)]
        mean = sum(col) / S
        b += (mean - truth[j]) ** 2
        v += sum((c - mean) ** 2 for c in col) / S
    return b / P, v / P
""",
            "torch": """
def bias_variance(predictions, truth):
    p = torch.as_tensor(predictions, dtype=torch.float64)
    t = torch.as_tensor(truth, dtype=torch.float64)
    return (((p.mean(0) - t) ** 2).mean().item(), p.var(0, unbiased=False).mean().item())
""",
            "second moment minus squared mean": """
def bias_variance(predictions, truth):
    p = np.asarray(predictions, dtype=float)
    m = p.mean(axis=0)
    return np.mean((m - truth) ** 2), np.mean(np.mean(p ** 2, axis=0) - m ** 2)
""",
        },
    },
    "split_indices": {
        "wrong": {
            "every set rounded down": ("""
def split_indices(n, fractions, rng):
    sizes = [int(f * n) for f in fractions]
    order = rng.permutation(n)
    return (order[:sizes[0]], order[sizes[0]:sizes[0] + sizes[1]],
            order[sizes[0] + sizes[1]:sizes[0] + sizes[1] + sizes[2]])
""", "drops examples"),
            "sizes rounded to nearest": ("""
def split_indices(n, fractions, rng):
    n_val, n_test = round(fractions[1] * n), round(fractions[2] * n)
    n_train = n - n_val - n_test
    order = rng.permutation(n)
    return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
""", "rounded to the nearest integer"),
            "training set rounded, test takes the rest": ("""
def split_indices(n, fractions, rng):
    n_train, n_val = int(fractions[0] * n), int(fractions[1] * n)
    order = rng.permutation(n)
    return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
""", "test set takes the rest"),
            "unshuffled": ("""
def split_indices(n, fractions, rng):
    n_val, n_test = int(fractions[1] * n), int(fractions[2] * n)
    n_train = n - n_val - n_test
    order = np.arange(n)
    return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
""", "unshuffled split"),
            "validation overlaps training (leakage)": ("""
def split_indices(n, fractions, rng):
    n_val, n_test = int(fractions[1] * n), int(fractions[2] * n)
    n_train = n - n_val - n_test
    order = rng.permutation(n)
    return order[:n_train], order[n_train - n_val:n_train], order[n_train + n_val:]
""", "overlap between the sets (leakage)"),
            "independent draws for each set (leakage)": ("""
def split_indices(n, fractions, rng):
    n_val, n_test = int(fractions[1] * n), int(fractions[2] * n)
    n_train = n - n_val - n_test
    return (rng.choice(n, n_train, replace=False), rng.choice(n, n_val, replace=False),
            rng.choice(n, n_test, replace=False))
""", "leakage"),
            "global np.random": ("""
def split_indices(n, fractions, rng):
    n_val, n_test = int(fractions[1] * n), int(fractions[2] * n)
    n_train = n - n_val - n_test
    order = np.random.permutation(n)
    return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
""", "rng argument (not np.random)"),
            "fixed seed of its own": ("""
def split_indices(n, fractions, rng):
    n_val, n_test = int(fractions[1] * n), int(fractions[2] * n)
    n_train = n - n_val - n_test
    order = np.random.default_rng(0).permutation(n)
    return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
""", "not from a fixed seed"),
        },
        "right": {
            "np.split of a permutation": """
def split_indices(n, fractions, rng):
    n_val, n_test = int(fractions[1] * n), int(fractions[2] * n)
    tr, va, te = np.split(rng.permutation(n), [n - n_val - n_test, n - n_test])
    return tr, va, te
""",
            "argsort of uniform numbers, sorted sets": """
def split_indices(n, fractions, rng):
    import math
    n_val, n_test = math.floor(n * fractions[1]), math.floor(n * fractions[2])
    order = np.argsort(rng.random(n))
    test = np.sort(order[:n_test])
    val = np.sort(order[n_test:n_test + n_val])
    train = np.sort(order[n_test + n_val:])
    return train, val, test
""",
            "shuffle in place, lists of ints": """
def split_indices(n, fractions, rng):
    idx = np.arange(n)
    rng.shuffle(idx)
    n_val = int(fractions[1] * n)
    n_test = int(fractions[2] * n)
    val = idx[:n_val]
    test = idx[n_val:n_val + n_test]
    train = idx[n_val + n_test:]
    return train, val, test
""",
        },
    },
    "kfold_indices": {
        "wrong": {
            "n // k per fold drops examples": ("""
def kfold_indices(n, k, rng):
    order = rng.permutation(n)
    size = n // k
    folds = [order[i * size:(i + 1) * size] for i in range(k)]
    return [(np.setdiff1d(order, f), f) for f in folds]
""", "drops examples"),
            "last fold takes the leftovers": ("""
def kfold_indices(n, k, rng):
    order = rng.permutation(n)
    size = n // k
    folds = [order[i * size:(i + 1) * size] for i in range(k - 1)] + [order[(k - 1) * size:]]
    return [(np.setdiff1d(order, f), f) for f in folds]
""", "takes all the leftover"),
            "ceil(n / k) per fold": ("""
def kfold_indices(n, k, rng):
    order = rng.permutation(n)
    size = -(-n // k)
    folds = [order[i * size:(i + 1) * size] for i in range(k)]
    return [(np.setdiff1d(order, f), f) for f in folds]
""", "ceil(n / k)"),
            "unshuffled folds": ("""
def kfold_indices(n, k, rng):
    folds = np.array_split(np.arange(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]
""", "unshuffled folds"),
            "training set includes the validation fold": ("""
def kfold_indices(n, k, rng):
    order = rng.permutation(n)
    return [(order, f) for f in np.array_split(order, k)]
""", "leakage"),
            "global np.random": ("""
def kfold_indices(n, k, rng):
    folds = np.array_split(np.random.permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]
""", "(not np.random)"),
        },
        "right": {
            "round robin": """
def kfold_indices(n, k, rng):
    order = rng.permutation(n)
    out = []
    for i in range(k):
        val = order[i::k]
        train = np.concatenate([order[j::k] for j in range(k) if j != i])
        out.append((train, val))
    return out
""",
            "fold labels and boolean masks": """
def kfold_indices(n, k, rng):
    label = rng.permutation(np.arange(n) % k)
    return [(np.flatnonzero(label != i), np.flatnonzero(label == i)) for i in range(k)]
""",
            "explicit sizes, larger folds last": """
def kfold_indices(n, k, rng):
    order = rng.permutation(n)
    sizes = [n // k + (1 if i >= k - n % k else 0) for i in range(k)]
    bounds = np.cumsum([0] + sizes)
    folds = []
    for i in range(k):
        val = order[bounds[i]:bounds[i + 1]]
        train = np.concatenate([order[:bounds[i]], order[bounds[i + 1]:]])
        folds.append((list(train), list(val)))
    return [(np.array(t, dtype=int), np.array(v, dtype=int)) for t, v in folds]
""",
        },
    },
    "l2_penalty": {
        "wrong": {
            "PyTorch's gradient lam * w": ("""
def l2_penalty(w, lam):
    return float(lam * np.sum(w ** 2)), lam * w
""", "the gradient of lam/2"),
            "PyTorch's convention throughout (lam/2)": ("""
def l2_penalty(w, lam):
    return float(0.5 * lam * np.sum(w ** 2)), lam * w
""", "the convention behind PyTorch's weight_decay"),
            "norm, not squared norm": ("""
def l2_penalty(w, lam):
    return float(lam * np.linalg.norm(w)), 2 * lam * w
""", "norm ||w||"),
            "gradient sign flipped": ("""
def l2_penalty(w, lam):
    return float(lam * np.sum(w ** 2)), -2 * lam * w
""", "sign flipped"),
            "gradient without lam": ("""
def l2_penalty(w, lam):
    return float(lam * np.sum(w ** 2)), 2 * w
""", "without the factor lam"),
            "modifies w in place": ("""
def l2_penalty(w, lam):
    value = float(lam * np.sum(w ** 2))
    w *= 2 * lam
    return value, w
""", "in place"),
        },
        "right": {
            "torch autograd": """
def l2_penalty(w, lam):
    t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    value = lam * (t ** 2).sum()
    value.backward()
    return value.item(), t.grad.numpy()
""",
            "vdot of the flattened weights": """
def l2_penalty(w, lam):
    flat = np.ravel(w)
    return lam * np.vdot(flat, flat), np.multiply(w, 2 * lam)
""",
            "python loop over entries": """
def l2_penalty(w, lam):
    grad = np.zeros_like(w, dtype=float)
    value = 0.0
    for idx in np.ndindex(np.shape(w)):
        value += lam * w[idx] * w[idx]
        grad[idx] = 2 * lam * w[idx]
    return value, grad
""",
        },
    },
    "l1_penalty": {
        "wrong": {
            "+lam at zero": ("""
def l1_penalty(w, lam):
    return float(lam * np.sum(np.abs(w))), np.where(w >= 0, lam, -lam)
""", "+lam at w = 0"),
            "-lam at zero": ("""
def l1_penalty(w, lam):
    return float(lam * np.sum(np.abs(w))), np.where(w > 0, lam, -lam)
""", "-lam at w = 0"),
            "w / |w| is nan at zero": ("""
def l1_penalty(w, lam):
    return float(lam * np.sum(np.abs(w))), lam * w / np.abs(w)
""", "nan at w = 0"),
            "no absolute values": ("""
def l1_penalty(w, lam):
    return float(lam * np.sum(w)), lam * np.sign(w)
""", "without the absolute values"),
            "L2 gradient": ("""
def l1_penalty(w, lam):
    return float(lam * np.sum(np.abs(w))), 2 * lam * w
""", "the L2 gradient"),
            "gradient without lam": ("""
def l1_penalty(w, lam):
    return float(lam * np.sum(np.abs(w))), np.sign(w)
""", "without the factor lam"),
        },
        "right": {
            "np.sign": """
def l1_penalty(w, lam):
    return lam * np.abs(w).sum(), lam * np.sign(w)
""",
            "np.where chain": """
def l1_penalty(w, lam):
    w = np.asarray(w, dtype=float)
    grad = np.where(w > 0, lam, np.where(w < 0, -lam, 0.0))
    return float(np.sum(np.where(w < 0, -w, w)) * lam), grad
""",
            "torch autograd of abs": """
def l1_penalty(w, lam):
    t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    value = lam * t.abs().sum()
    value.backward()
    return value.item(), t.grad.numpy()
""",
        },
    },
    "fit_early_stopping": {
        "wrong": {
            "non-strict improvement": ("""
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_loss, best_state = [], 0, float("inf"), None
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        history.append(loss)
        if loss <= best_loss:
            best_epoch, best_loss, best_state = epoch, loss, copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return best_epoch, history
""", "non-strict improvement"),
            "patience off by one (one epoch too many)": ("""
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_loss, best_state = [], 0, float("inf"), None
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        history.append(loss)
        if loss < best_loss:
            best_epoch, best_loss, best_state = epoch, loss, copy.deepcopy(model.state_dict())
        elif epoch - best_epoch > patience:
            break
    model.load_state_dict(best_state)
    return best_epoch, history
""", "patience + 1"),
            "patience off by one (one epoch too few)": ("""
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_loss, best_state, bad = [], 0, float("inf"), None, 0
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        history.append(loss)
        if loss < best_loss:
            best_epoch, best_loss, best_state, bad = epoch, loss, copy.deepcopy(model.state_dict()), 0
        else:
            bad += 1
            if bad + 1 >= patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, history
""", "patience - 1"),
            "keeps the last weights": ("""
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_loss = [], 0, float("inf")
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        history.append(loss)
        if loss < best_loss:
            best_epoch, best_loss = epoch, loss
        elif epoch - best_epoch >= patience:
            break
    return best_epoch, history
""", "keeping the last weights instead of the best"),
            "checkpoint aliases the parameters": ("""
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_loss, best_state = [], 0, float("inf"), None
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        history.append(loss)
        if loss < best_loss:
            best_epoch, best_loss, best_state = epoch, loss, model.state_dict()
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return best_epoch, history
""", "aliasing"),
            "shallow copy of the state dict": ("""
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_loss, best_state = [], 0, float("inf"), None
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        history.append(loss)
        if loss < best_loss:
            best_epoch, best_loss, best_state = epoch, loss, dict(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return best_epoch, history
""", "aliasing"),
            "list of parameters as checkpoint (aliasing, no load_state_dict)": ("""
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_loss, best = [], 0, float("inf"), None
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        history.append(loss)
        if loss < best_loss:
            best_epoch, best_loss, best = epoch, loss, list(model.parameters())
        elif epoch - best_epoch >= patience:
            break
    with torch.no_grad():
        for p, b in zip(model.parameters(), best):
            p.copy_(b)
    return best_epoch, history
""", "not a reference to the parameters"),
            "best over all epochs, patience ignored": ("""
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, states = [], []
    for epoch in range(max_epochs):
        train_one_epoch(model)
        history.append(validation_loss(model))
        states.append(copy.deepcopy(model.state_dict()))
    best_epoch = int(np.argmin(history))
    model.load_state_dict(states[best_epoch])
    return best_epoch, history
""", "ignoring the patience"),
        },
        "right": {
            "clone of every tensor": """
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_state, waited = [], -1, None, 0
    for epoch in range(max_epochs):
        train_one_epoch(model)
        history.append(float(validation_loss(model)))
        if best_epoch < 0 or history[-1] < history[best_epoch]:
            best_epoch, waited = epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited == patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, history
""",
            "deep copy of the model, copy_ back": """
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history, best_epoch, best_model = [], 0, None
    epoch = 0
    while epoch < max_epochs:
        train_one_epoch(model)
        history.append(validation_loss(model))
        if best_model is None or history[-1] < min(history[:-1]):
            best_epoch, best_model = epoch, copy.deepcopy(model)
        if epoch - best_epoch == patience:
            break
        epoch += 1
    with torch.no_grad():
        for p, q in zip(model.parameters(), best_model.parameters()):
            p.copy_(q)
    return best_epoch, history
""",
            "numpy-free, restore only when needed": """
def fit_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    history = []
    best_epoch = None
    snapshot = None
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        history.append(loss)
        if best_epoch is None or loss < history[best_epoch]:
            best_epoch = epoch
            snapshot = copy.deepcopy(model.state_dict())
        if epoch - best_epoch >= patience:
            break
    if best_epoch != len(history) - 1:
        model.load_state_dict(snapshot)
    return best_epoch, history
""",
        },
    },
    "dropout": {
        "wrong": {
            "no rescaling": ("""
def dropout(x, p, rng, train=True):
    if not train:
        return x.copy()
    return np.where(rng.random(x.shape) >= p, x, 0.0)
""", "dropout without rescaling"),
            "lecture's original dropout (scale at test time)": ("""
def dropout(x, p, rng, train=True):
    if not train:
        return x * (1 - p)
    return np.where(rng.random(x.shape) >= p, x, 0.0)
""", "without rescaling"),
            "p as the keep probability": ("""
def dropout(x, p, rng, train=True):
    if not train:
        return x.copy()
    return np.where(rng.random(x.shape) < p, x / p, 0.0)
""", "keep probability"),
            "kept entries divided by p": ("""
def dropout(x, p, rng, train=True):
    if not train:
        return x.copy()
    return np.where(rng.random(x.shape) >= p, x / p, 0.0)
""", "divided by p instead"),
            "scaling at eval time": ("""
def dropout(x, p, rng, train=True):
    if not train:
        return x * (1 - p)
    return np.where(rng.random(x.shape) >= p, x / (1 - p), 0.0)
""", "scaling at eval time"),
            "scaling by 1/(1-p) at eval time": ("""
def dropout(x, p, rng, train=True):
    if not train:
        return x / (1 - p)
    return np.where(rng.random(x.shape) >= p, x / (1 - p), 0.0)
""", "scaling at eval time"),
            "dropping at eval time": ("""
def dropout(x, p, rng, train=True):
    return np.where(rng.random(x.shape) >= p, x / (1 - p), 0.0)
""", "dropping at eval time"),
            "global np.random": ("""
def dropout(x, p, rng, train=True):
    if not train:
        return x.copy()
    return np.where(np.random.random(x.shape) >= p, x / (1 - p), 0.0)
""", "(not np.random)"),
            "in-place modification": ("""
def dropout(x, p, rng, train=True):
    if not train:
        return x
    x *= (rng.random(x.shape) >= p) / (1 - p)
    return x
""", "in place"),
        },
        "right": {
            "binomial mask": """
def dropout(x, p, rng, train=True):
    if not train:
        return np.array(x, dtype=float)
    mask = rng.binomial(1, 1 - p, size=np.shape(x))
    return mask * np.asarray(x) / (1 - p)
""",
            "uniform < 1 - p, multiply": """
def dropout(x, p, rng, train=True):
    if train and p > 0:
        keep = rng.uniform(size=x.shape) < 1 - p
        return x * keep * (1.0 / (1.0 - p))
    return x + 0.0
""",
            "torch with a generator seeded from rng": """
def dropout(x, p, rng, train=True):
    t = torch.as_tensor(np.asarray(x, dtype=float))
    if not train:
        return t.numpy().copy()
    g = torch.Generator().manual_seed(int(rng.integers(2**62)))
    keep = torch.rand(t.shape, generator=g, dtype=torch.float64) >= p
    return torch.where(keep, t / (1 - p), torch.zeros_like(t)).numpy()
""",
        },
    },
}
