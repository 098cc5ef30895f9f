NOTEBOOK = "02_backprop"

MUTANTS = {
    "chain_forward": {
        "wrong": {
            "no ReLU": ("""
def chain_forward(beta, omega, x, y):
    f0 = beta[0] + omega[0] * x; h1 = f0
    f1 = beta[1] + omega[1] * h1; h2 = f1
    f2 = beta[2] + omega[2] * h2; h3 = f2
    f3 = beta[3] + omega[3] * h3
    return dict(f0=f0, h1=h1, f1=f1, h2=h2, f2=f2, h3=h3, f3=f3, l=(f3 - y) ** 2)
""", "without the relu"),
            "loss not squared": ("""
def chain_forward(beta, omega, x, y):
    v, h = {}, x
    for k in range(4):
        v[f"f{k}"] = beta[k] + omega[k] * h
        if k < 3:
            h = max(0.0, v[f"f{k}"]); v[f"h{k + 1}"] = h
    v["l"] = v["f3"] - y
    return v
""", "without the square"),
            "half the loss": ("""
def chain_forward(beta, omega, x, y):
    v, h = {}, x
    for k in range(4):
        v[f"f{k}"] = beta[k] + omega[k] * h
        if k < 3:
            h = max(0.0, v[f"f{k}"]); v[f"h{k + 1}"] = h
    v["l"] = 0.5 * (v["f3"] - y) ** 2
    return v
""", "half the loss"),
            "biases forgotten": ("""
def chain_forward(beta, omega, x, y):
    v, h = {}, x
    for k in range(4):
        v[f"f{k}"] = omega[k] * h
        if k < 3:
            h = max(0.0, v[f"f{k}"]); v[f"h{k + 1}"] = h
    v["l"] = (v["f3"] - y) ** 2
    return v
""", "without the bias"),
            "abs instead of ReLU": ("""
def chain_forward(beta, omega, x, y):
    v, h = {}, x
    for k in range(4):
        v[f"f{k}"] = beta[k] + omega[k] * h
        if k < 3:
            h = abs(v[f"f{k}"]); v[f"h{k + 1}"] = h
    v["l"] = (v["f3"] - y) ** 2
    return v
""", "abs instead of max"),
            "tuple instead of dict": ("""
def chain_forward(beta, omega, x, y):
    f0 = beta[0] + omega[0] * x; h1 = max(0, f0)
    f1 = beta[1] + omega[1] * h1; h2 = max(0, f1)
    f2 = beta[2] + omega[2] * h2; h3 = max(0, f2)
    f3 = beta[3] + omega[3] * h3
    return f0, h1, f1, h2, f2, h3, f3, (f3 - y) ** 2
""", "must return a dict"),
        },
        "right": {
            "written out, numpy scalars": """
def chain_forward(beta, omega, x, y):
    f0 = beta[0] + omega[0] * x; h1 = np.maximum(0.0, f0)
    f1 = beta[1] + omega[1] * h1; h2 = np.maximum(0.0, f1)
    f2 = beta[2] + omega[2] * h2; h3 = np.maximum(0.0, f2)
    f3 = beta[3] + omega[3] * h3
    return {"f0": f0, "h1": h1, "f1": f1, "h2": h2, "f2": f2, "h3": h3, "f3": f3, "l": (f3 - y) ** 2}
""",
            "torch inside, extra keys": """
def chain_forward(beta, omega, x, y):
    h = torch.tensor(float(x), dtype=torch.float64)
    out = {"x": x}
    for k in range(4):
        f = beta[k] + omega[k] * h
        out[f"f{k}"] = f.item()
        if k < 3:
            h = torch.relu(f)
            out[f"h{k + 1}"] = h.item()
    out["l"] = (out["f3"] - y) ** 2
    return out
""",
            "relu via multiplication by the indicator": """
def chain_forward(beta, omega, x, y):
    v, h = {}, x
    for k in range(4):
        f = beta[k] + omega[k] * h
        v[f"f{k}"] = f
        if k < 3:
            h = f * (f > 0)
            v[f"h{k + 1}"] = h
    v["l"] = (v["f3"] - y) * (v["f3"] - y)
    return v
""",
        },
    },
    "chain_backward": {
        "wrong": {
            "sign flipped": ("""
def chain_backward(omega, x, y, values):
    hs = [x, values["h1"], values["h2"], values["h3"]]
    fs = [values["f0"], values["f1"], values["f2"], values["f3"]]
    db, dw = np.zeros(4), np.zeros(4)
    g = 2 * (y - values["f3"])
    for k in (3, 2, 1, 0):
        db[k], dw[k] = g, g * hs[k]
        if k:
            g = (fs[k - 1] > 0) * omega[k] * g
    return db, dw
""", "sign flipped"),
            "missing factor 2": ("""
def chain_backward(omega, x, y, values):
    hs = [x, values["h1"], values["h2"], values["h3"]]
    fs = [values["f0"], values["f1"], values["f2"], values["f3"]]
    db, dw = np.zeros(4), np.zeros(4)
    g = values["f3"] - y
    for k in (3, 2, 1, 0):
        db[k], dw[k] = g, g * hs[k]
        if k:
            g = (fs[k - 1] > 0) * omega[k] * g
    return db, dw
""", "without the factor 2"),
            "ReLU slope ignored": ("""
def chain_backward(omega, x, y, values):
    hs = [x, values["h1"], values["h2"], values["h3"]]
    db, dw = np.zeros(4), np.zeros(4)
    g = 2 * (values["f3"] - y)
    for k in (3, 2, 1, 0):
        db[k], dw[k] = g, g * hs[k]
        if k:
            g = omega[k] * g
    return db, dw
""", "ignores the relu"),
            "weight instead of input": ("""
def chain_backward(omega, x, y, values):
    fs = [values["f0"], values["f1"], values["f2"], values["f3"]]
    db, dw = np.zeros(4), np.zeros(4)
    g = 2 * (values["f3"] - y)
    for k in (3, 2, 1, 0):
        db[k], dw[k] = g, g * omega[k]
        if k:
            g = (fs[k - 1] > 0) * omega[k] * g
    return db, dw
""", "times the weight omega_k"),
            "omega0 gradient without x": ("""
def chain_backward(omega, x, y, values):
    hs = [1.0, values["h1"], values["h2"], values["h3"]]
    fs = [values["f0"], values["f1"], values["f2"], values["f3"]]
    db, dw = np.zeros(4), np.zeros(4)
    g = 2 * (values["f3"] - y)
    for k in (3, 2, 1, 0):
        db[k], dw[k] = g, g * hs[k]
        if k:
            g = (fs[k - 1] > 0) * omega[k] * g
    return db, dw
""", "without its factor x"),
            "off-by-one weight index": ("""
def chain_backward(omega, x, y, values):
    hs = [x, values["h1"], values["h2"], values["h3"]]
    fs = [values["f0"], values["f1"], values["f2"], values["f3"]]
    db, dw = np.zeros(4), np.zeros(4)
    g = 2 * (values["f3"] - y)
    for k in (3, 2, 1, 0):
        db[k], dw[k] = g, g * hs[k]
        if k:
            g = (fs[k - 1] > 0) * omega[k - 1] * g
    return db, dw
""", "off-by-one"),
            "gradients in reverse order": ("""
def chain_backward(omega, x, y, values):
    hs = [x, values["h1"], values["h2"], values["h3"]]
    fs = [values["f0"], values["f1"], values["f2"], values["f3"]]
    db, dw = [], []
    g = 2 * (values["f3"] - y)
    for k in (3, 2, 1, 0):
        db.append(g); dw.append(g * hs[k])
        if k:
            g = (fs[k - 1] > 0) * omega[k] * g
    return np.array(db), np.array(dw)
""", "reverse order"),
        },
        "right": {
            "written out by hand": """
def chain_backward(omega, x, y, values):
    v = values
    d3 = 2 * (v["f3"] - y)
    d2 = (v["f2"] > 0) * omega[3] * d3
    d1 = (v["f1"] > 0) * omega[2] * d2
    d0 = (v["f0"] > 0) * omega[1] * d1
    return (np.array([d0, d1, d2, d3], dtype=float),
            np.array([d0 * x, d1 * v["h1"], d2 * v["h2"], d3 * v["h3"]], dtype=float))
""",
            "ReLU slope from h > 0, lists converted": """
def chain_backward(omega, x, y, values):
    h = [x, values["h1"], values["h2"], values["h3"]]
    db = [0.0] * 4
    dw = [0.0] * 4
    g = 2.0 * (values["f3"] - y)
    for k in range(3, -1, -1):
        db[k] = g
        dw[k] = g * h[k]
        if k > 0:
            g = g * omega[k] * (1.0 if h[k] > 0 else 0.0)
    return np.asarray(db), np.asarray(dw)
""",
        },
    },
    "central_difference": {
        "wrong": {
            "forward difference": ("""
def central_difference(f, phi, h=1e-5):
    phi = np.asarray(phi, dtype=float)
    return np.array([(f(phi + h * e) - f(phi)) / h for e in np.eye(len(phi))])
""", "forward difference"),
            "divided by h": ("""
def central_difference(f, phi, h=1e-5):
    phi = np.asarray(phi, dtype=float)
    return np.array([(f(phi + h * e) - f(phi - h * e)) / h for e in np.eye(len(phi))])
""", "divided by h instead of 2 h"),
            "all coordinates at once": ("""
def central_difference(f, phi, h=1e-5):
    phi = np.asarray(phi, dtype=float)
    g = (f(phi + h) - f(phi - h)) / (2 * h)
    return np.full(phi.shape, g)
""", "all coordinates at once"),
            "backward difference": ("""
def central_difference(f, phi, h=1e-5):
    phi = np.asarray(phi, dtype=float)
    return np.array([(f(phi) - f(phi - h * e)) / h for e in np.eye(len(phi))])
""", "backward difference"),
            "in place, not restored": ("""
def central_difference(f, phi, h=1e-5):
    g = np.zeros(len(phi))
    for j in range(len(phi)):
        phi[j] += h
        up = f(phi)
        phi[j] -= 2 * h
        down = f(phi)
        g[j] = (up - down) / (2 * h)
    return g
""", "in place"),
        },
        "right": {
            "in place and restored": """
def central_difference(f, phi, h=1e-5):
    work = np.array(phi, dtype=float)
    g = np.empty_like(work)
    for j in range(work.size):
        old = work[j]
        work[j] = old + h
        up = f(work)
        work[j] = old - h
        down = f(work)
        work[j] = old
        g[j] = (up - down) / (2 * h)
    return g
""",
            "list comprehension over unit vectors": """
def central_difference(f, phi, h=1e-5):
    E = h * np.eye(len(phi))
    return np.array([f(phi + E[j]) - f(phi - E[j]) for j in range(len(phi))]) / (2 * h)
""",
        },
    },
    "sigmoid_net_step": {
        "wrong": {
            "gradient ascent (the slide)": ("""
def sigmoid_net_step(params, x, y, alpha):
    h, z = sigmoid_net_forward(params, x)
    dz = (z - y) * z * (1 - z)
    dh = dz * params["omega1"] * h * (1 - h)
    return {"beta0": params["beta0"] + alpha * dh, "Omega0": params["Omega0"] + alpha * np.outer(dh, x),
            "beta1": params["beta1"] + alpha * dz, "omega1": params["omega1"] + alpha * dz * h}
""", "slide's update"),
            "loss without the 1/2": ("""
def sigmoid_net_step(params, x, y, alpha):
    h, z = sigmoid_net_forward(params, x)
    dz = 2 * (z - y) * z * (1 - z)
    dh = dz * params["omega1"] * h * (1 - h)
    return {"beta0": params["beta0"] - alpha * dh, "Omega0": params["Omega0"] - alpha * np.outer(dh, x),
            "beta1": params["beta1"] - alpha * dz, "omega1": params["omega1"] - alpha * dz * h}
""", "without the 1/2"),
            "output sigmoid slope forgotten": ("""
def sigmoid_net_step(params, x, y, alpha):
    h, z = sigmoid_net_forward(params, x)
    dz = (z - y)
    dh = dz * params["omega1"] * h * (1 - h)
    return {"beta0": params["beta0"] - alpha * dh, "Omega0": params["Omega0"] - alpha * np.outer(dh, x),
            "beta1": params["beta1"] - alpha * dz, "omega1": params["omega1"] - alpha * dz * h}
""", "sigmoid's slope z (1 - z)"),
            "hidden gradient with the updated output weights": ("""
def sigmoid_net_step(params, x, y, alpha):
    h, z = sigmoid_net_forward(params, x)
    dz = (z - y) * z * (1 - z)
    omega1 = params["omega1"] - alpha * dz * h
    dh = dz * omega1 * h * (1 - h)
    return {"beta0": params["beta0"] - alpha * dh, "Omega0": params["Omega0"] - alpha * np.outer(dh, x),
            "beta1": params["beta1"] - alpha * dz, "omega1": omega1}
""", "already updated"),
            "hidden layer not updated": ("""
def sigmoid_net_step(params, x, y, alpha):
    h, z = sigmoid_net_forward(params, x)
    dz = (z - y) * z * (1 - z)
    return {"beta0": params["beta0"].copy(), "Omega0": params["Omega0"].copy(),
            "beta1": params["beta1"] - alpha * dz, "omega1": params["omega1"] - alpha * dz * h}
""", "not updated"),
            "hidden sigmoid slope forgotten": ("""
def sigmoid_net_step(params, x, y, alpha):
    h, z = sigmoid_net_forward(params, x)
    dz = (z - y) * z * (1 - z)
    dh = dz * params["omega1"]
    return {"beta0": params["beta0"] - alpha * dh, "Omega0": params["Omega0"] - alpha * np.outer(dh, x),
            "beta1": params["beta1"] - alpha * dz, "omega1": params["omega1"] - alpha * dz * h}
""", "without the factor h (1 - h)"),
            "updates the caller's arrays in place": ("""
def sigmoid_net_step(params, x, y, alpha):
    h, z = sigmoid_net_forward(params, x)
    dz = (z - y) * z * (1 - z)
    dh = dz * params["omega1"] * h * (1 - h)
    new = dict(params)
    new["Omega0"] -= alpha * np.outer(dh, x)
    new["beta0"] -= alpha * dh
    new["omega1"] -= alpha * dz * h
    new["beta1"] = params["beta1"] - alpha * dz
    return new
""", "in place"),
        },
        "right": {
            "torch.autograd inside": """
def sigmoid_net_step(params, x, y, alpha):
    T = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    h = torch.sigmoid(T["beta0"] + T["Omega0"] @ torch.tensor(x, dtype=torch.float64))
    z = torch.sigmoid(T["beta1"] + T["omega1"] @ h)
    (0.5 * (z - y) ** 2).backward()
    return {k: (T[k] - alpha * T[k].grad).detach().numpy() for k in T}
""",
            "loops over units, beta1 as a 1-element array": """
def sigmoid_net_step(params, x, y, alpha):
    H, D = params["Omega0"].shape
    h = [sigmoid(params["beta0"][j] + sum(params["Omega0"][j, i] * x[i] for i in range(D))) for j in range(H)]
    z = sigmoid(params["beta1"] + sum(params["omega1"][j] * h[j] for j in range(H)))
    dz = (z - y) * z * (1 - z)
    new = {"beta0": np.zeros(H), "Omega0": np.zeros((H, D)), "omega1": np.zeros(H),
           "beta1": np.array([params["beta1"] - alpha * dz])}
    for j in range(H):
        dh = dz * params["omega1"][j] * h[j] * (1 - h[j])
        new["omega1"][j] = params["omega1"][j] - alpha * dz * h[j]
        new["beta0"][j] = params["beta0"][j] - alpha * dh
        for i in range(D):
            new["Omega0"][j, i] = params["Omega0"][j, i] - alpha * dh * x[i]
    return new
""",
        },
    },
    "mlp_forward": {
        "wrong": {
            "weights not transposed": ("""
def mlp_forward(X, Omegas, betas):
    fs, hs = [], [X]
    for k in range(len(Omegas)):
        fs.append(hs[k] @ Omegas[k] + betas[k])
        if k < len(Omegas) - 1:
            hs.append(np.maximum(fs[k], 0))
    return fs, hs
""", "transpose them"),
            "ReLU on the output": ("""
def mlp_forward(X, Omegas, betas):
    fs, hs = [], [X]
    for k in range(len(Omegas)):
        fs.append(hs[k] @ Omegas[k].T + betas[k])
        if k < len(Omegas) - 1:
            hs.append(np.maximum(fs[k], 0))
    fs[-1] = np.maximum(fs[-1], 0)
    return fs, hs
""", "relu on the output"),
            "ReLU in place overwrites fs": ("""
def mlp_forward(X, Omegas, betas):
    fs, hs = [], [X]
    for k in range(len(Omegas)):
        f = hs[k] @ Omegas[k].T + betas[k]
        fs.append(f)
        if k < len(Omegas) - 1:
            hs.append(np.maximum(f, 0, out=f))
    return fs, hs
""", "in place"),
            "bias on the wrong axis": ("""
def mlp_forward(X, Omegas, betas):
    fs, hs = [], [X]
    for k in range(len(Omegas)):
        fs.append(hs[k] @ Omegas[k].T + betas[k][:, None])
        if k < len(Omegas) - 1:
            hs.append(np.maximum(fs[k], 0))
    return fs, hs
""", "wrong axis"),
            "hs without the input": ("""
def mlp_forward(X, Omegas, betas):
    fs, hs, h = [], [], X
    for k in range(len(Omegas)):
        fs.append(h @ Omegas[k].T + betas[k])
        if k < len(Omegas) - 1:
            h = np.maximum(fs[k], 0)
            hs.append(h)
    return fs, hs
""", "without h_0 = x"),
            "no ReLU at all": ("""
def mlp_forward(X, Omegas, betas):
    fs, hs = [], [X]
    for k in range(len(Omegas)):
        fs.append(hs[k] @ Omegas[k].T + betas[k])
        if k < len(Omegas) - 1:
            hs.append(fs[k])
    return fs, hs
""", "without the relu"),
        },
        "right": {
            "torch.nn.functional.linear": """
def mlp_forward(X, Omegas, betas):
    fs, hs = [], [X]
    for k, (O, b) in enumerate(zip(Omegas, betas)):
        f = torch.nn.functional.linear(torch.tensor(hs[-1]), torch.tensor(O), torch.tensor(b)).numpy()
        fs.append(f)
        if k + 1 < len(Omegas):
            hs.append(f * (f > 0))
    return fs, hs
""",
            "Prince's column layout, transposed back": """
def mlp_forward(X, Omegas, betas):
    fs, hs = [], [X]
    H = X.T
    for k in range(len(Omegas)):
        F = betas[k][:, None] + Omegas[k] @ H
        fs.append(F.T.copy())
        if k < len(Omegas) - 1:
            H = np.where(F > 0, F, 0.0)
            hs.append(H.T.copy())
    return fs, hs
""",
        },
    },
    "mlp_backward": {
        "wrong": {
            "ReLU slope ignored": ("""
def mlp_backward(dL_dfK, Omegas, fs, hs):
    K = len(Omegas) - 1
    dO, db = [None] * (K + 1), [None] * (K + 1)
    G = dL_dfK
    for k in range(K, -1, -1):
        dO[k], db[k] = G.T @ hs[k], G.sum(axis=0)
        G = G @ Omegas[k]
    return dO, db
""", "without the relu's slope"),
            "weight gradient transposed": ("""
def mlp_backward(dL_dfK, Omegas, fs, hs):
    K = len(Omegas) - 1
    dO, db = [None] * (K + 1), [None] * (K + 1)
    G = dL_dfK
    for k in range(K, -1, -1):
        dO[k], db[k] = hs[k].T @ G, G.sum(axis=0)
        G = (fs[k - 1] > 0) * (G @ Omegas[k]) if k else G
    return dO, db
""", "transposed"),
            "mean over the batch": ("""
def mlp_backward(dL_dfK, Omegas, fs, hs):
    K = len(Omegas) - 1
    dO, db = [None] * (K + 1), [None] * (K + 1)
    G = dL_dfK
    N = G.shape[0]
    for k in range(K, -1, -1):
        dO[k], db[k] = G.T @ hs[k] / N, G.mean(axis=0)
        G = (fs[k - 1] > 0) * (G @ Omegas[k]) if k else G
    return dO, db
""", "mean over the batch"),
            "bias gradient not summed": ("""
def mlp_backward(dL_dfK, Omegas, fs, hs):
    K = len(Omegas) - 1
    dO, db = [None] * (K + 1), [None] * (K + 1)
    G = dL_dfK
    for k in range(K, -1, -1):
        dO[k], db[k] = G.T @ hs[k], G.copy()
        G = (fs[k - 1] > 0) * (G @ Omegas[k]) if k else G
    return dO, db
""", "sum dl/df_k over the batch"),
        },
        "right": {
            "torch.autograd on a rebuilt graph": """
def mlp_backward(dL_dfK, Omegas, fs, hs):
    Os = [torch.tensor(O, requires_grad=True) for O in Omegas]
    bs = [torch.zeros(O.shape[0], dtype=torch.float64, requires_grad=True) for O in Omegas]
    h = torch.tensor(hs[0])
    for k in range(len(Os)):
        f = h @ Os[k].T + bs[k] + torch.tensor(fs[k] - hs[k] @ Omegas[k].T)
        h = torch.relu(f)
    (f * torch.tensor(dL_dfK)).sum().backward()
    return [O.grad.numpy() for O in Os], [b.grad.numpy() for b in bs]
""",
            "per-example outer products (Prince's column form)": """
def mlp_backward(dL_dfK, Omegas, fs, hs):
    K = len(Omegas) - 1
    dO = [np.zeros_like(O) for O in Omegas]
    db = [np.zeros(O.shape[0]) for O in Omegas]
    for i in range(dL_dfK.shape[0]):
        g = dL_dfK[i][:, None]
        for k in range(K, -1, -1):
            dO[k] += g @ hs[k][i][None, :]
            db[k] += g[:, 0]
            if k:
                g = (fs[k - 1][i][:, None] > 0) * (Omegas[k].T @ g)
    return dO, db
""",
        },
    },
    "softmax": {
        "wrong": {
            "naive (overflows)": ("""
def softmax(A):
    E = np.exp(A)
    return E / E.sum(axis=1, keepdims=True)
""", "overflows"),
            "global maximum": ("""
def softmax(A):
    E = np.exp(A - A.max())
    return E / E.sum(axis=1, keepdims=True)
""", "whole array"),
            "wrong axis": ("""
def softmax(A):
    E = np.exp(A - A.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
""", "over the columns"),
            "not normalised": ("""
def softmax(A):
    return np.exp(A - A.max(axis=1, keepdims=True)) * np.exp(A.max(axis=1, keepdims=True))
""", "without normalising"),
        },
        "right": {
            "torch.softmax": """
def softmax(A):
    return torch.softmax(torch.tensor(A), dim=1).numpy()
""",
            "exp of log-softmax via logaddexp.reduce": """
def softmax(A):
    return np.exp(A - np.logaddexp.reduce(A, axis=1, keepdims=True))
""",
        },
    },
    "softmax_cross_entropy": {
        "wrong": {
            "naive log of softmax": ("""
def softmax_cross_entropy(A, y):
    with np.errstate(all="ignore"):
        P = np.exp(A) / np.exp(A).sum(axis=1, keepdims=True)
        loss = -np.sum(np.log(P[np.arange(len(y)), y]))
    return float(loss), P - np.eye(A.shape[1])[y]
""", "logsumexp"),
            "gradient sign flipped": ("""
def softmax_cross_entropy(A, y):
    m = A.max(axis=1, keepdims=True)
    E = np.exp(A - m)
    P = E / E.sum(axis=1, keepdims=True)
    loss = np.sum(m[:, 0] + np.log(E.sum(axis=1)) - A[np.arange(len(y)), y])
    return float(loss), np.eye(A.shape[1])[y] - P
""", "sign flipped"),
            "mean over the batch": ("""
def softmax_cross_entropy(A, y):
    m = A.max(axis=1, keepdims=True)
    E = np.exp(A - m)
    P = E / E.sum(axis=1, keepdims=True)
    N = len(y)
    loss = np.mean(m[:, 0] + np.log(E.sum(axis=1)) - A[np.arange(N), y])
    return float(loss), (P - np.eye(A.shape[1])[y]) / N
""", "mean over the examples"),
            "one-hot not subtracted": ("""
def softmax_cross_entropy(A, y):
    m = A.max(axis=1, keepdims=True)
    E = np.exp(A - m)
    P = E / E.sum(axis=1, keepdims=True)
    loss = np.sum(m[:, 0] + np.log(E.sum(axis=1)) - A[np.arange(len(y)), y])
    return float(loss), P
""", "onehot(y) was not subtracted"),
            "derivative with respect to the probabilities": ("""
def softmax_cross_entropy(A, y):
    m = A.max(axis=1, keepdims=True)
    E = np.exp(A - m)
    P = E / E.sum(axis=1, keepdims=True)
    loss = np.sum(m[:, 0] + np.log(E.sum(axis=1)) - A[np.arange(len(y)), y])
    return float(loss), -np.eye(A.shape[1])[y] / P
""", "with respect to the probabilities"),
        },
        "right": {
            "torch cross_entropy with autograd": """
def softmax_cross_entropy(A, y):
    At = torch.tensor(A, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(At, torch.tensor(y), reduction="sum")
    loss.backward()
    return loss.item(), At.grad.numpy()
""",
            "log-softmax with logaddexp.reduce, one-hot by comparison": """
def softmax_cross_entropy(A, y):
    logP = A - np.logaddexp.reduce(A, axis=1, keepdims=True)
    onehot = (np.arange(A.shape[1])[None, :] == np.asarray(y)[:, None]).astype(float)
    return -np.sum(onehot * logP), np.exp(logP) - onehot
""",
        },
    },
}
