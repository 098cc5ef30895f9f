from mutation import edit

NOTEBOOK = "08_cnn"


def first(code):  # run ``code`` (a function body that returns) before the solution's own body
    return edit("### BEGIN SOLUTION\n", "### BEGIN SOLUTION\n" + "".join(f"    {ln}\n" for ln in code.strip("\n").splitlines()))


# Anchors: exact text of the solution cells.
SIZE = "return (N + 2 * padding - dilation * (K - 1) - 1) // stride + 1"
LOOP1 = "    y = np.zeros(n_out)\n    for i in range(n_out):\n        for k in range(K):\n            y[i] += w[k] * xp[i * stride + k * dilation]\n    return y"
PAD, SIDES = "np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))", "(padding, padding), (padding, padding)"
PATCH, FLAT = "patch * weight[o])", "weight.reshape(C_out, C_in * K * K)"
TAIL = "    H_out, W_out = windows.shape[2:4]\n"
POOL = "return windows[:, :, ::stride, ::stride].max(axis=(4, 5))"
CONV_SHAPE = "shape = (c_out, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)"
POOL_SHAPE = "shape = (c, (h - k) // k + 1, (w - k) // k + 1)"
TORCH2D = "return F.conv2d(torch.tensor(x), torch.tensor(weight), torch.tensor(bias), stride=stride, padding=padding).numpy()"
B = " + bias[None, :, None, None]"


WEIGHT = {"kernel flipped (true convolution)": ("[:, :, ::-1, ::-1]", "kernel flipped"),
          "weight axes swapped": (".transpose(1, 0, 2, 3)", "first two axes swapped"),
          "kernel transposed": (".transpose(0, 1, 3, 2)", "rows and columns swapped")}


def weight_mistakes(old, new):  # the WEIGHT mistakes as edits of one cell
    return {label: (edit(old, new.format(t)), msg) for label, (t, msg) in WEIGHT.items()}


def lines_loop(axis):  # conv2d_vectorised as a Python loop over output rows (axis 2) or columns (axis 3)
    sub = "ncwkl" if axis == 2 else "nchkl"
    return edit(TAIL, f"    return np.stack([np.einsum('{sub},ockl->no{sub[2]}', np.take(windows, i, axis={axis}), weight) "
                      f"for i in range(windows.shape[{axis}])], axis={axis}){B}\n")


