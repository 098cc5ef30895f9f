from mutation import edit as E, rewrite as R

NOTEBOOK = "01_gradient_descent"
fn = lambda head, *lines: R(head + "\n" + "".join(f"    {line}\n" for line in lines))  # noqa: E731 (def line, body lines)
RES, SUM = "residuals = phi[0] + phi[1] * x - y", "float(np.sum(residuals ** 2))"
GRAD = "return np.array([2.0 * np.sum(residuals), 2.0 * np.sum(residuals * x)])"
STEP, CE, CEG = "phi = phi - alpha * ", "np.logaddexp(0.0, z)", "return X.T @ (sigmoid(X @ w) - y)"
ARR, INPLACE, F64 = "expected a numpy array", "changed its arguments in place", "expected dtype float64"
MUTANTS = {
    "least_squares_loss": {"wrong": {
        "mean instead of sum": (E("np.sum(", "np.mean("), "mean of the squared residuals"),
        "no square": (E("residuals ** 2", "residuals"), "without squaring"),
        "square of the sum": (E("np.sum(residuals ** 2)", "np.sum(residuals) ** 2"), "square of the summed"),
        "absolute residuals": (E("residuals ** 2", "np.abs(residuals)"), "sum of absolute residuals"),
        "slope and intercept swapped": (E(RES, "residuals = phi[1] + phi[0] * x - y"), "phi[0] as the slope"),
        "half the loss": (E("return float(", "return 0.5 * float("), "half the loss"),
        "returns the residual vector": (E(SUM, "residuals ** 2"), "expected a single number"),
        "computes the residuals in the caller's x": (E(RES, "x *= phi[1]; x += phi[0]; x -= y; residuals = x"), INPLACE),
    }, "right": {
        "python loop": fn("def least_squares_loss(phi, x, y):", "total = 0.0", "for xi, yi in zip(x, y):",
                          "    total += (phi[0] + phi[1] * xi - yi) ** 2", "return total"),
        "dot product of residuals": E(SUM, "residuals @ residuals"),
        "squared norm (returns numpy scalar)": E(SUM, "np.linalg.norm(residuals) ** 2"),
        "torch, .item()": E(SUM, "torch.sum(torch.as_tensor(residuals) ** 2).item()"),
    }}, "least_squares_gradient": {"wrong": {
        "sign flipped": (E(RES, "residuals = y - phi[0] - phi[1] * x"), "sign flipped"),
        "missing factor 2": (E("2.0 * ", "", count=2), "without the factor 2"),
        "mean gradient": (E("np.sum(", "np.mean(", count=2), "mean loss"),
        "components swapped": (E(GRAD, "return np.array([2.0 * np.sum(residuals * x), 2.0 * np.sum(residuals)])"), "swapped"),
        "slope derivative without x": (E("np.sum(residuals * x)", "np.sum(residuals)"), "missing its factor x_i"),
        "returns a list": (E("return np.array(", "return list("), ARR),
        "returns a torch tensor": (E("return np.array(", "return torch.tensor("), ARR),
        "float32 result": (E("* x)])", "* x)], dtype=np.float32)"), F64),
        "residuals computed in the caller's y": (E(RES, "y -= phi[0] + phi[1] * x; residuals = -y"), INPLACE),
    }, "right": {
        "design matrix": E(GRAD, "A = np.c_[np.ones_like(x), x]\n    return 2 * A.T @ (A @ phi - y)"),
        "python loop, list result converted": fn(
            "def least_squares_gradient(phi, x, y):", "g0 = g1 = 0.0", "for xi, yi in zip(x, y):",
            "    r = phi[0] + phi[1] * xi - yi; g0 += 2 * r; g1 += 2 * r * xi", "return np.array([g0, g1])"),
    }}, "gradient_descent": {"wrong": {
        "gradient ascent": (E(STEP, "phi = phi + alpha * "), "ascent"),
        "in-place update aliases every row": (E(STEP, "phi -= alpha * "), "updated in place"),
        "start point missing": (E("path = [phi]", "path = []"), "without its start point"),
        "one step short": (E("range(n_steps)", "range(n_steps - 1)"), "missing its last step"),
        "modifies the caller's phi_init": (E("np.array(phi_init, dtype=float)", "phi_init") & E("[phi]", "[phi.copy()]")
                                           & E(STEP, "phi -= alpha * ") & E("append(phi)", "append(phi.copy())"), "in place"),
        "returns only the final parameters": (E("return np.array(path)", "return phi"), "wrong shape"),
        "returns a list": (E("return np.array(path)", "return path"), ARR),
        "trajectory kept in a function attribute": (E("path = [phi]", "path = gradient_descent.__dict__.setdefault('path', [])"
                                                      "; path.append(phi)"), "keep a list between calls"),
        "gradient evaluated once, at the start": (E("path = [phi]", "path = [phi]; g = gradient(phi)")
                                                  & E("gradient(phi), dtype", "g, dtype"), "wrong value"),
    }, "right": {
        "preallocated array": fn("def gradient_descent(gradient, phi_init, alpha, n_steps):",
                                 "path = np.empty((n_steps + 1, len(phi_init))); path[0] = phi_init", "for t in range(n_steps):",
                                 "    path[t + 1] = path[t] - alpha * gradient(path[t].copy())", "return path"),
        "copy then in-place update": (E("np.array(phi_init, dtype=float)", "np.asarray(phi_init, dtype=float).copy()")
                                      & E("[phi]", "[phi.copy()]") & E(STEP, "phi -= alpha * ")
                                      & E("append(phi)", "append(phi.copy())") & E("np.array(path)", "np.stack(path)")),
    }}, "cross_entropy_loss": {"wrong": {
        "mean instead of sum": (E("np.sum(", "np.mean("), "mean over the data points"),
        "labels flipped": (E("- y * z", "- (1 - y) * z"), "labels flipped"),
        "naive logs of probabilities (not finite for large z)": (E(f"return float(np.sum({CE} - y * z))", "p = 1 / (1 + np.exp(-z))\n"
                                                                   "    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))"),
                                                                 "logaddexp"),
        "minus sign missing": (E("float(np.sum(", "float(-np.sum("), "without its minus sign"),
        "the second form typed literally: log(1 + exp(z))": (E(CE, "np.log(1 + np.exp(z))"), "overflows to inf"),
        "log1p(exp(z)): still overflows": (E(CE, "np.log1p(np.exp(z))"), "overflows to inf"),
    }, "right": {
        "log1p with abs (another stable form)": E(CE, "(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))"),
        "torch with logits": E(f"float(np.sum({CE} - y * z))", "torch.nn.functional.binary_cross_entropy_with_logits("
                               "torch.tensor(z), torch.tensor(y, dtype=torch.float64), reduction='sum').item()"),
        "per-class form with logaddexp": E(f"{CE} - y * z", "y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)"),
        "torch softplus": E(CE, "torch.nn.functional.softplus(torch.tensor(z)).numpy()"),
        "np.where with log1p on each side": E(CE, "np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))"),
    }}, "cross_entropy_gradient": {"wrong": {
        "sign flipped": (E("(sigmoid(X @ w) - y)", "(y - sigmoid(X @ w))"), "sign flipped"),
        "sigmoid missing": (E("sigmoid(X @ w)", "(X @ w)"), "sigmoid is missing"),
        "exp instead of sigmoid": (E("sigmoid(X @ w)", "np.exp(X @ w)"), "exp(z) instead of sigma(z)"),
        "mean gradient": (E(CEG, CEG + " / len(y)"), "mean loss"),
        "per-sample gradients not summed": (E(CEG, "return X * (sigmoid(X @ w) - y)[:, None]"), "wrong shape"),
        "returns a torch tensor": (E(CEG, "return torch.tensor(X.T @ (sigmoid(X @ w) - y))"), ARR),
        "float32 result": (E(CEG, "return (X.T @ (sigmoid(X @ w) - y)).astype(np.float32)"), F64),
    }, "right": {
        "loop over samples": fn("def cross_entropy_gradient(w, X, y):", "g = np.zeros_like(w, dtype=float)",
                                "for xi, yi in zip(X, y):", "    g += (1 / (1 + np.exp(-xi @ w)) - yi) * xi", "return g"),
        "torch autograd": E(CEG, "wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)\n"
                            "    torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(X) @ wt, "
                            "torch.tensor(y, dtype=torch.float64), reduction='sum').backward()\n    return wt.grad.numpy()"),
        "sum of per-sample terms": E(CEG, "return np.sum((sigmoid(X @ w) - y)[:, None] * X, axis=0)"),
    }},
}
