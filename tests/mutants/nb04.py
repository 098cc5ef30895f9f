"""Mutants for notebook 04 (autodiff) as edits of its solution cells (tests/mutation.py). Wrong answers are rows
(label, mutant, text the message must contain); pre(code) puts a whole other answer at the top of a solution."""
from mutation import edit as e, rewrite as r

def W(*rows): return {label: (mutant, expect) for label, mutant, expect in rows}
def pre(code): return e("### BEGIN SOLUTION\n", "### BEGIN SOLUTION\n    " + code.replace("\n", "\n    ") + "\n")

NOTEBOOK = "04_autodiff"
MUL = 'self.grad += out.grad * other.data\n            other.grad += out.grad * self.data'
RESET, SEED = '        if node._parents:\n            node.grad = 0.0', 'order[-1].grad += 1.0'
RSUB, DRSUB = 'return Value.lift(other) - self', 'return Dual.lift(other) - self'
DRDIV = 'return Dual.lift(other) / self'
MUTANTS = {}
MUTANTS["primal_trace"] = {"wrong": W(
    ('cos instead of sin', e('math.sin(v[0])', 'math.cos(v[0])'), 'v_3 = cos v_0 instead of sin v_0'),
    ('adds sin x2', e('v[4] - v[3]', 'v[4] + v[3]'), 'f subtracts sin x2'),
    ('log base 10', e('math.log(v[-1])', 'math.log10(v[-1])'), 'log base 10'),
    ('ln x2 instead of ln x1', e('math.log(v[-1])', 'math.log(v[0])'), 'v_1 = ln x2 instead of ln x1'),
    ('indices shifted to 0 ... 6', e('    return v\n', '    return {k + 1: x for k, x in v.items()}\n'), 'the keys '
        'must be the ints -1, 0, 1'),
    ('hard-coded lecture values', pre('return {-1: 2.0, 0: 5.0, 1: 0.693147, 2: 10.0, 3: -0.958924, 4: 10.693147, 5: '
        '11.652071}'), 'vs torch'),
), "right": {'numpy functions': e('math.log(v[-1])', 'np.log(v[-1])') & e('math.sin(v[0])', 'np.sin(v[0])'),
    'torch tensors, converted': pre('a, b = torch.tensor(x1, dtype=torch.float64), torch.tensor(x2, '
        'dtype=torch.float64)\nvs = [a, b, torch.log(a), a * b, torch.sin(b)]\nvs += [vs[2] + vs[3]]\nvs += [vs[5] - '
        'vs[4]]\nreturn {i - 1: t.item() for i, t in enumerate(vs)}'),
    'list zipped with the indices': pre('v1, v2, v3 = math.log(x1), x1 * x2, math.sin(x2)\nreturn dict(zip(range(-1, '
        '6), [x1, x2, v1, v2, v3, v1 + v2, v1 + v2 - v3]))')}}