MUTANTS = {
    "conv1d_output_size": {"wrong": {
        "no final + 1": (edit("// stride + 1", "// stride"), "final + 1"),
        "ceil instead of floor": (edit(SIZE, "return -(-(N + 2 * padding - dilation * (K - 1) - 1) // stride) + 1"), "rounding up"),
        "round to the nearest": (edit(SIZE, "return round((N + 2 * padding - dilation * (K - 1) - 1) / stride) + 1"), "rounding"),
        "padding on one side": (edit("2 * padding", "padding"), "one end only"),
        "dilation ignored": (edit("dilation * (K - 1)", "(K - 1)"), "without dilation"),
        "dilated span D*K": (edit("dilation * (K - 1) - 1", "dilation * K - 1"), "D*K samples"),
        "stride ignored": (edit("// stride + 1", "+ 1"), "for stride 1"),
        "no - 1 inside the floor": (edit("dilation * (K - 1) - 1)", "dilation * (K - 1))"), "- 1 inside the floor"),
        "true division returns a float": (edit("// stride", "/ stride"), "use // rather than /"),
    }, "right": {
        "math.floor": edit(SIZE, "import math\n    return math.floor((N + 2 * padding - dilation * (K - 1) - 1) / stride) + 1"),
        "count the window starts": edit(SIZE, "return len(range(0, N + 2 * padding - dilation * (K - 1), stride))"),
        "ask torch": edit(SIZE, "return F.conv1d(torch.zeros(1, 1, N), torch.zeros(1, 1, K), None, stride, padding, dilation).shape[-1]"),
    }},
    "conv1d": {"wrong": {
        "kernel flipped (true convolution)": (edit("w[k] * xp", "w[K - 1 - k] * xp"), "kernel flipped"),
        "padding ignored": (edit("np.pad(np.asarray(x, dtype=float), padding)", "np.asarray(x, dtype=float)"), "padding ignored"),
        "padding on the left only": (edit("dtype=float), padding)", "dtype=float), (padding, 0))"), "left only"),
        "padding on the right only": (edit("dtype=float), padding)", "dtype=float), (0, padding))"), "right only"),
        "window moves by 1 (stride applied wrong)": (edit("xp[i * stride", "xp[i"), "stride applied wrong"),
        "stride ignored": (edit("// stride + 1", "+ 1") & edit("xp[i * stride", "xp[i"), "stride ignored"),
        "dilation ignored": (edit("dilation * (K - 1)", "(K - 1)") & edit("k * dilation]", "k]"), "dilation ignored"),
        "stride and dilation swapped": (edit("    xp = np.pad", "    stride, dilation = dilation, stride\n    xp = np.pad"), "swapped"),
        "one output too few": (edit("// stride + 1", "// stride"), "one sample too short"),
        "float32 result": (edit("y = np.zeros(n_out)", "y = np.zeros(n_out, np.float32)"), "float64"),
    }, "right": {
        "index arrays": edit(LOOP1, "    return xp[np.arange(n_out)[:, None] * stride + np.arange(K) * dilation] @ np.asarray(w, float)"),
        "np.correlate with a dilated kernel": edit(LOOP1, "    wd = np.zeros(dilation * (K - 1) + 1)\n    wd[::dilation] = w\n    return "
                                                          "np.correlate(xp, wd, mode='valid')[::stride]"),
        "torch": edit(LOOP1, "    return F.conv1d(torch.tensor(xp)[None, None], torch.tensor(np.asarray(w, float))[None, None], "
                             "stride=stride, dilation=dilation)[0, 0].numpy()"),
    }},
    "conv2d_naive": {"wrong": {
        **weight_mistakes(PATCH, "patch * weight{}[o])"),
        "bias forgotten": (edit(" + bias[o]", ""), "bias forgotten"),
        "bias added per input channel": (edit("np.sum(patch * weight[o]) + bias[o]", "sum(np.sum(patch[c] * weight[o, c]) + bias[o] "
                                              "for c in range(C_in))"), "once per input channel"),
        "padding ignored": (edit(PAD, "x") & edit("2 * padding", "0", 2), "padding ignored"),
        "padding top and left only": (edit(SIDES, "(padding, 0), (padding, 0)") & edit("2 * padding", "padding", 2), "top and left"),
        "padding bottom and right only": (edit(SIDES, "(0, padding), (0, padding)") & edit("2 * padding", "padding", 2), "bottom and right"),
        "window moves by 1 (stride applied wrong)": (edit("i * stride:i * stride + K, j * stride:j * stride + K", "i:i + K, j:j + K"), "stride applied wrong"),
        "W_out computed from H": (edit("W_out = (W + 2 * padding", "W_out = (H + 2 * padding"), "not square"),
        "only the first image of the batch": (edit("for n in range(N):", "for n in range(1):"), "conv2d_naive(rect_x"),
        "float32 result": (edit("np.zeros((N, C_out, H_out, W_out))", "np.zeros((N, C_out, H_out, W_out), np.float32)"), "float64"),
    }, "right": {
        "seven scalar loops": edit("""                    patch = xp[n, :, i * stride:i * stride + K, j * stride:j * stride + K]
                    out[n, o, i, j] = np.sum(patch * weight[o]) + bias[o]""", """                    out[n, o, i, j] = bias[o]
                    for c, m, l in np.ndindex(C_in, K, K):
                        out[n, o, i, j] += weight[o, c, m, l] * xp[n, c, i * stride + m, j * stride + l]"""),
        "stride-1 output then subsampled": edit("    H_out = (H", """    full = np.zeros((N, C_out, xp.shape[2] - K + 1, xp.shape[3] - K + 1))
    for i, j in np.ndindex(*full.shape[2:]):
        full[:, :, i, j] = np.tensordot(xp[:, :, i:i + K, j:j + K], weight, axes=([1, 2, 3], [1, 2, 3]))
    return full[:, :, ::stride, ::stride] + bias[None, :, None, None]
    H_out = (H"""),
        "torch": first(TORCH2D),
    }},
    "conv2d_vectorised": {"wrong": {
        "loops over pixels (the naive version)": (first("return conv2d_naive(x, weight, bias, stride, padding)"), "loop over pixels"),
        "loop over rows": (lines_loop(2), "loop over pixels, rows or columns"),
        "loop over columns": (lines_loop(3), "loop over pixels, rows or columns"),
        "one matrix product per row": (edit(TAIL, "    return np.stack([np.tensordot(windows[:, :, i], weight, ([1, 3, 4], [1, 2, 3])).transpose(0, 2, 1) "
                                                  f"for i in range(windows.shape[2])], axis=2){B}\n"), "loop over pixels, rows or columns"),
        "torch conv2d": (first(TORCH2D), "numpy only"),
        "torch unfold": (first("""
cols = F.unfold(torch.tensor(x), weight.shape[-1], padding=padding, stride=stride)     # (N, C_in*K*K, L)
H_out = (x.shape[2] + 2 * padding - weight.shape[-1]) // stride + 1
out = (torch.tensor(weight).reshape(weight.shape[0], -1) @ cols).reshape(x.shape[0], weight.shape[0], H_out, -1)
return (out + torch.tensor(bias)[None, :, None, None]).numpy()"""), "numpy only"),
        **weight_mistakes(FLAT, "weight{}.reshape(C_out, C_in * K * K)"),
        "bias forgotten": (edit("out += bias[:, None]", "pass"), "bias forgotten"),
        "bias added per input channel": (edit("out += bias[:, None]", "out += C_in * bias[:, None]"), "once per input channel"),
        "padding ignored": (edit(PAD, "x"), "padding ignored"),
        "padding top and left only": (edit(SIDES, "(padding, 0), (padding, 0)"), "top and left"),
        "window moves by 1 (stride applied wrong)": (edit("[:, :, ::stride, ::stride]", "[:, :, :(x.shape[2] + 2 * padding - K) "
                                                          "// stride + 1, :(x.shape[3] + 2 * padding - K) // stride + 1]"),
                                                     "stride applied wrong"),
        "float32 result": (edit("return out.reshape(", "return out.astype(np.float32).reshape("), "float64"),
    }, "right": {
        "einsum": edit(TAIL, f"    return np.einsum('nchwkl,ockl->nohw', windows, weight, optimize=True){B}\n"),
        "shift and add over the K x K offsets": edit(TAIL, f"""    H_out, W_out = windows.shape[2:4]
    out = np.zeros((N, C_out, H_out, W_out)){B}
    for m, l in np.ndindex(K, K):
        shifted = xp[:, :, m:m + stride * (H_out - 1) + 1:stride, l:l + stride * (W_out - 1) + 1:stride]
        out += np.einsum("nchw,oc->nohw", shifted, weight[:, :, m, l])
    return out
"""),
        "tensordot im2col": edit(TAIL, f"    return np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2){B}\n"),
    }},
    "max_pool2d": {"wrong": {
        "average pooling": (edit(".max(axis=(4, 5))", ".mean(axis=(4, 5))"), "average pooling"),
        "stride defaults to 1": (edit("stride = kernel_size if", "stride = 1 if"), "stride 1"),
        "stride argument ignored": (edit("stride = kernel_size if stride is None else stride", "stride = kernel_size"), "stride argument ignored"),
        "maximum across channels": (edit(POOL, "m = windows[:, :, ::stride, ::stride].max(axis=(1, 4, 5), keepdims=True)[..., 0, 0]"
                                               "\n    return np.broadcast_to(m, x.shape[:2] + m.shape[2:])"), "across channels"),
        "partial windows at the edge (ceil)": (edit("    windows = ", "    x = np.pad(x, ((0, 0), (0, 0), (0, stride - 1), (0, stride - 1)), "
                                                                 "constant_values=-np.inf)\n    windows = "), "one window too many"),
        "height used for the width": (first("""
s, k, n = stride or kernel_size, kernel_size, (x.shape[2] - kernel_size) // (stride or kernel_size) + 1
return np.array([[x[:, :, i * s:i * s + k, j * s:j * s + k].max(axis=(2, 3)) for j in range(n)] for i in range(n)]).transpose(2, 3, 0, 1)
"""), "pool_rect"),
    }, "right": {
        "loops": first("""
s, k = stride or kernel_size, kernel_size
out = np.empty(x.shape[:2] + ((x.shape[2] - k) // s + 1, (x.shape[3] - k) // s + 1))
for n, c, i, j in np.ndindex(*out.shape):
    out[n, c, i, j] = np.max(x[n, c, i * s:i * s + k, j * s:j * s + k])
return out"""),
        "torch": edit(POOL, "return F.max_pool2d(torch.tensor(x), kernel_size, stride).numpy()"),
        "max over kernel offsets": edit(POOL, "H_out, W_out = windows[:, :, ::stride, ::stride].shape[2:4]\n    return np.max([x[:, :, m:m + "
                                              "stride * (H_out - 1) + 1:stride, l:l + stride * (W_out - 1) + 1:stride] for m in "
                                              "range(kernel_size) for l in range(kernel_size)], axis=0)"),
    }},
    "count_parameters": {"wrong": {
        "no biases": (edit("k * k + c_out", "k * k") & edit("shape[0] + d_out", "shape[0]"), "without the biases"),
        "one bias per input channel": (edit("k * k + c_out", "k * k + c_in"), "per input channel"),
        "conv weights without input channels": (edit("c_out * c_in * k * k", "c_out * k * k"), "without the input channels"),
        "pooling does not shrink": (edit(POOL_SHAPE, "shape = (c, h, w)"), "pooling did not shrink"),
        "conv output size off by one": (edit("// s + 1", "// s", 2), "off by one"),
        "conv stride ignored": (edit("// s + 1", "+ 1", 2), "for stride 1"),
        "conv padding ignored": (edit(" + 2 * p", "", 2), "padding ignored"),
        "flatten uses the input's spatial size": (edit(CONV_SHAPE, "shape = (c_out, h, w)"), "input's height and width"),
        "conv output size rounded up": (edit("(h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1", "-(-(h + 2 * p - k) // s) + 1, "
                                             "-(-(w + 2 * p - k) // s) + 1"), "conv output size rounded up"),
        "pooled size rounded up": (edit(POOL_SHAPE, "shape = (c, -(-h // k), -(-w // k))"), "pooled size rounded up"),
        "height used for the width": (edit("(w + 2 * p - k)", "(h + 2 * p - k)") & edit("(w - k)", "(h - k)"), "not square"),
    }, "right": {
        "build the torch model": first("""
make = {"conv2d": lambda c, l: nn.Conv2d(c, *l[1:]), "maxpool2d": lambda c, l: nn.MaxPool2d(l[1]), "relu": lambda c, l: nn.ReLU(),
        "flatten": lambda c, l: nn.Flatten(), "linear": lambda c, l: nn.Linear(c, l[1])}
mods = []
for layer in layers:
    mods.append(make[layer[0]](nn.Sequential(*mods)(torch.zeros(1, *input_shape)).shape[1], layer))
return sum(p.numel() for p in nn.Sequential(*mods).parameters())"""),
        "weights and biases counted separately, using conv1d_output_size-style helper": (
            edit("    total = 0", "    weights = biases = 0") & edit("    return total", "    return weights + biases")
            & edit("total += c_out * c_in * k * k + c_out", "weights, biases = weights + c_out * c_in * k * k, biases + c_out")
            & edit("total += d_out * shape[0] + d_out", "weights, biases = weights + d_out * shape[0], biases + d_out")
            & edit(CONV_SHAPE, "shape = (c_out, conv1d_output_size(h, k, s, p), conv1d_output_size(w, k, s, p))")
            & edit(POOL_SHAPE, "shape = (c, conv1d_output_size(h, k, k), conv1d_output_size(w, k, k))")),
    }},
}
