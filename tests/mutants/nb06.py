from mutation import edit, rewrite

NOTEBOOK = "06_deep_networks"

SIG, TANH, RELU, LEAKY = "s * (1.0 - s)", "1.0 - np.tanh(z) ** 2", "np.where(z > 0, 1.0, 0.0)", "np.where(z > 0, 1.0, 0.01)"
STD, DRAW = "np.sqrt(variances[mode])", "return rng.normal("
FIT_STD = "    mean = X.mean(axis=0)\n    std = X.std(axis=0)\n"
HIDDEN, OUT = "        nn.Linear(hidden_dim, hidden_dim),\n        nn.ReLU(),\n", "        nn.Linear(hidden_dim, output_dim),\n"
ZERO, ITEM, RET = "        optimiser.zero_grad()\n", "total += loss.item() * len(x)", "return total / count"
ACC, NO_GRAD = "correct += (logits.argmax(dim=1) == y).sum().item()", "    with torch.no_grad():\n"
DEAD, MOVE = "float(np.mean(np.all(np.asarray(F) <= 0, axis=0)))", "x, y = x.to(device), y.to(device)\n"


def in_place_train(mean, span):
    return edit(f"    return (X_train - {mean}) / {span},", f"    X_train -= {mean}\n    X_train /= {span}\n    return X_train,")


def in_place_test(fit, mean, span):
    return edit(f", (X_test - {mean}) / {span}", ", X_test") & edit(
        f"{fit}(X_train)\n", f"{fit}(X_train)\n    X_test -= {mean}\n    X_test /= {span}\n")