MUTANTS["adjoint_trace"] = {"wrong": W(
    ('ln path overwrites vbar_-1', e('a[-1] += a[1] / v[-1]', 'a[-1] = a[1] / v[-1]'), 'only the path through v_1'),
    ('product path overwrites vbar_0', e('a[0] += a[2] * v[-1]', 'a[0] = a[2] * v[-1]'), 'only the path through v_2 '
        '(the path through v_3'),
    ('minus sign of v_5 lost', e('a[5] * -1.0', 'a[5] * 1.0'), 'lost the minus sign'),
    ('sin derivative -cos', e('a[3] * math.cos', 'a[3] * -math.cos'), 'taken as -cos v_0'),
    ('sin derivative sin', e('a[3] * math.cos', 'a[3] * math.sin'), 'taken as sin v_0'),
    ('product factors swapped', e('a[2] * v[0]', 'a[2] * v[-9]') & e('a[2] * v[-1]', 'a[2] * v[0]') & e('v[-9]',
        'v[-1]'), 'factors swapped'),
    ('ln step before vbar_1 is known', e('    a[-1] += a[1] / v[-1]  ', '    #') & e('    a[1] += a[4]', '    a[-1] '
        '+= a[1] / v[-1]\n    a[1] += a[4]'), 'only the path through v_2'),
    ('hard-coded lecture adjoints', pre('return {-1: 5.5, 0: 1.7163378145367738, 1: 1.0, 2: 1.0, 3: -1.0, 4: 1.0, 5: '
        '1.0}'), 'vs torch.autograd'),
    ('writes the adjoints into v', pre('x1, x2 = v[-1], v[0]\nv.update({5: 1.0, 4: 1.0, 3: -1.0, 2: 1.0, 1: 1.0, 0: '
        'x1 - math.cos(x2), -1: x2 + 1 / x1})\nreturn v'), 'changed the primal trace it was given'),
), "right": {'closed form per adjoint': pre('return {5: 1.0, 4: 1.0, 3: -1.0, 2: 1.0, 1: 1.0, 0: v[-1] - '
        'math.cos(v[0]), -1: v[0] + 1.0 / v[-1]}'),
    'generic sweep over a list of edges': pre('adj = dict.fromkeys(range(-1, 6), 0.0)\nadj[5] = 1.0\nfor child, '
        'parent, local in [(5, 4, 1.0), (5, 3, -1.0), (4, 1, 1.0), (4, 2, 1.0), (3, 0, math.cos(v[0])), (2, -1, '
        'v[0]), (2, 0, v[-1]), (1, -1, 1 / v[-1])]:\n    adj[parent] += adj[child] * local\nreturn adj'),
    'torch autograd with retain_grad': pre('x1, x2 = (torch.tensor(v[i], dtype=torch.float64, requires_grad=True) for '
        'i in (-1, 0))\nvs = [torch.log(x1), x1 * x2, torch.sin(x2)]\nvs += [vs[0] + vs[1]]\nvs += [vs[3] - vs[2]]\n'
        'for t in vs:\n    t.retain_grad()\nvs[-1].backward()\nreturn {-1: x1.grad.item(), 0: x2.grad.item(), **{i + '
        '1: t.grad.item() for i, t in enumerate(vs)}}')}}
MUTANTS["Dual"] = {"wrong": W(
    ('__rsub__ computes u - c', e(DRSUB, 'return self - other'), 'computed as u - 1'),
    ('__rtruediv__ computes u / c', e(DRDIV, 'return self / other'), 'computed as u / 6'),
    ('product rule missing a term', e(' + self.value * other.deriv)', ')'), 'missing a term'),
    ('quotient rule with +', e('value - self.value * other.deriv', 'value + self.value * other.deriv'), 'quotient '
        'rule'),
    ('quotient rule without the square', e('/ other.value ** 2)', '/ other.value)'), 'quotient rule'),
    ('sin derivative -cos', e('math.cos(self.value) * self', '-math.cos(self.value) * self'), 'taken as -cos(u)'),
    ('cos derivative +sin', e('-math.sin(self.value) * self', 'math.sin(self.value) * self'), 'taken as +sin(u)'),
    ('exp without the chain rule', e('math.exp(self.value) * self.deriv', 'math.exp(self.value)'), 'chain-rule '
        'factor'),
    ('log without the chain rule', e('self.deriv / self.value', '1.0 / self.value'), 'chain-rule factor'),
    ('negation in place', e('return Dual(-self.value, -self.deriv)', 'self.value, self.deriv = -self.value, '
        '-self.deriv\n        return self'), 'in place'),
), "right": {'explicit reflected operations, numpy functions': e(DRSUB, 'return Dual(other - self.value, '
        '-self.deriv)') & e(DRDIV, 'return Dual(other / self.value, -other * self.deriv / self.value ** 2)') & e(
        'math.sin(self.value), math.cos(self.value)', 'np.sin(self.value), np.cos(self.value)'),
    'subtraction and division built from other operations': e('return Dual(self.value - other.value, self.deriv - '
        'other.deriv)', 'return self + (-other)') & e('return Dual(self.value / other.value,', 'return self * Dual(1 '
        '/ other.value, -other.deriv / other.value ** 2)\n        return Dual(self.value / other.value,'),
    'exp reusing its value': e('return Dual(math.exp(self.value), math.exp(self.value) * self.deriv)', 'e = '
        'math.exp(self.value)\n        return Dual(e, e * self.deriv)')}}
