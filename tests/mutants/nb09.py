from mutation import edit

NOTEBOOK = "09_hyperparameters"


def first(code):  # run ``code`` (a function body that returns) before the solution's own body
    return edit("### BEGIN SOLUTION\n", "### BEGIN SOLUTION\n" + "".join(f"    {ln}\n" for ln in code.strip("\n").splitlines()))


# Anchors: exact text of the solution cells (grid_search and random_search share their last lines).
PICK = 'best = max(trials, key=lambda t: sign * t["val"])'
CHOICE = f'    sign = 1 if maximize else -1\n    {PICK}\n    return best["config"], trials'
DRAW = "    for _ in range(n_trials):\n        config = {name: sampler(rng) for name, sampler in space.items()}\n"
CALL, TRIALS = "scores = objective(config, budget, seed)", "    trials = []\n"
SH_ROUNDS = "    s = 0\n    while min_budget * eta ** (s + 1) <= max_budget:\n        s += 1\n"
SH_SORT, SH_BUDGET = 'results.sort(key=lambda t: -sign * t["val"])', "budget = min_budget * eta ** i"
HB_SMAX = "    s_max = 0\n    while eta ** (s_max + 1) <= max_budget:\n        s_max += 1\n"
HB_N, HB_R = "n = -(-((s_max + 1) * eta ** s) // (s + 1))", "max_budget / eta ** s"

by_test = edit(PICK, PICK.replace('t["val"]', 't["test"]'))
no_sign = edit("sign = 1 if maximize else -1", "sign = 1")
last_on_tie = edit(PICK, PICK.replace("max(trials,", "max(reversed(trials),"))
running_best = edit(CHOICE, '    best = trials[0]\n    for t in trials[1:]:\n        if (t["val"] > best["val"]) if maximize else '
                            '(t["val"] < best["val"]):\n            best = t\n    return best["config"], trials')
stable_sort = edit(PICK, 'best = sorted(trials, key=lambda t: t["val"], reverse=maximize)[0]')
unchanged, tie = "pass `budget` and `seed` unchanged", "LAST of the tied trials"

