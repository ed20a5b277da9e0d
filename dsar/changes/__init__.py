"""The write side of the connectors: plan an erasure or a rectification, apply, verify, report.

`plan.plan_erasure` makes the plan staff approve; `sql_writer.SqlWriter` and
`file_writer.FileWriter` apply and verify it; `executors` deletes kept rows when their
retention ends; `erasures` takes a request's erasure from plan through four-eyes approval
to its record, and `letter_facts` gives the erasure letter what was recorded.
`rectifications` does the same for a rectification (docs/rectification.md): staff's mapping
(`rectification_plan`, values checked by `rectification_values`), one approval, the writes
and read-back (`rectification_apply`), what its reports say (`rectification_outcome`), and
the letter's facts (`rectification_letter`). The same plans and writers carry the register's
restriction marks and stop rules (`marks`, `plan.plan_marks`): `restrictions` (Art. 18,
lifted after the Art. 18(3) notice) and `stops` (consent withdrawn, objection), whose
letters read `letter_facts` and `stop_facts`.
"""
