from mutation import edit

NOTEBOOK = "01_gradient_descent"

MUTANTS = {
    "least_squares_loss": {
        "wrong": {
            "mean instead of sum": (edit("np.sum(", "np.mean("), "mean of the squared residuals"),
            "no square": ("""
def least_squares_loss(phi, x, y):
    return float(np.sum(phi[0] + phi[1] * x - y))
""", "without squaring"),
            "slope and intercept swapped": ("""
def least_squares_loss(phi, x, y):
    return float(np.sum((phi[1] + phi[0] * x - y) ** 2))
""", "phi[0] as the slope"),
            "half the loss": ("""
def least_squares_loss(phi, x, y):
    return 0.5 * float(np.sum((phi[0] + phi[1] * x - y) ** 2))
""", "half the loss"),
            "returns the residual vector": ("""
def least_squares_loss(phi, x, y):
    return (phi[0] + phi[1] * x - y) ** 2
""", "expected a single number"),
        },
        "right": {
            "python loop": """
def least_squares_loss(phi, x, y):
    total = 0.0
    for xi, yi in zip(x, y):
        total += (phi[0] + phi[1] * xi - yi) ** 2
    return total
""",
            "dot product of residuals": """
def least_squares_loss(phi, x, y):
    r = np.c_[np.ones_like(x), x] @ phi - y
    return r @ r
""",
            "squared norm (returns numpy scalar)": """
def least_squares_loss(phi, x, y):
    return np.linalg.norm(y - phi[0] - phi[1] * x) ** 2
""",
        },
    },
    "least_squares_gradient": {
        "wrong": {
            "sign flipped": ("""
def least_squares_gradient(phi, x, y):
    r = y - phi[0] - phi[1] * x
    return np.array([2 * r.sum(), 2 * (r * x).sum()])
""", "sign flipped"),
            "missing factor 2": ("""
def least_squares_gradient(phi, x, y):
    r = phi[0] + phi[1] * x - y
    return np.array([r.sum(), (r * x).sum()])
""", "without the factor 2"),
            "mean gradient": ("""
def least_squares_gradient(phi, x, y):
    r = phi[0] + phi[1] * x - y
    return np.array([2 * r.mean(), 2 * (r * x).mean()])
""", "mean loss"),
            "components swapped": ("""
def least_squares_gradient(phi, x, y):
    r = phi[0] + phi[1] * x - y
    return np.array([2 * (r * x).sum(), 2 * r.sum()])
""", "swapped"),
            "slope derivative without x": ("""
def least_squares_gradient(phi, x, y):
    r = phi[0] + phi[1] * x - y
    return np.array([2 * r.sum(), 2 * r.sum()])
""", "missing its factor x_i"),
        },
        "right": {
            "design matrix": """
def least_squares_gradient(phi, x, y):
    A = np.c_[np.ones_like(x), x]
    return 2 * A.T @ (A @ phi - y)
""",
            "python loop, list result converted": """
def least_squares_gradient(phi, x, y):
    g0 = g1 = 0.0
    for xi, yi in zip(x, y):
        r = phi[0] + phi[1] * xi - yi
        g0 += 2 * r
        g1 += 2 * r * xi
    return np.array([g0, g1])
""",
        },
    },
    "gradient_descent": {
        "wrong": {
            "gradient ascent": ("""
def gradient_descent(gradient, phi_init, alpha, n_steps):
    phi = np.array(phi_init, dtype=float)
    path = [phi]
    for _ in range(n_steps):
        phi = phi + alpha * gradient(phi)
        path.append(phi)
    return np.array(path)
""", "ascent"),
            "in-place update aliases every row": ("""
def gradient_descent(gradient, phi_init, alpha, n_steps):
    phi = np.array(phi_init, dtype=float)
    path = []
    for _ in range(n_steps + 1):
        path.append(phi)
        if len(path) <= n_steps:
            phi -= alpha * gradient(phi)
    return np.array(path)
""", "updated in place"),
            "start point missing": ("""
def gradient_descent(gradient, phi_init, alpha, n_steps):
    phi = np.array(phi_init, dtype=float)
    path = []
    for _ in range(n_steps):
        phi = phi - alpha * gradient(phi)
        path.append(phi)
    return np.array(path)
""", "without its start point"),
            "one step short": ("""
def gradient_descent(gradient, phi_init, alpha, n_steps):
    phi = np.array(phi_init, dtype=float)
    path = [phi]
    for _ in range(n_steps - 1):
        phi = phi - alpha * gradient(phi)
        path.append(phi)
    return np.array(path)
""", "missing its last step"),
            "modifies the caller's phi_init": ("""
def gradient_descent(gradient, phi_init, alpha, n_steps):
    phi = phi_init
    path = [phi.copy()]
    for _ in range(n_steps):
        phi -= alpha * gradient(phi)
        path.append(phi.copy())
    return np.array(path)
""", "in place"),
            "returns only the final parameters": ("""
def gradient_descent(gradient, phi_init, alpha, n_steps):
    phi = np.array(phi_init, dtype=float)
    for _ in range(n_steps):
        phi = phi - alpha * gradient(phi)
    return phi
""", "wrong shape"),
        },
        "right": {
            "preallocated array": """
def gradient_descent(gradient, phi_init, alpha, n_steps):
    path = np.empty((n_steps + 1, len(phi_init)))
    path[0] = phi_init
    for t in range(n_steps):
        path[t + 1] = path[t] - alpha * gradient(path[t].copy())
    return path
""",
            "copy then in-place update": """
def gradient_descent(gradient, phi_init, alpha, n_steps):
    phi = np.asarray(phi_init, dtype=float).copy()
    path = [phi.copy()]
    for _ in range(n_steps):
        phi -= alpha * gradient(phi)
        path.append(phi.copy())
    return np.stack(path)
""",
        },
    },
    "cross_entropy_loss": {
        "wrong": {
            "mean instead of sum": ("""
def cross_entropy_loss(w, X, y):
    z = X @ w
    return float(np.mean(np.logaddexp(0, z) - y * z))
""", "mean over the data points"),
            "labels flipped": ("""
def cross_entropy_loss(w, X, y):
    z = X @ w
    return float(np.sum(np.logaddexp(0, z) - (1 - y) * z))
""", "labels flipped"),
            "naive logs of probabilities (not finite for large z)": ("""
def cross_entropy_loss(w, X, y):
    p = 1 / (1 + np.exp(-(X @ w)))
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
""", "logaddexp"),
            "minus sign missing": ("""
def cross_entropy_loss(w, X, y):
    z = X @ w
    return float(-np.sum(np.logaddexp(0, z) - y * z))
""", "without its minus sign"),
        },
        "right": {
            "log1p with abs (another stable form)": """
def cross_entropy_loss(w, X, y):
    z = X @ w
    return np.sum(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - y * z)
""",
            "torch with logits": """
def cross_entropy_loss(w, X, y):
    return torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(X @ w), torch.tensor(y, dtype=torch.float64), reduction="sum").item()
""",
            "per-class form with logaddexp": """
def cross_entropy_loss(w, X, y):
    z = X @ w
    return float(np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))
""",
        },
    },
    "cross_entropy_gradient": {
        "wrong": {
            "sign flipped": ("""
def cross_entropy_gradient(w, X, y):
    return X.T @ (y - sigmoid(X @ w))
""", "sign flipped"),
            "sigmoid missing": ("""
def cross_entropy_gradient(w, X, y):
    return X.T @ (X @ w - y)
""", "sigmoid is missing"),
            "mean gradient": ("""
def cross_entropy_gradient(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) / len(y)
""", "mean loss"),
            "per-sample gradients not summed": ("""
def cross_entropy_gradient(w, X, y):
    return X * (sigmoid(X @ w) - y)[:, None]
""", "wrong shape"),
        },
        "right": {
            "loop over samples": """
def cross_entropy_gradient(w, X, y):
    g = np.zeros_like(w, dtype=float)
    for xi, yi in zip(X, y):
        g += (1 / (1 + np.exp(-xi @ w)) - yi) * xi
    return g
""",
            "torch autograd": """
def cross_entropy_gradient(w, X, y):
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(X) @ wt, torch.tensor(y, dtype=torch.float64), reduction="sum").backward()
    return wt.grad.numpy()
""",
        },
    },
}
