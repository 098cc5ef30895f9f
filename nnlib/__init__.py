"""nnlib: the small shared library of the course "How neural networks learn".

Core modules, imported by the notebooks:
    check  assertions with readable messages for test cells (values, shapes, dtypes,
           in-place changes, aliasing, autograd graphs), naming known and generic mistakes
    data   offline datasets (MNIST-1D, digits, photos, synthetic sets)
    plot   loss surfaces, trajectories, training curves, decision boundaries, image grids
    trace  primal and adjoint trace tables of an expression, to check a trace made by hand
    utils  seed, device, timer, and the argument checks every public function uses

Course tooling for instructors lives in ``nnlib.course`` (``python -m nnlib.course``) and
is never imported by the core.
"""
from . import check, data, plot, trace, utils
from .utils import device, seed, timer

__all__ = ["check", "data", "plot", "trace", "utils", "seed", "device", "timer"]
__version__ = "0.1.0"
