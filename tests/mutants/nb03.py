"""Mutants for notebook 03 (autodiff traces): edits of the solution cells (tests/mutation.py)."""
from mutation import edit as e, rewrite as r

NOTEBOOK = "03_autodiff"
VAL_MUL = "self.grad += out.grad * other.data\n            other.grad += out.grad * self.data"
RESET = "        if node._parents:\n            node.grad = 0.0"


MUTANTS = {
    "primal_trace": {"wrong": {
        "cos instead of sin": (e("math.sin(v[0])", "math.cos(v[0])"), "v_3 = cos v_0 instead of sin v_0"),
        "adds sin x2": (e("v[4] - v[3]", "v[4] + v[3]"), "f subtracts sin x2"),
        "log base 10": (e("math.log(v[-1])", "math.log10(v[-1])"), "log base 10"),
        "ln x2 instead of ln x1": (e("math.log(v[-1])", "math.log(v[0])"), "v_1 = ln x2 instead of ln x1"),
        "indices shifted to 0 ... 6": (e("    return v\n", "    return {k + 1: x for k, x in v.items()}\n"),
                                       "the keys must be the ints -1, 0, 1"),
        "hard-coded lecture values": (r("def primal_trace(x1, x2):\n    return {-1: 2.0, 0: 5.0, 1: 0.693147, "
                                        "2: 10.0, 3: -0.958924, 4: 10.693147, 5: 11.652071}\n"), "vs torch"),
    }, "right": {
        "numpy functions": e("math.log(v[-1])", "np.log(v[-1])") & e("math.sin(v[0])", "np.sin(v[0])"),
        "torch tensors, converted": r('def primal_trace(x1, x2):\n'
                                      '    a, b = torch.tensor(x1, dtype=torch.float64), torch.tensor(x2, dtype=torch.float64)\n'
                                      '    vs = [a, b, torch.log(a), a * b, torch.sin(b)]; vs += [vs[2] + vs[3]]; vs += [vs[5] - vs[4]]\n'
                                      '    return {i - 1: t.item() for i, t in enumerate(vs)}\n'),
        "list zipped with the indices": r('def primal_trace(x1, x2):\n'
                                          '    v1, v2, v3 = math.log(x1), x1 * x2, math.sin(x2)\n'
                                          '    return dict(zip(range(-1, 6), [x1, x2, v1, v2, v3, v1 + v2, v1 + v2 - v3]))\n'),
    }},
    "adjoint_trace": {"wrong": {
        "ln path overwrites vbar_-1": (e("a[-1] += a[1] / v[-1]", "a[-1] = a[1] / v[-1]"), "only the path through v_1"),
        "product path overwrites vbar_0": (e("a[0] += a[2] * v[-1]", "a[0] = a[2] * v[-1]"),
                                           "only the path through v_2 (the path through v_3"),
        "minus sign of v_5 lost": (e("a[5] * -1.0", "a[5] * 1.0"), "lost the minus sign"),
        "sin derivative -cos": (e("a[3] * math.cos", "a[3] * -math.cos"), "taken as -cos v_0"),
        "sin derivative sin": (e("a[3] * math.cos", "a[3] * math.sin"), "taken as sin v_0"),
        "product factors swapped": (e("a[2] * v[0]", "a[2] * v[-9]") & e("a[2] * v[-1]", "a[2] * v[0]")
                                    & e("v[-9]", "v[-1]"), "factors swapped"),
        "ln step before vbar_1 is known": (e("    a[-1] += a[1] / v[-1]               # v1 = ln v-1\n", "")
                                           & e("    a[1] += a[4]", "    a[-1] += a[1] / v[-1]\n    a[1] += a[4]"),
                                           "only the path through v_2"),
        "hard-coded lecture adjoints": (r("def adjoint_trace(v):\n    return {-1: 5.5, 0: 1.7163378145367738, "
                                          "1: 1.0, 2: 1.0, 3: -1.0, 4: 1.0, 5: 1.0}\n"), "vs torch.autograd"),
        "writes the adjoints into v": (e("a = {i: 0.0 for i in range(-1, 6)}", "a = v; x1, x2 = v[-1], v[0]")
                                       & e("math.cos(v[0])", "math.cos(x2)") & e("a[2] * v[0]", "a[2] * x2")
                                       & e("a[2] * v[-1]", "a[2] * x1") & e("a[1] / v[-1]", "a[1] / x1")
                                       & e("a[5] = 1.0", "a.update(dict.fromkeys(range(-1, 5), 0.0)); a[5] = 1.0"),
                                       "changed the primal trace it was given"),
    }, "right": {
        "closed form per adjoint": r('def adjoint_trace(v):\n'
                                     '    return {5: 1.0, 4: 1.0, 3: -1.0, 2: 1.0, 1: 1.0, 0: v[-1] - math.cos(v[0]), -1: v[0] + 1.0 / v[-1]}\n'),
        "generic sweep over a list of edges": r('def adjoint_trace(v):\n    adj = dict.fromkeys(range(-1, 6), 0.0)\n'
                                                '    adj[5] = 1.0\n'
                                                '    for child, parent, local in [(5, 4, 1.0), (5, 3, -1.0), (4, 1, 1.0), (4, 2, 1.0), (3, 0, math.cos(v[0])),\n'
                                                '                                 (2, -1, v[0]), (2, 0, v[-1]), (1, -1, 1.0 / v[-1])]:\n'
                                                '        adj[parent] += adj[child] * local\n    return adj\n'),
        "torch autograd with retain_grad": r('def adjoint_trace(v):\n'
                                             '    x1, x2 = (torch.tensor(v[i], dtype=torch.float64, requires_grad=True) for i in (-1, 0))\n'
                                             '    vs = [torch.log(x1), x1 * x2, torch.sin(x2)]; vs += [vs[0] + vs[1]]; vs += [vs[3] - vs[2]]\n'
                                             '    [t.retain_grad() for t in vs]; vs[-1].backward()\n'
                                             '    return {-1: x1.grad.item(), 0: x2.grad.item(), **{i + 1: t.grad.item() for i, t in enumerate(vs)}}\n'),
    }},
    "Dual": {"wrong": {
        "__rsub__ computes u - c": (e("return Dual.lift(other) - self", "return self - other"), "computed as u - 1"),
        "__rtruediv__ computes u / c": (e("return Dual.lift(other) / self", "return self / other"), "computed as u / 6"),
        "product rule missing a term": (e(" + self.value * other.deriv)", ")"), "missing a term"),
        "quotient rule with +": (e("other.value - self.value * other.deriv", "other.value + self.value * other.deriv"),
                                 "quotient rule"),
        "quotient rule without the square": (e("/ other.value ** 2)", "/ other.value)"), "quotient rule"),
        "sin derivative -cos": (e("math.cos(self.value) * self.deriv", "-math.cos(self.value) * self.deriv"),
                                "taken as -cos(u)"),
        "cos derivative +sin": (e("-math.sin(self.value) * self.deriv", "math.sin(self.value) * self.deriv"),
                                "taken as +sin(u)"),
        "exp without the chain rule": (e("math.exp(self.value) * self.deriv", "math.exp(self.value)"), "chain-rule factor"),
        "log without the chain rule": (e("self.deriv / self.value", "1.0 / self.value"), "chain-rule factor"),
        "negation in place": (e("return Dual(-self.value, -self.deriv)",
                                "self.value, self.deriv = -self.value, -self.deriv\n        return self"), "in place"),
    }, "right": {
        "explicit reflected operations, numpy functions":
            e("return Dual.lift(other) - self", "return Dual(other - self.value, -self.deriv)")
            & e("return Dual.lift(other) / self", "return Dual(other / self.value, -other * self.deriv / self.value ** 2)")
            & e("math.sin(self.value), math.cos(self.value)", "np.sin(self.value), np.cos(self.value)"),
        "subtraction and division built from other operations":
            e("return Dual(self.value - other.value, self.deriv - other.deriv)", "return self + (-other)")
            & e("return Dual(self.value / other.value,", "return self * Dual(1.0 / other.value, -other.deriv "
                "/ other.value ** 2)\n        return Dual(self.value / other.value,"),
        "exp reusing its value": e("return Dual(math.exp(self.value), math.exp(self.value) * self.deriv)",
                                   "e = math.exp(self.value)\n        return Dual(e, e * self.deriv)"),
    }},
    "Value": {"wrong": {
        "sub passes +grad to the second operand": (e("other.grad += -out.grad\n", "other.grad += out.grad\n"),
                                                   "passing +out.grad to b"),
        "mul factors swapped": (e(VAL_MUL, "self.grad += out.grad * self.data\n            "
                                  "other.grad += out.grad * other.data"), "factors swapped"),
        "mul ignores out.grad": (e(VAL_MUL, "self.grad += other.data\n            other.grad += self.data"),
                                 "ignores out.grad"),
        "mul assigns instead of adding": (e(VAL_MUL, VAL_MUL.replace("+=", "=")), "assigns (=) instead of adding"),
        "unary rules assign instead of adding": (e("self.grad += out.grad * local_derivative",
                                                   "self.grad = out.grad * local_derivative"), "assigns (=) instead of adding"),
        "div derivative sign": (e("other.grad += -out.grad * self.data", "other.grad += out.grad * self.data"), "wrong sign"),
        "sin derivative -cos": (e("math.sin(self.data), math.cos(self.data)", "math.sin(self.data), -math.cos(self.data)"),
                                "taken as -cos(a)"),
        "cos derivative +sin": (e("math.cos(self.data), -math.sin(self.data)", "math.cos(self.data), math.sin(self.data)"),
                                "taken as +sin(a)"),
        "log derivative ln": (e("math.log(self.data), 1.0 / self.data", "math.log(self.data), math.log(self.data)"),
                              "taken as ln(a)"),
        "__rsub__ computes x - c": (e("return Value.lift(other) - self", "return self - other"), "computed as x - 5"),
        "x - y built as x + (-y)": (e("out = Value(self.data - other.data, (self, other))", "return self + (-other)"),
                                    "x - y as x + (-y)"),
        "5 - x built as -x + 5": (e("return Value.lift(other) - self", "return -self + other"), "5 - x as -x + 5"),
    }, "right": {
        "generic node helper": r('class Value:\n    def __init__(self, data, _parents=()):\n'
                                 '        self.data, self.grad, self._parents, self._backward = float(data), 0.0, tuple(_parents), lambda: None\n'
                                 '    @staticmethod\n    def lift(other):\n'
                                 '        return other if isinstance(other, Value) else Value(other)\n'
                                 '    def _node(self, data, ps, ds):\n        out = Value(data, ps)\n'
                                 '        def _backward():\n'
                                 '            for p, d in zip(ps, ds): p.grad += out.grad * d\n'
                                 '        out._backward = _backward\n        return out\n'
                                 '    def _bin(self, o, f, da, db, swap=False):\n'
                                 '        a, b = (Value.lift(o), self) if swap else (self, Value.lift(o))\n'
                                 '        return self._node(f(a.data, b.data), (a, b), (da(a.data, b.data), db(a.data, b.data)))\n'
                                 '    def __add__(self, o): return self._bin(o, lambda a, b: a + b, lambda a, b: 1.0, lambda a, b: 1.0)\n'
                                 '    def __sub__(self, o): return self._bin(o, lambda a, b: a - b, lambda a, b: 1.0, lambda a, b: -1.0)\n'
                                 '    def __rsub__(self, o): return self._bin(o, lambda a, b: a - b, lambda a, b: 1.0, lambda a, b: -1.0, True)\n'
                                 '    def __mul__(self, o): return self._bin(o, lambda a, b: a * b, lambda a, b: b, lambda a, b: a)\n'
                                 '    def __truediv__(self, o): return self._bin(o, lambda a, b: a / b, lambda a, b: 1 / b, lambda a, b: -a / b ** 2)\n'
                                 '    def __rtruediv__(self, o): return self._bin(o, lambda a, b: a / b, lambda a, b: 1 / b, lambda a, b: -a / b ** 2, True)\n'
                                 '    __radd__, __rmul__ = __add__, __mul__\n'
                                 '    def __neg__(self): return self._node(-self.data, (self,), (-1.0,))\n'
                                 '    def sin(self): return self._node(math.sin(self.data), (self,), (math.cos(self.data),))\n'
                                 '    def cos(self): return self._node(math.cos(self.data), (self,), (-math.sin(self.data),))\n'
                                 '    def exp(self): return self._node(math.exp(self.data), (self,), (math.exp(self.data),))\n'
                                 '    def log(self): return self._node(math.log(self.data), (self,), (1 / self.data,))\n'),
        "local derivatives computed inside the rules, exp from out.data":
            e("return self._unary(math.exp(self.data), math.exp(self.data))",
              "out = Value(math.exp(self.data), (self,))\n        def _backward():\n"
              "            self.grad += out.data * out.grad\n        out._backward = _backward\n        return out")
            & e("return self._unary(math.sin(self.data), math.cos(self.data))",
                "out = Value(math.sin(self.data), (self,))\n        def _backward():\n"
                "            self.grad += math.cos(self.data) * out.grad\n        out._backward = _backward\n        return out")
            & e("return Value.lift(other) / self",
                "other = Value.lift(other)\n        out = Value(other.data / self.data, (other, self))\n"
                "        def _backward():\n            other.grad += out.grad / self.data\n"
                "            self.grad -= out.grad * other.data / self.data ** 2\n"
                "        out._backward = _backward\n        return out"),
    }},
    "topological_order": {"wrong": {
        "no visited set": (e("        if node in visited:\n            return\n", ""), "more than once"),
        "root first (reversed)": (e("    return order\n", "    return order[::-1]\n"), "reversed"),
        "breadth-first from the root, reversed": (r('def topological_order(root):\n'
                                                    '    order, seen, queue = [], {root}, [root]\n    while queue:\n'
                                                    '        order.append(node := queue.pop(0))\n'
                                                    '        new = [p for p in node._parents if p not in seen]\n'
                                                    '        seen.update(new); queue += new\n    return order[::-1]\n'), "before its parent"),
        "inputs left out": (e("        order.append(node)\n", "        if node._parents:\n            order.append(node)\n"),
                            "missing"),
        "node appended before its parents (pre-order)": (e("        order.append(node)\n", "")
                                                         & e("        visited.add(node)\n",
                                                             "        visited.add(node)\n        order.append(node)\n"),
                                                         "reversed"),
        "visited set as a default argument": (e("def topological_order(root):", "def topological_order(root, visited=set()):")
                                              & e("order, visited = [], set()", "order = []"), "kept between calls"),
    }, "right": {
        "iterative depth-first search": r('def topological_order(root):\n'
                                          '    order, seen, stack = [], set(), [(root, False)]\n    while stack:\n'
                                          '        node, expanded = stack.pop()\n'
                                          '        if expanded: order.append(node)\n'
                                          '        elif id(node) not in seen: seen.add(id(node)); stack += [(node, True)] + [(p, False) for p in node._parents]\n'
                                          '    return order\n'),
        "Kahn's algorithm on the reversed graph": r('def topological_order(root):\n'
                                                    '    nodes, stack = {id(root): root}, [root]\n    while stack:\n'
                                                    '        new = {id(p): p for p in stack.pop()._parents if id(p) not in nodes}\n'
                                                    '        nodes.update(new); stack += new.values()\n'
                                                    '    users = {k: sum(k in set(map(id, n._parents)) for n in nodes.values()) for k in nodes}\n'
                                                    '    ready, out = [root], []\n    while ready:\n'
                                                    '        out.append(n := ready.pop())\n'
                                                    '        for p in {id(q): q for q in n._parents}.values():\n'
                                                    '            users[id(p)] -= 1\n'
                                                    '            if users[id(p)] == 0: ready.append(p)\n'
                                                    '    return out[::-1]\n'),
        "recursive with a list of ids": e("order, visited = [], set()", "order, visited = [], []")
                                        & e("if node in visited:", "if id(node) in visited:")
                                        & e("visited.add(node)", "visited.append(id(node))"),
    }},
    "backward": {"wrong": {
        "sweeps forwards": (e("in reversed(order):", "in order:"), "from the inputs forwards"),
        "never seeds the output": (e("    order[-1].grad += 1.0\n", ""), "never seeded"),
        "seeds the first node": (e("order[-1].grad += 1.0", "order[0].grad += 1.0"), "seeded the first node"),
        "resets every grad, inputs too": (e(RESET, "        node.grad = 0.0"), "resets the inputs' grads too"),
        "no reset, seed assigned (micrograd)": (e(RESET, "        pass") & e("order[-1].grad += 1.0", "order[-1].grad = 1.0"),
                                                "does not reset the intermediate grads"),
        "no reset at all": (e(RESET, "        pass"), "neither resets"),
        "seed assigned instead of added": (e("order[-1].grad += 1.0", "order[-1].grad = 1.0"), "add the seed"),
        "reverses the caller's list": (e("    for node in reversed(order):", "    order.reverse()\n    for node in order:"),
                                       "changed the list"),
    }, "right": {
        "index loops": r('def backward(order):\n    for i in range(len(order)):\n'
                         '        if len(order[i]._parents) > 0: order[i].grad = 0\n'
                         '    order[-1].grad = order[-1].grad + 1\n'
                         '    for i in range(len(order) - 1, -1, -1): order[i]._backward()\n'),
        "slicing and a separate root": r('def backward(order):\n    *rest, root = order\n'
                                         '    for node in order: node.grad = node.grad if not node._parents else 0.0\n'
                                         '    root.grad += 1.0\n    for node in order[::-1]: node._backward()\n'),
    }},
}
