"""The parts of ``python -m benchmarks hardening`` (benchmarks/bench_hardening.py): servers and
their memory (:mod:`.procs`), clients that misbehave (:mod:`.net`), the scenarios
(:mod:`.scenarios`) and the Markdown report (:mod:`.report`)."""
