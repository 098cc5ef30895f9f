"""nnlib.data: offline datasets, the checksum manifest, and messages on bad input."""
import json
import random

import numpy as np
import pytest

from nnlib import data

MANIFEST = json.loads((data._REPO_DATA / "MANIFEST.json").read_text())


@pytest.mark.slow
def test_manifest_is_rederived_by_generating_mnist1d_again():
    """The committed checksum is what mnist1d generates from scratch, offline."""
    arrays = data._generate_mnist1d()
    assert data.array_digest(arrays) == MANIFEST["mnist1d.npz"]["sha256"]
    for key, (shape, dtype) in MANIFEST["mnist1d.npz"]["arrays"].items():
        assert list(arrays[key].shape) == shape and str(arrays[key].dtype) == dtype


def test_committed_file_matches_the_manifest():
    with np.load(data._REPO_DATA / "mnist1d.npz") as f:
        arrays = {k: f[k] for k in f.files}
    assert data.array_digest(arrays) == MANIFEST["mnist1d.npz"]["sha256"]


def test_mnist1d_shapes_and_labels():
    d = data.mnist1d()
    assert d["x_train"].shape == (4000, 40) and d["x_test"].shape == (1000, 40)
    assert d["x_train"].dtype == np.float32
    assert set(np.unique(d["y_train"])) == set(range(10))


@pytest.mark.slow
def test_mnist1d_regenerates_a_corrupt_cache_and_leaves_global_rngs_alone(tmp_path):
    (tmp_path / "MANIFEST.json").write_text(json.dumps(MANIFEST))
    np.savez(tmp_path / "mnist1d.npz", x_train=np.zeros(3))          # corrupt cache
    random.seed(7)
    np.random.seed(7)
    before = (random.random(), np.random.rand())
    random.seed(7)
    np.random.seed(7)
    d = data.mnist1d(tmp_path)
    assert (random.random(), np.random.rand()) == before             # mnist1d reseeds to 42 inside
    assert data.array_digest(d) == MANIFEST["mnist1d.npz"]["sha256"]
    with np.load(tmp_path / "mnist1d.npz") as f:                      # and the cache is repaired
        assert data.array_digest({k: f[k] for k in f.files}) == MANIFEST["mnist1d.npz"]["sha256"]


def test_mnist1d_repairs_a_corrupt_cache_fast(tmp_path, monkeypatch):
    """The repair logic without the generation (that part is the slow test above): a cache
    whose checksum does not match is replaced by what the generator returns."""
    with np.load(data._REPO_DATA / "mnist1d.npz") as f:
        committed = {k: f[k] for k in f.files}
    calls = []
    monkeypatch.setattr(data, "_generate_mnist1d", lambda: calls.append(1) or dict(committed))
    (tmp_path / "MANIFEST.json").write_text(json.dumps(MANIFEST))
    np.savez(tmp_path / "mnist1d.npz", x_train=np.zeros(3))          # corrupt cache
    d = data.mnist1d(tmp_path)
    assert calls == [1] and data.array_digest(d) == MANIFEST["mnist1d.npz"]["sha256"]
    with np.load(tmp_path / "mnist1d.npz") as f:                      # the cache is repaired
        assert data.array_digest({k: f[k] for k in f.files}) == MANIFEST["mnist1d.npz"]["sha256"]
    assert data.mnist1d(tmp_path)["x_train"].shape == (4000, 40) and calls == [1]   # now cached
    wrong = dict(committed, y_train=committed["y_train"][::-1].copy())
    monkeypatch.setattr(data, "_generate_mnist1d", lambda: wrong)
    np.savez(tmp_path / "mnist1d.npz", x_train=np.zeros(3))
    with pytest.raises(RuntimeError, match="does not match data/MANIFEST.json"):
        data.mnist1d(tmp_path)


