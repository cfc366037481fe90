"""Answers computed at build time: the rows of ``materialise: true`` named queries.

:mod:`~kgcase.answers.plan` checks a query and fixes the form the build runs it in;
:mod:`~kgcase.answers.evaluate` runs it in the build's workers, a few reports at a time;
:mod:`~kgcase.answers.table` writes the rows to the release's ``answers.sqlite`` and reads pages
of them back for the query workers.
"""
