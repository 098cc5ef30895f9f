NOTEBOOK = "07_cnn"

# --------------------------------------------------------------------------------------------
# Building blocks shared by several mutants (plain strings, pasted into the mutant code).
_PAD2D = "xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))\n"

_NAIVE_TEMPLATE = """
def conv2d_naive(x, weight, bias, stride=1, padding=0):
    N, C_in, H, W = x.shape
    C_out, _, K, _ = weight.shape
    {pad}
    H_out = (xp.shape[2] - K) // {step} + 1 if {shrink} else (H + 2 * padding - K) // stride + 1
    W_out = (xp.shape[3] - K) // {step} + 1 if {shrink} else (W + 2 * padding - K) // stride + 1
    out = np.zeros((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    patch = xp[n, :, i * {move}:i * {move} + K, j * {move}:j * {move} + K]
                    out[n, o, i, j] = {value}
    return out
"""


def _naive(pad=_PAD2D, step="stride", shrink="True", move="stride",
           value="np.sum(patch * weight[o]) + bias[o]"):
    return _NAIVE_TEMPLATE.format(pad=pad.strip(), step=step, shrink=shrink, move=move, value=value)


_VEC_TEMPLATE = """
def conv2d_vectorised(x, weight, bias, stride=1, padding=0):
    N, C_in = x.shape[:2]
    C_out, _, K, _ = weight.shape
    {pad}
    windows = np.lib.stride_tricks.sliding_window_view(xp, (K, K), axis=(2, 3)){select}
    out = np.einsum("nchwkl,ockl->nohw", windows, {weight}, optimize=True)
    return out{bias}
"""


def _vec(pad=_PAD2D, select="[:, :, ::stride, ::stride]", weight="weight",
         bias=" + bias[None, :, None, None]"):
    return _VEC_TEMPLATE.format(pad=pad.strip(), select=select, weight=weight, bias=bias)


MUTANTS = {
    "conv1d_output_size": {
        "wrong": {
            "no final + 1": ("""
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return (N + 2 * padding - dilation * (K - 1) - 1) // stride
""", "final + 1"),
            "ceil instead of floor": ("""
import math
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return math.ceil((N + 2 * padding - dilation * (K - 1) - 1) / stride) + 1
""", "rounding up"),
            "padding on one side": ("""
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return (N + padding - dilation * (K - 1) - 1) // stride + 1
""", "one end only"),
            "dilation ignored": ("""
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return (N + 2 * padding - (K - 1) - 1) // stride + 1
""", "without dilation"),
            "dilated span D*K": ("""
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return (N + 2 * padding - dilation * K - 1) // stride + 1
""", "D*K samples"),
            "stride ignored": ("""
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return N + 2 * padding - dilation * (K - 1)
""", "for stride 1"),
            "no - 1 inside the floor": ("""
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return (N + 2 * padding - dilation * (K - 1)) // stride + 1
""", "- 1 inside the floor"),
            "true division returns a float": ("""
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return (N + 2 * padding - dilation * (K - 1) - 1) / stride + 1
""", "use // rather than /"),
        },
        "right": {
            "math.floor": """
import math
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return int(math.floor((N + 2 * padding - dilation * (K - 1) - 1) / stride)) + 1
""",
            "count the window starts": """
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    span = dilation * (K - 1) + 1
    return len(range(0, N + 2 * padding - span + 1, stride))
""",
            "ask torch": """
def conv1d_output_size(N, K, stride=1, padding=0, dilation=1):
    return F.conv1d(torch.zeros(1, 1, N), torch.zeros(1, 1, K), stride=stride, padding=padding,
                    dilation=dilation).shape[-1]
""",
        },
    },
    "conv1d": {
        "wrong": {
            "kernel flipped (true convolution)": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.pad(np.asarray(x, float), padding)
    K = len(w)
    n = (len(xp) - dilation * (K - 1) - 1) // stride + 1
    return np.array([sum(w[K - 1 - k] * xp[i * stride + k * dilation] for k in range(K)) for i in range(n)])
""", "kernel flipped"),
            "padding ignored": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.asarray(x, float)
    K = len(w)
    n = (len(xp) - dilation * (K - 1) - 1) // stride + 1
    return np.array([sum(w[k] * xp[i * stride + k * dilation] for k in range(K)) for i in range(n)])
""", "padding ignored"),
            "padding on the left only": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.concatenate([np.zeros(padding), np.asarray(x, float)])
    K = len(w)
    n = (len(xp) - dilation * (K - 1) - 1) // stride + 1
    return np.array([sum(w[k] * xp[i * stride + k * dilation] for k in range(K)) for i in range(n)])
""", "left only"),
            "padding on the right only": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.concatenate([np.asarray(x, float), np.zeros(padding)])
    K = len(w)
    n = (len(xp) - dilation * (K - 1) - 1) // stride + 1
    return np.array([sum(w[k] * xp[i * stride + k * dilation] for k in range(K)) for i in range(n)])
""", "right only"),
            "window moves by 1 (stride applied wrong)": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.pad(np.asarray(x, float), padding)
    K = len(w)
    n = (len(xp) - dilation * (K - 1) - 1) // stride + 1
    return np.array([sum(w[k] * xp[i + k * dilation] for k in range(K)) for i in range(n)])
""", "stride applied wrong"),
            "stride ignored": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.pad(np.asarray(x, float), padding)
    K = len(w)
    n = len(xp) - dilation * (K - 1)
    return np.array([sum(w[k] * xp[i + k * dilation] for k in range(K)) for i in range(n)])
""", "stride ignored"),
            "dilation ignored": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.pad(np.asarray(x, float), padding)
    K = len(w)
    n = (len(xp) - (K - 1) - 1) // stride + 1
    return np.array([sum(w[k] * xp[i * stride + k] for k in range(K)) for i in range(n)])
