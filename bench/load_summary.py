"""Print the figures of a locust run (its --csv stats) and whether the goal of issue 6 holds:
zero errors, p95 under 300 ms for every page except PDF downloads. Exit 1 when it does not."""

import csv
import sys

GOAL_P95_MS = 300


def main(stats_path, failures_path=None):
    with open(stats_path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = [r for r in rows if r["Name"] != "Aggregated"]
    print(f"{'page':<34}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)")
    for r in sorted(pages, key=lambda r: r["Name"]):
        print(
            f"{r['Type'] + ' ' + r['Name']:<34}{r['Request Count']:>9}{r['Failure Count']:>8}"
            f"{float(r['Requests/s']):>8.1f}{r['50%']:>7}{r['95%']:>7}{r['99%']:>7}"
        )
    print(
        f"\nALL: {total['Request Count']} requests, {float(total['Requests/s']):.1f} requests/s, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms, "
        f"errors {total['Failure Count']}"
    )
    non_pdf = [r for r in pages if "PDF" not in r["Name"]]
    slow = [r["Name"] for r in non_pdf if float(r["95%"]) >= GOAL_P95_MS]
    errors = int(total["Failure Count"])
    if failures_path:
        try:
            with open(failures_path, newline="") as fh:
                for r in csv.DictReader(fh):
                    print(f"  failure: {r['Method']} {r['Name']}: {r['Error']} x{r['Occurrences']}")
        except FileNotFoundError:
            pass
    ok = errors == 0 and not slow
    print(
        "GOAL "
        + ("MET" if ok else "NOT MET")
        + f": errors {errors}, pages (PDF excluded) with p95 >= {GOAL_P95_MS} ms: {', '.join(slow) or 'none'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
