"""Reports: the text a student reads and Gradescope's ``results.json``."""
from __future__ import annotations

import textwrap

__all__ = ["totals", "text_report", "gradescope"]


def totals(results):
    """(points, maximum) over a list of exercise results."""
    score = sum(t["score"] for r in results for t in r["tests"])
    maximum = sum(t["max_score"] for r in results for t in r["tests"])
    return round(score, 4), round(maximum, 4)


def _pts(x):
    return f"{x:g}"


def text_report(results, show_hidden=True):
    """Points and feedback per exercise and per test, then the total."""
    lines = []
    for r in results:
        score, maximum = totals([r])
        lines.append(f"Exercise {int(r['exercise'][2:])}: {r['title']} ({r['file']}) "
                     f"-- {_pts(score)}/{_pts(maximum)} points")
        if r.get("import_error"):
            lines.append("  Your file could not be imported, so no test could run:")
            lines.append(textwrap.indent(r["import_error"]["message"], "    "))
            if r["import_error"].get("traceback"):
                lines.append(textwrap.indent(r["import_error"]["traceback"], "    "))
        if r.get("error"):
            lines.append(f"  {r['error']}")
        for t in r["tests"]:
            if t["hidden"] and not show_hidden:
                continue
            mark = "ok " if t["outcome"] == "passed" else "-- "
            hidden = " (hidden test)" if t["hidden"] else ""
            lines.append(f"  {mark}[{_pts(t['score'])}/{_pts(t['max_score'])}] {t['name']}{hidden}")
            if t["outcome"] != "passed" and t["output"]:
                lines.append(textwrap.indent(t["output"].rstrip(), "        "))
        lines.append("")
    score, maximum = totals(results)
    lines.append(f"Total: {_pts(score)}/{_pts(maximum)} points")
    seeds = sorted({r["seed"] for r in results})
    if seeds:
        lines.append(f"Random inputs were drawn with seed {', '.join(map(str, seeds))} "
                     f"(rerun with --seed {seeds[0]} to see the same inputs).")
    return "\n".join(lines)


def gradescope(results):
    """Gradescope's autograder format: score, execution_time, output and one entry per test."""
    score, maximum = totals(results)
    tests = []
    for r in results:
        prefix = f"Exercise {int(r['exercise'][2:])}"
        if r.get("import_error"):
            tests.append({"name": f"{prefix}: your file imports", "score": 0.0, "max_score": 0.0,
                          "output": r["import_error"]["message"] + "\n" + (r["import_error"].get("traceback") or ""),
                          "visibility": "visible", "status": "failed"})
        if r.get("error"):
            tests.append({"name": f"{prefix}: grading", "score": 0.0, "max_score": 0.0,
                          "output": r["error"], "visibility": "visible", "status": "failed"})
        for t in r["tests"]:
            tests.append({"name": f"{prefix}: {t['name']}", "score": t["score"], "max_score": t["max_score"],
                          "output": t["output"] if t["outcome"] != "passed" else "passed",
                          "visibility": "after_due_date" if t["hidden"] else "visible",
                          "status": "passed" if t["outcome"] == "passed" else "failed"})
    seeds = sorted({r["seed"] for r in results})
    # Only keys of Gradescope's specification at the top level; the maximum goes in extra_data.
    return {"score": score,
            "execution_time": round(sum(r.get("execution_time", 0.0) for r in results), 3),
            "output": f"{score:g}/{maximum:g} points" + (f"; random seed {seeds[0]}" if seeds else ""),
            "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": {"max_score": maximum, "seeds": seeds}, "tests": tests}
