"""Prints one Markdown table row per evaluated run of scripts/run-experiments.sh.

Usage: summarise-evals.py [--eval NAME] [--lengths] RUNS_DIR...
  (each RUNS_DIR/<run>/NAME/report.json and metrics.jsonl; NAME defaults to eval)
  --lengths: instead, one row per run and class with the sound lengths (issue #20's target 1:
  generated median within 20 % and p90 within 30 % of the real ones; docs/metrics.md)
"""
import json
import pathlib
import sys


def direct(report: dict, real_is: float, floor: float) -> str:
    """The generator's own log-mels scored without the vocoder (reports from before it: n/a)."""
    d = report.get("direct")
    if not d:
        return "| n/a "
    return (f"| {100 * d['accuracy']:.1f} %, IS {d['inception_score'] / real_is:.2f}x, "
            f"FD {d['fd'] / floor:.1f}x ")


def row(run: pathlib.Path, eval_name: str) -> str:
    report = json.loads((run / eval_name / "report.json").read_text())
    lines = [json.loads(l) for l in (run / "metrics.jsonl").read_text().splitlines() if l]
    steps = lines[-1]["step"] if lines else 0
    is_ = report["inception_score"]
    fd = report["fd"]
    collapsed = [c["name"] for c in report["per_class"] if c["mode_collapse"]]
    # Reports from before the sound-over-silence flag have no such field.
    filled = [c["name"] for c in report["per_class"] if c.get("fills_silence")]
    flags = ', '.join(collapsed) if collapsed else 'none'
    if filled:
        flags += f"; sound over silence: {', '.join(filled)}"
    truncation = report.get("truncation", 0)  # reports from before the setting drew untruncated
    return (f"| {run.name} | {steps} | {truncation:g} | {100 * report['classifier']['accuracy']:.1f} % "
            f"| {100 * report['conditional_accuracy']:.1f} % "
            f"| {is_['generated']:.2f} / {is_['real_test']:.2f} = {is_['generated'] / is_['real_test']:.2f} "
            f"| {fd['generated_vs_test']:.2f} / {fd['train_vs_test_floor']:.2f} = {fd['ratio_to_floor']:.1f} "
            f"| {report['ndb']['ndb_over_k']:.2f} "
            f"{direct(report, is_['real_test'], fd['train_vs_test_floor'])}"
            f"| {flags} |")


def length_rows(run: pathlib.Path, eval_name: str) -> list:
    report = json.loads((run / eval_name / "report.json").read_text())
    lengths = report.get("sound_length")
    if not lengths:  # reports from before the measure
        return [f"| {run.name} | n/a | | | | |"]
    out = []
    for c in report["per_class"]:
        def seconds(key):
            value = c.get(key + "_seconds")
            return "n/a" if value is None else f"{value:.2f}"
        out.append(f"| {run.name} | {c['name']} | {lengths['max_seconds']:.2f} "
                   f"| {seconds('length_median')} / {seconds('length_median_real')} "
                   f"| {seconds('length_p90')} / {seconds('length_p90_real')} "
                   f"| {'yes' if c['length_ok'] else 'no'} |")
    return out


args = sys.argv[1:]
eval_name = "eval"
show_lengths = False
while args[:1] in (["--eval"], ["--lengths"]):
    if args[0] == "--eval":
        eval_name, args = args[1], args[2:]
    else:
        show_lengths, args = True, args[1:]
if show_lengths:
    print("| run | class | longest possible, s | median gen / real, s | p90 gen / real, s "
          "| within target |")
    print("|---|---|---|---|---|---|")
    for folder in args:
        for run in sorted(pathlib.Path(folder).iterdir()):
            if (run / eval_name / "report.json").exists():
                print("\n".join(length_rows(run, eval_name)))
    sys.exit(0)
print("| run | steps | truncation | classifier on real test | conditional accuracy | IS gen / real = ratio "
      "| FD gen / floor = ratio | NDB/K | without the vocoder: acc., IS, FD vs floor "
      "| mode collapse (and sound over silence) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for folder in args:
    for run in sorted(pathlib.Path(folder).iterdir()):
        if (run / eval_name / "report.json").exists():
            print(row(run, eval_name))