MUTANTS = {
    "grid_search": {"wrong": {
        "chooses by the test score": (by_test, "by TEST score"),
        "picks the worst (min) for an accuracy": (edit(PICK, 'best = min(trials, key=lambda t: t["val"])'), "the WORST trial"),
        "ignores maximize=False": (no_sign, "LARGEST loss"),
        "zip instead of product": (edit("in itertools.product(*grid.values())", "in zip(*grid.values())"), "(zip)"),
        "first name varies fastest": (edit("itertools.product(*grid.values()):\n        config = dict(zip(grid, values))",
                                           "itertools.product(*list(grid.values())[::-1]):\n        config = dict(zip(list(grid)[::-1], "
                                           "values))\n        config = {n: config[n] for n in grid}"), "first name varying fastest"),
        "does not pass the seed": (edit(CALL, CALL.replace("seed)", "0)")), unchanged),
        "one config dict changed in place": (edit(TRIALS, "    trials, config = [], {}\n")
                                             & edit("config = dict(zip(grid, values))", "config.update(zip(grid, values))"),
                                             "share one config dict"),
        "returns the last configuration": (edit('return best["config"]', 'return trials[-1]["config"]'), "last trial of the grid"),
        "the last of tied trials": (last_on_tie, tie),
        "trials without their budget": (edit('append({"config": config, "budget": budget, ', 'append({"config": config, '), "keys"),
    }, "right": {
        "recursive product, numpy argmax": (
            edit(TRIALS, "    def combos(names):\n        return [{}] if not names else [{names[0]: v, **rest} for v in grid[names[0]] "
                         "for rest in combos(names[1:])]\n\n    trials = []\n")
            & edit("for values in itertools.product(*grid.values()):\n        config = dict(zip(grid, values))",
                   "for config in combos(list(grid)):")
            & edit(PICK, 'best = trials[int(np.argmax([sign * t["val"] for t in trials]))]')),
        "running best with strict comparison": running_best,
        "stable sort": stable_sort,
    }},
    "random_search": {"wrong": {
        "fresh unseeded generator": (edit(TRIALS, "    rng = np.random.default_rng()\n" + TRIALS), "not reproducible"),
        "own generator from the training seed": (edit(TRIALS, "    own = np.random.default_rng(seed)\n" + TRIALS)
                                                 & edit("config = {name: sampler(rng)", "config = {name: sampler(own)"),
                                                 "ignores the generator"),
        "one trial too few": (edit("range(n_trials)", "range(n_trials - 1)"), "one trial too few"),
        "one hyperparameter at a time for all trials": (edit(DRAW, "    columns = {name: [sampler(rng) for _ in range(n_trials)] for name, "
                                                                   "sampler in space.items()}\n    for k in range(n_trials):\n        "
                                                                   "config = {name: columns[name][k] for name in space}\n"),
                                                        "all values of 'a' drawn first"),
        "chooses by the test score": (by_test, "by TEST score"),
        "ignores maximize=False": (no_sign, "LARGEST loss"),
        "budget and seed swapped": (edit(CALL, CALL.replace("budget, seed", "seed, budget")), unchanged),
        "generator copied, never advanced": (edit(TRIALS, "    import copy\n    rng = copy.deepcopy(rng)\n" + TRIALS), "did you copy it"),
        "the last of tied trials": (last_on_tie, tie),
    }, "right": {
        "draw all configurations first, then evaluate": edit(DRAW, "    configs = [{name: sampler(rng) for name, sampler in space.items()} "
                                                                   "for _ in range(n_trials)]\n    for config in configs:\n"),
        "while loop with running best": edit("for _ in range(n_trials):", "while len(trials) < n_trials:") & running_best,
        "reuses grid-style bookkeeping with sorted": stable_sort,
    }},
    "successive_halving": {"wrong": {
        "keeps the worst half": (edit(SH_SORT, SH_SORT.replace("-sign", "sign")), "keeps the WORST half"),
        "budget never increases": (edit(SH_BUDGET, "budget = min_budget"), "does not increase the budget"),
        "stops when one survivor is left (one round too few)": (edit("if i == s:", "if i == s or len(results) // eta <= 1:"),
                                                                "one round too few"),
        "one round too many": (edit("eta ** (s + 1) <= max_budget", "eta ** s <= max_budget"), "one round too many"),
        "number of rounds from a floating-point log": (edit(SH_ROUNDS, "    s = int(math.log(max_budget / min_budget) / math.log(eta))\n"),
                                                       "floor(log(243)/log(3))"),
        "survivors rounded up": (edit("max(1, len(results) // eta)", "max(1, -(-len(results) // eta))"), "rounded UP"),
        "survivors rounded to the nearest": (edit("max(1, len(results) // eta)", "max(1, round(len(results) / eta))"),
                                             "to the nearest integer"),
        "ignores maximize=False": (no_sign, "wrong direction"),
        "survivors by test score": (edit(SH_SORT, SH_SORT.replace('"val"', '"test"')), "by TEST score"),
        "budget grows linearly": (edit(SH_BUDGET, "budget = min_budget * (i + 1)"), "adding min_budget"),
        "budget without min_budget": (edit(SH_BUDGET, "budget = eta ** i"), "without the factor min_budget"),
        "best of all trials, not of the last round": (edit('return results[0]["config"]', 'return max(trials, key=lambda t: sign * '
                                                           't["val"])["config"]'), "best of ALL trials"),
        "the caller's list of configs modified": (edit("list(configs), []", "configs, []") & edit("survivors = [t[", "survivors[:] = [t["),
                                                  "changed the list `configs`"),
        "last round at max_budget": (edit(SH_BUDGET, "budget = max_budget if i == s else min_budget * eta ** i"),
                                     "a last round at max_budget"),
    }, "right": {
        "recursive, numpy argsort": first("""
def rounds(survivors, budget, trials):
    scores = [objective(c, budget, seed) for c in survivors]
    trials += [{"config": c, "budget": budget, **sc} for c, sc in zip(survivors, scores)]
    vals = np.array([sc["val"] for sc in scores])
    order = np.argsort(-vals if maximize else vals, kind="stable")
    if budget * eta > max_budget:
        return survivors[int(order[0])], trials
    return rounds([survivors[int(k)] for k in order[: max(1, len(survivors) // eta)]], budget * eta, trials)
return rounds(list(configs), min_budget, [])"""),
        "budget list first, heapq.nlargest": (
            edit(SH_ROUNDS, "    import heapq\n    budgets = [min_budget]\n    while budgets[-1] * eta <= max_budget:\n"
                            "        budgets.append(budgets[-1] * eta)\n    s = len(budgets) - 1\n")
            & edit(SH_BUDGET, "budget = budgets[i]")
            & edit(SH_SORT, 'results = heapq.nlargest(len(results), results, key=lambda t: sign * t["val"])')),
        "indices and a dict of scores": first("""
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
    alive, budget = alive[: max(1, len(alive) // eta)], budget * eta"""),
    }},
    "hyperband_brackets": {"wrong": {
        "floor instead of ceil": (edit(HB_N, "n = (s_max + 1) * eta ** s // (s + 1)"), "rounded down"),
        "brackets in reverse order": (edit("range(s_max, -1, -1)", "range(s_max + 1)"), "reverse order"),
        "B = s_max * R": (edit("-(-((s_max + 1) * eta", "-(-(s_max * eta"), "B = s_max * R"),
        "missing the bracket s = 0": (edit("range(s_max, -1, -1)", "range(s_max, 0, -1)"), "without the last bracket"),
        "s_max from a floating-point log": (edit(HB_SMAX, "    s_max = int(math.log(max_budget) / math.log(eta))\n"), "floor(log(243)/log(3))"),
        "budgets rounded down to integers": (edit(HB_R, "max_budget // eta ** s"), "rounded down to whole"),
        "budgets rounded to the nearest integer": (edit(HB_R, f"round({HB_R})"), "nearest whole number"),
    }, "right": {
        "math.ceil with floats": edit(HB_N, "n = int(math.ceil((s_max + 1) * max_budget / max_budget * eta ** s / (s + 1)))"),
        "exact fractions, s_max by repeated division": (
            edit(HB_SMAX, "    from fractions import Fraction\n    s_max, rest = 0, max_budget\n    while rest >= eta:\n"
                          "        rest //= eta\n        s_max += 1\n")
            & edit(HB_N, "n = math.ceil(Fraction((s_max + 1) * eta ** s, s + 1))") & edit(HB_R, "max_budget * eta ** -s")),
        "numpy arrays converted to a list": edit("    brackets = []\n", "    s = np.arange(s_max, -1, -1)\n    n = -((-(s_max + 1) * eta ** s)"
                                                 " // (s + 1))\n    return [(int(a), float(b)) for a, b in zip(n, max_budget / eta ** "
                                                 "s.astype(float))]\n"),
    }},
}