""", "dilation ignored"),
            "stride and dilation swapped": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    stride, dilation = dilation, stride
    xp = np.pad(np.asarray(x, float), padding)
    K = len(w)
    n = (len(xp) - dilation * (K - 1) - 1) // stride + 1
    return np.array([sum(w[k] * xp[i * stride + k * dilation] for k in range(K)) for i in range(n)])
""", "swapped"),
            "one output too few": ("""
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.pad(np.asarray(x, float), padding)
    K = len(w)
    n = (len(xp) - dilation * (K - 1) - 1) // stride
    return np.array([sum(w[k] * xp[i * stride + k * dilation] for k in range(K)) for i in range(n)])
""", "one sample too short"),
        },
        "right": {
            "index arrays": """
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.pad(np.asarray(x, float), padding)
    K = len(w)
    n = (len(xp) - dilation * (K - 1) - 1) // stride + 1
    idx = np.arange(n)[:, None] * stride + np.arange(K)[None, :] * dilation
    return xp[idx] @ np.asarray(w, float)
""",
            "np.correlate with a dilated kernel": """
def conv1d(x, w, stride=1, padding=0, dilation=1):
    xp = np.pad(np.asarray(x, float), padding)
    wd = np.zeros(dilation * (len(w) - 1) + 1)
    wd[::dilation] = w
    return np.correlate(xp, wd, mode="valid")[::stride]
""",
            "torch": """
def conv1d(x, w, stride=1, padding=0, dilation=1):
    X = torch.tensor(np.asarray(x, float))[None, None]
    Wt = torch.tensor(np.asarray(w, float))[None, None]
    return F.conv1d(X, Wt, stride=stride, padding=padding, dilation=dilation)[0, 0].numpy()
""",
        },
    },
    "conv2d_naive": {
        "wrong": {
            "kernel flipped (true convolution)": (
                _naive(value="np.sum(patch * weight[o, :, ::-1, ::-1]) + bias[o]"), "kernel flipped"),
            "bias forgotten": (_naive(value="np.sum(patch * weight[o])"), "bias forgotten"),
            "bias added per input channel": (
                _naive(value="sum(np.sum(patch[c] * weight[o, c]) + bias[o] for c in range(C_in))"),
                "once per input channel"),
            "padding ignored": (_naive(pad="xp = x", shrink="True"), "padding ignored"),
            "padding top and left only": (
                _naive(pad="xp = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))"),
                "top and left"),
            "padding bottom and right only": (
                _naive(pad="xp = np.pad(x, ((0, 0), (0, 0), (0, padding), (0, padding)))"),
                "bottom and right"),
            "window moves by 1 (stride applied wrong)": (_naive(move="1", shrink="False"),
                                                          "stride applied wrong"),
            "weight axes swapped": (
                _naive(value="np.sum(patch * weight[:, o]) + bias[o]"), "first two axes swapped"),
            "kernel transposed": (
                _naive(value="np.sum(patch * weight[o].transpose(0, 2, 1)) + bias[o]"),
                "rows and columns swapped"),
        },
        "right": {
            "seven scalar loops": """
def conv2d_naive(x, weight, bias, stride=1, padding=0):
    N, C_in, H, W = x.shape
    C_out, _, K, _ = weight.shape
    xp = np.zeros((N, C_in, H + 2 * padding, W + 2 * padding))
    xp[:, :, padding:padding + H, padding:padding + W] = x
    H_out = (H + 2 * padding - K) // stride + 1
    W_out = (W + 2 * padding - K) // stride + 1
    out = np.zeros((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    acc = bias[o]
                    for c in range(C_in):
                        for m in range(K):
                            for l in range(K):
                                acc += weight[o, c, m, l] * xp[n, c, i * stride + m, j * stride + l]
                    out[n, o, i, j] = acc
    return out
""",
            "stride-1 output then subsampled": """
def conv2d_naive(x, weight, bias, stride=1, padding=0):
    N, C_in, H, W = x.shape
    C_out, _, K, _ = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    full = np.zeros((N, C_out, xp.shape[2] - K + 1, xp.shape[3] - K + 1))
    for i in range(full.shape[2]):
        for j in range(full.shape[3]):
            full[:, :, i, j] = np.tensordot(xp[:, :, i:i + K, j:j + K], weight, axes=([1, 2, 3], [1, 2, 3]))
    return full[:, :, ::stride, ::stride] + bias[None, :, None, None]
""",
            "torch": """
def conv2d_naive(x, weight, bias, stride=1, padding=0):
    return F.conv2d(torch.tensor(x), torch.tensor(weight), torch.tensor(bias),
                    stride=stride, padding=padding).numpy()
""",
        },
    },
    "conv2d_vectorised": {
        "wrong": {
            "loops over pixels (the naive version)": (_naive().replace("conv2d_naive", "conv2d_vectorised"),
                                                     "loop over pixels"),
            "kernel flipped (true convolution)": (_vec(weight="weight[:, :, ::-1, ::-1]"), "kernel flipped"),
            "bias forgotten": (_vec(bias=""), "bias forgotten"),
            "bias added per input channel": (_vec(bias=" + C_in * bias[None, :, None, None]"),
                                             "once per input channel"),
            "padding ignored": (_vec(pad="xp = x"), "padding ignored"),
            "padding top and left only": (
                _vec(pad="xp = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))"), "top and left"),
            "window moves by 1 (stride applied wrong)": (_vec(
                select="[:, :, :(x.shape[2] + 2 * padding - K) // stride + 1, :(x.shape[3] + 2 * padding - K) // stride + 1]"),
                "stride applied wrong"),
            "weight axes swapped": (_vec(weight="weight.transpose(1, 0, 2, 3)"), "first two axes swapped"),
            "kernel transposed": (_vec(weight="weight.transpose(0, 1, 3, 2)"), "rows and columns swapped"),
        },
        "right": {
            "einsum": _vec(),
            "shift and add over the K x K offsets": """
def conv2d_vectorised(x, weight, bias, stride=1, padding=0):
    N, C_in, H, W = x.shape
    C_out, _, K, _ = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - K) // stride + 1
    W_out = (W + 2 * padding - K) // stride + 1
    out = np.zeros((N, C_out, H_out, W_out)) + bias[None, :, None, None]
    for m in range(K):
        for l in range(K):
            shifted = xp[:, :, m:m + stride * (H_out - 1) + 1:stride, l:l + stride * (W_out - 1) + 1:stride]
            out += np.einsum("nchw,oc->nohw", shifted, weight[:, :, m, l])
    return out
""",
            "tensordot im2col": """
def conv2d_vectorised(x, weight, bias, stride=1, padding=0):
    K = weight.shape[-1]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, (K, K), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3]))
    return out.transpose(0, 3, 1, 2) + bias[None, :, None, None]
""",
            "torch unfold": """
def conv2d_vectorised(x, weight, bias, stride=1, padding=0):
    N, C_in, H, W = x.shape
    C_out, _, K, _ = weight.shape
    cols = F.unfold(torch.tensor(x), K, padding=padding, stride=stride)     # (N, C_in*K*K, L)
    out = torch.tensor(weight).reshape(C_out, -1) @ cols
    H_out = (H + 2 * padding - K) // stride + 1
    return (out.reshape(N, C_out, H_out, -1) + torch.tensor(bias)[None, :, None, None]).numpy()
""",
        },
    },
    "max_pool2d": {
        "wrong": {
            "average pooling": ("""
def max_pool2d(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    w = np.lib.stride_tricks.sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))
    return w[:, :, ::stride, ::stride].mean(axis=(4, 5))
""", "average pooling"),
            "stride defaults to 1": ("""
def max_pool2d(x, kernel_size, stride=None):
    stride = 1 if stride is None else stride
    w = np.lib.stride_tricks.sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))
    return w[:, :, ::stride, ::stride].max(axis=(4, 5))
""", "stride 1"),
            "stride argument ignored": ("""
def max_pool2d(x, kernel_size, stride=None):
    w = np.lib.stride_tricks.sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))
    return w[:, :, ::kernel_size, ::kernel_size].max(axis=(4, 5))
""", "stride argument ignored"),
            "maximum across channels": ("""
def max_pool2d(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    w = np.lib.stride_tricks.sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))
    m = w[:, :, ::stride, ::stride].max(axis=(1, 4, 5), keepdims=True)[..., 0, 0]
    return np.broadcast_to(m, (x.shape[0], x.shape[1]) + m.shape[2:])
""", "across channels"),
            "partial windows at the edge (ceil)": ("""
def max_pool2d(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    H_out = -(-(H - kernel_size) // stride) + 1
    W_out = -(-(W - kernel_size) // stride) + 1
    out = np.empty((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + kernel_size,
                                j * stride:j * stride + kernel_size].max(axis=(2, 3))
    return out
""", "one window too many"),
        },
        "right": {
            "loops": """
def max_pool2d(x, kernel_size, stride=None):
    s = stride or kernel_size
    N, C, H, W = x.shape
    H_out, W_out = (H - kernel_size) // s + 1, (W - kernel_size) // s + 1
    out = np.empty((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * s:i * s + kernel_size, j * s:j * s + kernel_size])
    return out
""",
            "torch": """
def max_pool2d(x, kernel_size, stride=None):
    return F.max_pool2d(torch.tensor(x), kernel_size, stride).numpy()
""",
            "max over kernel offsets": """
def max_pool2d(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    H_out = (x.shape[2] - kernel_size) // s + 1
    W_out = (x.shape[3] - kernel_size) // s + 1
    return np.max([x[:, :, m:m + s * (H_out - 1) + 1:s, l:l + s * (W_out - 1) + 1:s]
                   for m in range(kernel_size) for l in range(kernel_size)], axis=0)
""",
        },
    },
    "count_parameters": {
        "wrong": {
            "no biases": ("""
def count_parameters(layers, input_shape):
    shape, total = tuple(input_shape), 0
    for layer in layers:
        if layer[0] == "conv2d":
            c_out, k, s, p = layer[1:]
            total += c_out * shape[0] * k * k
            shape = (c_out, (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1)
        elif layer[0] == "maxpool2d":
            shape = (shape[0], shape[1] // layer[1], shape[2] // layer[1])
        elif layer[0] == "flatten":
            shape = (int(np.prod(shape)),)
        elif layer[0] == "linear":
            total += layer[1] * shape[0]
            shape = (layer[1],)
    return total
""", "without the biases"),
            "one bias per input channel": ("""
def count_parameters(layers, input_shape):
    shape, total = tuple(input_shape), 0
    for layer in layers:
        if layer[0] == "conv2d":
            c_out, k, s, p = layer[1:]
            total += c_out * shape[0] * k * k + shape[0]
            shape = (c_out, (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1)
        elif layer[0] == "maxpool2d":
            shape = (shape[0], shape[1] // layer[1], shape[2] // layer[1])
        elif layer[0] == "flatten":
            shape = (int(np.prod(shape)),)
        elif layer[0] == "linear":
            total += layer[1] * shape[0] + layer[1]
            shape = (layer[1],)
    return total
""", "per input channel"),
            "conv weights without input channels": ("""
def count_parameters(layers, input_shape):
    shape, total = tuple(input_shape), 0
    for layer in layers:
        if layer[0] == "conv2d":
            c_out, k, s, p = layer[1:]
            total += c_out * k * k + c_out
            shape = (c_out, (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1)
        elif layer[0] == "maxpool2d":
            shape = (shape[0], shape[1] // layer[1], shape[2] // layer[1])
        elif layer[0] == "flatten":
            shape = (int(np.prod(shape)),)
        elif layer[0] == "linear":
            total += layer[1] * shape[0] + layer[1]
            shape = (layer[1],)
    return total
""", "without the input channels"),
            "pooling does not shrink": ("""
def count_parameters(layers, input_shape):
    shape, total = tuple(input_shape), 0
    for layer in layers:
        if layer[0] == "conv2d":
            c_out, k, s, p = layer[1:]
            total += c_out * shape[0] * k * k + c_out
            shape = (c_out, (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1)
        elif layer[0] == "flatten":
            shape = (int(np.prod(shape)),)
        elif layer[0] == "linear":
            total += layer[1] * shape[0] + layer[1]
            shape = (layer[1],)
    return total
""", "pooling did not shrink"),
            "conv output size off by one": ("""
def count_parameters(layers, input_shape):
    shape, total = tuple(input_shape), 0
    for layer in layers:
        if layer[0] == "conv2d":
            c_out, k, s, p = layer[1:]
            total += c_out * shape[0] * k * k + c_out
            shape = (c_out, (shape[1] + 2 * p - k) // s, (shape[2] + 2 * p - k) // s)
        elif layer[0] == "maxpool2d":
            shape = (shape[0], shape[1] // layer[1], shape[2] // layer[1])
        elif layer[0] == "flatten":
            shape = (int(np.prod(shape)),)
        elif layer[0] == "linear":
            total += layer[1] * shape[0] + layer[1]
            shape = (layer[1],)
    return total
""", "off by one"),
            "conv stride ignored": ("""
def count_parameters(layers, input_shape):
    shape, total = tuple(input_shape), 0
    for layer in layers:
        if layer[0] == "conv2d":
            c_out, k, s, p = layer[1:]
            total += c_out * shape[0] * k * k + c_out
            shape = (c_out, shape[1] + 2 * p - k + 1, shape[2] + 2 * p - k + 1)
        elif layer[0] == "maxpool2d":
            shape = (shape[0], shape[1] // layer[1], shape[2] // layer[1])
        elif layer[0] == "flatten":
            shape = (int(np.prod(shape)),)
        elif layer[0] == "linear":
            total += layer[1] * shape[0] + layer[1]
            shape = (layer[1],)
    return total
""", "for stride 1"),
            "conv padding ignored": ("""
def count_parameters(layers, input_shape):
    shape, total = tuple(input_shape), 0
    for layer in layers:
        if layer[0] == "conv2d":
            c_out, k, s, p = layer[1:]
            total += c_out * shape[0] * k * k + c_out
            shape = (c_out, (shape[1] - k) // s + 1, (shape[2] - k) // s + 1)
        elif layer[0] == "maxpool2d":
            shape = (shape[0], shape[1] // layer[1], shape[2] // layer[1])
        elif layer[0] == "flatten":
            shape = (int(np.prod(shape)),)
        elif layer[0] == "linear":
            total += layer[1] * shape[0] + layer[1]
            shape = (layer[1],)
    return total
""", "padding ignored"),
            "flatten uses the input's spatial size": ("""
def count_parameters(layers, input_shape):
    shape, total = tuple(input_shape), 0
    for layer in layers:
        if layer[0] == "conv2d":
            c_out, k, s, p = layer[1:]
            total += c_out * shape[0] * k * k + c_out
            shape = (c_out,) + tuple(shape[1:])
        elif layer[0] == "maxpool2d":
            shape = (shape[0], shape[1] // layer[1], shape[2] // layer[1])
        elif layer[0] == "flatten":
            shape = (int(np.prod(shape)),)
        elif layer[0] == "linear":
            total += layer[1] * shape[0] + layer[1]
            shape = (layer[1],)
    return total
""", "input's height and width"),
        },
        "right": {
            "build the torch model": """
def count_parameters(layers, input_shape):
    mods, shape = [], tuple(input_shape)
    for layer in layers:
        if layer[0] == "conv2d":
            mods.append(nn.Conv2d(shape[0], layer[1], layer[2], layer[3], layer[4]))
        elif layer[0] == "maxpool2d":
            mods.append(nn.MaxPool2d(layer[1]))
        elif layer[0] == "relu":
            mods.append(nn.ReLU())
        elif layer[0] == "flatten":
            mods.append(nn.Flatten())
        else:
            mods.append(nn.Linear(shape[0], layer[1]))
        shape = tuple(nn.Sequential(*mods)(torch.zeros(1, *input_shape)).shape[1:])
    return sum(p.numel() for p in nn.Sequential(*mods).parameters())
""",
            "weights and biases counted separately, using conv1d_output_size-style helper": """
def count_parameters(layers, input_shape):
    def out_size(n, k, s=1, p=0):
        return (n + 2 * p - k) // s + 1
    c, h, w = (tuple(input_shape) + (1, 1))[:3] if len(input_shape) == 3 else (input_shape[0], 1, 1)
    flat = None if len(input_shape) == 3 else input_shape[0]
    weights = biases = 0
    for kind, *args in layers:
        if kind == "conv2d":
            c_out, k, s, p = args
            weights += c_out * c * k * k
            biases += c_out
            c, h, w = c_out, out_size(h, k, s, p), out_size(w, k, s, p)
        elif kind == "maxpool2d":
            h, w = out_size(h, args[0], args[0]), out_size(w, args[0], args[0])
        elif kind == "flatten":
            flat = c * h * w
        elif kind == "linear":
            weights += args[0] * flat
            biases += args[0]
            flat = args[0]
    return weights + biases
""",
        },
    },
}
