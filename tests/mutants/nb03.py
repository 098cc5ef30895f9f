"""Mutants for notebook 03 (autodiff traces).

The class exercises (Dual, Value) and the traces are long enough that the wrong answers are
written as one-line edits of a correct answer: ``_edit(SOURCE, old, new)`` replaces exactly one
occurrence (and fails loudly if ``old`` is not there, so a mutant can never silently be the
correct answer).
"""

NOTEBOOK = "03_autodiff"


def _edit(source, old, new):
    assert source.count(old) == 1, f"mutant edit target not found exactly once: {old!r}"
    return source.replace(old, new)


PRIMAL = """
def primal_trace(x1, x2):
    v = {-1: float(x1), 0: float(x2)}
    v[1] = math.log(v[-1])
    v[2] = v[-1] * v[0]
    v[3] = math.sin(v[0])
    v[4] = v[1] + v[2]
    v[5] = v[4] - v[3]
    return v
"""

ADJOINT = """
def adjoint_trace(v):
    a = {i: 0.0 for i in range(-1, 6)}
    a[5] = 1.0
    a[4] += a[5] * 1.0
    a[3] += a[5] * -1.0
    a[1] += a[4] * 1.0
    a[2] += a[4] * 1.0
    a[0] += a[3] * math.cos(v[0])
    a[-1] += a[2] * v[0]
    a[0] += a[2] * v[-1]
    a[-1] += a[1] / v[-1]
    return a
"""

DUAL = """
class Dual:
    def __init__(self, value, deriv=0.0):
        self.value = float(value)
        self.deriv = float(deriv)

    @staticmethod
    def lift(other):
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.value + other.value, self.deriv + other.deriv)

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        return Dual(-self.value, -self.deriv)

    def __sub__(self, other):
        other = Dual.lift(other)
        return Dual(self.value - other.value, self.deriv - other.deriv)

    def __rsub__(self, other):
        return Dual.lift(other) - self

    def __mul__(self, other):
        other = Dual.lift(other)
        return Dual(self.value * other.value, self.deriv * other.value + self.value * other.deriv)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        other = Dual.lift(other)
        return Dual(self.value / other.value,
                    (self.deriv * other.value - self.value * other.deriv) / other.value ** 2)

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def sin(self):
        return Dual(math.sin(self.value), math.cos(self.value) * self.deriv)

    def cos(self):
        return Dual(math.cos(self.value), -math.sin(self.value) * self.deriv)

    def exp(self):
        return Dual(math.exp(self.value), math.exp(self.value) * self.deriv)

    def log(self):
        return Dual(math.log(self.value), self.deriv / self.value)
"""

VALUE = """
class Value:
    def __init__(self, data, _parents=()):
        self.data = float(data)
        self.grad = 0.0
        self._parents = tuple(_parents)
        self._backward = lambda: None

    @staticmethod
    def lift(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = Value.lift(other)
        out = Value(self.data + other.data, (self, other))
        def _backward():
            self.grad += out.grad * 1.0
            other.grad += out.grad * 1.0
        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        out = Value(-self.data, (self,))
        def _backward():
            self.grad += -out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = Value.lift(other)
        out = Value(self.data - other.data, (self, other))
        def _backward():
            self.grad += out.grad
            other.grad += -out.grad
        out._backward = _backward
        return out

    def __rsub__(self, other):
        return Value.lift(other) - self

    def __mul__(self, other):
        other = Value.lift(other)
        out = Value(self.data * other.data, (self, other))
        def _backward():
            self.grad += out.grad * other.data
            other.grad += out.grad * self.data
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        other = Value.lift(other)
        out = Value(self.data / other.data, (self, other))
        def _backward():
            self.grad += out.grad / other.data
            other.grad += -out.grad * self.data / other.data ** 2
        out._backward = _backward
        return out

    def __rtruediv__(self, other):
        return Value.lift(other) / self

    def _unary(self, value, local_derivative):
        out = Value(value, (self,))
        def _backward():
            self.grad += out.grad * local_derivative
        out._backward = _backward
        return out

    def sin(self):
        return self._unary(math.sin(self.data), math.cos(self.data))

    def cos(self):
        return self._unary(math.cos(self.data), -math.sin(self.data))

    def exp(self):
        return self._unary(math.exp(self.data), math.exp(self.data))

    def log(self):
        return self._unary(math.log(self.data), 1.0 / self.data)
"""

