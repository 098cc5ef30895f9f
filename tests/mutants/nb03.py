import functools
import operator
from mutation import edit as E, rewrite as R

NOTEBOOK = "03_backprop"
fn = lambda head, *lines: R(head + "\n" + "".join(f"    {line}\n" for line in lines))  # noqa: E731 (def line, body lines)
ed = lambda *pairs: functools.reduce(operator.and_, (E(*pair) for pair in pairs))  # noqa: E731 (several edits in one)
L3, RELU = 'float((values["f3"] - y) ** 2)', "h = max(0.0, f)"
FD = "(f(phi + h * e) - f(phi - h * e)) / (2.0 * h)"; FDL = f"grad[j] = {FD}"; DIFF = "\n        grad[j] = (up - down) / (2.0 * h)"
SM, SMR = "np.exp(A - A.max(axis=1, keepdims=True))", "return E / E.sum(axis=1, keepdims=True)"
LOSS, STEP = "lse = m[:, 0] + np.log(E.sum(axis=1))\n    loss = float(np.sum(lse - A[np.arange(N), y]))", "h, z = sigmoid_net_forward(params, x)"
TIE, INPLACE, ARR = "at a tie", "in place", "expected a numpy array"
MUTANTS = {
    "chain_forward": {"wrong": {
        "no ReLU": (E(RELU, "h = f"), "without the relu"),
        "loss not squared": (E(L3, 'float(values["f3"] - y)'), "without the square"),
        "half the loss": (E(f'values["l"] = {L3}', f'values["l"] = 0.5 * {L3}'), "half the loss"),
        "biases forgotten": (E("f = beta[k] + omega[k] * h", "f = omega[k] * h"), "without the bias"),
        "abs instead of ReLU": (E(RELU, "h = abs(f)"), "abs instead of max"),
        "tuple instead of dict": (E("return values", "return tuple(values.values())"), "must return a dict"),
        "x fed to every layer": (E("omega[k] * h", "omega[k] * x"), "wrong value"),
    }, "right": {
        "written out, numpy scalars": fn("def chain_forward(beta, omega, x, y):", "f0 = beta[0] + omega[0] * x; h1 = np.maximum(0.0, f0)",
            "f1 = beta[1] + omega[1] * h1; h2 = np.maximum(0.0, f1); f2 = beta[2] + omega[2] * h2; h3 = np.maximum(0.0, f2)",
            "f3 = beta[3] + omega[3] * h3; return dict(f0=f0, h1=h1, f1=f1, h2=h2, f2=f2, h3=h3, f3=f3, l=(f3 - y) ** 2)"),
        "torch inside, extra keys": ed(("h = x\n", "h = torch.tensor(float(x), dtype=torch.float64); values['x'] = x\n"),
                                       (RELU, "h = torch.relu(f)")),
        "relu via multiplication by the indicator": ed((RELU, "h = f * (f > 0)"), (L3, '(values["f3"] - y) * (values["f3"] - y)')),
    }}, "chain_backward": {"wrong": {
        "sign flipped": (E('(values["f3"] - y)', '(y - values["f3"])'), "sign flipped"),
        "missing factor 2": (E('2.0 * (values["f3"] - y)', '(values["f3"] - y)'), "without the factor 2"),
        "ReLU slope ignored": (E("float(pre[k - 1] > 0) * ", ""), "ignores the relu"),
        "weight instead of input": (E("dl_df * inputs[k]", "dl_df * omega[k]"), "times the weight omega_k"),
        "omega0 gradient without x": (E("inputs = [x,", "inputs = [1.0,"), "without its factor x"),
        "off-by-one weight index": (E("* omega[k] *", "* omega[k - 1] *"), "off-by-one"),
        "gradients in reverse order": (E("return dl_dbeta, dl_domega", "return dl_dbeta[::-1], dl_domega[::-1]"), "reverse order"),
        "ReLU slope 1 at a tie (>= 0)": (E("pre[k - 1] > 0", "pre[k - 1] >= 0"), TIE),
        "returns lists": (E("return dl_dbeta, dl_domega", "return list(dl_dbeta), list(dl_domega)"), "must be a numpy array"),
    }, "right": {
        "written out by hand": fn("def chain_backward(omega, x, y, values):", "v = values; d3 = 2 * (v['f3'] - y); d2 = (v['f2'] > 0) * omega[3] * d3",
            "d1 = (v['f1'] > 0) * omega[2] * d2; d0 = (v['f0'] > 0) * omega[1] * d1",
            "return (np.array([d0, d1, d2, d3], dtype=float),",
            "        np.array([d0 * x, d1 * v['h1'], d2 * v['h2'], d3 * v['h3']], dtype=float))"),
        "ReLU slope from h > 0, lists converted": ed(
            ("float(pre[k - 1] > 0)", "float(inputs[k] > 0)"), ("np.zeros(4), np.zeros(4)", "[0.0] * 4, [0.0] * 4"),
            ("return dl_dbeta, dl_domega", "return np.asarray(dl_dbeta), np.asarray(dl_domega)")),
    }}, "central_difference": {"wrong": {
        "forward difference": (E(FD, "(f(phi + h * e) - f(phi)) / h"), "forward difference"),
        "divided by h": (E("(2.0 * h)", "h"), "divided by h instead of 2 h"),
        "all coordinates at once": (E("f(phi + h * e) - f(phi - h * e)", "f(phi + h) - f(phi - h)"), "all coordinates at once"),
        "backward difference": (E(FD, "(f(phi) - f(phi - h * e)) / h"), "backward difference"),
        "in place, not restored": (E(FDL, "phi[j] += h; up = f(phi); phi[j] -= 2 * h; down = f(phi)" + DIFF), INPLACE),
        "in place, restored by adding h back": (E(FDL, "phi[j] += h; up = f(phi); phi[j] -= 2 * h; down = f(phi); phi[j] += h" + DIFF),
                                                "not exact"),
        "returns a list": (E("return grad", "return list(grad)"), ARR),
        "h ignored": (E("h * e", "1e-5 * e", count=2) & E("(2.0 * h)", "(2.0 * 1e-5)"), "wrong value"),
    }, "right": {
        "in place and restored": E(FDL, "old = phi[j]; phi[j] = old + h; up = f(phi); phi[j] = old - h; down = f(phi); phi[j] = old" + DIFF),
        "list comprehension over unit vectors": fn("def central_difference(f, phi, h=1e-5):", "E = h * np.eye(len(phi))",
                                                   "return np.array([f(phi + E[j]) - f(phi - E[j]) for j in range(len(phi))]) / (2 * h)"),
    }}, "sigmoid_net_step": {"wrong": {
        "gradient ascent (the slide)": (E("- alpha", "+ alpha", count=4), "slide's update"),
        "loss without the 1/2": (E("dl_df1 = (z - y)", "dl_df1 = 2 * (z - y)"), "without the 1/2"),
        "output sigmoid slope forgotten": (E("(z - y) * z * (1.0 - z)", "(z - y)"), "sigmoid's slope z (1 - z)"),
        "hidden gradient with the updated output weights": (E('dl_df0 = dl_df1 * params["omega1"]', 'omega1 = params["omega1"] - '
                                                              'alpha * dl_df1 * h; dl_df0 = dl_df1 * omega1'), "already updated"),
        "hidden layer not updated": (ed(('params["beta0"] - alpha * dl_df0', 'params["beta0"].copy()'),
                                        ('params["Omega0"] - alpha * np.outer(dl_df0, x)', 'params["Omega0"].copy()')), "not updated"),
        "hidden sigmoid slope forgotten": (E(" * h * (1.0 - h)", ""), "without the factor h (1 - h)"),
        "updates the caller's arrays in place": (E("return {", "new = dict(params); new['Omega0'] -= alpha * np.outer(dl_df0, x); new['beta0']"
                                                   " -= alpha * dl_df0; new['omega1'] -= alpha * dl_df1 * h\n    new['beta1'] = "
                                                   "params['beta1'] - alpha * dl_df1; return new\n    {"), INPLACE),
        "uses the lecture's globals": (E(STEP, "params, x, y, alpha = lecture_params, x_lecture, y_lecture, alpha_lecture\n    "
                                         + STEP), "instead of its arguments"),
        "hidden values rounded to 4 digits, as on the slide": (E(STEP, STEP + "; h, z = np.round(h, 4), round(z, 4)"),
                                                               "to 10 significant digits"),
    }, "right": {
        "torch.autograd inside": fn(
            "def sigmoid_net_step(params, x, y, alpha):", "T = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}",
            "h = torch.sigmoid(T['beta0'] + T['Omega0'] @ torch.tensor(x, dtype=torch.float64))",
            "z = torch.sigmoid(T['beta1'] + T['omega1'] @ h); (0.5 * (z - y) ** 2).backward()",
            "return {k: (T[k] - alpha * T[k].grad).detach().numpy() for k in T}"),
        "loops over units, beta1 as a 1-element array": fn(
            "def sigmoid_net_step(params, x, y, alpha):", "H, D = params['Omega0'].shape; P = params",
            "h = [sigmoid(P['beta0'][j] + sum(P['Omega0'][j, i] * x[i] for i in range(D))) for j in range(H)]",
            "z = sigmoid(P['beta1'] + sum(P['omega1'][j] * h[j] for j in range(H))); dz = (z - y) * z * (1 - z)",
            "new = dict(beta0=np.zeros(H), Omega0=np.zeros((H, D)), omega1=np.zeros(H), beta1=np.array([P['beta1'] - alpha * dz]))",
            "for j in range(H):", "    dh = dz * P['omega1'][j] * h[j] * (1 - h[j]); new['omega1'][j] = P['omega1'][j] - alpha * dz * h[j]",
            "    new['beta0'][j] = P['beta0'][j] - alpha * dh", "    for i in range(D):",
            "        new['Omega0'][j, i] = P['Omega0'][j, i] - alpha * dh * x[i]", "return new"),
    }}, "mlp_forward": {"wrong": {
        "weights not transposed": (E("Omega.T", "Omega"), "transpose them"),
        "ReLU on the output": (E("return fs, hs", "fs[-1] = np.maximum(fs[-1], 0.0)\n    return fs, hs"), "relu on the output"),
        "ReLU in place overwrites fs": (E("np.maximum(fs[k], 0.0)", "np.maximum(fs[k], 0.0, out=fs[k])"), INPLACE),
        "bias on the wrong axis": (E("+ beta)", "+ beta[:, None])"), "wrong axis"),
        "hs without the input": (ed(("fs, hs = [], [X]", "fs, hs = [], []"), ("fs.append(hs[k] @", "fs.append((hs[k - 1] if k else X) @")),
                                 "without h_0 = x"),
        "no ReLU at all": (E("np.maximum(fs[k], 0.0)", "fs[k]"), "without the relu"),
        "one hidden layer hard-coded": (E("if k < len(Omegas) - 1:", "if k < 1:"), "len(hs) for layer sizes"),
        "torch tensors returned": (ed(("hs[k] @ Omega.T + beta", "torch.nn.functional.linear(*map(torch.as_tensor, (hs[k], Omega, beta)))"),
                                      ("np.maximum(fs[k], 0.0)", "torch.relu(fs[k])")), "must be numpy arrays"),
    }, "right": {
        "torch.nn.functional.linear": ed(("hs[k] @ Omega.T + beta", "torch.nn.functional.linear(*map(torch.tensor, (hs[k], Omega, beta)))"
                                          ".numpy()"), ("np.maximum(fs[k], 0.0)", "fs[k] * (fs[k] > 0)")),
        "Prince's column layout, transposed back": fn(
            "def mlp_forward(X, Omegas, betas):", "fs, hs, H = [], [X], X.T", "for k in range(len(Omegas)):",
            "    F = betas[k][:, None] + Omegas[k] @ H; fs.append(F.T.copy())", "    if k < len(Omegas) - 1:",
            "        H = np.where(F > 0, F, 0.0); hs.append(H.T.copy())", "return fs, hs"),
    }}, "mlp_backward": {"wrong": {
        "ReLU slope ignored": (E("(fs[k - 1] > 0) * ", ""), "without the relu's slope"),
        "weight gradient transposed": (E("G.T @ hs[k]", "hs[k].T @ G"), "transposed"),
        "mean over the batch": (E("G.T @ hs[k]", "G.T @ hs[k] / len(G)") & E("G.sum(axis=0)", "G.mean(axis=0)"), "mean over the batch"),
        "bias gradient not summed": (E("G.sum(axis=0)", "G.copy()"), "sum dl/df_k over the batch"),
        "ReLU slope 1 at a tie (>= 0)": (E("fs[k - 1] > 0", "fs[k - 1] >= 0"), TIE),
        "ReLU mask written into the stored fs": (E("G = (fs[k - 1] > 0) *", "fs[k - 1][...] = fs[k - 1] > 0; G = fs[k - 1] *"),
                                                 "changed an argument in place"),
    }, "right": {
        "torch.autograd on a rebuilt graph": fn(
            "def mlp_backward(dL_dfK, Omegas, fs, hs):", "Os = [torch.tensor(O, requires_grad=True) for O in Omegas]; h = torch.tensor(hs[0])",
            "bs = [torch.zeros(O.shape[0], dtype=torch.float64, requires_grad=True) for O in Omegas]", "for k in range(len(Os)):",
            "    f = h @ Os[k].T + bs[k] + torch.tensor(fs[k] - hs[k] @ Omegas[k].T); h = torch.relu(f)",
            "(f * torch.tensor(dL_dfK)).sum().backward()", "return [O.grad.numpy() for O in Os], [b.grad.numpy() for b in bs]"),
        "per-example outer products (Prince's column form)": fn(
            "def mlp_backward(dL_dfK, Omegas, fs, hs):",
            "K = len(Omegas) - 1; dO, db = [np.zeros_like(O) for O in Omegas], [np.zeros(O.shape[0]) for O in Omegas]",
            "for i in range(dL_dfK.shape[0]):", "    g = dL_dfK[i][:, None]", "    for k in range(K, -1, -1):",
            "        dO[k] += g @ hs[k][i][None, :]; db[k] += g[:, 0]", "        if k:",
            "            g = (fs[k - 1][i][:, None] > 0) * (Omegas[k].T @ g)", "return dO, db"),
        "ReLU slope from hs[k] > 0": E("(fs[k - 1] > 0)", "(hs[k] > 0)"),
    }}, "softmax": {"wrong": {
        "naive (overflows)": (E(SM, "np.exp(A)"), "overflows"),
        "global maximum": (E(SM, "np.exp(A - A.max())"), "whole array"),
        "wrong axis": (ed((SM, "np.exp(A - A.max(axis=0, keepdims=True))"), ("E.sum(axis=1", "E.sum(axis=0")), "over the columns"),
        "not normalised": (E("E / E.sum(axis=1, keepdims=True)", "E * np.exp(A.max(axis=1, keepdims=True))"), "without normalising"),
        "max subtracted from A in place": (E(f"E = {SM}", "A -= A.max(axis=1, keepdims=True); E = np.exp(A)"), INPLACE),
        "returns a torch tensor": (E(SMR, "return torch.tensor(E / E.sum(axis=1, keepdims=True))"), ARR),
    }, "right": {
        "torch.softmax": E(SMR, "return torch.softmax(torch.tensor(A), dim=1).numpy()"),
        "exp of log-softmax via logaddexp.reduce": E(SMR, "return np.exp(A - np.logaddexp.reduce(A, axis=1, keepdims=True))"),
    }}, "softmax_cross_entropy": {"wrong": {
        "naive log of softmax": (E(LOSS, "P = np.exp(A) / np.exp(A).sum(axis=1, keepdims=True)\n"
                                         "    loss = float(-np.sum(np.log(P[np.arange(N), y])))"), "logsumexp"),
        "gradient sign flipped": (E("return loss, dL_dA", "return loss, -dL_dA"), "sign flipped"),
        "mean over the batch": (E("float(np.sum(", "float(np.mean(") & E("return loss, dL_dA", "return loss, dL_dA / N"),
                                "mean over the examples"),
        "one-hot not subtracted": (E("    dL_dA[np.arange(N), y] -= 1.0\n", ""), "onehot(y) was not subtracted"),
        "derivative with respect to the probabilities": (E("return loss, dL_dA", "return loss, -np.eye(A.shape[1])[y] / "
                                                            "(E / E.sum(axis=1, keepdims=True))"), "with respect to the probabilities"),
        "A[:, y] instead of one logit per row": (ed(("- A[np.arange(N), y]", "- A[:, y]"), ("dL_dA[np.arange(N), y]", "dL_dA[:, y]")),
                                                 "picks whole columns"),
        "max subtracted from A in place": (ed(("E = np.exp(A - m)", "A -= m; E = np.exp(A)"), ("m[:, 0] + np.log", "np.log")),
                                           "changed its arguments in place"),
    }, "right": {
        "torch cross_entropy with autograd": fn("def softmax_cross_entropy(A, y):", "At = torch.tensor(A, requires_grad=True)",
            "loss = torch.nn.functional.cross_entropy(At, torch.tensor(y), reduction='sum'); loss.backward()",
            "return loss.item(), At.grad.numpy()"),
        "log-softmax with logaddexp.reduce, one-hot by comparison": fn(
            "def softmax_cross_entropy(A, y):", "logP = A - np.logaddexp.reduce(A, axis=1, keepdims=True)",
            "onehot = (np.arange(A.shape[1])[None, :] == np.asarray(y)[:, None]).astype(float)",
            "return -np.sum(onehot * logP), np.exp(logP) - onehot"),
    }},
}
