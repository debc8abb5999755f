"""The incident register: append-only, hash-chained records of incidents and reports, and the
reporting clocks (from rule data) that run for them.

- ``model``: the entries (incident, amendment, report) and their validation;
- ``register``: reading, verifying and appending (file lock, fsync);
- ``clocks``: pure deadline computation;
- ``clockbook``: loading and linting clock files;
- ``check``: which clocks run for which incident, from the assessment of the descriptor.
"""