MUTANTS["Value"] = {"wrong": W(
    ('sub passes +grad to the second operand', e('other.grad += -out.grad\n', 'other.grad += out.grad\n'), 'passing '
        '+out.grad to b'),
    ('mul factors swapped', e(MUL, 'self.grad += out.grad * self.data\n            other.grad += out.grad * '
        'other.data'), 'factors swapped'),
    ('mul ignores out.grad', e(MUL, 'self.grad += other.data\n            other.grad += self.data'), 'ignores '
        'out.grad'),
    ('mul assigns instead of adding', e(MUL, 'self.grad = out.grad * other.data\n            other.grad = out.grad * '
        'self.data'), 'assigns (=) instead of adding'),
    ('unary rules assign instead of adding', e('self.grad += out.grad * local', 'self.grad = out.grad * local'),
        'assigns (=) instead of adding'),
    ('div derivative sign', e('other.grad += -out.grad * self', 'other.grad += out.grad * self'), 'wrong sign'),
    ('sin derivative -cos', e('data), math.cos(self.data)', 'data), -math.cos(self.data)'), 'taken as -cos(a)'),
    ('cos derivative +sin', e('data), -math.sin(self.data)', 'data), math.sin(self.data)'), 'taken as +sin(a)'),
    ('log derivative ln', e('data), 1.0 / self.data', 'data), math.log(self.data)'), 'taken as ln(a)'),
    ('__rsub__ computes x - c', e(RSUB, 'return self - other'), 'computed as x - 5'),
    ('x - y built as x + (-y)', e('out = Value(self.data - other.data, (self, other))', 'return self + (-other)'), 'x '
        '- y as x + (-y)'),
    ('5 - x built as -x + 5', e(RSUB, 'return -self + other'), '5 - x as -x + 5'),
), "right": {'generic node helper': e('    def _unary(self', '    def _node(self, data, ps, ds):\n        out = '
        "Value(data, ps)\n        out._backward = lambda: [setattr(p, 'grad', p.grad + out.grad * d) for p, d in "
        'zip(ps, ds)]\n        return out\n\n    def _unary(self') & e('out = Value(-self.data, (self,))', 'return '
        'self._node(-self.data, (self,), (-1.0,))\n        out = Value(-self.data, (self,))') & e('out = '
        'Value(self.data - other.data, (self, other))', 'return self._node(self.data - other.data, (self, other), '
        '(1.0, -1.0))\n        out = Value(self.data - other.data, (self, other))') & e('out = Value(self.data * '
        'other.data, (self, other))', 'return self._node(self.data * other.data, (self, other), (other.data, '
        'self.data))\n        out = Value(self.data * other.data, (self, other))') & e('out = Value(self.data / '
        'other.data, (self, other))', 'return self._node(self.data / other.data, (self, other), (1 / other.data, '
        '-self.data / other.data ** 2))\n        out = Value(self.data / other.data, (self, other))') & e('out = '
        'Value(value, (self,))', 'return self._node(value, (self,), (local_derivative,))\n        out = Value(value, '
        '(self,))') & e(RSUB, 'other = Value.lift(other)\n        return self._node(other.data - self.data, (other, '
        'self), (1.0, -1.0))'),
    'local derivatives computed inside the rules, exp from out.data': e('return self._unary(math.exp(self.data), '
        'math.exp(self.data))', 'out = Value(math.exp(self.data), (self,))\n        def _backward():\n            '
        'self.grad += out.data * out.grad\n        out._backward = _backward\n        return out') & e('return '
        'self._unary(math.sin(self.data), math.cos(self.data))', 'out = Value(math.sin(self.data), (self,))\n        '
        'def _backward():\n            self.grad += math.cos(self.data) * out.grad\n        out._backward = '
        '_backward\n        return out')}}
