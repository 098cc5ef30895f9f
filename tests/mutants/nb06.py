from mutation import edit, rewrite

NOTEBOOK = "06_regularisation"

VAR = "np.mean(np.mean((predictions - mean_prediction) ** 2, axis=0))"
BIAS = "bias2 = np.mean((mean_prediction - truth) ** 2)"
RET_BV = "return float(bias2), float(variance)"
ORDER = "order = rng.permutation(n)"
SLICES = "order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]"
SPLIT = "folds = np.array_split(rng.permutation(n), k)"
TRAIN_K = "np.concatenate(folds[:i] + folds[i + 1:])"
L1_GRAD = "lam * np.sign(w)"
DEEP = "best_state = copy.deepcopy(model.state_dict())"
RESTORE = "    model.load_state_dict(best_state)\n"
STOP = "epoch - best_epoch >= patience"
KEEP = "keep = rng.random(x.shape) >= p"
SCALED = "x / (1.0 - p)"


def folds(expr):
    return edit(SPLIT, "order = rng.permutation(n)\n    folds = " + expr)


MUTANTS = {
    "bias_variance": {
        "wrong": {
            "variance with ddof=1": (edit(VAR, "np.mean(np.var(predictions, axis=0, ddof=1))"), "ddof=1"),
            "bias2 and variance swapped": (edit(RET_BV, "return float(variance), float(bias2)"), "wrong order"),
            "square of the averaged bias": (edit(BIAS, "bias2 = np.mean(mean_prediction - truth) ** 2"),
                                            "square of the averaged bias"),
            "standard deviation instead of variance": (edit(VAR, "np.mean(np.std(predictions, axis=0))"),
                                                       "standard deviation"),
            "variance over the wrong axis": (edit(VAR, "np.mean(np.var(predictions, axis=1))"), "over the points (axis=1)"),
            "mean squared error as bias2": (edit(BIAS, "bias2 = np.mean((predictions - truth) ** 2)"),
                                            "mean squared error (bias^2 + variance) returned as bias^2"),
            "per-point arrays instead of averages": (
                edit(RET_BV, "return (mean_prediction - truth) ** 2, np.var(predictions, axis=0)"), "wrong shape"),
            "centres the caller's predictions in place": (
                edit("    predictions = np.asarray(predictions, dtype=float)\n", "")
                & edit(f"variance = {VAR}", "predictions -= mean_prediction\n    variance = np.mean(predictions ** 2)"),
                "predictions after the call"),
        },
        "right": {
            "python loops": rewrite('''
def bias_variance(predictions, truth):
    S, P = len(predictions), len(truth)
    b = v = 0.0
    for j in range(P):
        col = [predictions[s][j] for s in range(S)]
        mean = sum(col) / S
        b += (mean - truth[j]) ** 2
        v += sum((c - mean) ** 2 for c in col) / S
    return b / P, v / P
'''),
            "torch": rewrite('''
def bias_variance(predictions, truth):
    p, t = torch.as_tensor(predictions, dtype=torch.float64), torch.as_tensor(truth, dtype=torch.float64)
    return (((p.mean(0) - t) ** 2).mean().item(), p.var(0, unbiased=False).mean().item())
'''),
            "second moment minus squared mean": (
                edit(VAR, "np.mean(np.mean(predictions ** 2, axis=0) - mean_prediction ** 2)")
                & edit(RET_BV, "return bias2, variance")),
        },
    },
    "split_indices": {
        "wrong": {
            "every set rounded down": (edit("n_train = n - n_val - n_test", "n_train = int(fractions[0] * n)")
                                       & edit("order[n_train + n_val:]", "order[n_train + n_val:n_train + n_val + n_test]"),
                                       "drops examples"),
            "sizes rounded to nearest": (edit("int(fractions[1] * n)", "round(fractions[1] * n)")
                                         & edit("int(fractions[2] * n)", "round(fractions[2] * n)"),
                                         "rounded to the nearest integer"),
            "training set rounded, test takes the rest": (
                edit("n_train = n - n_val - n_test", "n_train = int(fractions[0] * n)"), "test set takes the rest"),
            "unshuffled": (edit(ORDER, "order = np.arange(n)"), "unshuffled split"),
            "validation overlaps training (leakage)": (edit("order[n_train:n_train + n_val]", "order[n_train - n_val:n_train]"),
                                                       "overlap between the sets (leakage)"),
            "independent draws for each set (leakage)": (
                edit(SLICES, "rng.choice(n, n_train, replace=False), rng.choice(n, n_val, replace=False), "
                             "rng.choice(n, n_test, replace=False)"), "leakage"),
            "global np.random": (edit(ORDER, "order = np.random.permutation(n)"), "rng argument (not np.random)"),
            "fixed seed of its own": (edit(ORDER, "order = np.random.default_rng(0).permutation(n)"), "not from a fixed seed"),
            "a copy of the generator (never advances)": (edit(ORDER, "order = copy.deepcopy(rng).permutation(n)"),
                                                         "sharing one generator"),
        },
        "right": {
            "np.split of a permutation": edit(f"{ORDER}\n    return {SLICES}",
                                              "return tuple(np.split(rng.permutation(n), [n_train, n_train + n_val]))"),
            "argsort of uniform numbers, sorted sets": (
                edit(ORDER, "order = np.argsort(rng.random(n))")
                & edit(f"return {SLICES}", f"return tuple(np.sort(part) for part in ({SLICES}))")),
            "shuffle in place, lists of ints": (
                edit(ORDER, "order = np.arange(n)\n    rng.shuffle(order)")
                & edit(f"return {SLICES}", "return order[:n_train].tolist(), order[n_train:n_train + n_val].tolist(), "
                                           "order[n_train + n_val:].tolist()")),
        },
    },
    "kfold_indices": {
        "wrong": {
            "n // k per fold drops examples": (folds("[order[i * (n // k):(i + 1) * (n // k)] for i in range(k)]"),
                                               "drops examples"),
            "last fold takes the leftovers": (
                folds("[order[i * (n // k):(i + 1) * (n // k)] for i in range(k - 1)] + [order[(k - 1) * (n // k):]]"),
                "takes all the leftover"),
            "ceil(n / k) per fold": (folds("[order[i * -(-n // k):(i + 1) * -(-n // k)] for i in range(k)]"), "ceil(n / k)"),
            "unshuffled folds": (edit("rng.permutation(n), k)", "np.arange(n), k)"), "unshuffled folds"),
            "training set includes the validation fold": (edit(TRAIN_K, "np.concatenate(folds)"), "leakage"),
            "global np.random": (edit("rng.permutation(n), k)", "np.random.permutation(n), k)"), "(not np.random)"),
            "folds returned as lists": (edit(f"({TRAIN_K}, folds[i])", f"({TRAIN_K}.tolist(), folds[i].tolist())"),
                                        "is a list"),
            "float indices": (edit("rng.permutation(n), k)", "rng.permutation(n).astype(float), k)"), "integer indices"),
            "a copy of the generator (never advances)": (edit("rng.permutation(n), k)", "copy.deepcopy(rng).permutation(n), k)"),
                                                         "sharing one generator"),
        },
        "right": {
            "round robin": folds("[order[i::k] for i in range(k)]"),
            "fold labels and boolean masks": rewrite('''
def kfold_indices(n, k, rng):
    label = rng.permutation(np.arange(n) % k)
    return [(np.flatnonzero(label != i), np.flatnonzero(label == i)) for i in range(k)]
'''),
            "explicit sizes, larger folds last": edit(SPLIT, "order = rng.permutation(n)\n"
                "    bounds = np.cumsum([0] + [n // k + (i >= k - n % k) for i in range(k)])\n"
                "    folds = [order[bounds[i]:bounds[i + 1]] for i in range(k)]"),
        },
    },
    "l2_penalty": {
        "wrong": {
            "PyTorch's gradient lam * w": (edit("2.0 * lam * w", "lam * w"), "the gradient of lam/2"),
            "PyTorch's convention throughout (lam/2)": (edit("float(lam * np.sum(w ** 2)), 2.0 * lam * w",
                                                             "float(0.5 * lam * np.sum(w ** 2)), lam * w"),
                                                        "the convention behind PyTorch's weight_decay"),
            "norm, not squared norm": (edit("np.sum(w ** 2)", "np.linalg.norm(w)"), "norm ||w||"),
            "gradient sign flipped": (edit("2.0 * lam * w", "-2.0 * lam * w"), "sign flipped"),
            "gradient without lam": (edit("2.0 * lam * w", "2.0 * w"), "without the factor lam"),
            "modifies w in place": (edit("    return float(lam * np.sum(w ** 2)), 2.0 * lam * w",
                                         "    value = float(lam * np.sum(w ** 2))\n    w *= 2.0 * lam\n    return value, w"),
                                    "in place"),
        },
        "right": {
            "torch autograd": rewrite('''
def l2_penalty(w, lam):
    t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    value = lam * (t ** 2).sum()
    value.backward()
    return value.item(), t.grad.numpy()
'''),
            "vdot of the flattened weights": edit("float(lam * np.sum(w ** 2))", "lam * np.vdot(np.ravel(w), np.ravel(w))"),
            "python loop over entries": rewrite('''
def l2_penalty(w, lam):
    grad, value = np.zeros_like(w, dtype=float), 0.0
    for idx in np.ndindex(np.shape(w)):
        value += lam * w[idx] * w[idx]
        grad[idx] = 2 * lam * w[idx]
    return value, grad
'''),
        },
    },
    "l1_penalty": {
        "wrong": {
            "+lam at zero": (edit(L1_GRAD, "np.where(w >= 0, lam, -lam)"), "+lam at w = 0"),
            "-lam at zero": (edit(L1_GRAD, "np.where(w > 0, lam, -lam)"), "-lam at w = 0"),
            "w / |w| is nan at zero": (edit(L1_GRAD, "lam * w / np.abs(w)"), "nan at w = 0"),
            "no absolute values": (edit("np.sum(np.abs(w))", "np.sum(w)"), "without the absolute values"),
            "L2 gradient": (edit(L1_GRAD, "2 * lam * w"), "the L2 gradient"),
            "gradient without lam": (edit(L1_GRAD, "np.sign(w)"), "without the factor lam"),
        },
        "right": {
            "np.sign": edit("    w = np.asarray(w, dtype=float)\n    return float(lam * np.sum(np.abs(w))),",
                            "    return lam * np.abs(w).sum(),"),
            "np.where chain": edit(L1_GRAD, "np.where(w > 0, lam, np.where(w < 0, -lam, 0.0))"),
            "torch autograd of abs": rewrite('''
def l1_penalty(w, lam):
    t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    value = lam * t.abs().sum()
    value.backward()
    return value.item(), t.grad.numpy()
'''),
        },
    },
    "fit_early_stopping": {
        "wrong": {
            "non-strict improvement": (edit("if loss < best_loss:", "if loss <= best_loss:"), "non-strict improvement"),
            "patience off by one (one epoch too many)": (edit(STOP, "epoch - best_epoch > patience"), "patience + 1"),
            "patience off by one (one epoch too few)": (edit(STOP, STOP + " - 1"), "patience - 1"),
            "keeps the last weights": (edit(RESTORE, ""), "keeping the last weights instead of the best"),
            "checkpoint aliases the parameters": (edit(DEEP, "best_state = model.state_dict()"), "aliasing"),
            "shallow copy of the state dict": (edit(DEEP, "best_state = dict(model.state_dict())"), "aliasing"),
            "list of parameters as checkpoint (aliasing, no load_state_dict)": (
                edit(DEEP, "best_state = list(model.parameters())") & edit(RESTORE, "    with torch.no_grad():\n"
                                                                       "        for p, b in zip(model.parameters(), best_state):\n"
                                                                       "            p.copy_(b)\n"),
                "not a reference to the parameters"),
            "best over all epochs, patience ignored": (edit(f"        elif {STOP}:\n            break\n", ""),
                                                       "ignoring the patience"),
            "restores only when stopping early": (edit("            break\n" + RESTORE, "            " + RESTORE.strip()
                                                       + "\n            break\n"), "when training runs to max_epochs"),
        },
        "right": {
            "clone of every tensor": edit(DEEP, "best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}"),
            "deep copy of the model, copy_ back": (
                edit(DEEP, "best_state = copy.deepcopy(model)") & edit(RESTORE, "    with torch.no_grad():\n"
                                                                   "        for p, q in zip(model.parameters(), best_state.parameters()):\n"
                                                                   "            p.copy_(q)\n")),
            "numpy-free, restore only when needed": edit(RESTORE, "    if best_epoch != len(history) - 1:\n    " + RESTORE),
        },
    },
    "dropout": {
        "wrong": {
            "no rescaling": (edit(SCALED, "x"), "dropout without rescaling"),
            "lecture's original dropout (scale at test time)": (edit(SCALED, "x") & edit("return x.copy()", "return x * (1 - p)"),
                                                                "without rescaling"),
            "p as the keep probability": (edit(KEEP, "keep = rng.random(x.shape) < p") & edit(SCALED, "x / p"),
                                          "keep probability"),
            "kept entries divided by p": (edit(SCALED, "x / p"), "divided by p instead"),
            "scaling at eval time": (edit("return x.copy()", "return x * (1 - p)"), "scaling at eval time"),
            "scaling by 1/(1-p) at eval time": (edit("return x.copy()", "return x / (1 - p)"), "scaling at eval time"),
            "dropping at eval time": (edit("    if not train:\n        return x.copy()\n", ""), "dropping at eval time"),
            "global np.random": (edit(KEEP, "keep = np.random.random(x.shape) >= p"), "(not np.random)"),
            "in-place modification": (edit(f"    {KEEP}\n    return np.where(keep, {SCALED}, 0.0)",
                                           "    x *= (rng.random(x.shape) >= p) / (1 - p)\n    return x")
                                      & edit("return x.copy()", "return x"), "in place"),
            "a fixed number of zeros (permutation of all entries)": (
                edit(KEEP, "keep = (rng.permutation(x.size) >= round(p * x.size)).reshape(x.shape)"),
                "a fixed number of zeros instead of independent draws"),
            "a fixed number of zeros in every row": (
                edit(KEEP, "keep = rng.permuted(np.broadcast_to(np.arange(x.shape[-1]) >= round(p * x.shape[-1]), "
                           "x.shape), axis=-1)"), "a fixed count"),
            "one mask for all rows": (edit(KEEP, "keep = rng.random(x.shape[-1:]) >= p"), "every row got the same mask"),
            "a copy of the generator (never advances)": (edit(KEEP, "keep = copy.deepcopy(rng).random(x.shape) >= p"),
                                                         "the same mask every call"),
        },
        "right": {
            "binomial mask": edit(KEEP, "keep = rng.binomial(1, 1 - p, size=x.shape) == 1"),
            "uniform < 1 - p, multiply": edit(f"{KEEP}\n    return np.where(keep, {SCALED}, 0.0)",
                                              "keep = rng.uniform(size=x.shape) < 1 - p\n"
                                              "    return x * keep * (1.0 / (1.0 - p))"),
            "torch with a generator seeded from rng": rewrite('''
def dropout(x, p, rng, train=True):
    t = torch.as_tensor(np.asarray(x, dtype=float))
    if not train:
        return t.numpy().copy()
    g = torch.Generator().manual_seed(int(rng.integers(2**62)))
    keep = torch.rand(t.shape, generator=g, dtype=torch.float64) >= p
    return torch.where(keep, t / (1 - p), torch.zeros_like(t)).numpy()
'''),
        },
    },
}
