"""The work units of `make test` under pytest-xdist (tests/conftest.py): an nbval notebook's
cells, one notebook's mutants, and the users of a module-scoped fixture each stay together;
everything else is free to spread."""
import textwrap

import conftest


def test_units(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.fixture(scope="module")
        def batch():
            return 1

        @pytest.fixture
        def row(batch):
            return batch

        @pytest.fixture
        def alone(tmp_path):
            return tmp_path

        def test_direct(batch): pass
        def test_through(row): pass
        def test_free(alone, tmp_path): pass
    """))
    g = lambda nodeid: conftest.group_of(nodeid, tmp_path)  # noqa: E731
    assert g("solutions/01_a/01_a.ipynb::Cell 0") == g("solutions/01_a/01_a.ipynb::Cell 7") \
        != g("solutions/02_b/02_b.ipynb::Cell 0")
    assert g("tests/test_mutants.py::test_mutant[01_a:f:wrong:x]") == \
        g("tests/test_mutants.py::test_mutant[01_a:g:right:y]") != \
        g("tests/test_mutants.py::test_mutant[02_b:f:wrong:x]")
    assert g("tests/test_x.py::test_direct") == g("tests/test_x.py::test_through[3]") == "module:tests/test_x.py"
    assert g("tests/test_x.py::test_free[1]") == "tests/test_x.py::test_free[1]"
    assert g("tests/test_x.py::test_free[2]") == "tests/test_x.py::test_free[2]"


def test_the_hostile_grading_batch_is_one_unit_and_full_marks_spread():
    g = conftest.group_of
    assert g("tests/test_grading.py::test_hostile_case_scores_exactly[honest]") == \
        g("tests/test_grading.py::test_refused_files_fail_alone_and_the_batch_completes")
    assert g("tests/test_grading.py::test_solution_full_marks_and_blank_zero[01_gradient_descent]") != \
        g("tests/test_grading.py::test_solution_full_marks_and_blank_zero[03_backprop]")