def test_digits_and_sample_image_come_from_scikit_learn():
    d = data.digits()
    assert d["images"].shape == (1797, 8, 8) and d["x"].shape == (1797, 64)
    assert 0.0 <= d["images"].min() and d["images"].max() <= 1.0
    img = data.sample_image("china.jpg")
    assert img.shape == (427, 640) and img.dtype == np.float32
    assert data.sample_image("flower.jpg", gray=False).shape == (427, 640, 3)
    with pytest.raises(ValueError, match="`name` must be 'china.jpg' or 'flower.jpg', got str 'cat.png'"):
        data.sample_image("cat.png")


def test_toy_regression_is_deterministic_and_follows_its_formula():
    x, y = data.toy_regression(50, "linear", noise=0.0, seed=3)
    assert x.shape == y.shape == (50,) and np.all(np.diff(x) >= 0)
    np.testing.assert_allclose(y, 0.5 + 0.8 * x)
    xs, ys = data.toy_regression(20, "sine", noise=0.0)
    np.testing.assert_allclose(ys, np.sin(2 * np.pi * xs))
    a = data.toy_regression(10, seed=1)
    b = data.toy_regression(10, seed=1)
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("kind", ["blobs", "moons", "circles"])
def test_classification_2d(kind):
    X, y = data.classification_2d(101, kind, seed=0)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert set(np.unique(y)) == {0, 1} and abs(int(y.sum()) - 50) <= 1


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="toy_regression: `n` must be an int >= 1, got int 0"):
        data.toy_regression(0)
    with pytest.raises(ValueError, match="`kind` must be 'linear' or 'sine', got str 'cubic'"):
        data.toy_regression(5, "cubic")
    with pytest.raises(ValueError, match="`noise` must be a number >= 0.0, got int -1"):
        data.toy_regression(5, noise=-1)
    with pytest.raises(ValueError, match="classification_2d: `kind` must be"):
        data.classification_2d(10, "spiral")
    with pytest.raises(ValueError, match="`n` must be an int >= 2, got float 1.5"):
        data.classification_2d(1.5)


@pytest.mark.parametrize("call, message", [
    # toy_regression(noise="a") used to fail inside numpy with "'<' not supported"
    (lambda: data.toy_regression(noise="a"),
     "toy_regression: `noise` must be a number >= 0.0, got str 'a'"),
    (lambda: data.toy_regression(noise=float("nan")),
     "toy_regression: `noise` must be a finite number, got float nan"),
    (lambda: data.toy_regression(noise=[0.1, 0.2]),
     "toy_regression: `noise` must be a number >= 0.0, got list [0.1, 0.2]"),
    (lambda: data.toy_regression(seed=-1), "toy_regression: `seed` must be an int >= 0, got int -1"),
    (lambda: data.toy_regression(seed="x"), "toy_regression: `seed` must be an int >= 0, got str 'x'"),
    (lambda: data.toy_regression(True), "toy_regression: `n` must be an int >= 1, got bool True"),
    (lambda: data.classification_2d(noise=-0.5),
     "classification_2d: `noise` must be a number >= 0.0, got float -0.5"),
    (lambda: data.classification_2d(noise="big"),
     "classification_2d: `noise` must be a number >= 0.0, got str 'big'"),
    (lambda: data.classification_2d(seed=2.5),
     "classification_2d: `seed` must be an int >= 0, got float 2.5"),
    (lambda: data.sample_image(gray="yes"), "sample_image: `gray` must be True or False, got str 'yes'"),
    (lambda: data.sample_image(3), "sample_image: `name` must be 'china.jpg' or 'flower.jpg', got int 3"),
    (lambda: data.mnist1d(42), "mnist1d: `folder` must be a folder path (str or pathlib.Path) or None, "
                               "got int 42"),
    (lambda: data.array_digest([np.zeros(2)]),
     "array_digest: `arrays` must be a dict of name (str) -> numpy array, got list [array"),
    (lambda: data.array_digest({"x": [1, 2]}),
     "array_digest: `arrays['x']` must be a numpy array, got list [1, 2]"),
])
def test_every_argument_is_checked_with_a_message(call, message):
    with pytest.raises((TypeError, ValueError)) as exc:
        call()
    assert str(exc.value).startswith(message), str(exc.value)
