"""The write side of the connectors: plan an erasure, apply it in batches, verify, report.

`plan.plan_erasure` makes the plan staff approve; `sql_writer.SqlWriter` and
`file_writer.FileWriter` apply and verify it; `executors` deletes kept rows when their
retention ends; `erasures` takes a request's erasure from plan through four-eyes approval
to its record, and `letter_facts` gives the erasure letter what was recorded. The same plans
and writers carry the register's restriction marks and stop rules (`marks`, `plan.plan_marks`):
`restrictions` (Art. 18, lifted after the Art. 18(3) notice) and `stops` (consent withdrawn,
objection), whose letters read `letter_facts` and `stop_facts`.
"""
