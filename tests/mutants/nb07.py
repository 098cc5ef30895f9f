from mutation import edit, rewrite

NOTEBOOK = "07_regularisation"

VAR, BIAS = "np.mean(np.mean((predictions - mean_prediction) ** 2, axis=0))", "bias2 = np.mean((mean_prediction - truth) ** 2)"
RET_BV, AS_ARRAY = "return float(bias2), float(variance)", "    predictions = np.asarray(predictions, dtype=float)\n"
ORDER, N_TRAIN = "order = rng.permutation(n)", "n_train = n - n_val - n_test"
SLICES = "order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]"
SPLIT, TRAIN_K, PERM = "folds = np.array_split(rng.permutation(n), k)", "np.concatenate(folds[:i] + folds[i + 1:])", "rng.permutation(n), k)"
L2_BODY = "    w = np.asarray(w, dtype=float)\n    return float(lam * np.sum(w ** 2)), 2.0 * lam * w"
L1_BODY, L1_GRAD = "    w = np.asarray(w, dtype=float)\n    return float(lam * np.sum(np.abs(w))), lam * np.sign(w)", "lam * np.sign(w)"
DEEP, RESTORE = "best_state = copy.deepcopy(model.state_dict())", "    model.load_state_dict(best_state)\n"
STOP, BREAK = "epoch - best_epoch >= patience", "            break\n"
KEEP, SCALED, EVAL = "keep = rng.random(x.shape) >= p", "x / (1.0 - p)", "return x.copy()"
MASKED = f"    {KEEP}\n    return np.where(keep, {SCALED}, 0.0)"


def folds(expr):
    return edit(SPLIT, "order = rng.permutation(n)\n    folds = " + expr)


def torch_penalty(body, penalty):   # the value and gradient of lam * penalty(t) by autograd
    return edit(body, "    t = torch.tensor(w, dtype=torch.float64, requires_grad=True)\n"
                      f"    (value := lam * {penalty}).backward()\n    return value.item(), t.grad.numpy()")


def copy_back(source):   # restore by copying parameters one by one
    return edit(RESTORE, f"    with torch.no_grad():\n        for p, q in zip(model.parameters(), {source}):\n            p.copy_(q)\n")