TOPO = """
def topological_order(root):
    order, visited = [], set()
    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for parent in node._parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order
"""

BACKWARD = """
def backward(order):
    for node in order:
        if node._parents:
            node.grad = 0.0
    order[-1].grad += 1.0
    for node in reversed(order):
        node._backward()
"""

MUTANTS = {
    "primal_trace": {
        "wrong": {
            "cos instead of sin": (_edit(PRIMAL, "math.sin(v[0])", "math.cos(v[0])"),
                                   "v_3 = cos v_0 instead of sin v_0"),
            "adds sin x2": (_edit(PRIMAL, "v[4] - v[3]", "v[4] + v[3]"), "f subtracts sin x2"),
            "log base 10": (_edit(PRIMAL, "math.log(v[-1])", "math.log10(v[-1])"), "log base 10"),
            "ln x2 instead of ln x1": (_edit(PRIMAL, "math.log(v[-1])", "math.log(v[0])"),
                                       "v_1 = ln x2 instead of ln x1"),
            "indices shifted to 0 ... 6": ("""
def primal_trace(x1, x2):
    v = [x1, x2, math.log(x1), x1 * x2, math.sin(x2)]
    v += [v[2] + v[3]]
    v += [v[5] - v[4]]
    return dict(enumerate(v))
""", "the keys must be the ints -1, 0, 1"),
            "hard-coded lecture values": ("""
def primal_trace(x1, x2):
    return {-1: 2.0, 0: 5.0, 1: 0.693147, 2: 10.0, 3: -0.958924, 4: 10.693147, 5: 11.652071}
""", "vs torch"),
        },
        "right": {
            "numpy functions": """
def primal_trace(x1, x2):
    v = {-1: x1, 0: x2, 1: np.log(x1), 2: x1 * x2, 3: np.sin(x2)}
    v[4] = v[1] + v[2]
    v[5] = v[4] - v[3]
    return v
""",
            "torch tensors, converted": """
def primal_trace(x1, x2):
    a, b = torch.tensor(x1, dtype=torch.float64), torch.tensor(x2, dtype=torch.float64)
    vs = [a, b, torch.log(a), a * b, torch.sin(b)]
    vs.append(vs[2] + vs[3])
    vs.append(vs[5] - vs[4])
    return {i - 1: t.item() for i, t in enumerate(vs)}
""",
            "list zipped with the indices": """
def primal_trace(x1, x2):
    v1, v2, v3 = math.log(x1), x1 * x2, math.sin(x2)
    return dict(zip(range(-1, 6), [x1, x2, v1, v2, v3, v1 + v2, v1 + v2 - v3]))
""",
        },
    },
    "adjoint_trace": {
        "wrong": {
            "ln path overwrites vbar_-1": (_edit(ADJOINT, "a[-1] += a[1] / v[-1]", "a[-1] = a[1] / v[-1]"),
                                           "only the path through v_1"),
            "product path overwrites vbar_0": (_edit(ADJOINT, "a[0] += a[2] * v[-1]", "a[0] = a[2] * v[-1]"),
                                               "only the path through v_2 (the path through v_3"),
            "minus sign of v_5 lost": (_edit(ADJOINT, "a[3] += a[5] * -1.0", "a[3] += a[5] * 1.0"),
                                       "lost the minus sign"),
            "sin derivative -cos": (_edit(ADJOINT, "a[3] * math.cos(v[0])", "a[3] * -math.cos(v[0])"),
                                    "taken as -cos v_0"),
            "sin derivative sin": (_edit(ADJOINT, "a[3] * math.cos(v[0])", "a[3] * math.sin(v[0])"),
                                   "taken as sin v_0"),
            "product factors swapped": (_edit(_edit(ADJOINT, "a[-1] += a[2] * v[0]", "a[-1] += a[2] * v[-1]"),
                                              "a[0] += a[2] * v[-1]", "a[0] += a[2] * v[0]"),
                                        "factors swapped"),
            "ln step before vbar_1 is known": (_edit(_edit(ADJOINT, "    a[-1] += a[1] / v[-1]\n", ""),
                                                     "    a[1] += a[4] * 1.0\n",
                                                     "    a[-1] += a[1] / v[-1]\n    a[1] += a[4] * 1.0\n"),
                                               "only the path through v_2"),
            "hard-coded lecture adjoints": ("""
def adjoint_trace(v):
    return {-1: 5.5, 0: 1.7163378145367738, 1: 1.0, 2: 1.0, 3: -1.0, 4: 1.0, 5: 1.0}
""", "vs torch.autograd"),
        },
        "right": {
            "closed form per adjoint": """
def adjoint_trace(v):
    return {5: 1.0, 4: 1.0, 3: -1.0, 2: 1.0, 1: 1.0,
            0: v[-1] - math.cos(v[0]), -1: v[0] + 1.0 / v[-1]}
""",
            "generic sweep over a list of edges": """
def adjoint_trace(v):
    edges = [(5, 4, 1.0), (5, 3, -1.0), (4, 1, 1.0), (4, 2, 1.0), (3, 0, math.cos(v[0])),
             (2, -1, v[0]), (2, 0, v[-1]), (1, -1, 1.0 / v[-1])]
    adj = dict.fromkeys(range(-1, 6), 0.0)
    adj[5] = 1.0
    for child, parent, local in edges:
        adj[parent] += adj[child] * local
    return adj
""",
            "torch autograd with retain_grad": """
def adjoint_trace(v):
    x1 = torch.tensor(v[-1], dtype=torch.float64, requires_grad=True)
    x2 = torch.tensor(v[0], dtype=torch.float64, requires_grad=True)
    vs = [torch.log(x1), x1 * x2, torch.sin(x2)]
    vs.append(vs[0] + vs[1])
    vs.append(vs[3] - vs[2])
    for t in vs:
        t.retain_grad()
    vs[-1].backward()
    return {-1: x1.grad.item(), 0: x2.grad.item(), **{i + 1: t.grad.item() for i, t in enumerate(vs)}}
""",
        },
    },
    "Dual": {
        "wrong": {
            "__rsub__ computes u - c": (_edit(DUAL, "return Dual.lift(other) - self", "return self - other"),
                                        "computed as u - 1"),
            "__rtruediv__ computes u / c": (_edit(DUAL, "return Dual.lift(other) / self", "return self / other"),
                                            "computed as u / 6"),
            "product rule missing a term": (_edit(DUAL, "self.deriv * other.value + self.value * other.deriv",
                                                  "self.deriv * other.value"), "missing a term"),
            "quotient rule with +": (_edit(DUAL, "(self.deriv * other.value - self.value * other.deriv)",
                                           "(self.deriv * other.value + self.value * other.deriv)"),
                                     "quotient rule"),
            "quotient rule without the square": (_edit(DUAL, "/ other.value ** 2)", "/ other.value)"),
                                                 "quotient rule"),
            "sin derivative -cos": (_edit(DUAL, "math.cos(self.value) * self.deriv", "-math.cos(self.value) * self.deriv"),
                                    "taken as -cos(u)"),
            "cos derivative +sin": (_edit(DUAL, "-math.sin(self.value) * self.deriv", "math.sin(self.value) * self.deriv"),
                                    "taken as +sin(u)"),
            "exp without the chain rule": (_edit(DUAL, "math.exp(self.value) * self.deriv", "math.exp(self.value)"),
                                           "chain-rule factor"),
            "log without the chain rule": (_edit(DUAL, "self.deriv / self.value", "1.0 / self.value"),
                                           "chain-rule factor"),
            "negation in place": (_edit(DUAL, "return Dual(-self.value, -self.deriv)",
                                        "self.value, self.deriv = -self.value, -self.deriv\n        return self"),
                                  "in place"),
        },
        "right": {
            "explicit reflected operations, numpy functions": _edit(_edit(_edit(DUAL,
                "return Dual.lift(other) - self", "return Dual(other - self.value, -self.deriv)"),
                "return Dual.lift(other) / self", "return Dual(other / self.value, -other * self.deriv / self.value ** 2)"),
                "math.sin(self.value), math.cos(self.value)", "np.sin(self.value), np.cos(self.value)"),
            "subtraction and division built from other operations": _edit(_edit(DUAL,
                "other = Dual.lift(other)\n        return Dual(self.value - other.value, self.deriv - other.deriv)",
                "return self + (-Dual.lift(other))"),
                "other = Dual.lift(other)\n        return Dual(self.value / other.value,\n"
                "                    (self.deriv * other.value - self.value * other.deriv) / other.value ** 2)",
                "other = Dual.lift(other)\n        inv = Dual(1.0 / other.value, -other.deriv / other.value ** 2)\n"
                "        return self * inv"),
            "exp reusing its value": _edit(DUAL,
                "return Dual(math.exp(self.value), math.exp(self.value) * self.deriv)",
                "e = math.exp(self.value)\n        return Dual(e, e * self.deriv)"),
        },
    },
    "Value": {
        "wrong": {
            "sub passes +grad to the second operand": (_edit(VALUE, "other.grad += -out.grad\n", "other.grad += out.grad\n"),
                                                       "passing +out.grad to b"),
            "mul factors swapped": (_edit(VALUE, "self.grad += out.grad * other.data\n            other.grad += out.grad * self.data",
                                          "self.grad += out.grad * self.data\n            other.grad += out.grad * other.data"),
                                    "factors swapped"),
            "mul ignores out.grad": (_edit(VALUE, "self.grad += out.grad * other.data\n            other.grad += out.grad * self.data",
                                           "self.grad += other.data\n            other.grad += self.data"),
                                     "ignores out.grad"),
            "mul assigns instead of adding": (_edit(VALUE, "self.grad += out.grad * other.data\n            other.grad += out.grad * self.data",
                                                    "self.grad = out.grad * other.data\n            other.grad = out.grad * self.data"),
                                              "assigns (=) instead of adding"),
            "unary rules assign instead of adding": (_edit(VALUE, "self.grad += out.grad * local_derivative",
                                                           "self.grad = out.grad * local_derivative"),
                                                     "assigns (=) instead of adding"),
            "div derivative sign": (_edit(VALUE, "other.grad += -out.grad * self.data / other.data ** 2",
                                          "other.grad += out.grad * self.data / other.data ** 2"),
                                    "wrong sign"),
            "sin derivative -cos": (_edit(VALUE, "math.sin(self.data), math.cos(self.data)", "math.sin(self.data), -math.cos(self.data)"),
                                    "taken as -cos(a)"),
            "cos derivative +sin": (_edit(VALUE, "math.cos(self.data), -math.sin(self.data)", "math.cos(self.data), math.sin(self.data)"),
                                    "taken as +sin(a)"),
            "log derivative ln": (_edit(VALUE, "math.log(self.data), 1.0 / self.data", "math.log(self.data), math.log(self.data)"),
                                  "taken as ln(a)"),
            "__rsub__ computes x - c": (_edit(VALUE, "return Value.lift(other) - self", "return self - other"),
                                        "computed as x - 5"),
        },
        "right": {
            "generic node helper": """
class Value:
    def __init__(self, data, _parents=()):
        self.data = float(data)
        self.grad = 0.0
        self._parents = tuple(_parents)
        self._backward = lambda: None

    @staticmethod
    def lift(other):
        return other if isinstance(other, Value) else Value(other)

    @staticmethod
    def _node(data, parents, locals_):
        out = Value(data, parents)
        def _backward():
            for p, d in zip(parents, locals_):
                p.grad += out.grad * d
        out._backward = _backward
        return out

    def __add__(self, o):
        o = Value.lift(o)
        return Value._node(self.data + o.data, (self, o), (1.0, 1.0))
    def __radd__(self, o): return self + o
    def __neg__(self): return Value._node(-self.data, (self,), (-1.0,))
    def __sub__(self, o):
        o = Value.lift(o)
        return Value._node(self.data - o.data, (self, o), (1.0, -1.0))
    def __rsub__(self, o):
        o = Value.lift(o)
        return Value._node(o.data - self.data, (o, self), (1.0, -1.0))
    def __mul__(self, o):
        o = Value.lift(o)
        return Value._node(self.data * o.data, (self, o), (o.data, self.data))
    def __rmul__(self, o): return self * o
    def __truediv__(self, o):
        o = Value.lift(o)
        return Value._node(self.data / o.data, (self, o), (1 / o.data, -self.data / o.data ** 2))
    def __rtruediv__(self, o): return Value.lift(o) / self
    def sin(self): return Value._node(math.sin(self.data), (self,), (math.cos(self.data),))
    def cos(self): return Value._node(math.cos(self.data), (self,), (-math.sin(self.data),))
    def exp(self): return Value._node(math.exp(self.data), (self,), (math.exp(self.data),))
    def log(self): return Value._node(math.log(self.data), (self,), (1 / self.data,))
""",
            "local derivatives computed inside the rules, exp from out.data": _edit(_edit(_edit(VALUE,
                "return self._unary(math.exp(self.data), math.exp(self.data))",
                "out = Value(math.exp(self.data), (self,))\n        def _backward():\n"
                "            self.grad += out.data * out.grad\n        out._backward = _backward\n        return out"),
                "return self._unary(math.sin(self.data), math.cos(self.data))",
                "out = Value(math.sin(self.data), (self,))\n        def _backward():\n"
                "            self.grad += math.cos(self.data) * out.grad\n        out._backward = _backward\n        return out"),
                "return Value.lift(other) / self",
                "other = Value.lift(other)\n        out = Value(other.data / self.data, (other, self))\n"
                "        def _backward():\n            other.grad += out.grad / self.data\n"
                "            self.grad -= out.grad * other.data / self.data ** 2\n"
                "        out._backward = _backward\n        return out"),
        },
    },
    "topological_order": {
        "wrong": {
            "no visited set": ("""
def topological_order(root):
    order = []
    def visit(node):
        for parent in node._parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order
""", "more than once"),
            "root first (reversed)": (_edit(TOPO, "    return order\n", "    return order[::-1]\n"), "reversed"),
            "breadth-first from the root, reversed": ("""
def topological_order(root):
    order, seen, queue = [], {root}, [root]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for parent in node._parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return order[::-1]
""", "before its parent"),
            "inputs left out": (_edit(TOPO, "        order.append(node)\n",
                                      "        if node._parents:\n            order.append(node)\n"),
                                "missing"),
            "node appended before its parents (pre-order)": (_edit(_edit(TOPO, "        order.append(node)\n", ""),
                                                                   "        visited.add(node)\n",
                                                                   "        visited.add(node)\n        order.append(node)\n"),
                                                             "reversed"),
        },
        "right": {
            "iterative depth-first search": """
def topological_order(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            for parent in node._parents:
                stack.append((parent, False))
    return order
""",
            "Kahn's algorithm on the reversed graph": """
def topological_order(root):
    nodes, stack = {id(root): root}, [root]
    while stack:
        for p in stack.pop()._parents:
            if id(p) not in nodes:
                nodes[id(p)] = p
                stack.append(p)
    users = {k: 0 for k in nodes}
    for n in nodes.values():
        for p in set(map(id, n._parents)):
            users[p] += 1
    ready, out = [root], []
    while ready:
        n = ready.pop()
        out.append(n)
        for p in {id(q): q for q in n._parents}.values():
            users[id(p)] -= 1
            if users[id(p)] == 0:
                ready.append(p)
    return out[::-1]
""",
            "recursive with a list of ids": """
def topological_order(root):
    order, seen = [], []
    def visit(node):
        if id(node) in seen:
            return
        seen.append(id(node))
        for parent in node._parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order
""",
        },
    },
    "backward": {
        "wrong": {
            "sweeps forwards": (_edit(BACKWARD, "reversed(order)", "order"), "from the inputs forwards"),
            "never seeds the output": (_edit(BACKWARD, "    order[-1].grad += 1.0\n", ""), "never seeded"),
            "seeds the first node": (_edit(BACKWARD, "order[-1].grad += 1.0", "order[0].grad += 1.0"),
                                     "seeded the first node"),
            "resets every grad, inputs too": (_edit(BACKWARD, "        if node._parents:\n            node.grad = 0.0",
                                                    "        node.grad = 0.0"), "resets the inputs' grads too"),
            "no reset, seed assigned (micrograd)": ("""
def backward(order):
    order[-1].grad = 1.0
    for node in reversed(order):
        node._backward()
""", "does not reset the intermediate grads"),
            "no reset at all": (_edit(BACKWARD, "        if node._parents:\n            node.grad = 0.0",
                                      "        pass"), "neither resets"),
            "seed assigned instead of added": (_edit(BACKWARD, "order[-1].grad += 1.0", "order[-1].grad = 1.0"),
                                               "add the seed"),
        },
        "right": {
            "index loops": """
def backward(order):
    for i in range(len(order)):
        if len(order[i]._parents) > 0:
            order[i].grad = 0
    order[-1].grad = order[-1].grad + 1
    for i in range(len(order) - 1, -1, -1):
        order[i]._backward()
""",
            "slicing and a separate root": """
def backward(order):
    *rest, root = order
    for node in order:
        node.grad = node.grad if not node._parents else 0.0
    root.grad += 1.0
    for node in order[::-1]:
        node._backward()
""",
        },
    },
}
