"""nbgrader configuration for this course (read by `nbgrader ...` run from this folder,
and by the course tooling `python -m nnlib.course ...`, which overrides the working paths
for each grading run)."""
import os

c = get_config()  # noqa: F821 (provided by nbgrader)
here = os.path.dirname(os.path.abspath(__file__))

# nbgrader's "source" is our solutions/, its "release" our notebooks/.
# Path pattern: solutions/<assignment>/<notebook>.ipynb, e.g.
# solutions/01_gradient_descent/01_gradient_descent.ipynb.
c.CourseDirectory.root = here
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# Grading's working folders and the gradebook live in the git-ignored .grading/.
# `python -m nnlib.course grade` keeps one folder per assignment, .grading/<assignment>/;
# NNLIB_GRADING_DIR=.grading/<assignment> points nbgrader itself (formgrader, export) there,
# which is how `make formgrader A=01` opens the gradebook that `grade` wrote.
grading = os.path.abspath(os.path.join(here, os.environ.get("NNLIB_GRADING_DIR", ".grading")))
c.CourseDirectory.submitted_directory = os.path.join(grading, "submitted")
c.CourseDirectory.autograded_directory = os.path.join(grading, "autograded")
c.CourseDirectory.feedback_directory = os.path.join(grading, "feedback")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(grading, "gradebook.db")

# No paired scripts or caches travel into the release. Text files do: nbgrader's exchange
# writes timestamp.txt and submission_secret.txt beside each submission, and collect,
# autograde and generate_feedback must carry them to the feedback (release_feedback reads
# them there). release.py refuses any file in notebooks/ that is not a notebook it wrote.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.py"]

# A friendlier stub than nbgrader's default (nbgrader#1154).
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE: replace the next line with your solution.\n"
              "raise NotImplementedError(\"not answered yet\")"
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE (double-click this cell to edit it)"

# The course's steps run inside nbgrader's own pipeline, so that `nbgrader autograde`,
# `nbgrader generate_feedback`, formgrader's buttons and `python -m nnlib.course grade`
# all apply them (nnlib/course/pipeline.py says what each one does):
# restore cell metadata from the gradebook; run in the sandbox with the tamper guard and
# limits, grading a stopped or crashed notebook up to that cell; make student HTML inert;
# record the verdict; feedback without hidden tests.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nnlib.course.pipeline.RestoreCellMetadata",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "nnlib.course.pipeline.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbgrader.preprocessors.LimitOutput",
    "nnlib.course.pipeline.InertOutputs",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nnlib.course.pipeline.RecordVerdict",
]
# nbgrader's feedback page, with a language and links that pass WCAG 2.1 AA (pipeline.py)
c.GenerateFeedback.exporter_class = "nnlib.course.pipeline.FeedbackExporter"
c.GenerateFeedback.preprocessors = [
    "nnlib.course.pipeline.RedactFeedback",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# Student code is graded in the bubblewrap sandbox (nnlib/course/sandbox.py). Only for a
# self-check on a machine without bubblewrap: c.GuardedExecute.sandbox = False.

# Per-cell timeout while autograding and validating (seconds). The slowest cell of any
# solution notebook takes under 20 s on two CPU cores.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# A test cell scores 0 on any stderr output. Drop the harmless lines that libraries may
# print (warnings are also silenced in each notebook's setup cell).
c.IgnorePattern.enabled = True
from nnlib.course import IGNORED_STDERR  # noqa: E402  (shared with `validate`)

c.IgnorePattern.pattern = IGNORED_STDERR

