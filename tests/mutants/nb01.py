from mutation import edit as E, rewrite as R

NOTEBOOK = "01_gradient_descent"
RESIDUALS = "residuals = phi[0] + phi[1] * x - y"
GRAD = "return np.array([2.0 * np.sum(residuals), 2.0 * np.sum(residuals * x)])"
STEP = "phi = phi - alpha * "
CE = "np.logaddexp(0.0, z)"
CEG = "return X.T @ (sigmoid(X @ w) - y)"
NOT_ARRAY = "expected a numpy array"

MUTANTS = {
    "least_squares_loss": {
        "wrong": {
            "mean instead of sum": (E("np.sum(", "np.mean("), "mean of the squared residuals"),
            "no square": (E("residuals ** 2", "residuals"), "without squaring"),
            "square of the sum": (E("np.sum(residuals ** 2)", "np.sum(residuals) ** 2"), "square of the summed"),
            "absolute residuals": (E("residuals ** 2", "np.abs(residuals)"), "sum of absolute residuals"),
            "slope and intercept swapped": (E(RESIDUALS, "residuals = phi[1] + phi[0] * x - y"), "phi[0] as the slope"),
            "half the loss": (E("return float(", "return 0.5 * float("), "half the loss"),
            "returns the residual vector": (E("float(np.sum(residuals ** 2))", "residuals ** 2"), "expected a single number"),
            "computes the residuals in the caller's x": (E(RESIDUALS, "x *= phi[1]; x += phi[0]; x -= y; residuals = x"),
                                                         "changed its arguments in place"),
        },
        "right": {
            "python loop": R("def least_squares_loss(phi, x, y):\n    total = 0.0\n    for xi, yi in zip(x, y):\n"
                             "        total += (phi[0] + phi[1] * xi - yi) ** 2\n    return total\n"),
            "dot product of residuals": E("float(np.sum(residuals ** 2))", "residuals @ residuals"),
            "squared norm (returns numpy scalar)": E("float(np.sum(residuals ** 2))", "np.linalg.norm(residuals) ** 2"),
            "torch, .item()": E("float(np.sum(residuals ** 2))", "torch.sum(torch.as_tensor(residuals) ** 2).item()"),
        },
    },
    "least_squares_gradient": {
        "wrong": {
            "sign flipped": (E(RESIDUALS, "residuals = y - phi[0] - phi[1] * x"), "sign flipped"),
            "missing factor 2": (E("2.0 * ", "", count=2), "without the factor 2"),
            "mean gradient": (E("np.sum(", "np.mean(", count=2), "mean loss"),
            "components swapped": (E(GRAD, "return np.array([2.0 * np.sum(residuals * x), 2.0 * np.sum(residuals)])"),
                                   "swapped"),
            "slope derivative without x": (E("np.sum(residuals * x)", "np.sum(residuals)"), "missing its factor x_i"),
            "returns a list": (E("return np.array(", "return list("), NOT_ARRAY),
            "returns a torch tensor": (E("return np.array(", "return torch.tensor("), NOT_ARRAY),
            "float32 result": (E("* x)])", "* x)], dtype=np.float32)"), "expected dtype float64"),
            "residuals computed in the caller's y": (E(RESIDUALS, "y -= phi[0] + phi[1] * x; residuals = -y"),
                                                     "changed its arguments in place"),
        },
        "right": {
            "design matrix": E(GRAD, "A = np.c_[np.ones_like(x), x]\n    return 2 * A.T @ (A @ phi - y)"),
            "python loop, list result converted": R(
                "def least_squares_gradient(phi, x, y):\n    g0 = g1 = 0.0\n    for xi, yi in zip(x, y):\n"
                "        r = phi[0] + phi[1] * xi - yi\n        g0 += 2 * r\n        g1 += 2 * r * xi\n"
                "    return np.array([g0, g1])\n"),
        },
    },
    "gradient_descent": {
        "wrong": {
            "gradient ascent": (E(STEP, "phi = phi + alpha * "), "ascent"),
            "in-place update aliases every row": (E(STEP, "phi -= alpha * "), "updated in place"),
            "start point missing": (E("path = [phi]", "path = []"), "without its start point"),
            "one step short": (E("range(n_steps)", "range(n_steps - 1)"), "missing its last step"),
            "modifies the caller's phi_init": (E("np.array(phi_init, dtype=float)", "phi_init") & E("[phi]", "[phi.copy()]")
                                               & E(STEP, "phi -= alpha * ") & E("append(phi)", "append(phi.copy())"),
                                               "in place"),
            "returns only the final parameters": (E("return np.array(path)", "return phi"), "wrong shape"),
            "returns a list": (E("return np.array(path)", "return path"), NOT_ARRAY),
            "trajectory kept in a function attribute": (
                E("path = [phi]", "path = gradient_descent.__dict__.setdefault('path', [])\n    path.append(phi)"),
                "keep a list between calls"),
            "gradient evaluated once, at the start": (E("path = [phi]", "path = [phi]\n    g = gradient(phi)")
                                                      & E("gradient(phi), dtype", "g, dtype"), "wrong value"),
        },
        "right": {
            "preallocated array": R(
                "def gradient_descent(gradient, phi_init, alpha, n_steps):\n"
                "    path = np.empty((n_steps + 1, len(phi_init)))\n    path[0] = phi_init\n"
                "    for t in range(n_steps):\n        path[t + 1] = path[t] - alpha * gradient(path[t].copy())\n"
                "    return path\n"),
            "copy then in-place update": (E("np.array(phi_init, dtype=float)", "np.asarray(phi_init, dtype=float).copy()")
                                          & E("[phi]", "[phi.copy()]") & E(STEP, "phi -= alpha * ")
                                          & E("append(phi)", "append(phi.copy())") & E("np.array(path)", "np.stack(path)")),
        },
    },
    "cross_entropy_loss": {
        "wrong": {
            "mean instead of sum": (E("np.sum(", "np.mean("), "mean over the data points"),
            "labels flipped": (E("- y * z", "- (1 - y) * z"), "labels flipped"),
            "naive logs of probabilities (not finite for large z)": (
                E("return float(np.sum(np.logaddexp(0.0, z) - y * z))", "p = 1 / (1 + np.exp(-z))\n"
                  "    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))"), "logaddexp"),
            "minus sign missing": (E("float(np.sum(", "float(-np.sum("), "without its minus sign"),
            "the second form typed literally: log(1 + exp(z))": (E(CE, "np.log(1 + np.exp(z))"), "overflows to inf"),
            "log1p(exp(z)): still overflows": (E(CE, "np.log1p(np.exp(z))"), "overflows to inf"),
        },
        "right": {
            "log1p with abs (another stable form)": E(CE, "(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))"),
            "torch with logits": E("return float(np.sum(np.logaddexp(0.0, z) - y * z))",
                                   "return torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(z), "
                                   "torch.tensor(y, dtype=torch.float64), reduction='sum').item()"),
            "per-class form with logaddexp": E(f"{CE} - y * z", "y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)"),
            "torch softplus": E(CE, "torch.nn.functional.softplus(torch.tensor(z)).numpy()"),
            "np.where with log1p on each side": E(CE, "np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))"),
        },
    },
    "cross_entropy_gradient": {
        "wrong": {
            "sign flipped": (E("(sigmoid(X @ w) - y)", "(y - sigmoid(X @ w))"), "sign flipped"),
            "sigmoid missing": (E("sigmoid(X @ w)", "(X @ w)"), "sigmoid is missing"),
            "exp instead of sigmoid": (E("sigmoid(X @ w)", "np.exp(X @ w)"), "exp(z) instead of sigma(z)"),
            "mean gradient": (E(CEG, CEG + " / len(y)"), "mean loss"),
            "per-sample gradients not summed": (E(CEG, "return X * (sigmoid(X @ w) - y)[:, None]"), "wrong shape"),
            "returns a torch tensor": (E(CEG, "return torch.tensor(X.T @ (sigmoid(X @ w) - y))"), NOT_ARRAY),
            "float32 result": (E(CEG, "return (X.T @ (sigmoid(X @ w) - y)).astype(np.float32)"),
                               "expected dtype float64"),
        },
        "right": {
            "loop over samples": R("def cross_entropy_gradient(w, X, y):\n    g = np.zeros_like(w, dtype=float)\n"
                                   "    for xi, yi in zip(X, y):\n        g += (1 / (1 + np.exp(-xi @ w)) - yi) * xi\n"
                                   "    return g\n"),
            "torch autograd": E(CEG, "wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)\n"
                                "    torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(X) @ wt, "
                                "torch.tensor(y, dtype=torch.float64), reduction='sum').backward()\n"
                                "    return wt.grad.numpy()"),
            "sum of per-sample terms": E(CEG, "return np.sum((sigmoid(X @ w) - y)[:, None] * X, axis=0)"),
        },
    },
}
