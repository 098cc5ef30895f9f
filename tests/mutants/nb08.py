NOTEBOOK = "08_hyperparameters"

MUTANTS = {
    "grid_search": {
        "wrong": {
            "chooses by the test score": ("""
def grid_search(objective, grid, budget, seed=0, maximize=True):
    trials = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["test"])["config"], trials
""", "by TEST score"),
            "picks the worst (min) for an accuracy": ("""
def grid_search(objective, grid, budget, seed=0, maximize=True):
    trials = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    return min(trials, key=lambda t: t["val"])["config"], trials
""", "the WORST trial"),
            "ignores maximize=False": ("""
def grid_search(objective, grid, budget, seed=0, maximize=True):
    trials = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    return max(trials, key=lambda t: t["val"])["config"], trials
""", "LARGEST loss"),
            "zip instead of product": ("""
def grid_search(objective, grid, budget, seed=0, maximize=True):
    trials = []
    for values in zip(*grid.values()):
        config = dict(zip(grid, values))
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "(zip)"),
            "first name varies fastest": ("""
def grid_search(objective, grid, budget, seed=0, maximize=True):
    names = list(grid)[::-1]
    trials = []
    for values in itertools.product(*[grid[n] for n in names]):
        config = {n: v for n, v in sorted(zip(names, values), key=lambda nv: list(grid).index(nv[0]))}
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "first name varying fastest"),
            "does not pass the seed": ("""
def grid_search(objective, grid, budget, seed=0, maximize=True):
    trials = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        s = objective(config, budget, 0)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "pass `budget` and `seed` unchanged"),
            "one config dict changed in place": ("""
def grid_search(objective, grid, budget, seed=0, maximize=True):
    config, trials = {}, []
    for values in itertools.product(*grid.values()):
        config.update(zip(grid, values))
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "share one config dict"),
            "returns the last configuration": ("""
def grid_search(objective, grid, budget, seed=0, maximize=True):
    trials = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    return trials[-1]["config"], trials
""", "last trial of the grid"),
        },
        "right": {
            "recursive product, numpy argmax": """
def grid_search(objective, grid, budget, seed=0, maximize=True):
    names = list(grid)

    def combos(k):
        if k == len(names):
            yield {}
            return
        for v in grid[names[k]]:
            for rest in combos(k + 1):
                yield {names[k]: v, **rest}

    trials = []
    for config in combos(0):
        scores = objective(config, budget, seed)
        trials.append(dict(config=config, budget=budget, val=scores["val"], test=scores["test"]))
    vals = np.array([t["val"] for t in trials])
    k = int(np.argmax(vals) if maximize else np.argmin(vals))
    return trials[k]["config"], trials
""",
            "running best with strict comparison": """
def grid_search(objective, grid, budget, seed=0, maximize=True):
    trials, best, best_val = [], None, None
    for values in itertools.product(*grid.values()):
        config = {name: v for name, v in zip(grid.keys(), values)}
        scores = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, **scores})
        v = scores["val"]
        if best is None or (v > best_val if maximize else v < best_val):
            best, best_val = config, v
    return best, trials
""",
            "stable sort": """
def grid_search(objective, grid, budget, seed=0, maximize=True):
    trials = [{"config": c, "budget": budget, **objective(c, budget, seed)}
              for c in (dict(zip(grid, vs)) for vs in itertools.product(*grid.values()))]
    ranked = sorted(trials, key=lambda t: t["val"], reverse=maximize)
    return ranked[0]["config"], trials
""",
        },
    },
    "random_search": {
        "wrong": {
            "fresh unseeded generator": ("""
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    rng = np.random.default_rng()
    trials = []
    for _ in range(n_trials):
        config = {name: sampler(rng) for name, sampler in space.items()}
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "not reproducible"),
            "own generator from the training seed": ("""
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    own = np.random.default_rng(seed)
    trials = []
    for _ in range(n_trials):
        config = {name: sampler(own) for name, sampler in space.items()}
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "ignores the generator"),
            "one trial too few": ("""
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    trials = []
    for _ in range(n_trials - 1):
        config = {name: sampler(rng) for name, sampler in space.items()}
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "one trial too few"),
            "one hyperparameter at a time for all trials": ("""
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    columns = {name: [sampler(rng) for _ in range(n_trials)] for name, sampler in space.items()}
    trials = []
    for k in range(n_trials):
        config = {name: columns[name][k] for name in space}
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "all values of 'a' drawn first"),
            "chooses by the test score": ("""
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    trials = []
    for _ in range(n_trials):
        config = {name: sampler(rng) for name, sampler in space.items()}
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["test"])["config"], trials
""", "by TEST score"),
            "ignores maximize=False": ("""
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    trials = []
    for _ in range(n_trials):
        config = {name: sampler(rng) for name, sampler in space.items()}
        s = objective(config, budget, seed)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    return max(trials, key=lambda t: t["val"])["config"], trials
""", "LARGEST loss"),
            "budget and seed swapped": ("""
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    trials = []
    for _ in range(n_trials):
        config = {name: sampler(rng) for name, sampler in space.items()}
        s = objective(config, seed, budget)
        trials.append({"config": config, "budget": budget, "val": s["val"], "test": s["test"]})
    sign = 1 if maximize else -1
    return max(trials, key=lambda t: sign * t["val"])["config"], trials
""", "pass `budget` and `seed` unchanged"),
        },
        "right": {
            "draw all configurations first, then evaluate": """
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    configs = [{name: space[name](rng) for name in space} for _ in range(n_trials)]
    trials = [{"config": c, "budget": budget, **objective(c, budget, seed)} for c in configs]
    vals = np.array([t["val"] for t in trials])
    best = int(np.argmax(vals if maximize else -vals))
    return configs[best], trials
""",
            "while loop with running best": """
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    trials, best = [], None
    while len(trials) < n_trials:
        config = {}
        for name, sampler in space.items():
            config[name] = sampler(rng)
        scores = objective(config, budget, seed)
        trial = {"config": config, "budget": budget, "val": scores["val"], "test": scores["test"]}
        trials.append(trial)
        if best is None or (trial["val"] > best["val"]) == maximize and trial["val"] != best["val"]:
            best = trial
    return best["config"], trials
""",
            "reuses grid-style bookkeeping with sorted": """
def random_search(objective, space, n_trials, budget, rng, seed=0, maximize=True):
    trials = []
    for k in range(n_trials):
        config = dict((name, sampler(rng)) for name, sampler in space.items())
        trials.append({"config": config, "budget": budget, **objective(config, budget, seed)})
    return sorted(trials, key=lambda t: -t["val"] if maximize else t["val"])[0]["config"], trials
""",
        },
    },
    "successive_halving": {
        "wrong": {
            "keeps the worst half": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = 0
    while min_budget * eta ** (s + 1) <= max_budget:
        s += 1
    survivors, trials = list(configs), []
    for i in range(s + 1):
        budget = min_budget * eta ** i
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: t["val"] if maximize else -t["val"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
    return survivors[0], trials
""", "keeps the WORST half"),
            "budget never increases": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = 0
    while min_budget * eta ** (s + 1) <= max_budget:
        s += 1
    survivors, trials = list(configs), []
    for i in range(s + 1):
        budget = min_budget
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["val"] if maximize else t["val"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
    return survivors[0], trials
""", "does not increase the budget"),
            "stops when one survivor is left (one round too few)": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    survivors, trials, budget = list(configs), [], min_budget
    while len(survivors) > 1:
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["val"] if maximize else t["val"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
        budget *= eta
    return survivors[0], trials
""", "one round too few"),
            "one round too many": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = 0
    while min_budget * eta ** (s + 1) <= max_budget:
        s += 1
    survivors, trials = list(configs), []
    for i in range(s + 2):
        budget = min_budget * eta ** i
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["val"] if maximize else t["val"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
    return survivors[0], trials
""", "one round too many"),
            "number of rounds from a floating-point log": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = int(math.floor(math.log(max_budget / min_budget) / math.log(eta)))
    survivors, trials = list(configs), []
    for i in range(s + 1):
        budget = min_budget * eta ** i
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["val"] if maximize else t["val"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
    return survivors[0], trials
""", "floor(log(243)/log(3))"),
            "survivors rounded up": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = 0
    while min_budget * eta ** (s + 1) <= max_budget:
        s += 1
    survivors, trials = list(configs), []
    for i in range(s + 1):
        budget = min_budget * eta ** i
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["val"] if maximize else t["val"])
        survivors = [t["config"] for t in res[: math.ceil(len(res) / eta)]]
    return survivors[0], trials
""", "rounded UP"),
            "ignores maximize=False": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = 0
    while min_budget * eta ** (s + 1) <= max_budget:
        s += 1
    survivors, trials = list(configs), []
    for i in range(s + 1):
        budget = min_budget * eta ** i
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["val"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
    return survivors[0], trials
""", "wrong direction"),
            "survivors by test score": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = 0
    while min_budget * eta ** (s + 1) <= max_budget:
        s += 1
    survivors, trials = list(configs), []
    for i in range(s + 1):
        budget = min_budget * eta ** i
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["test"] if maximize else t["test"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
    return survivors[0], trials
""", "by TEST score"),
            "budget grows linearly": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = 0
    while min_budget * eta ** (s + 1) <= max_budget:
        s += 1
    survivors, trials = list(configs), []
    for i in range(s + 1):
        budget = min_budget * (i + 1)
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["val"] if maximize else t["val"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
    return survivors[0], trials
""", "adding min_budget"),
            "budget without min_budget": ("""
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    s = 0
    while min_budget * eta ** (s + 1) <= max_budget:
        s += 1
    survivors, trials = list(configs), []
    for i in range(s + 1):
        budget = eta ** i
        res = []
        for c in survivors:
            sc = objective(c, budget, seed)
            t = {"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]}
            trials.append(t); res.append(t)
        res.sort(key=lambda t: -t["val"] if maximize else t["val"])
        survivors = [t["config"] for t in res[: max(1, len(res) // eta)]]
    return survivors[0], trials
""", "without the factor min_budget"),
        },
        "right": {
            "recursive, numpy argsort": """
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    def rounds(survivors, budget, trials):
        vals = []
        for c in survivors:
            sc = objective(c, budget, seed)
            trials.append({"config": c, "budget": budget, "val": sc["val"], "test": sc["test"]})
            vals.append(sc["val"])
        order = np.argsort(-np.array(vals) if maximize else np.array(vals), kind="stable")
        if budget * eta > max_budget:
            return survivors[int(order[0])], trials
        keep = [survivors[int(k)] for k in order[: max(1, len(survivors) // eta)]]
        return rounds(keep, budget * eta, trials)
    return rounds(list(configs), min_budget, [])
""",
            "budget list first, heapq.nlargest": """
import heapq
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    budgets = [min_budget]
    while budgets[-1] * eta <= max_budget:
        budgets.append(budgets[-1] * eta)
    survivors, trials = list(configs), []
    for budget in budgets:
        scored = []
        for c in survivors:
            sc = objective(c, budget, seed)
            trials.append({"config": c, "budget": budget, **sc})
            scored.append((sc["val"] if maximize else -sc["val"], c))
        keep = heapq.nlargest(max(1, len(scored) // eta), range(len(scored)), key=lambda k: scored[k][0])
        survivors = [scored[k][1] for k in keep]
    return survivors[0], trials
""",
            "indices and a dict of scores": """
def successive_halving(objective, configs, min_budget, max_budget, eta=3, seed=0, maximize=True):
    alive, budget, trials = list(range(len(configs))), min_budget, []
    while True:
        score = {}
        for k in alive:
            sc = objective(configs[k], budget, seed)
            trials.append({"config": configs[k], "budget": budget, "val": sc["val"], "test": sc["test"]})
            score[k] = sc["val"]
        alive = sorted(alive, key=lambda k: score[k], reverse=maximize)
        if budget * eta > max_budget:
            return configs[alive[0]], trials
        alive = alive[: max(1, len(alive) // eta)]
        budget = budget * eta
""",
        },
    },
    "hyperband_brackets": {
        "wrong": {
            "floor instead of ceil": ("""
def hyperband_brackets(max_budget, eta=3):
    s_max = 0
    while eta ** (s_max + 1) <= max_budget:
        s_max += 1
    return [((s_max + 1) * eta ** s // (s + 1), max_budget / eta ** s) for s in range(s_max, -1, -1)]
""", "rounded down"),
            "brackets in reverse order": ("""
def hyperband_brackets(max_budget, eta=3):
    s_max = 0
    while eta ** (s_max + 1) <= max_budget:
        s_max += 1
    return [(math.ceil((s_max + 1) * eta ** s / (s + 1)), max_budget / eta ** s) for s in range(s_max + 1)]
""", "reverse order"),
            "B = s_max * R": ("""
def hyperband_brackets(max_budget, eta=3):
    s_max = 0
    while eta ** (s_max + 1) <= max_budget:
        s_max += 1
    B = s_max * max_budget
    return [(math.ceil(B / max_budget * eta ** s / (s + 1)), max_budget / eta ** s)
            for s in range(s_max, -1, -1)]
""", "B = s_max * R"),
            "missing the bracket s = 0": ("""
def hyperband_brackets(max_budget, eta=3):
    s_max = 0
    while eta ** (s_max + 1) <= max_budget:
        s_max += 1
    return [(math.ceil((s_max + 1) * eta ** s / (s + 1)), max_budget / eta ** s) for s in range(s_max, 0, -1)]
""", "without the last bracket"),
            "s_max from a floating-point log": ("""
def hyperband_brackets(max_budget, eta=3):
    s_max = int(math.log(max_budget) / math.log(eta))
    return [(math.ceil((s_max + 1) * eta ** s / (s + 1)), max_budget / eta ** s) for s in range(s_max, -1, -1)]
""", "floor(log(243)/log(3))"),
        },
        "right": {
            "math.ceil with floats": """
def hyperband_brackets(max_budget, eta=3):
    s_max = 0
    while eta ** (s_max + 1) <= max_budget:
        s_max += 1
    B = (s_max + 1) * max_budget
    out = []
    for s in reversed(range(s_max + 1)):
        out.append((int(math.ceil(B / max_budget * eta ** s / (s + 1))), float(max_budget) / eta ** s))
    return out
""",
            "exact fractions, s_max by repeated division": """
from fractions import Fraction
def hyperband_brackets(max_budget, eta=3):
    s_max, rest = 0, max_budget
    while rest >= eta:
        rest //= eta
        s_max += 1
    return [(math.ceil(Fraction((s_max + 1) * eta ** s, s + 1)), max_budget * eta ** -s)
            for s in range(s_max, -1, -1)]
""",
            "numpy arrays converted to a list": """
def hyperband_brackets(max_budget, eta=3):
    s_max = max(s for s in range(100) if eta ** s <= max_budget)
    s = np.arange(s_max, -1, -1)
    n = -((-(s_max + 1) * eta ** s) // (s + 1))
    r = max_budget / eta ** s.astype(float)
    return [(int(a), float(b)) for a, b in zip(n, r)]
""",
        },
    },
}
