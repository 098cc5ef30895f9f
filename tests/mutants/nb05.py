NOTEBOOK = "05_deep_networks"

MUTANTS = {
    "activation_derivative": {
        "wrong": {
            "sigmoid instead of its derivative": ("""
def activation_derivative(z, name):
    z = np.asarray(z, dtype=float)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, 0.01)
    raise ValueError(name)
""", "the sigmoid itself"),
            "tanh derivative not squared": ("""
def activation_derivative(z, name):
    z = np.asarray(z, dtype=float)
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z)
    if name == "relu":
        return (z > 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, 0.01)
    raise ValueError(name)
""", "the tanh must be squared"),
            "ReLU derivative 1 at zero": ("""
def activation_derivative(z, name):
    z = np.asarray(z, dtype=float)
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z >= 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, 0.01)
    raise ValueError(name)
""", "derivative of 1 at z = 0"),
            "leaky ReLU slope times z": ("""
def activation_derivative(z, name):
    z = np.asarray(z, dtype=float)
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, 0.01 * z)
    raise ValueError(name)
""", "that is the function"),
            "unknown names give zeros instead of an error": ("""
def activation_derivative(z, name):
    z = np.asarray(z, dtype=float)
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, 0.01)
    return np.zeros_like(z)
""", "should have raised ValueError"),
        },
        "right": {
            "explicit formulas (exp and cosh)": """
def activation_derivative(z, name):
    z = np.asarray(z, dtype=float)
    if name == "sigmoid":
        return np.exp(-z) / (1 + np.exp(-z)) ** 2
    if name == "tanh":
        return 1 / np.cosh(z) ** 2
    if name == "relu":
        return np.heaviside(z, 0.0)
    if name == "leaky_relu":
        return 0.01 + 0.99 * np.heaviside(z, 0.0)
    raise ValueError(f"unknown activation {name}")
""",
            "torch.autograd": """
def activation_derivative(z, name):
    fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
           "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.01)}
    if name not in fns:
        raise ValueError(name)
    t = torch.tensor(np.asarray(z, dtype=float), requires_grad=True)
    fns[name](t).sum().backward()
    return t.grad.numpy()
""",
            "dictionary of lambdas": """
def activation_derivative(z, name):
    sig = lambda v: 1 / (1 + np.exp(-v))
    table = {
        "sigmoid": lambda v: sig(v) * (1 - sig(v)),
        "tanh": lambda v: (1 - np.tanh(v)) * (1 + np.tanh(v)),
        "relu": lambda v: np.where(v > 0, 1.0, 0.0),
        "leaky_relu": lambda v: np.where(v <= 0, 0.01, 1.0),
    }
    try:
        fn = table[name]
    except KeyError:
        raise ValueError(name) from None
    return fn(np.asarray(z, dtype=float))
""",
        },
    },
    "init_weights": {
        "wrong": {
            "fan_in and fan_out swapped": ("""
def init_weights(fan_in, fan_out, mode, rng):
    var = {"he_forward": 2 / fan_out, "he_backward": 2 / fan_in,
           "he_average": 4 / (fan_in + fan_out), "glorot": 2 / (fan_in + fan_out)}
    if mode not in var:
        raise ValueError(mode)
    return rng.normal(0, np.sqrt(var[mode]), size=(fan_out, fan_in))
""", "fan_in and fan_out swapped"),
            "missing factor 2 (LeCun)": ("""
def init_weights(fan_in, fan_out, mode, rng):
    var = {"he_forward": 1 / fan_in, "he_backward": 1 / fan_out,
           "he_average": 2 / (fan_in + fan_out), "glorot": 1 / (fan_in + fan_out)}
    if mode not in var:
        raise ValueError(mode)
    return rng.normal(0, np.sqrt(var[mode]), size=(fan_out, fan_in))
""", "factor 2"),
            "variance passed as the standard deviation": ("""
def init_weights(fan_in, fan_out, mode, rng):
    var = {"he_forward": 2 / fan_in, "he_backward": 2 / fan_out,
           "he_average": 4 / (fan_in + fan_out), "glorot": 2 / (fan_in + fan_out)}
    if mode not in var:
        raise ValueError(mode)
    return rng.normal(0, var[mode], size=(fan_out, fan_in))
""", "take the square root"),
            "global np.random instead of rng": ("""
def init_weights(fan_in, fan_out, mode, rng):
    var = {"he_forward": 2 / fan_in, "he_backward": 2 / fan_out,
           "he_average": 4 / (fan_in + fan_out), "glorot": 2 / (fan_in + fan_out)}
    if mode not in var:
        raise ValueError(mode)
    return np.random.normal(0, np.sqrt(var[mode]), size=(fan_out, fan_in))
""", "not from np.random"),
            "a new seeded generator inside": ("""
def init_weights(fan_in, fan_out, mode, rng):
    var = {"he_forward": 2 / fan_in, "he_backward": 2 / fan_out,
           "he_average": 4 / (fan_in + fan_out), "glorot": 2 / (fan_in + fan_out)}
    if mode not in var:
        raise ValueError(mode)
    return np.random.default_rng(0).normal(0, np.sqrt(var[mode]), size=(fan_out, fan_in))
""", "do not create a new generator"),
            "uniform on [0, 1) scaled": ("""
def init_weights(fan_in, fan_out, mode, rng):
    var = {"he_forward": 2 / fan_in, "he_backward": 2 / fan_out,
           "he_average": 4 / (fan_in + fan_out), "glorot": 2 / (fan_in + fan_out)}
    if mode not in var:
        raise ValueError(mode)
    return rng.random((fan_out, fan_in)) * np.sqrt(12 * var[mode])
""", "centred at 0"),
            "uniform with the right variance (not normal)": ("""
def init_weights(fan_in, fan_out, mode, rng):
    var = {"he_forward": 2 / fan_in, "he_backward": 2 / fan_out,
           "he_average": 4 / (fan_in + fan_out), "glorot": 2 / (fan_in + fan_out)}
    if mode not in var:
        raise ValueError(mode)
    a = np.sqrt(3 * var[mode])
    return rng.uniform(-a, a, size=(fan_out, fan_in))
""", "draw from a normal distribution"),
            "shape (fan_in, fan_out)": ("""
def init_weights(fan_in, fan_out, mode, rng):
    var = {"he_forward": 2 / fan_in, "he_backward": 2 / fan_out,
           "he_average": 4 / (fan_in + fan_out), "glorot": 2 / (fan_in + fan_out)}
    if mode not in var:
        raise ValueError(mode)
    return rng.normal(0, np.sqrt(var[mode]), size=(fan_in, fan_out))
""", "transposed"),
        },
        "right": {
            "standard normal times std, if-chain": """
def init_weights(fan_in, fan_out, mode, rng):
    if mode == "he_forward":
        std = np.sqrt(2 / fan_in)
    elif mode == "he_backward":
        std = np.sqrt(2 / fan_out)
    elif mode == "he_average":
        std = 2 / np.sqrt(fan_in + fan_out)
    elif mode == "glorot":
        std = np.sqrt(2) / np.sqrt(fan_in + fan_out)
    else:
        raise ValueError(f"unknown mode {mode}")
    return std * rng.standard_normal((fan_out, fan_in))
""",
            "numerator and denominator table": """
def init_weights(fan_in, fan_out, mode, rng):
    table = {"he_forward": (2.0, fan_in), "he_backward": (2.0, fan_out),
             "he_average": (4.0, fan_in + fan_out), "glorot": (2.0, fan_in + fan_out)}
    try:
        num, den = table[mode]
    except KeyError:
        raise ValueError(mode) from None
    return rng.normal(scale=(num / den) ** 0.5, size=(fan_out, fan_in))
""",
        },
    },
    "standardise": {
        "wrong": {
            "per-sample statistics (axis=1)": ("""
def fit_standardiser(X):
    std = X.std(axis=1)
    return X.mean(axis=1), np.where(std == 0, 1.0, std)

def standardise(X_train, X_test):
    m, s = fit_standardiser(X_train)
    return (X_train - m[:, None]) / s[:, None], X_test
""", "every sample (row)"),
            "sample std (ddof=1)": ("""
def fit_standardiser(X):
    std = X.std(axis=0, ddof=1)
    return X.mean(axis=0), np.where(std == 0, 1.0, std)

def standardise(X_train, X_test):
    m, s = fit_standardiser(X_train)
    return (X_train - m) / s, (X_test - m) / s
""", "sample standard deviation"),
            "constant feature divides by zero": ("""
def fit_standardiser(X):
    return X.mean(axis=0), X.std(axis=0)

def standardise(X_train, X_test):
    m, s = fit_standardiser(X_train)
    return (X_train - m) / s, (X_test - m) / s
""", "std left at 0"),
            "variance instead of std": ("""
def fit_standardiser(X):
    var = X.var(axis=0)
    return X.mean(axis=0), np.where(var == 0, 1.0, var)

def standardise(X_train, X_test):
    m, s = fit_standardiser(X_train)
    return (X_train - m) / s, (X_test - m) / s
""", "variance instead of the standard deviation"),
            "test set with its own statistics (leakage)": ("""
def fit_standardiser(X):
    std = X.std(axis=0)
    return X.mean(axis=0), np.where(std == 0, 1.0, std)

def standardise(X_train, X_test):
    m, s = fit_standardiser(X_train)
    mt, st = fit_standardiser(X_test)
    return (X_train - m) / s, (X_test - mt) / st
""", "its own mean and std"),
            "statistics of train and test together (leakage)": ("""
def fit_standardiser(X):
    std = X.std(axis=0)
    return X.mean(axis=0), np.where(std == 0, 1.0, std)

def standardise(X_train, X_test):
    m, s = fit_standardiser(np.concatenate([X_train, X_test]))
    return (X_train - m) / s, (X_test - m) / s
""", "training and test sets together"),
            "modifies X_train in place": ("""
def fit_standardiser(X):
    std = X.std(axis=0)
    return X.mean(axis=0), np.where(std == 0, 1.0, std)

def standardise(X_train, X_test):
    m, s = fit_standardiser(X_train)
    X_train -= m
    X_train /= s
    return X_train, (X_test - m) / s
""", "in place"),
        },
        "right": {
            "scikit-learn StandardScaler": """
def fit_standardiser(X):
    from sklearn.preprocessing import StandardScaler
    sc = StandardScaler().fit(X)
    return sc.mean_, sc.scale_

def standardise(X_train, X_test):
    mean, std = fit_standardiser(X_train)
    return (X_train - mean) / std, (X_test - mean) / std
""",
            "explicit sums over rows": """
def fit_standardiser(X):
    n = X.shape[0]
    mean = X.sum(axis=0) / n
    std = np.sqrt(((X - mean) ** 2).sum(axis=0) / n)
    std[std == 0] = 1.0
    return mean, std

def standardise(X_train, X_test):
    mean, std = fit_standardiser(X_train)
    return [(X - mean) / std for X in (X_train, X_test)]
""",
            "torch": """
def fit_standardiser(X):
    t = torch.as_tensor(X)
    mean = t.mean(dim=0)
    std = t.std(dim=0, correction=0)
    std = torch.where(std == 0, torch.ones_like(std), std)
    return mean.numpy(), std.numpy()

def standardise(X_train, X_test):
    mean, std = fit_standardiser(X_train)
    return np.divide(X_train - mean, std), np.divide(X_test - mean, std)
""",
        },
    },
    "minmax_scale": {
        "wrong": {
            "clips the test set": ("""
def fit_minmax(X):
    lo = X.min(axis=0)
    span = X.max(axis=0) - lo
    return lo, np.where(span == 0, 1.0, span)

def minmax_scale(X_train, X_test):
    lo, span = fit_minmax(X_train)
    return (X_train - lo) / span, np.clip((X_test - lo) / span, 0, 1)
""", "clipped"),
            "test set with its own statistics (leakage)": ("""
def fit_minmax(X):
    lo = X.min(axis=0)
    span = X.max(axis=0) - lo
    return lo, np.where(span == 0, 1.0, span)

def minmax_scale(X_train, X_test):
    lo, span = fit_minmax(X_train)
    lo_t, span_t = fit_minmax(X_test)
    return (X_train - lo) / span, (X_test - lo_t) / span_t
""", "its own minimum and span"),
            "statistics of train and test together (leakage)": ("""
def fit_minmax(X):
    lo = X.min(axis=0)
    span = X.max(axis=0) - lo
    return lo, np.where(span == 0, 1.0, span)

def minmax_scale(X_train, X_test):
    lo, span = fit_minmax(np.vstack([X_train, X_test]))
    return (X_train - lo) / span, (X_test - lo) / span
""", "training and test sets together"),
            "divides by the maximum": ("""
def fit_minmax(X):
    return X.min(axis=0), X.max(axis=0)

def minmax_scale(X_train, X_test):
    lo, hi = fit_minmax(X_train)
    return (X_train - lo) / hi, (X_test - lo) / hi
""", "the maximum instead of the span"),
            "constant feature divides by zero": ("""
def fit_minmax(X):
    return X.min(axis=0), X.max(axis=0) - X.min(axis=0)

def minmax_scale(X_train, X_test):
    lo, span = fit_minmax(X_train)
    return (X_train - lo) / span, (X_test - lo) / span
""", "span left at 0"),
            "per-sample statistics (axis=1)": ("""
def fit_minmax(X):
    lo = X.min(axis=1)
    span = X.max(axis=1) - lo
    return lo, np.where(span == 0, 1.0, span)

def minmax_scale(X_train, X_test):
    lo, span = fit_minmax(X_train)
    return (X_train - lo[:, None]) / span[:, None], X_test
""", "every sample (row)"),
            "modifies X_train in place": ("""
def fit_minmax(X):
    lo = X.min(axis=0)
    span = X.max(axis=0) - lo
    return lo, np.where(span == 0, 1.0, span)

def minmax_scale(X_train, X_test):
    lo, span = fit_minmax(X_train)
    X_train -= lo
    X_train /= span
    return X_train, (X_test - lo) / span
""", "in place"),
        },
        "right": {
            "np.ptp": """
def fit_minmax(X):
    span = np.ptp(X, axis=0).astype(float)
    span[span == 0] = 1
    return np.min(X, axis=0), span

def minmax_scale(X_train, X_test):
    lo, span = fit_minmax(X_train)
    return (X_train - lo) / span, (X_test - lo) / span
""",
            "scikit-learn MinMaxScaler": """
def fit_minmax(X):
    from sklearn.preprocessing import MinMaxScaler
    sc = MinMaxScaler().fit(X)
    return sc.data_min_, 1 / sc.scale_

def minmax_scale(X_train, X_test):
    from sklearn.preprocessing import MinMaxScaler
    sc = MinMaxScaler().fit(X_train)
    return sc.transform(X_train), sc.transform(X_test)
""",
        },
    },
    "build_model": {
        "wrong": {
            "the lecture's model as written (casing fixed)": ("""
def build_model(input_dim, output_dim, hidden_dim=9):
    return nn.Sequential(
        nn.Linear(input_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim), nn.Linear(hidden_dim, hidden_dim),
        nn.ReLU(), nn.ReLU(), nn.ReLU(),
        nn.Linear(hidden_dim, output_dim))
""", "both Linear"),
            "stacked ReLUs kept": ("""
def build_model(input_dim, output_dim, hidden_dim=9):
    return nn.Sequential(
        nn.Linear(input_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim), nn.ReLU(), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, output_dim))
""", "ReLU(ReLU(x)) = ReLU(x)"),
            "ReLU after the output layer": ("""
def build_model(input_dim, output_dim, hidden_dim=9):
    return nn.Sequential(
        nn.Linear(input_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, output_dim), nn.ReLU())
""", "a ReLU after the output layer"),
            "two hidden layers": ("""
def build_model(input_dim, output_dim, hidden_dim=9):
    return nn.Sequential(
        nn.Linear(input_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, output_dim))
""", "two hidden layers"),
            "no biases": ("""
def build_model(input_dim, output_dim, hidden_dim=9):
    return nn.Sequential(
        nn.Linear(input_dim, hidden_dim, bias=False), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim, bias=False), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim, bias=False), nn.ReLU(),
        nn.Linear(hidden_dim, output_dim, bias=False))
""", "without biases"),
            "width fixed at 9": ("""
def build_model(input_dim, output_dim, hidden_dim=9):
    return nn.Sequential(
        nn.Linear(input_dim, 9), nn.ReLU(),
        nn.Linear(9, 9), nn.ReLU(),
        nn.Linear(9, 9), nn.ReLU(),
        nn.Linear(9, output_dim))
""", "use hidden_dim"),
        },
        "right": {
            "built in a loop": """
def build_model(input_dim, output_dim, hidden_dim=9):
    layers, d = [], input_dim
    for _ in range(3):
        layers += [nn.Linear(d, hidden_dim), nn.ReLU()]
        d = hidden_dim
    layers.append(nn.Linear(d, output_dim))
    return nn.Sequential(*layers)
""",
            "named layers (OrderedDict)": """
from collections import OrderedDict
def build_model(input_dim, output_dim, hidden_dim=9):
    return torch.nn.Sequential(OrderedDict([
        ("hidden1", torch.nn.Linear(input_dim, hidden_dim)), ("relu1", torch.nn.ReLU()),
        ("hidden2", torch.nn.Linear(hidden_dim, hidden_dim)), ("relu2", torch.nn.ReLU()),
        ("hidden3", torch.nn.Linear(hidden_dim, hidden_dim)), ("relu3", torch.nn.ReLU(inplace=True)),
        ("logits", torch.nn.Linear(hidden_dim, output_dim)),
    ]))
""",
        },
    },
    "train_epoch": {
        "wrong": {
            "forgot zero_grad": ("""
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""", "zero_grad() is missing"),
            "zero_grad between backward and step": ("""
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.zero_grad()
        optimiser.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""", "w unchanged"),
            "forgot model.train()": ("""
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    total, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""", "evaluation mode during training"),
            "unweighted mean of batch losses": ("""
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    model.train()
    losses = []
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
""", "plain mean of the batch losses"),
            "returns the last batch's loss": ("""
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    model.train()
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
    return loss.item()
""", "last batch only"),
            "sum of batch losses": ("""
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    model.train()
    total = 0.0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        total += loss.item()
    return total
""", "sum of the batch losses"),
        },
        "right": {
            "the lecture's order (zero_grad after step)": """
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        predictions = model(x)
        loss = loss_fn(predictions, y)
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
        total += float(loss) * y.shape[0]
        count += y.shape[0]
    return total / count
""",
            "model.zero_grad with zeros kept, losses stacked": """
def train_epoch(model, loader, loss_fn, optimiser, device=None):
    model.train(True)
    losses, sizes = [], []
    for batch in loader:
        x, y = (t.to(device) if device is not None else t for t in batch)
        model.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        losses.append(loss.detach())
        sizes.append(x.shape[0])
    sizes = torch.tensor(sizes, dtype=losses[0].dtype)
    return (torch.stack(losses) * sizes).sum().item() / sizes.sum().item()
""",
            "gradients reset by hand": """
def train_epoch(model, loader, loss_fn, optimiser, device="cpu"):
    model.train()
    total, n = 0.0, 0
    for x, y in loader:
        for p in model.parameters():
            p.grad = None
        loss = loss_fn(model(x.to(device)), y.to(device))
        loss.backward()
        optimiser.step()
        total, n = total + loss.item() * len(y), n + len(y)
    return total / n
""",
        },
    },
    "evaluate": {
        "wrong": {
            "forgot model.eval()": ("""
def evaluate(model, loader, loss_fn, device="cpu"):
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(x)
    return total / count, correct / count
""", "evaluated in training mode"),
            "forgot torch.no_grad()": ("""
def evaluate(model, loader, loss_fn, device="cpu"):
    model.eval()
    total, correct, count = 0.0, 0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        logits = model(x)
        total += loss_fn(logits, y).item() * len(x)
        correct += (logits.argmax(dim=1) == y).sum().item()
        count += len(x)
    return total / count, correct / count
""", "recorded the graph"),
            "accuracy as a percentage": ("""
def evaluate(model, loader, loss_fn, device="cpu"):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(x)
    return total / count, 100 * correct / count
""", "a percentage"),
            "unweighted mean of batch losses": ("""
def evaluate(model, loader, loss_fn, device="cpu"):
    model.eval()
    losses, correct, count = [], 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x.to(device))
            losses.append(loss_fn(logits, y.to(device)).item())
            correct += (logits.argmax(dim=1) == y.to(device)).sum().item()
            count += len(x)
    return sum(losses) / len(losses), correct / count
""", "plain mean of the batch losses"),
            "number of correct predictions": ("""
def evaluate(model, loader, loss_fn, device="cpu"):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(x)
    return total / count, correct
""", "number of correct predictions"),
        },
        "right": {
            "all logits at once": """
def evaluate(model, loader, loss_fn, device="cpu"):
    model.eval()
    with torch.no_grad():
        outputs, targets = [], []
        for x, y in loader:
            outputs.append(model(x.to(device)))
            targets.append(y.to(device))
        logits, y = torch.cat(outputs), torch.cat(targets)
        return loss_fn(logits, y).item(), (logits.argmax(1) == y).float().mean().item()
""",
            "inference_mode, restores the previous mode": """
def evaluate(model, loader, loss_fn, device="cpu"):
    was_training = model.training
    model.eval()
    total, correct, n = 0.0, 0, 0
    with torch.inference_mode():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            total += float(loss_fn(logits, y)) * y.numel()
            correct += int((torch.max(logits, dim=1).indices == y).sum())
            n += y.numel()
    model.train(was_training)
    return (total / n, correct / n)
""",
        },
    },
    "dead_fraction": {
        "wrong": {
            "fraction of entries": ("""
def dead_fraction(F):
    return float(np.mean(np.asarray(F) <= 0))
""", "fraction of all entries"),
            "strict inequality": ("""
def dead_fraction(F):
    return float(np.mean(np.all(np.asarray(F) < 0, axis=0)))
""", "f < 0 instead of f <= 0"),
            "wrong axis (rows)": ("""
def dead_fraction(F):
    return float(np.mean(np.all(np.asarray(F) <= 0, axis=1)))
""", "inputs (rows)"),
            "any instead of all": ("""
def dead_fraction(F):
    return float(np.mean(np.any(np.asarray(F) <= 0, axis=0)))
""", "at least one input"),
            "count instead of fraction": ("""
def dead_fraction(F):
    return int(np.sum(np.all(np.asarray(F) <= 0, axis=0)))
""", "number of dead units"),
        },
        "right": {
            "column maximum": """
def dead_fraction(F):
    F = np.asarray(F)
    return float((F.max(axis=0) <= 0).sum() / F.shape[1])
""",
            "loop over units": """
def dead_fraction(F):
    F = np.asarray(F)
    dead = 0
    for j in range(F.shape[1]):
        if all(value <= 0 for value in F[:, j]):
            dead += 1
    return dead / F.shape[1]
""",
            "torch": """
def dead_fraction(F):
    t = torch.as_tensor(F)
    return (torch.relu(t).sum(dim=0) == 0).double().mean().item()
""",
        },
    },
}