MUTANTS = {
    "activation_derivative": {"wrong": {
        "sigmoid instead of its derivative": (edit(f"return {SIG}", "return s"), "the sigmoid itself"),
        "tanh derivative not squared": (edit(TANH, "1.0 - np.tanh(z)"), "the tanh must be squared"),
        "ReLU derivative 1 at zero": (edit(RELU, "np.where(z >= 0, 1.0, 0.0)"), "derivative of 1 at z = 0"),
        "leaky ReLU slope times z": (edit(LEAKY, "np.where(z > 0, 1.0, 0.01 * z)"), "that is the function"),
        "unknown names give zeros instead of an error": (
            edit('raise ValueError(f"activation_derivative: unknown activation {name!r}")', "return np.zeros_like(z)"),
            "should have raised ValueError"),
        "ReLU derivative written into the caller's array": (
            edit(f"return {RELU}", "z[z > 0] = 1.0\n        z[z <= 0] = 0.0\n        return z"), "changed the array it was given"),
    }, "right": {
        "explicit formulas (exp and cosh)": (edit(SIG, "np.exp(-z) / (1 + np.exp(-z)) ** 2") & edit(TANH, "1 / np.cosh(z) ** 2")
            & edit(RELU, "np.heaviside(z, 0.0)") & edit(LEAKY, "0.01 + 0.99 * np.heaviside(z, 0.0)")),
        "torch.autograd": edit("    z = np.asarray(z, dtype=float)\n", """\
    fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "leaky_relu": nn.LeakyReLU(0.01)}
    if name in fns:
        t = torch.tensor(np.asarray(z, dtype=float), requires_grad=True)
        return torch.autograd.grad(fns[name](t).sum(), t)[0].numpy()
"""),
        "dictionary of lambdas": rewrite('''
def activation_derivative(z, name):
    sig = lambda v: 1 / (1 + np.exp(-v))
    table = {"sigmoid": lambda v: sig(v) * (1 - sig(v)), "tanh": lambda v: (1 - np.tanh(v)) * (1 + np.tanh(v)),
             "relu": lambda v: np.where(v > 0, 1.0, 0.0), "leaky_relu": lambda v: np.where(v <= 0, 0.01, 1.0)}
    if name not in table:
        raise ValueError(name)
    return table[name](np.asarray(z, dtype=float))
'''),
    }},
    "init_weights": {"wrong": {
        "fan_in and fan_out swapped": (edit("2.0 / fan_in,\n        \"he_backward\": 2.0 / fan_out,",
                                            "2.0 / fan_out,\n        \"he_backward\": 2.0 / fan_in,"), "fan_in and fan_out swapped"),
        "missing factor 2 (LeCun)": (edit(STD, "np.sqrt(variances[mode] / 2)"), "factor 2"),
        "variance passed as the standard deviation": (edit(STD, "variances[mode]"), "take the square root"),
        "global np.random instead of rng": (edit(DRAW, "return np.random.normal("), "not from np.random"),
        "a new seeded generator inside": (edit(DRAW, "return np.random.default_rng(0).normal("), "do not create a new generator"),
        "a copy of the generator (never advances)": (edit(DRAW, "return copy.deepcopy(rng).normal("), "copy the given one"),
        "an extra draw from the generator": (edit(DRAW, "rng.random()\n    " + DRAW), "not where 20 * 30 normal draws leave it"),
        "uniform on [0, 1) scaled": (edit(f"rng.normal(0.0, {STD}, size=(fan_out, fan_in))",
                                          f"{STD} * rng.random((fan_out, fan_in))"), "centred at 0"),
        "uniform with the right variance (not normal)": (
            edit(f"rng.normal(0.0, {STD},", "rng.uniform(-np.sqrt(3 * variances[mode]), np.sqrt(3 * variances[mode]),"),
            "draw from a normal distribution"),
        "shape (fan_in, fan_out)": (edit("size=(fan_out, fan_in)", "size=(fan_in, fan_out)"), "transposed"),
        "float32 weights": (edit("size=(fan_out, fan_in))", "size=(fan_out, fan_in)).astype(np.float32)"), "dtype float64"),
    }, "right": {
        "standard normal times std, if-chain": edit(f"rng.normal(0.0, {STD}, size=(fan_out, fan_in))",
                                                    f"{STD} * rng.standard_normal((fan_out, fan_in))"),
        "numerator and denominator table": rewrite('''
def init_weights(fan_in, fan_out, mode, rng):
    table = {"he_forward": (2.0, fan_in), "he_backward": (2.0, fan_out),
             "he_average": (4.0, fan_in + fan_out), "glorot": (2.0, fan_in + fan_out)}
    if mode not in table:
        raise ValueError(mode)
    return rng.normal(scale=(table[mode][0] / table[mode][1]) ** 0.5, size=(fan_out, fan_in))
'''),
    }},
    "standardise": {"wrong": {
        "per-sample statistics (axis=1)": (edit(FIT_STD, FIT_STD.replace("axis=0", "axis=1")), "every sample (row)"),
        "sample std (ddof=1)": (edit("X.std(axis=0)", "X.std(axis=0, ddof=1)"), "sample standard deviation"),
        "constant feature divides by zero": (edit("    std = np.where(std == 0, 1.0, std)\n", ""), "std left at 0"),
        "variance instead of std": (edit("X.std(axis=0)", "X.var(axis=0)"), "variance instead of the standard deviation"),
        "test set with its own statistics (leakage)": (
            edit("(X_test - mean) / std", "(X_test - fit_standardiser(X_test)[0]) / fit_standardiser(X_test)[1]"),
            "its own mean and std"),
        "statistics of train and test together (leakage)": (
            edit("fit_standardiser(X_train)", "fit_standardiser(np.vstack([X_train, X_test]))"), "training and test sets together"),
        "modifies X_train in place": (in_place_train("mean", "std"), "in place"),
        "modifies X_test in place": (in_place_test("fit_standardiser", "mean", "std"), "X_test after"),
    }, "right": {
        "scikit-learn StandardScaler": edit(FIT_STD + "    std = np.where(std == 0, 1.0, std)\n",
                                            "    from sklearn.preprocessing import StandardScaler\n"
                                            "    sc = StandardScaler().fit(X)\n    mean, std = sc.mean_, sc.scale_\n"),
        "explicit sums over rows": (
            edit(FIT_STD, "    mean = X.sum(axis=0) / X.shape[0]\n    std = np.sqrt(((X - mean) ** 2).sum(axis=0) / X.shape[0])\n")
            & edit("return (X_train - mean) / std, (X_test - mean) / std", "return [(X - mean) / std for X in (X_train, X_test)]")),
        "torch": edit(FIT_STD, "    t = torch.as_tensor(X)\n    mean, std = t.mean(dim=0).numpy(), t.std(dim=0, correction=0).numpy()\n"),
    }},
    "minmax_scale": {"wrong": {
        "clips the test set": (edit("(X_test - minimum) / span", "np.clip((X_test - minimum) / span, 0, 1)"), "clipped"),
        "test set with its own statistics (leakage)": (
            edit("(X_test - minimum) / span", "(X_test - fit_minmax(X_test)[0]) / fit_minmax(X_test)[1]"), "its own minimum and span"),
        "statistics of train and test together (leakage)": (
            edit("fit_minmax(X_train)", "fit_minmax(np.vstack([X_train, X_test]))"), "training and test sets together"),
        "divides by the maximum": (edit("span = X.max(axis=0) - minimum", "span = X.max(axis=0)"), "the maximum instead of the span"),
        "constant feature divides by zero": (edit("    span = np.where(span == 0, 1.0, span)\n", ""), "span left at 0"),
        "per-sample statistics (axis=1)": (edit("X.min(axis=0)", "X.min(axis=1)") & edit("X.max(axis=0)", "X.max(axis=1)"),
                                           "every sample (row)"),
        "modifies X_train in place": (in_place_train("minimum", "span"), "in place"),
        "modifies X_test in place": (in_place_test("fit_minmax", "minimum", "span"), "X_test after"),
    }, "right": {
        "np.ptp": edit("span = X.max(axis=0) - minimum", "span = np.ptp(X, axis=0).astype(float)"),
        "scikit-learn MinMaxScaler": edit(
            "    minimum, span = fit_minmax(X_train)\n    return (X_train - minimum) / span, (X_test - minimum) / span",
            "    from sklearn.preprocessing import MinMaxScaler\n    sc = MinMaxScaler().fit(X_train)\n"
            "    return sc.transform(X_train), sc.transform(X_test)"),
    }},
    "build_model": {"wrong": {
        "the lecture's model as written (casing fixed)": (edit(HIDDEN * 2, HIDDEN.split("\n")[0] + "\n" + HIDDEN
                                                                 + "        nn.ReLU(),\n"), "both Linear"),
        "stacked ReLUs kept": (edit(OUT, "        nn.ReLU(),\n" + OUT), "ReLU(ReLU(x)) = ReLU(x)"),
        "ReLU after the output layer": (edit(OUT, OUT + "        nn.ReLU(),\n"), "a ReLU after the output layer"),
        "two hidden layers": (edit(HIDDEN + HIDDEN, HIDDEN), "two hidden layers"),
        "no biases": (edit("nn.Linear(", "L(", count=4) & edit("    return nn.Sequential(", "    L = lambda i, o: nn.Linear("
                                                               "i, o, bias=False)\n    return nn.Sequential("), "without biases"),
        "width fixed at 9": (edit("    return nn.Sequential(", "    hidden_dim = 9\n    return nn.Sequential("), "use hidden_dim"),
        "input size fixed at 40": (edit("nn.Linear(input_dim,", "nn.Linear(40,"), "use input_dim"),
        "softmax after the output layer": (edit(OUT, OUT + "        nn.Softmax(dim=1),\n"), "a Softmax after the output layer"),
    }, "right": {
        "built in a loop": rewrite('''
def build_model(input_dim, output_dim, hidden_dim=9):
    sizes = [input_dim, hidden_dim, hidden_dim, hidden_dim]
    layers = [layer for i in range(3) for layer in (nn.Linear(sizes[i], sizes[i + 1]), nn.ReLU())]
    return nn.Sequential(*layers, nn.Linear(hidden_dim, output_dim))
'''),
        "named layers (OrderedDict)": rewrite('''
from collections import OrderedDict
def build_model(input_dim, output_dim, hidden_dim=9):
    return torch.nn.Sequential(OrderedDict([
        ("hidden1", torch.nn.Linear(input_dim, hidden_dim)), ("relu1", torch.nn.ReLU()),
        ("hidden2", torch.nn.Linear(hidden_dim, hidden_dim)), ("relu2", torch.nn.ReLU()),
        ("hidden3", torch.nn.Linear(hidden_dim, hidden_dim)), ("relu3", torch.nn.ReLU(inplace=True)),
        ("logits", torch.nn.Linear(hidden_dim, output_dim))]))
'''),
    }},
    "train_epoch": {"wrong": {
        "forgot zero_grad": (edit(ZERO, ""), "zero_grad() is missing"),
        "zero_grad between backward and step": (edit(ZERO, "") & edit("loss.backward()\n", "loss.backward()\n" + ZERO), "w unchanged"),
        "forgot model.train()": (edit("    model.train()\n", ""), "evaluation mode during training"),
        "unweighted mean of batch losses": (edit(ITEM, "total += loss.item()") & edit("count += len(x)", "count += 1"),
                                            "plain mean of the batch losses"),
        "returns the last batch's loss": (edit(RET, "return loss.item()"), "last batch only"),
        "sum of batch losses": (edit(ITEM, "total += loss.item()") & edit(RET, "return total"), "sum of the batch losses"),
        "counts samples with len(loader.dataset)": (edit(RET, "return total / len(loader.dataset)"), "plain Python list"),
        "cross-entropy instead of the given loss_fn": (edit("loss_fn(model(x), y)", "nn.functional.cross_entropy(model(x), y)"),
                                                       "loss_fn you are given"),
        "batches not moved to the device": (edit("        " + MOVE, ""), "not moved to the device"),
        "returns a tensor (every batch's graph kept)": (edit(ITEM, "total += loss * len(x)"), "expected a Python float"),
        "skips a smaller last batch": (edit("in loader:\n", "in loader:\n        first = first if count else len(x)\n"
                                            "        if len(x) < first:\n            continue\n"), "the sizes of the batches"),
    }, "right": {
        "the lecture's order (zero_grad after step)": (
            edit(ZERO, "") & edit("optimiser.step()\n", "optimiser.step()\n" + ZERO) & edit(ITEM, "total += float(loss) * y.shape[0]")),
        "model.zero_grad with zeros kept, losses stacked": rewrite('''
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    model.train(True)
    losses, sizes = [], []
    for batch in loader:
        x, y = (t.to(device) if device is not None else t for t in batch)
        model.zero_grad(set_to_none=False)
        losses.append(loss_fn(model(x), y))
        losses[-1].backward()
        optimiser.step()
        sizes.append(x.shape[0])
    sizes = torch.tensor(sizes, dtype=losses[0].dtype)
    return (torch.stack(losses).detach() * sizes).sum().item() / sizes.sum().item()
'''),
        "gradients reset by hand": edit(ZERO, "        for p in model.parameters():\n            p.grad = None\n"),
    }},
    "evaluate": {"wrong": {
        "forgot model.eval()": (edit("    model.eval()\n", ""), "evaluated in training mode"),
        "forgot torch.no_grad()": (edit(NO_GRAD, "    if True:\n"), "recorded the graph"),
        "accuracy as a percentage": (edit("correct / count", "100 * correct / count"), "a percentage"),
        "unweighted mean of batch losses": (edit(".item() * len(x)", ".item()") & edit("total / count", "total / len(loader)"),
                                            "plain mean of the batch losses"),
        "number of correct predictions": (edit(", correct / count", ", correct"), "number of correct predictions"),
        "counts samples with len(loader.dataset)": (edit("total / count", "total / len(loader.dataset)"), "plain Python list"),
        "mean of the batch accuracies": (edit(ACC, "correct += (logits.argmax(dim=1) == y).double().mean().item()") & edit(
            ", correct / count", ", correct / len(loader)"), "plain mean of the batch accuracies"),
        "accuracy returned as a tensor": (edit(ACC, ACC.replace(".sum().item()", ".sum()")), "expected a Python float"),
        "cross-entropy instead of the given loss_fn": (edit("loss_fn(logits, y)", "nn.functional.cross_entropy(logits, y)"),
                                                       "loss_fn you are given"),
        "batches not moved to the device": (edit("            " + MOVE, ""), "not moved to the device"),
    }, "right": {
        "all logits at once": rewrite('''
def evaluate(model, loader, loss_fn, device="cpu"):
    model.eval()
    with torch.no_grad():
        batches = [(model(x.to(device)), y.to(device)) for x, y in loader]
        logits, y = torch.cat([b[0] for b in batches]), torch.cat([b[1] for b in batches])
        return loss_fn(logits, y).item(), (logits.argmax(1) == y).float().mean().item()
'''),
        "inference_mode, restores the previous mode": (edit("    model.eval()\n", "    was_training = model.training\n    model.eval()\n")
            & edit(NO_GRAD, "    with torch.inference_mode():\n")
            & edit("    return total / count", "    model.train(was_training)\n    return total / count")),
    }},
    "dead_fraction": {"wrong": {
        "fraction of entries": (edit(DEAD, "float(np.mean(np.asarray(F) <= 0))"), "fraction of all entries"),
        "strict inequality": (edit(DEAD, DEAD.replace("<=", "<")), "f < 0 instead of f <= 0"),
        "wrong axis (rows)": (edit(DEAD, DEAD.replace("axis=0", "axis=1")), "inputs (rows)"),
        "any instead of all": (edit(DEAD, DEAD.replace("np.all", "np.any")), "at least one input"),
        "count instead of fraction": (edit(DEAD, "int(np.sum(np.all(np.asarray(F) <= 0, axis=0)))"), "number of dead units"),
        "fraction of alive units": (edit(DEAD, "float(np.mean(np.any(np.asarray(F) > 0, axis=0)))"), "units that are alive"),
        "divides by the number of inputs": (edit(DEAD, "float(np.sum(np.all(np.asarray(F) <= 0, axis=0)) / len(F))"), None),
    }, "right": {
        "column maximum": edit(DEAD, "float((np.asarray(F).max(axis=0) <= 0).sum() / np.shape(F)[1])"),
        "loop over units": edit(DEAD, "sum(all(v <= 0 for v in col) for col in np.asarray(F).T) / np.shape(F)[1]"),
        "torch": edit(DEAD, "(torch.relu(torch.as_tensor(F)).sum(dim=0) == 0).double().mean().item()"),
    }},
}
