import sys
from pathlib import Path

import matplotlib

# In-process tests draw off screen. (Not through MPLBACKEND: the kernels that nbval, the
# browser test and the grader start inherit the environment and must use the inline backend.)
matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))


def pytest_terminal_summary(terminalreporter):
    try:
        from test_mutants import RESULTS
    except ImportError:
        return
    if not RESULTS:
        return
    wrong = [r for r in RESULTS if r[0] == "wrong"]
    right = [r for r in RESULTS if r[0] == "right"]
    killed = sum(ok for _, _, ok in wrong)
    false_fails = sum(not ok for _, _, ok in right)
    rate = 100.0 * killed / len(wrong) if wrong else 100.0
    terminalreporter.write_sep("-", "mutant suite")
    terminalreporter.write_line(
        f"wrong answers caught with a message naming the mistake: {killed}/{len(wrong)} "
        f"(kill rate {rate:.1f}%); correct alternatives rejected (false fails): "
        f"{false_fails}/{len(right)}")
    for kind, ident, ok in RESULTS:
        if not ok:
            terminalreporter.write_line(f"  {'not caught with a message naming it' if kind == 'wrong' else 'false fail'}: {ident}")


def pytest_collection_modifyitems(config, items):
    """Tests marked `gpu` need CUDA: skip them, with the reason, where there is none."""
    import pytest

    try:
        import torch
        has_cuda = torch.cuda.is_available()
    except ImportError:  # pragma: no cover
        has_cuda = False
    if has_cuda:
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
