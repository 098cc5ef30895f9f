from mutation import edit as E, rewrite as R

NOTEBOOK = "02_shallow_deep"
fn = lambda head, *lines: R(head + "\n" + "".join(f"    {line}\n" for line in lines))  # noqa: E731 (def line, body lines)
ARR, INPLACE, F64, INT = "expected a numpy array", "changed its arguments in place", "expected dtype float64", "expected an int"
# shallow_forward
PRE, RELU = "theta[:, 0] + np.outer(x, theta[:, 1])", "h = np.maximum(0.0, "
OUT = "return phi[0] + h @ phi[1:]"
# count_regions
GROUP, KEEP, CHG = "joints[j + 1] - joints[j] < 1e-9", "keep = slope != 0", "changes = phi[1:][keep] * np.abs(slope[keep])"
# max_regions, interpolating_network, to_sequential, sawtooth_network
COMB, SLOPES, PHI = "math.comb(D, j)", "slopes = np.diff(y) / np.diff(x)", "phi = np.r_[y[0], slopes[0], np.diff(slopes)]"
LIN = "linear = torch.nn.Linear(Omega.shape[1], Omega.shape[0], dtype=torch.float64)"
W, B = "linear.weight.copy_(torch.as_tensor(Omega))", "linear.bias.copy_(torch.as_tensor(beta))"
MID, LAST = "Omegas.append(np.array([[2.0, -4.0], [2.0, -4.0]]))", "Omegas.append(np.array([[2.0, -4.0]]))"
SAW = "def sawtooth_network(K):"
MUTANTS = {
    "shallow_forward": {"wrong": {
        "no ReLU": (E(f"np.maximum(0.0, {PRE})", PRE), "without the ReLU"),
        "no offset phi_0": (E(OUT, "return h @ phi[1:]"), "without the offset"),
        "phi shifted by one": (E(OUT, "return phi[-1] + h @ phi[:-1]"), "phi[0] is the offset"),
        "theta's columns swapped": (E(PRE, "theta[:, 1] + np.outer(x, theta[:, 0])"), "columns of theta swapped"),
        "ReLU after the output weight": (E(f"{RELU}{PRE})", f"{RELU}({PRE}) * phi[1:])") & E(OUT, "return phi[0] + h.sum(axis=1)"),
                                         "relu(phi_d * pre-activation)"),
        "ReLU on the output": (E(OUT, "return np.maximum(0.0, phi[0] + h @ phi[1:])"), "ReLU on the output"),
        "an (N, 1) column": (E("h @ phi[1:]", "h @ phi[1:, None]"), "wrong shape"),
        "squeezed: a 0-d array for one input": (E(OUT, "return np.squeeze(phi[0] + h @ phi[1:])"), "wrong shape"),
        "returns a list": (E(OUT, "return list(phi[0] + h @ phi[1:])"), ARR),
        "integer ReLU: int arrays stay int": (E(RELU, "h = np.maximum(0, "), F64),
        "computed in float32, returned as float64": (E(OUT, "return (phi[0] + h @ phi[1:]).astype(np.float32).astype(float)"),
                                                     "float32"),
    }, "right": {
        "loop over the units": fn("def shallow_forward(x, theta, phi):", "y = np.full(len(x), float(phi[0]))",
                                  "for d in range(len(theta)):",
                                  "    y = y + phi[d + 1] * np.maximum(0.0, theta[d, 0] + theta[d, 1] * x)", "return y"),
        "torch": fn("def shallow_forward(x, theta, phi):", "t = torch.as_tensor(np.asarray(theta, dtype=float))",
                    "p = torch.as_tensor(np.asarray(phi, dtype=float))",
                    "h = torch.relu(t[:, 0] + torch.as_tensor(np.asarray(x, dtype=float))[:, None] * t[:, 1])",
                    "return (p[0] + h @ p[1:]).numpy()"),
        "np.where and broadcasting": E(f"{RELU}{PRE})", "pre = np.asarray(x, dtype=float)[:, None] * theta[:, 1] + theta[:, 0]\n"
                                       "    h = np.where(pre > 0, pre, 0.0)"),
    }},
    "count_regions": {"wrong": {
        "always D + 1": (R("def count_regions(theta, phi):\n    return len(theta) + 1\n"), "D + 1, one region more per unit"),
        "the joints, not the regions": (E("return bends + 1", "return bends"), "the number of joints, not of regions"),
        "every joint bends, even with phi_d = 0": (E("if abs(total) >= 1e-9:", "if True:"), "unit with phi_d = 0"),
        "flat units get a joint at infinity": (E(KEEP, "keep = phi[1:] != 0") & E(CHG, "changes = phi[1:][keep]"),
                                               "flat units with theta_d1 = 0"),
        "shared joints counted twice": (E(GROUP, "False"), "shared joints counted once per unit"),
        "joints compared with ==": (E(GROUP, "joints[j + 1] == joints[j]"), "exact equality"),
        "bends that cancel still counted": (E("total, j = changes[i], i", "total, j = abs(changes[i]), i")
                                            & E("total += changes[j]", "total += abs(changes[j])"), "cancel"),
        "returns a float": (E("return bends + 1", "return float(bends + 1)"), INT),
        "theta's biases negated in place": (E("joints = -theta[keep, 0] / slope[keep]",
                                              "theta[:, 0] *= -1\n    joints = theta[keep, 0] / slope[keep]"), INPLACE),
    }, "right": {
        "split where the joints jump, add up with reduceat": fn(
            "def count_regions(theta, phi):", "k = theta[:, 1] != 0",
            "j, c = -theta[k, 0] / theta[k, 1], phi[1:][k] * np.abs(theta[k, 1])", "o = np.argsort(j)",
            "j, c = j[o], c[o]", "if len(j) == 0:", "    return 1",
            "starts = np.r_[0, np.flatnonzero(np.diff(j) >= 1e-9) + 1]",
            "return int(np.sum(np.abs(np.add.reduceat(c, starts)) >= 1e-9)) + 1"),
        "a dict of rounded joints": fn(
            "def count_regions(theta, phi):", "bends = {}", "for (t0, t1), p in zip(theta, phi[1:]):",
            "    if t1 != 0:", "        key = round(-t0 / t1, 10)", "        bends[key] = bends.get(key, 0.0) + p * abs(t1)",
            "return 1 + sum(abs(v) >= 1e-9 for v in bends.values())"),
    }},
    "max_regions": {"wrong": {
        "stops at D_i - 1": (E("range(D_i + 1)", "range(D_i)"), "stopping at j = D_i - 1"),
        "starts at j = 1": (E("range(D_i + 1)", "range(1, D_i + 1)"), "starting at j = 1"),
        "always 2^D": (R("def max_regions(D, D_i):\n    return 2 ** D\n"), "2^D"),
        "C(D_i, j)": (E(COMB, "math.comb(D_i, j)"), "C(D_i, j) instead of C(D, j)"),
        "(D + 1)^D_i": (R("def max_regions(D, D_i):\n    return (D + 1) ** D_i\n"), "(D + 1)^D_i"),
        "a float": (E("return sum(", "return 1.0 * sum("), INT),
        "factorial formula": (E(COMB, "math.factorial(D) // (math.factorial(j) * math.factorial(D - j))"), "C(D, j) = 0"),
    }, "right": {
        "2^D when D_i >= D": E("return sum(", "return 2 ** D if D_i >= D else sum("),
        "Pascal's triangle": fn("def max_regions(D, D_i):", "row = [1]", "for _ in range(D):",
                                "    row = [a + b for a, b in zip([0] + row, row + [0])]", "return sum(row[:D_i + 1])"),
        "numpy integer result": E("return sum(", "return np.int64(0) + sum("),
    }},
    "interpolating_network": {"wrong": {
        "slopes as weights": (E(PHI, "phi = np.r_[y[0], slopes]"), "output weights equal to the slopes"),
        "slopes not divided by the spacing": (E(SLOPES, "slopes = np.diff(y)"), "without dividing by the knot spacing"),
        "joints one knot to the right": (E("-x[:-1]", "-x[1:]"), "joints at x_1, ..., x_D"),
        "no offset": (E("np.r_[y[0], ", "np.r_[0.0, "), "without the offset"),
        "one unit too many": (E("-x[:-1], np.ones(len(slopes))", "-x, np.ones(len(x))") & E("np.diff(slopes)]", "np.diff(slopes), 0.0]"),
                              "wrong shape"),
        "knots negated in place": (E("theta = np.stack([-x[:-1],", "x *= -1\n    theta = np.stack([x[:-1],"), INPLACE),
        "returns lists": (E("return theta, phi", "return theta.tolist(), phi.tolist()"), ARR),
    }, "right": {
        "hinges from the right": E("theta = np.stack([-x[:-1], np.ones(len(slopes))], axis=1)",
                                   "theta = np.stack([x[1:], -np.ones(len(slopes))], axis=1)")
        & E(PHI, "phi = np.r_[y[-1], np.diff(slopes), -slopes[-1]]"),
        "a loop, row by row": fn("def interpolating_network(x_knots, y_knots):", "D = len(x_knots) - 1",
                                 "theta, phi = np.zeros((D, 2)), np.zeros(D + 1)", "phi[0], previous = y_knots[0], 0.0",
                                 "for k in range(D):",
                                 "    s = (y_knots[k + 1] - y_knots[k]) / (x_knots[k + 1] - x_knots[k])",
                                 "    theta[k] = (-x_knots[k], 1.0); phi[k + 1] = s - previous; previous = s",
                                 "return theta, phi"),
        "units scaled by 2, weights by 1/2": E("return theta, phi", "return 2 * theta, np.r_[phi[0], phi[1:] / 2]"),
    }},
    "to_sequential": {"wrong": {
        "ReLU after the last layer": (E("if k < len(Omegas) - 1:", "if True:"), "a ReLU after the last Linear layer"),
        "float32 layers": (E(LIN, "linear = torch.nn.Linear(Omega.shape[1], Omega.shape[0])"), F64),
        "parameters share memory with the arrays": (E(W, "linear.weight = torch.nn.Parameter(torch.from_numpy(Omega))")
                                                    & E(B, "linear.bias = torch.nn.Parameter(torch.from_numpy(beta))"),
                                                    "shares memory"),
        "weight set to Omega transposed (x @ W thinking)": (E(W, "linear.weight = torch.nn.Parameter(torch.tensor(Omega.T))"),
                                                            "the shape of Omega_k"),
        "bias not copied": (E(B, "pass"), "wrong value"),
        "frozen parameters": (E("layers.append(linear)", "layers.append(linear.requires_grad_(False))"), "trainable"),
    }, "right": {
        "new Parameters from copies": E(W, "linear.weight = torch.nn.Parameter(torch.tensor(Omega, dtype=torch.float64))")
        & E(B, "linear.bias = torch.nn.Parameter(torch.tensor(beta, dtype=torch.float64))"),
        "float32 layers made double, .data from copies": E(LIN, "linear = torch.nn.Linear(Omega.shape[1], Omega.shape[0]).double()")
        & E(W, "linear.weight.data = torch.from_numpy(np.array(Omega, dtype=float))")
        & E(B, "linear.bias.data = torch.from_numpy(np.array(beta, dtype=float))"),
        "layers added with add_module": fn(
            "def to_sequential(Omegas, betas):", "model = torch.nn.Sequential()", "for k in range(len(Omegas)):",
            "    lin = torch.nn.Linear(*Omegas[k].shape[::-1], dtype=torch.float64)",
            "    with torch.no_grad():", "        lin.weight[:] = torch.tensor(Omegas[k]); lin.bias[:] = torch.tensor(betas[k])",
            "    model.add_module(f'linear{k}', lin)", "    if k + 1 < len(Omegas):",
            "        model.add_module(f'relu{k}', torch.nn.ReLU())", "return model"),
    }},
    "sawtooth_network": {"wrong": {
        "one hidden layer too few": (E("range(K - 1)", "range(K - 2)"), "one hidden layer too few"),
        "one hidden layer too many": (E("range(K - 1)", "range(K)"), "one hidden layer too many"),
        "weight -2: never folds": (E(MID, "Omegas.append(np.array([[2.0, -2.0], [2.0, -2.0]]))")
                                   & E(LAST, "Omegas.append(np.array([[2.0, -2.0]]))"), "never folds"),
        "fold at 1 instead of 1/2": (E("np.array([0.0, -0.5])", "np.array([0.0, -1.0])", count=2), "a fold at x = 1"),
        "output layer without the factor 2": (E(LAST, "Omegas.append(np.array([[1.0, -2.0]]))"), "half the tent"),
        "middle layers as lists": (E(MID, "Omegas.append([[2.0, -4.0], [2.0, -4.0]])"), ARR),
        "integer first layer": (E("np.array([[1.0], [1.0]])", "np.array([[1], [1]])"), F64),
    }, "right": {
        "units relu(t) and relu(2t - 1)": fn(SAW, "Os, bs = [np.array([[1.0], [2.0]])], [np.array([0.0, -1.0])]",
                                              "for _ in range(K - 1):",
                                              "    Os.append(np.array([[2.0, -2.0], [4.0, -4.0]])); bs.append(np.array([0.0, -1.0]))",
                                              "return Os + [np.array([[2.0, -2.0]])], bs + [np.array([0.0])]"),
        "units in the other order": fn(SAW, "Os, bs = [np.array([[1.0], [1.0]])], [np.array([-0.5, 0.0])]",
                                       "for _ in range(K - 1):",
                                       "    Os.append(np.array([[-4.0, 2.0], [-4.0, 2.0]])); bs.append(np.array([-0.5, 0.0]))",
                                       "return Os + [np.array([[-4.0, 2.0]])], bs + [np.array([0.0])]"),
        "the same array object in every middle layer": fn(
            SAW, "middle, bias = np.array([[2.0, -4.0], [2.0, -4.0]]), np.array([0.0, -0.5])",
            "return ([np.array([[1.0], [1.0]])] + [middle] * (K - 1) + [np.array([[2.0, -4.0]])],",
            "        [bias] * K + [np.array([0.0])])"),
    }},
}