MUTANTS = {
    "bias_variance": {"wrong": {
        "variance with ddof=1": (edit(VAR, "np.mean(np.var(predictions, axis=0, ddof=1))"), "ddof=1"),
        "bias2 and variance swapped": (edit(RET_BV, "return float(variance), float(bias2)"), "wrong order"),
        "square of the averaged bias": (edit(BIAS, "bias2 = np.mean(mean_prediction - truth) ** 2"), "square of the averaged bias"),
        "standard deviation instead of variance": (edit(VAR, "np.mean(np.std(predictions, axis=0))"), "standard deviation"),
        "variance over the wrong axis": (edit(VAR, "np.mean(np.var(predictions, axis=1))"), "over the points (axis=1)"),
        "mean squared error as bias2": (edit(BIAS, "bias2 = np.mean((predictions - truth) ** 2)"),
                                        "mean squared error (bias^2 + variance) returned as bias^2"),
        "per-point arrays instead of averages": (
            edit(RET_BV, "return (mean_prediction - truth) ** 2, np.var(predictions, axis=0)"), "wrong shape"),
        "centres the caller's predictions in place": (edit(AS_ARRAY, "") & edit(
            f"variance = {VAR}", "predictions -= mean_prediction\n    variance = np.mean(predictions ** 2)"), "predictions after the call"),
    }, "right": {
        "python loops": rewrite('''
def bias_variance(predictions, truth):
    S, P = len(predictions), len(truth)
    means = [sum(predictions[s][j] for s in range(S)) / S for j in range(P)]
    variance = sum((predictions[s][j] - means[j]) ** 2 for s in range(S) for j in range(P)) / (S * P)
    return sum((means[j] - truth[j]) ** 2 for j in range(P)) / P, variance
'''),
        "torch": edit(AS_ARRAY, "    p, t = torch.as_tensor(predictions, dtype=torch.float64), torch.as_tensor(truth, dtype=torch.float64)\n"
                                "    return ((p.mean(0) - t) ** 2).mean().item(), p.var(0, unbiased=False).mean().item()\n"),
        "second moment minus squared mean": (edit(VAR, "np.mean(np.mean(predictions ** 2, axis=0) - mean_prediction ** 2)")
                                             & edit(RET_BV, "return bias2, variance")),
    }},
    "split_indices": {"wrong": {
        "every set rounded down": (edit(N_TRAIN, "n_train = int(fractions[0] * n)")
                                   & edit("order[n_train + n_val:]", "order[n_train + n_val:n_train + n_val + n_test]"), "drops examples"),
        "sizes rounded to nearest": (edit("int(fractions[1] * n)", "round(fractions[1] * n)")
                                     & edit("int(fractions[2] * n)", "round(fractions[2] * n)"), "rounded to the nearest integer"),
        "training set rounded, test takes the rest": (edit(N_TRAIN, "n_train = int(fractions[0] * n)"), "test set takes the rest"),
        "unshuffled": (edit(ORDER, "order = np.arange(n)"), "unshuffled split"),
        "validation overlaps training (leakage)": (edit("order[n_train:n_train + n_val]", "order[n_train - n_val:n_train]"),
                                                   "overlap between the sets (leakage)"),
        "independent draws for each set (leakage)": (edit(SLICES, "rng.choice(n, n_train, replace=False), "
                                                     "rng.choice(n, n_val, replace=False), rng.choice(n, n_test, replace=False)"), "leakage"),
        "global np.random": (edit(ORDER, "order = np.random.permutation(n)"), "rng argument (not np.random)"),
        "fixed seed of its own": (edit(ORDER, "order = np.random.default_rng(0).permutation(n)"), "not from a fixed seed"),
        "a copy of the generator (never advances)": (edit(ORDER, "order = copy.deepcopy(rng).permutation(n)"), "sharing one generator"),
        "validation and test sets swapped": (edit("int(fractions[1] * n)\n    n_test = int(fractions[2]", "int(fractions[2] * n)\n    n_test = int(fractions[1]"),
                                             "validation and test sets swapped"),
        "test set sliced from the end": (edit("order[n_train + n_val:]", "order[-n_test:]"), "order[-n_test:]"),
    }, "right": {
        "np.split of a permutation": edit(f"{ORDER}\n    return {SLICES}",
                                          "return tuple(np.split(rng.permutation(n), [n_train, n_train + n_val]))"),
        "argsort of uniform numbers, sorted sets": (edit(ORDER, "order = np.argsort(rng.random(n))")
                                                    & edit(f"return {SLICES}", f"return tuple(np.sort(s) for s in ({SLICES}))")),
        "shuffle in place, lists of ints": (edit(ORDER, "order = np.arange(n)\n    rng.shuffle(order)") & edit(
            f"return {SLICES}", f"return tuple(s.tolist() for s in ({SLICES}))")),
    }},
    "kfold_indices": {"wrong": {
        "n // k per fold drops examples": (folds("[order[i * (n // k):(i + 1) * (n // k)] for i in range(k)]"), "drops examples"),
        "last fold takes the leftovers": (
            folds("[order[i * (n // k):(i + 1) * (n // k)] for i in range(k - 1)] + [order[(k - 1) * (n // k):]]"), "takes all the leftover"),
        "ceil(n / k) per fold": (folds("[order[i * -(-n // k):(i + 1) * -(-n // k)] for i in range(k)]"), "ceil(n / k)"),
        "unshuffled folds": (edit(PERM, "np.arange(n), k)"), "unshuffled folds"),
        "training set includes the validation fold": (edit(TRAIN_K, "np.concatenate(folds)"), "leakage"),
        "global np.random": (edit(PERM, "np.random.permutation(n), k)"), "(not np.random)"),
        "folds returned as lists": (edit(f"({TRAIN_K}, folds[i])", f"({TRAIN_K}.tolist(), folds[i].tolist())"), "is a list"),
        "a generator of folds instead of a list": (edit(f"return [({TRAIN_K}, folds[i]) for i in range(k)]",
                                                        f"return (({TRAIN_K}, folds[i]) for i in range(k))"), "a generator"),
        "pairs as (val_idx, train_idx)": (edit(f"({TRAIN_K}, folds[i])", f"(folds[i], {TRAIN_K})"), "pairs in the order (val_idx"),
        "float indices": (edit(PERM, "rng.permutation(n).astype(float), k)"), "integer indices"),
        "a copy of the generator (never advances)": (edit(PERM, "copy.deepcopy(rng).permutation(n), k)"), "sharing one generator"),
    }, "right": {
        "round robin": folds("[order[i::k] for i in range(k)]"),
        "fold labels and boolean masks": edit(f"    {SPLIT}\n    return [({TRAIN_K}, folds[i]) for i in range(k)]",
                                              "    label = rng.permutation(np.arange(n) % k)\n"
                                              "    return [(np.flatnonzero(label != i), np.flatnonzero(label == i)) for i in range(k)]"),
        "explicit sizes, larger folds last": folds("np.cumsum([0] + [n // k + (i >= k - n % k) for i in range(k)])\n"
                                                   "    folds = [order[b:e] for b, e in zip(folds[:-1], folds[1:])]"),
    }},
    "l2_penalty": {"wrong": {
        "PyTorch's gradient lam * w": (edit("2.0 * lam * w", "lam * w"), "the gradient of lam/2"),
        "PyTorch's convention throughout (lam/2)": (edit("float(lam * np.sum(w ** 2)), 2.0 * lam * w", "float(0.5 * lam * np.sum("
                                                         "w ** 2)), lam * w"), "the convention behind PyTorch's weight_decay"),
        "norm, not squared norm": (edit("np.sum(w ** 2)", "np.linalg.norm(w)"), "norm ||w||"),
        "gradient sign flipped": (edit("2.0 * lam * w", "-2.0 * lam * w"), "sign flipped"),
        "gradient without lam": (edit("2.0 * lam * w", "2.0 * w"), "without the factor lam"),
        "modifies w in place": (edit("    return float(lam * np.sum(w ** 2)), 2.0 * lam * w", "    value = float(lam * np.sum("
                                     "w ** 2))\n    w *= 2.0 * lam\n    return value, w"), "in place"),
    }, "right": {
        "torch autograd": torch_penalty(L2_BODY, "(t ** 2).sum()"),
        "vdot of the flattened weights": edit("float(lam * np.sum(w ** 2))", "lam * np.vdot(np.ravel(w), np.ravel(w))"),
        "python loop over entries": edit(L2_BODY, "    grad, value = np.zeros_like(w, dtype=float), 0.0\n"
                                         "    for idx in np.ndindex(np.shape(w)):\n        value += lam * w[idx] * w[idx]\n"
                                         "        grad[idx] = 2 * lam * w[idx]\n    return value, grad"),
    }},
    "l1_penalty": {"wrong": {
        "+lam at zero": (edit(L1_GRAD, "np.where(w >= 0, lam, -lam)"), "+lam at w = 0"),
        "-lam at zero": (edit(L1_GRAD, "np.where(w > 0, lam, -lam)"), "-lam at w = 0"),
        "w / |w| is nan at zero": (edit(L1_GRAD, "lam * w / np.abs(w)"), "nan at w = 0"),
        "no absolute values": (edit("np.sum(np.abs(w))", "np.sum(w)"), "without the absolute values"),
        "L2 gradient": (edit(L1_GRAD, "2 * lam * w"), "the L2 gradient"),
        "gradient without lam": (edit(L1_GRAD, "np.sign(w)"), "without the factor lam"),
    }, "right": {
        "np.sign": edit(L1_BODY, "    return lam * np.abs(w).sum(), lam * np.sign(w)"),
        "np.where chain": edit(L1_GRAD, "np.where(w > 0, lam, np.where(w < 0, -lam, 0.0))"),
        "torch autograd of abs": torch_penalty(L1_BODY, "t.abs().sum()"),
    }},
    "fit_early_stopping": {"wrong": {
        "non-strict improvement": (edit("if loss < best_loss:", "if loss <= best_loss:"), "non-strict improvement"),
        "patience off by one (one epoch too many)": (edit(STOP, "epoch - best_epoch > patience"), "patience + 1"),
        "patience off by one (one epoch too few)": (edit(STOP, STOP + " - 1"), "patience - 1"),
        "keeps the last weights": (edit(RESTORE, ""), "keeping the last weights instead of the best"),
        "checkpoint aliases the parameters": (edit(DEEP, "best_state = model.state_dict()"), "aliasing"),
        "shallow copy of the state dict": (edit(DEEP, "best_state = dict(model.state_dict())"), "aliasing"),
        "list of parameters as checkpoint (aliasing, no load_state_dict)": (
            edit(DEEP, "best_state = list(model.parameters())") & copy_back("best_state"), "not a reference to the parameters"),
        "best over all epochs, patience ignored": (edit(f"        elif {STOP}:\n{BREAK}", ""), "ignoring the patience"),
        "restores only when stopping early": (edit(BREAK + RESTORE, "    " * 3 + RESTORE.lstrip() + BREAK),
                                              "when training runs to max_epochs"),
    }, "right": {
        "clone of every tensor": edit(DEEP, "best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}"),
        "deep copy of the model, copy_ back": (edit(DEEP, "best_state = copy.deepcopy(model)") & copy_back("best_state.parameters()")),
        "numpy-free, restore only when needed": edit(RESTORE, "    if best_epoch != len(history) - 1:\n    " + RESTORE),
    }},
    "dropout": {"wrong": {
        "no rescaling": (edit(SCALED, "x"), "dropout without rescaling"),
        "lecture's original dropout (scale at test time)": (edit(SCALED, "x") & edit(EVAL, "return x * (1 - p)"), "without rescaling"),
        "p as the keep probability": (edit(KEEP, "keep = rng.random(x.shape) < p") & edit(SCALED, "x / p"), "keep probability"),
        "kept entries divided by p": (edit(SCALED, "x / p"), "divided by p instead"),
        "scaling at eval time": (edit(EVAL, "return x * (1 - p)"), "scaling at eval time"),
        "scaling by 1/(1-p) at eval time": (edit(EVAL, "return x / (1 - p)"), "scaling at eval time"),
        "dropping at eval time": (edit(f"    if not train:\n        {EVAL}\n", ""), "dropping at eval time"),
        "global np.random": (edit(KEEP, "keep = np.random.random(x.shape) >= p"), "(not np.random)"),
        "in-place modification": (edit(MASKED, "    x *= (rng.random(x.shape) >= p) / (1 - p)\n    return x")
                                  & edit(EVAL, "return x"), "in place"),
        "a fixed number of zeros (permutation of all entries)": (edit(
            KEEP, "keep = (rng.permutation(x.size) >= round(p * x.size)).reshape(x.shape)"), "a fixed number of zeros instead"),
        "a fixed number of zeros in every row": (edit(KEEP, "keep = rng.permuted(np.broadcast_to(np.arange(x.shape[-1]) >= "
                                                      "round(p * x.shape[-1]), x.shape), axis=-1)"), "a fixed count"),
        "one mask for all rows": (edit(KEEP, "keep = rng.random(x.shape[-1:]) >= p"), "every row got the same mask"),
        "a copy of the generator (never advances)": (edit(KEEP, "keep = copy.deepcopy(rng).random(x.shape) >= p"),
                                                     "the same mask every call"),
    }, "right": {
        "binomial mask": edit(KEEP, "keep = rng.binomial(1, 1 - p, size=x.shape) == 1"),
        "uniform < 1 - p, multiply": edit(MASKED, "    keep = rng.uniform(size=x.shape) < 1 - p\n    return x * keep * (1.0 / (1.0 - p))"),
        "torch with a generator seeded from rng": edit(MASKED, "    g = torch.Generator().manual_seed(int(rng.integers(2**62)))\n"
                                                       "    t, keep = torch.as_tensor(x), torch.rand(x.shape, generator=g, dtype=torch.float64) >= p\n"
                                                       "    return torch.where(keep, t / (1 - p), torch.zeros_like(t)).numpy()"),
    }},
}
