"""Meta-tests: the public surface is documented, and the package stays free of Django."""

import inspect
import subprocess
import sys

import rescomm.stats as stats


def _doc(phe):
    return (phe.repo / "docs" / "stats.md").read_text(encoding="utf-8")


def test_every_public_name_is_documented_in_docs_stats_md(phe):
    text = _doc(phe)
    missing = [name for name in stats.__all__ if f"`{name}" not in text]
    assert missing == []


def test_every_public_function_has_a_numpy_docstring():
    for name in stats.__all__:
        obj = getattr(stats, name)
        if inspect.isfunction(obj):
            doc = inspect.getdoc(obj) or ""
            assert "Parameters" in doc and "Returns" in doc, name


def test_options_are_keyword_only():
    for name in ["wilson_ci", "byars_ci", "dsr", "paired_change", "suppress_small"]:
        params = inspect.signature(getattr(stats, name)).parameters.values()
        for p in params:
            if p.name in {"confidence", "threshold", "method", "reliable_change"}:
                assert p.kind is inspect.Parameter.KEYWORD_ONLY, (name, p.name)


def test_importing_stats_does_not_import_django():
    code = "import sys, rescomm.stats; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_stats_module_mentions_django_or_the_web_layer(phe):
    for path in (phe.repo / "src" / "rescomm" / "stats").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "django" not in text.lower() or path.name == "__init__.py", path
        assert "rescomm.web" not in text, path


def test_modules_stay_under_800_lines(phe):
    for path in (phe.repo / "src" / "rescomm" / "stats").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 800, path
