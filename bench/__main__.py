"""Run every benchmark: `python -m bench` (add `--quick` to skip the browser and memory runs)."""

from __future__ import annotations

import sys

from bench import browser, load, memory, pages, recording, throughput, tuning, worker


def main() -> None:
    quick = "--quick" in sys.argv
    print("== descend_many throughput ==")
    throughput.run()
    print("\n== tuned race and basin look-ahead ==")
    tuning.run()
    print("\n== symbolic worker (cold parse before/after, cached repeat) ==")
    worker.run()
    print("\n== page interactions (server side, AppTest) ==")
    pages.run()
    print("\n== recordings for slides (the longest descent, the 2-2-1 walk-through) ==")
    recording.run()
    if quick:
        return
    print("\n== in the browser (Chromium) ==")
    browser.run()
    print("\n== memory ==")
    memory.distinct_formulas()
    memory.sessions()
    print("\n== a class on one share link (Streamlit's websocket protocol, no browser) ==")
    load.run(sessions=300)
    if load.HAPROXY is None:
        print("replicas behind HAProxy skipped: haproxy is not installed")
    else:
        load.run(sessions=300, replicas=2)


if __name__ == "__main__":
    main()