MUTANTS["topological_order"] = {"wrong": W(
    ('no visited set', e('        if node in visited:\n            return\n', ''), 'more than once'),
    ('root first (reversed)', e('    return order\n', '    return order[::-1]\n'), 'reversed'),
    ('breadth-first from the root, reversed', pre('seen, queue = {root}, [root]\nfor node in queue:\n    new = [p for '
        'p in node._parents if p not in seen]\n    seen.update(new)\n    queue += new\nreturn queue[::-1]'), 'before '
        'its parent'),
    ('inputs left out', e('        order.append(node)\n', '        if node._parents:\n            '
        'order.append(node)\n'), 'missing'),
    ('node appended before its parents (pre-order)', e('        order.append(node)\n', '') & e('visited.add(node)\n',
        'visited.add(node)\n        order.append(node)\n'), 'reversed'),
    ('visited set as a default argument', e('(root):', '(root, visited=set()):') & e(', visited = [], set()', ' = '
        '[]'), 'kept between calls'),
), "right": {'iterative depth-first search': pre('order, seen, stack = [], set(), [(root, False)]\nwhile stack:\n    '
        'node, expanded = stack.pop()\n    if expanded:\n        order.append(node)\n    elif id(node) not in seen:\n '
        '       seen.add(id(node))\n        stack += [(node, True)] + [(p, False) for p in node._parents]\nreturn '
        'order'),
    "Kahn's algorithm on the reversed graph": pre('nodes, stack = {id(root): root}, [root]\nwhile stack:\n    new = '
        '{id(p): p for p in stack.pop()._parents if id(p) not in nodes}\n    nodes.update(new)\n    stack += '
        'new.values()\nusers = {k: sum(k in set(map(id, n._parents)) for n in nodes.values()) for k in nodes}\nready, '
        'out = [root], []\nwhile ready:\n    out.append(n := ready.pop())\n    for p in {id(q): q for q in '
        'n._parents}.values():\n        users[id(p)] -= 1\n        if users[id(p)] == 0:\n            '
        'ready.append(p)\nreturn out[::-1]'),
    'recursive with a list of ids': e(', visited = [], set()', ', visited = [], []') & e('if node in', 'if id(node) '
        'in') & e('visited.add(node)', 'visited.append(id(node))')}}
MUTANTS["backward"] = {"wrong": W(
    ('sweeps forwards', e('in reversed(order):', 'in order:'), 'from the inputs forwards'),
    ('never seeds the output', e(SEED, 'pass'), 'never seeded'),
    ('seeds the first node', e(SEED, 'order[0].grad += 1.0'), 'seeded the first node'),
    ('resets every grad, inputs too', e(RESET, '        node.grad = 0.0'), "resets the inputs' grads too"),
    ('no reset, seed assigned (micrograd)', e(RESET, '        pass') & e(SEED, 'order[-1].grad = 1.0'), 'does not '
        'reset the intermediate grads'),
    ('no reset at all', e(RESET, '        pass'), 'neither resets'),
    ('seed assigned instead of added', e(SEED, 'order[-1].grad = 1.0'), 'add the seed'),
    ("reverses the caller's list", e('    for node in reversed(order):', '    order.reverse()\n    for node in '
        'order:'), 'changed the list'),
), "right": {'index loops': pre('for i in range(len(order)):\n    if len(order[i]._parents) > 0:\n        '
        'order[i].grad = 0\norder[-1].grad = order[-1].grad + 1\nfor i in range(len(order) - 1, -1, -1):\n    '
        'order[i]._backward()\nreturn'),
    'slicing and a separate root': pre('*rest, root = order\nfor node in order:\n    node.grad = node.grad if not '
        'node._parents else 0.0\nroot.grad += 1.0\nfor node in order[::-1]:\n    node._backward()\nreturn')}}
